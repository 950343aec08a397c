import { composeStage, createRedisConnection, openHttpClient, openQueues, openHostSlots, openStageBase, type Config, type HttpClient, type Logger, type Stage } from "@regradar/shared";
import { redisFeedStateStore } from "./feed-state.js";
import { feedParser } from "./parse-off-thread.js";
import { createFetcherStage } from "./stage.js";

/**
 * The fetcher's composition root: Redis, the queues, the guarded HTTP client, feed state, host
 * slots and the feed parser's thread; no store. Returns the started stage; closing it closes all of
 * these, in reverse.
 */
export function startFetcher(config: Config, log: Logger, opts: { scheduleFeeds?: boolean; http?: HttpClient } = {}): Promise<Stage> {
  return composeStage(log, (resources) => {
    const { redis, queues, wiring } = openStageBase(config, "fetcher", log, resources);
    // A big feed's items go out on a connection of their own: thousands of jobs per call, which
    // every other feed's poll would otherwise queue behind.
    const bulk = resources.add("redis (article enqueue)", createRedisConnection(config.redisUrl!, "worker"), (r) => r.quit());
    const articles = resources.add("article queue", openQueues(bulk, config.queuePrefix, wiring.queueSettings), (q) => q.close()).articles;
    return createFetcherStage({
      ...wiring,
      queues: { feeds: queues.feeds, articles },
      // A benchmark brings its own client (a resolver that sends every feed host to its local farm).
      http: resources.add("http client", opts.http ?? openHttpClient(config), (h) => h.close()),
      state: redisFeedStateStore(redis, config.queuePrefix),
      slots: openHostSlots(redis, config),
      parser: resources.add("feed parser", feedParser(), (p) => p.close()),
      concurrency: config.workers.concurrency,
      feedsFile: config.feedsFile,
      policy: config.polling,
      scheduleFeeds: opts.scheduleFeeds ?? true,
    });
  });
}
