import { enqueue, PermanentError, startStageWorker, type StageWiring, type QueueSet } from "@regradar/shared";
import type { ArticleStore } from "./article-store.js";
import { indexArticles, type IndexOutcome } from "./index-articles.js";
import { MicroBatcher } from "./micro-batcher.js";

export interface IndexerWiring extends StageWiring {
  store: ArticleStore;
  batchSize: number;
}

/** Hands the article to subscription matching; the job id makes a re-enqueue a no-op. */
export const enqueueAlertMatching = (queues: QueueSet, articleId: string) =>
  enqueue(queues, "alerts", "match", { articleId }, { jobId: `alert-${articleId}` });

export function startIndexerWorker(w: IndexerWiring) {
  // Twice batchSize jobs are active at once: one batch is written while the next one fills.
  const batcher = new MicroBatcher<Parameters<typeof indexArticles>[0][number], IndexOutcome>(
    (docs) => indexArticles(docs, w.store), w.batchSize, 50);
  return startStageWorker({
    queue: "index", connection: w.connection, redis: w.redis, prefix: w.prefix, lockMs: w.lockMs, concurrency: 2 * w.batchSize, log: w.log,
    async handle(doc) {
      const outcome = await batcher.add(doc);
      if (outcome.status === "rejected") throw new PermanentError(`store rejected article ${doc.id}: ${outcome.reason}`, "rejected_by_store");
      // "unchanged" too: a crash after the write but before this enqueue must not lose the alert;
      // the alerter records each (subscription, article) pair once, so a repeat costs nothing.
      await enqueueAlertMatching(w.queues, doc.id);
      return outcome.status;
    },
  });
}
