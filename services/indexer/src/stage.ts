import { metrics, PermanentError, startStageWorker, workerStage, type QueueHandle, type Stage, type StageWiring } from "@regradar/shared";
import type { ArticleStore } from "@regradar/store";
import { indexArticles, type IndexOutcome } from "./index-articles.js";
import { MicroBatcher } from "./micro-batcher.js";
import { watchStoreWrites } from "./store-writes.js";

export interface IndexerPorts extends StageWiring {
  queues: { alerts: QueueHandle<"alerts"> };
  store: ArticleStore;
  batchSize: number;
  /** A bulk write running longer than this is logged (once, and once when writes are quick again); so are failing writes. */
  slowWriteMs?: number;
}

/**
 * Bulk writes in flight at once: while one batch fills, earlier ones are written. Elasticsearch on
 * 2 cores indexed 0.71x as fast as a plain bulk stream with 2 in flight, 0.80x with 4 (0.90x since each
 * document is serialised once; scripts/bench-index.mjs). SQLite writes synchronously in this process, one batch at a time, so
 * more than one batch filling while one is written only holds more jobs (and their locks) for nothing.
 */
export const batchesInFlight = (store: Pick<ArticleStore, "kind">) => (store.kind === "elasticsearch" ? 4 : 2);

/** Hands the article to subscription matching; the job id makes a re-enqueue a no-op. */
export const enqueueAlertMatching = (alerts: QueueHandle<"alerts">, articleId: string) =>
  alerts.enqueue({ name: "match", data: { articleId }, jobId: `alert-${articleId}` });

/** The indexer stage: documents (queue `index`) in batched upserts to the store, then alert matching (queue `alerts`). */
export function createIndexerStage(p: IndexerPorts): Stage {
  const { documentsIndexed } = metrics();
  const writes = watchStoreWrites(p.log, p.slowWriteMs);
  return workerStage("indexer", () => {
    const batcher = new MicroBatcher<Parameters<typeof indexArticles>[0][number], IndexOutcome>(
      (docs) => writes.run(() => indexArticles(docs, p.store)), p.batchSize, 50);
    return [startStageWorker({
      ...p, queue: "index", concurrency: batchesInFlight(p.store) * p.batchSize, alreadyReported: writes.reported,
      async handle(doc) {
        const outcome = await batcher.add(doc);
        if (outcome.status === "rejected") throw new PermanentError(`store rejected article ${doc.id}: ${outcome.reason}`, "rejected_by_store");
        // "unchanged" too: a crash after the write but before this enqueue must not lose the alert;
        // the alerter records each (subscription, article) pair once, so a repeat costs nothing.
        documentsIndexed.inc({ status: outcome.status });
        await enqueueAlertMatching(p.queues.alerts, doc.id);
        return outcome.status;
      },
    })];
  });
}
