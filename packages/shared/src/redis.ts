import { Cluster, Redis } from "ioredis";

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

/**
 * Workers wait for Redis to come back (maxRetriesPerRequest: null, as BullMQ requires);
 * producers such as the CLI fail fast instead of hanging when Redis is down.
 */
export function createRedisConnection(url: string, role: RedisRole): RedisClient {
  const options = role === "worker"
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: true, retryStrategy: (n: number) => (n > 3 ? null : 200 * n) };
  if (!isClusterUrl(url)) return new Redis(url, options);
  return new Cluster(clusterNodes(url), {
    redisOptions: { maxRetriesPerRequest: options.maxRetriesPerRequest },
    ...(role === "producer" ? { clusterRetryStrategy: options.retryStrategy } : {}),
  });
}
