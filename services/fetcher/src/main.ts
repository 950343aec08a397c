import { composeStage, openHttpClient, openStageBase, type Config, type HttpClient, type Logger, type Stage } from "@regradar/shared";
import { redisFeedStateStore } from "./feed-state.js";
import { redisHostSlots } from "./host-slots.js";
import { createFetcherStage } from "./stage.js";

/**
 * The fetcher's composition root: Redis, the queues, the guarded HTTP client, feed state and host
 * slots; no store. Returns the started stage; closing it closes all of these, in reverse.
 */
export function startFetcher(config: Config, log: Logger, opts: { scheduleFeeds?: boolean; http?: HttpClient } = {}): Promise<Stage> {
  return composeStage(log, (resources) => {
    const { redis, queues, wiring } = openStageBase(config, "fetcher", log, resources);
    return createFetcherStage({
      ...wiring, queues,
      // A benchmark brings its own client (a resolver that sends every feed host to its local farm).
      http: resources.add("http client", opts.http ?? openHttpClient(config), (h) => h.close()),
      state: redisFeedStateStore(redis, config.queuePrefix),
      slots: redisHostSlots(redis, config.queuePrefix, config.http.hostDelayMs),
      concurrency: config.workers.concurrency,
      feedsFile: config.feedsFile,
      policy: config.polling,
      scheduleFeeds: opts.scheduleFeeds ?? true,
    });
  });
}
