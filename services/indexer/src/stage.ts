import {
  alertsJobId, documentsOf, indexJobId, metrics, MicroBatcher, PermanentError, recordDeadLetter, startStageWorker, workerStage,
  type ArticleDocument, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import type { ArticleStore } from "@regradar/store";
import { indexArticles, type IndexOutcome } from "./index-articles.js";
import { watchStoreWrites } from "./store-writes.js";

export interface IndexerPorts extends StageWiring {
  queues: { alerts: QueueHandle<"alerts"> };
  store: ArticleStore;
  batchSize: number;
  /** A bulk write running longer than this is logged (once, and once when writes are quick again); so are failing writes. */
  slowWriteMs?: number;
}

/** What an index job did with its documents: its return value. */
export type IndexJobOutcome = Record<IndexOutcome["status"], number>;

/**
 * Bulk writes in flight at once: while one batch fills, earlier ones are written. Elasticsearch on
 * 2 cores indexed 0.71x as fast as a plain bulk stream with 2 in flight, 0.80x with 4 (0.90x since each
 * document is serialised once; scripts/bench-index.mjs). SQLite writes synchronously in this process, one batch at a time, so
 * more than one batch filling while one is written only holds more jobs (and their locks) for nothing.
 */
export const batchesInFlight = (store: Pick<ArticleStore, "kind">) => (store.kind === "elasticsearch" ? 4 : 2);

/** Hands articles to subscription matching, one job for them all; the job id makes a re-enqueue a no-op. */
export const enqueueAlertMatching = (alerts: QueueHandle<"alerts">, articleIds: string[]) =>
  alerts.enqueue({ name: "match", data: { articleIds }, jobId: alertsJobId(articleIds) });

/**
 * The indexer stage: documents (queue `index`, a batch per job) in batched upserts to the store,
 * then alert matching (queue `alerts`, a job per index job).
 */
export function createIndexerStage(p: IndexerPorts): Stage {
  const { documentsIndexed } = metrics();
  const writes = watchStoreWrites(p.log, p.slowWriteMs);
  return workerStage("indexer", () => {
    const batcher = new MicroBatcher<ArticleDocument, IndexOutcome>(
      (docs) => writes.run(() => indexArticles(docs, p.store)), p.batchSize, 50);
    return [startStageWorker({
      ...p, queue: "index", concurrency: batchesInFlight(p.store) * p.batchSize, alreadyReported: writes.reported,
      async handle(job, ctx) {
        const documents = documentsOf(job);
        const outcomes = await Promise.all(documents.map((doc) => batcher.add(doc)));
        const done: IndexJobOutcome = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
        for (const outcome of outcomes) {
          done[outcome.status]++;
          documentsIndexed.inc({ status: outcome.status });
        }
        const rejected = outcomes.flatMap((o, i) => (o.status === "rejected" ? [{ doc: documents[i]!, reason: o.reason }] : []));
        const refusal = (r: (typeof rejected)[number]) => `store rejected article ${r.doc.id}: ${r.reason}`;
        if (documents.length === 1 && rejected.length === 1) throw new PermanentError(refusal(rejected[0]!), "rejected_by_store");
        // "unchanged" too: a crash after the write but before this enqueue must not lose the alert;
        // the alerter records each (subscription, article) pair once, so a repeat costs nothing.
        const written = documents.filter((_, i) => outcomes[i]!.status !== "rejected").map((d) => d.id);
        if (written.length > 0) await enqueueAlertMatching(p.queues.alerts, written);
        // A batch's rejected document is dead-lettered alone, as the job it would be by itself, so the
        // rest of the batch is not retried for it and `dlq replay` puts back exactly that document.
        // Last, so that a retry of this job (the enqueue above failed) does not record it twice.
        for (const r of rejected) {
          ctx.log.error({ articleId: r.doc.id, reason: r.reason }, "store rejected a document of the batch");
          await recordDeadLetter(p.redis, p.prefix, {
            queue: "index", jobId: indexJobId([r.doc]), jobName: "index", reason: `rejected_by_store: ${refusal(r)}`,
            attempts: 1, failedAt: new Date().toISOString(), data: { documents: [r.doc] },
          });
        }
        return done;
      },
    })];
  });
}
