import { composeStage, openHttpClient, openHostSlots, openStageBase, type Config, type Logger, type Stage } from "@regradar/shared";
import { composeOffThread } from "./compose-off-thread.js";
import { createExtractorStage } from "./stage.js";

/** The extractor's composition root: Redis, the queues, the guarded HTTP client and the extraction thread; no store. */
export function startExtractor(config: Config, log: Logger): Promise<Stage> {
  return composeStage(log, (resources) => {
    const { redis, queues, wiring } = openStageBase(config, "extractor", log, resources);
    return createExtractorStage({
      ...wiring, queues,
      http: resources.add("http client", openHttpClient(config), (h) => h.close()),
      slots: openHostSlots(redis, config),
      concurrency: config.workers.concurrency,
      composer: resources.add("extraction thread", composeOffThread(), (c) => c.close()),
    });
  });
}
