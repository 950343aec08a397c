import {
  delayJob, HostBusyError, indexJobId, MicroBatcher, politeGet, startStageWorker, workerStage,
  type ArticleDocument, type HostSlots, type HttpClient, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import { composeHere, type DocumentComposer } from "./compose-off-thread.js";
import { extractCandidate } from "./extract-candidate.js";

export interface ExtractorPorts extends StageWiring {
  queues: { index: QueueHandle<"index"> };
  http: HttpClient;
  /** The fetchers' per-host slots: article pages are fetched one at a time per host too. */
  slots: HostSlots;
  concurrency: number;
  /** Where pages become documents (the composition root passes a worker thread); default: here. */
  composer?: DocumentComposer;
}

// How long a finished document waits for others to share its index job. Its article job (and worker
// slot) is held meanwhile: the article is done only once its document is queued.
const INDEX_BATCH_WAIT_MS = 20;

/**
 * What runs after extraction: indexing, one job for the documents finished together (at most one
 * per worker slot, so a full batch never waits for the timer), named by its documents' extractions.
 */
export const indexingBatches = (index: QueueHandle<"index">, maxDocuments: number) =>
  new MicroBatcher<ArticleDocument, void>(async (documents) => {
    await index.enqueue({ name: "index", data: { documents }, jobId: indexJobId(documents) });
    return documents.map(() => undefined);
  }, maxDocuments, INDEX_BATCH_WAIT_MS);

/** The extractor stage: article pages (queue `articles`) to documents with mentions (queue `index`). */
export function createExtractorStage(p: ExtractorPorts): Stage {
  return workerStage("extractor", async () => {
    const composer = p.composer ?? composeHere;
    // Built before the first job instead of during it.
    await composer.prepare();
    const indexing = indexingBatches(p.queues.index, p.concurrency);
    return [startStageWorker({
      ...p, queue: "articles",
      async handle(candidate, ctx) {
        // The article waits its turn at its host like a feed poll does: the longest-waiting article goes first.
        const http = politeGet(p.http, p.slots, { id: candidate.articleId, since: Date.parse(candidate.discoveredAt) });
        let doc: ArticleDocument;
        try {
          doc = await extractCandidate(candidate, { http, now: () => new Date(), compose: composer.compose }, ctx.finalAttempt);
        } catch (err) {
          if (err instanceof HostBusyError) return delayJob(err.retryInMs, "host_busy");
          throw err;
        }
        await indexing.add(doc);
        return { textSource: doc.textSource, relevant: doc.relevant, pageError: doc.pageError };
      },
    })];
  });
}
