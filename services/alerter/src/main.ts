import { composeStage, openHttpClient, openStageBase, type Config, type Logger, type Stage } from "@regradar/shared";
import { openStores } from "@regradar/store";
import { openChannels } from "./channels/index.js";
import { redisChannelThrottle } from "./rate-limit.js";
import { createAlerterStage } from "./stage.js";
import { linkSecretOf } from "./unsubscribe-link.js";

/** The alerter's composition root: Redis, the queues, both stores, the HTTP client and the channels. */
export function startAlerter(config: Config, log: Logger): Promise<Stage> {
  return composeStage(log, async (resources) => {
    const { redis, queues, wiring } = openStageBase(config, "alerter", log, resources);
    const stores = resources.add("store", await openStores(config), (s) => s.close());
    const http = resources.add("http client", openHttpClient(config), (h) => h.close());
    const channels = resources.add("channels", openChannels(config, http, await linkSecretOf(redis, config.queuePrefix, config.alerts.linkSecret)), (c) => c.close());
    return createAlerterStage({
      ...wiring, queues,
      articles: stores.articles,
      subscriptions: stores.subscriptions,
      send: channels.send,
      throttle: redisChannelThrottle(redis, config.queuePrefix, config.alerts.ratePerSecond),
      concurrency: config.workers.concurrency,
      digestSweepMs: config.alerts.digestSweepMs,
    });
  });
}
