import { connectProducer, openQueues, type Config, type Queues, type RedisClient } from "@regradar/shared";
import { cliLogger } from "./cli-logger.js";
import { ensureRedis } from "./redis-server.js";

export interface RedisContext { config: Config; redis: RedisClient; queues: Queues }

/**
 * Runs a one-shot command against Redis as a producer: REDIS_URL, or the embedded default's private
 * redis-server, which lives as long as the command. An unreachable Redis fails the command within
 * a few seconds, with one line naming Redis and the URL. `config.redisUrl` in the context points at
 * whichever was used, for stages started inside.
 */
export async function withRedis<T>(config: Config, fn: (ctx: RedisContext) => Promise<T>): Promise<T> {
  const endpoint = await ensureRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, log: cliLogger(config, { quiet: true }) });
  try {
    const redis = await connectProducer(endpoint.url);
    const queues = openQueues(redis, config.queuePrefix, { deliveryBackoffMs: config.alerts.backoffMs });
    try {
      return await fn({ config: { ...config, redisUrl: endpoint.url }, redis, queues });
    } finally {
      await queues.close();
      redis.disconnect();
    }
  } finally {
    await endpoint.stop();
  }
}
