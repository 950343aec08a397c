import { createLogger, createRedisConnection, openQueues, type Config, type Queues } from "@regradar/shared";
import type { RedisClient } from "@regradar/shared";
import { ensureRedis } from "./redis-server.js";

export interface RedisContext { config: Config; redis: RedisClient; queues: Queues }

/**
 * Runs a command against Redis as a producer (fails fast when Redis is down): REDIS_URL, or the
 * embedded default's private redis-server, which lives as long as the command. `config.redisUrl`
 * in the context points at whichever was used, for stages started inside.
 */
export async function withRedis<T>(config: Config, fn: (ctx: RedisContext) => Promise<T>): Promise<T> {
  const endpoint = await ensureRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, log: createLogger(config.logLevel) });
  const redis = createRedisConnection(endpoint.url, "producer");
  const queues = openQueues(redis, config.queuePrefix, { deliveryBackoffMs: config.alerts.backoffMs });
  try {
    return await fn({ config: { ...config, redisUrl: endpoint.url }, redis, queues });
  } finally {
    await queues.close();
    redis.disconnect();
    await endpoint.stop();
  }
}
