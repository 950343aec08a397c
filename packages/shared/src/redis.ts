import { Redis } from "ioredis";

export type RedisRole = "producer" | "worker";

/**
 * Workers wait for Redis to come back (maxRetriesPerRequest: null, as BullMQ requires);
 * producers such as the CLI fail fast instead of hanging when Redis is down.
 */
export function createRedisConnection(url: string, role: RedisRole): Redis {
  return new Redis(url, role === "worker"
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: true, retryStrategy: (n) => (n > 3 ? null : 200 * n) });
}
