import { composeStage, openHttpClient, openHostSlots, openStageBase, type Config, type Logger, type Stage } from "@regradar/shared";
import { createExtractorStage } from "./stage.js";

/** The extractor's composition root: Redis, the queues and the guarded HTTP client; no store. */
export function startExtractor(config: Config, log: Logger): Promise<Stage> {
  return composeStage(log, (resources) => {
    const { redis, queues, wiring } = openStageBase(config, "extractor", log, resources);
    return createExtractorStage({
      ...wiring, queues,
      http: resources.add("http client", openHttpClient(config), (h) => h.close()),
      slots: openHostSlots(redis, config),
      concurrency: config.workers.concurrency,
    });
  });
}
