import {
  articleJobId, startStageWorker, workerStage,
  type ArticleDocument, type HttpClient, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import { extractCandidate } from "./extract-candidate.js";

export interface ExtractorPorts extends StageWiring {
  queues: { index: QueueHandle<"index"> };
  http: HttpClient;
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
      const doc = await extractCandidate(candidate, { http: p.http, now: () => new Date() }, ctx.finalAttempt);
      await enqueueIndexing(p.queues.index, doc);
      return { textSource: doc.textSource, relevant: doc.relevant, pageError: doc.pageError };
    },
  })]);
}
