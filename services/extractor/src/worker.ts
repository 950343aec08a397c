import { articleJobId, enqueue, startStageWorker, type StageWiring, type ArticleDocument, type HttpClient, type QueueSet } from "@regradar/shared";
import { extractCandidate } from "./extract-candidate.js";

export interface ExtractorWiring extends StageWiring {
  http: HttpClient;
  concurrency: number;
}

/** What runs after extraction: indexing, keyed by the article id. */
export const enqueueIndexing = (queues: QueueSet, doc: ArticleDocument) =>
  enqueue(queues, "index", "index", doc, { jobId: articleJobId(doc.id) });

export function startExtractorWorker(w: ExtractorWiring) {
  return startStageWorker({
    queue: "articles", connection: w.connection, redis: w.redis, prefix: w.prefix, lockMs: w.lockMs, concurrency: w.concurrency, log: w.log,
    async handle(candidate, ctx) {
      const doc = await extractCandidate(candidate, { http: w.http, now: () => new Date() }, ctx.finalAttempt);
      await enqueueIndexing(w.queues, doc);
      return { textSource: doc.textSource, relevant: doc.relevant, pageError: doc.pageError };
    },
  });
}
