import { Cluster, Redis, type RedisOptions } from "ioredis";
import { redactUrl } from "./config.js";
import type { Logger } from "./logger.js";

export type RedisRole = "producer" | "worker";

/** A standalone Redis or a Redis Cluster: every command RegRadar sends works on both. */
export type RedisClient = Redis | Cluster;

const CLUSTER_SCHEME = "redis+cluster:";

/** `redis+cluster://host:port,host:port` names a Redis Cluster by some of its nodes. */
export function isClusterUrl(url: string): boolean {
  return url.startsWith(`${CLUSTER_SCHEME}//`);
}

/** The seed nodes of a cluster URL; throws with the part that is wrong. */
export function clusterNodes(url: string): Array<{ host: string; port: number }> {
  const list = url.slice(CLUSTER_SCHEME.length + 2).replace(/\/.*$/, "");
  return list.split(",").map((hostPort) => {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(hostPort.trim());
    if (!m || Number(m[2]) > 65535) throw new Error(`not host:port: ${JSON.stringify(hostPort)}`);
    return { host: m[1]!, port: Number(m[2]) };
  });
}

/**
 * Redis Cluster runs BullMQ's multi-key scripts only when all keys of a queue hash to one slot: a
 * `{tag}` in the prefix does that. All of RegRadar's own keys share the prefix, so they land in the
 * same slot too, and its single-key Lua scripts and MULTI blocks stay valid on a cluster.
 */
export function clusterSafePrefix(prefix: string, redisUrl: string | undefined): string {
  return redisUrl && isClusterUrl(redisUrl) && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
}

/** Redis could not be reached: the message names Redis and the URL (password hidden), in one line. */
export class RedisUnavailableError extends Error {
  constructor(readonly url: string, cause: string) {
    super(`cannot reach Redis at ${redactUrl(url)}: ${cause}`);
    this.name = "RedisUnavailableError";
  }
}

// A producer gives up after ~3 s in all: a CLI command must answer within a few seconds.
const PRODUCER_CONNECT_TIMEOUT_MS = 2_000;
const PRODUCER_RETRIES = 2;
// A worker waits for Redis for as long as it takes, backing off to one attempt every 30 s.
const WORKER_MAX_BACKOFF_MS = 30_000;

const reasonOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/**
 * Workers wait for Redis to come back (maxRetriesPerRequest: null, as BullMQ requires), retrying
 * with exponential backoff; producers such as the CLI fail fast instead of hanging when Redis is down.
 * With `log`, a worker connection logs one line when Redis goes away and one when it is back, never
 * one per reconnection attempt; without it, errors are still listened to, so ioredis prints no
 * "Unhandled error event" stacks.
 */
export function createRedisConnection(url: string, role: RedisRole, log?: Logger): RedisClient {
  const retryStrategy = role === "worker"
    ? (n: number) => Math.min(250 * 2 ** (n - 1), WORKER_MAX_BACKOFF_MS)
    : (n: number) => (n > PRODUCER_RETRIES ? null : 200 * n);
  const options: RedisOptions = role === "worker"
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: PRODUCER_CONNECT_TIMEOUT_MS };
  const redis: RedisClient = isClusterUrl(url)
    ? new Cluster(clusterNodes(url), { redisOptions: options, clusterRetryStrategy: retryStrategy })
    : new Redis(url, { ...options, retryStrategy });
  redis.on("error", (err: unknown) => {
    if (!log || downSince.has(url)) return;
    downSince.set(url, Date.now());
    log.warn({ redis: redactUrl(url), reason: reasonOf(err) }, "Redis unreachable; retrying with backoff");
  });
  redis.on("ready", () => {
    const since = downSince.get(url);
    if (!log || since === undefined) return;
    downSince.delete(url);
    log.info({ redis: redactUrl(url), downMs: Date.now() - since }, "Redis reachable again");
  });
  return redis;
}

// Per process, not per connection: `regradar run` holds one connection per stage (and BullMQ more),
// and an outage is one event to the operator.
const downSince = new Map<string, number>();

/** A producer connection that is ready, or RedisUnavailableError within a few seconds. */
export async function connectProducer(url: string): Promise<RedisClient> {
  const redis = createRedisConnection(url, "producer");
  let lastError = "connection closed";
  redis.on("error", (err: unknown) => { lastError = reasonOf(err); });
  try {
    await new Promise<void>((resolve, reject) => {
      redis.once("ready", resolve);
      // "end": ioredis gave up reconnecting (the producer's retryStrategy returned null).
      redis.once("end", () => reject(new RedisUnavailableError(url, lastError)));
    });
    return redis;
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}

/** Errors a BullMQ worker reports while its connection is down: the connection's own watcher logs those. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  return ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH"].includes(code)
    || /Connection is closed|connect ETIMEDOUT|Stream isn't writeable/i.test((err as Error).message ?? "");
}
