import type { RedisClient } from "./redis.js";
import type { Config } from "./config.js";
import { createHttpClient, redisHostSlots, waitingHostSlots, type HostSlots, type HttpClient } from "./http/index.js";
import type { Logger } from "./logger.js";
import { openQueues, type Queues } from "./queues.js";
import { createRedisConnection } from "./redis.js";
import type { Resources, StageName } from "./stage.js";
import type { StageWiring } from "./worker.js";

/** The guarded HTTP client every fetching stage uses, from the one parsed config. */
export function openHttpClient(config: Config): HttpClient {
  return createHttpClient({
    allowHosts: config.allowHosts,
    userAgent: config.http.userAgent,
    maxBodyBytes: config.http.maxBodyBytes,
    totalTimeoutMs: config.http.timeoutMs,
  });
}

/** The per-host slots every fetching stage shares across processes, waited for briefly in-process. */
export function openHostSlots(redis: RedisClient, config: Config): HostSlots {
  return waitingHostSlots(redisHostSlots(redis, config.queuePrefix, config.http.hostDelayMs), config.http.hostWaitMs);
}

export interface StageBase {
  redis: RedisClient;
  queues: Queues;
  wiring: StageWiring;
}

/**
 * What every stage's composition root opens first: its Redis connection (worker role: waits for
 * Redis to come back), the queue catalog's handles, and the wiring its workers share.
 */
export function openStageBase(config: Config, stage: StageName, log: Logger, resources: Resources): StageBase {
  if (!config.redisUrl) throw new Error(`${stage}: REDIS_URL is not set`);
  const redis = resources.add("redis", createRedisConnection(config.redisUrl, "worker", log),
    // QUIT would wait for a Redis that is down; a closed connection is all shutdown needs then.
    (r) => (r.status === "ready" ? r.quit() : r.disconnect()));
  const queueSettings = { deliveryBackoffMs: config.alerts.backoffMs };
  const queues = resources.add("queues", openQueues(redis, config.queuePrefix, queueSettings), (q) => q.close());
  return {
    redis, queues,
    wiring: { connection: redis, redis, prefix: config.queuePrefix, lockMs: config.workers.lockMs, log: log.child({ stage }), queueSettings },
  };
}
