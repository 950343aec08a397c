import { createLogger, createRedisConnection, openQueues, type Config, type Queues, type StageName } from "@regradar/shared";
import { openStores, type ArticleStore, type SubscriptionStore } from "@regradar/store";
import type { RedisClient } from "@regradar/shared";
import { startStages, type RunningStages, type StageOptions } from "./stages.js";

/**
 * A whole pipeline driven from one process, as the benchmarks and integration tests drive it: the
 * producer's view (Redis, queues, stores) plus stages started through their own composition roots.
 */
export interface Pipeline {
  config: Config;
  redis: RedisClient;
  queues: Queues;
  store: ArticleStore;
  subscriptions: SubscriptionStore;
  start(names: readonly StageName[], opts?: StageOptions): Promise<RunningStages>;
  close(): Promise<void>;
}

export async function openPipeline(config: Config): Promise<Pipeline> {
  if (!config.redisUrl) throw new Error("openPipeline: REDIS_URL is not set");
  const redis = createRedisConnection(config.redisUrl, "producer");
  const queues = openQueues(redis, config.queuePrefix, { deliveryBackoffMs: config.alerts.backoffMs });
  const stores = await openStores(config).catch(async (err: unknown) => {
    await queues.close();
    redis.disconnect();
    throw err;
  });
  const log = createLogger(config.logLevel);
  return {
    config, redis, queues, store: stores.articles, subscriptions: stores.subscriptions,
    // Polls are enqueued by hand here; schedules would add polls of their own.
    start: (names, opts) => startStages(config, log, names, { scheduleFeeds: false, ...opts }),
    async close() {
      await stores.close();
      await queues.close();
      redis.disconnect();
    },
  };
}
