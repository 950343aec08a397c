import {
  articleJobId, delayJob, HostBusyError, politeGet, startStageWorker, workerStage,
  type ArticleDocument, type HostSlots, type HttpClient, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import { extractCandidate } from "./extract-candidate.js";

export interface ExtractorPorts extends StageWiring {
  queues: { index: QueueHandle<"index"> };
  http: HttpClient;
  /** The fetchers' per-host slots: article pages are fetched one at a time per host too. */
  slots: HostSlots;
  concurrency: number;
}

/** What runs after extraction: indexing, keyed by the article id. */
export const enqueueIndexing = (index: QueueHandle<"index">, doc: ArticleDocument) =>
  index.enqueue({ name: "index", data: doc, jobId: articleJobId(doc.id) });

/** The extractor stage: article pages (queue `articles`) to documents with mentions (queue `index`). */
export function createExtractorStage(p: ExtractorPorts): Stage {
  return workerStage("extractor", () => [startStageWorker({
    ...p, queue: "articles",
    async handle(candidate, ctx) {
      // The article waits its turn at its host like a feed poll does: the longest-waiting article goes first.
      const http = politeGet(p.http, p.slots, { id: candidate.articleId, since: Date.parse(candidate.discoveredAt) });
      let doc: ArticleDocument;
      try {
        doc = await extractCandidate(candidate, { http, now: () => new Date() }, ctx.finalAttempt);
      } catch (err) {
        if (err instanceof HostBusyError) return delayJob(err.retryInMs, "host_busy");
        throw err;
      }
      await enqueueIndexing(p.queues.index, doc);
      return { textSource: doc.textSource, relevant: doc.relevant, pageError: doc.pageError };
    },
  })]);
}
