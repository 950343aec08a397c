import { composeStage, openStageBase, type Config, type Logger, type Stage } from "@regradar/shared";
import { openStores } from "@regradar/store";
import { createIndexerStage } from "./stage.js";

/** The indexer's composition root: Redis, the queues and the article store. */
export function startIndexer(config: Config, log: Logger): Promise<Stage> {
  return composeStage(log, async (resources) => {
    const { queues, wiring } = openStageBase(config, "indexer", log, resources);
    const stores = resources.add("store", await openStores(config, { articles: true }), (s) => s.close());
    return createIndexerStage({ ...wiring, queues, store: stores.articles, batchSize: config.workers.indexBatch });
  });
}
