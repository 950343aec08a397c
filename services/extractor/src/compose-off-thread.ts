import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { functionThread, type ArticleCandidate } from "@regradar/shared";
import { composeDocument, prepareComposing, type Composed, type FetchedPage, type PageFailure } from "./compose-document.js";

/** Where composeDocument runs. */
export interface DocumentComposer {
  /** Builds what composing needs (the mention lexicon, ~0.5 s) ahead of the first article. */
  prepare(): Promise<void>;
  compose(c: ArticleCandidate, page: FetchedPage | PageFailure, fetchedAt: string): Promise<Composed>;
  close(): Promise<void>;
}

/** On the caller's thread. */
export const composeHere: DocumentComposer = {
  prepare: async () => prepareComposing(),
  compose: async (c, page, fetchedAt) => composeDocument(c, page, fetchedAt),
  close: async () => {},
};

// Parsing a page, matching the lexicon and hashing take half the extractor's CPU; on its own thread
// that half runs beside the other half (jobs, fetches, Redis), so one extractor process uses two
// cores, and in `regradar run` the extraction no longer shares the one event loop with every stage.
const THREAD_HEAP_MB = 1024;

/** In one worker thread, articles one after another. */
export function composeOffThread(): DocumentComposer {
  const thread = functionThread<[ArticleCandidate, FetchedPage | PageFailure, string], Composed>({
    moduleUrl: pathToFileURL(createRequire(import.meta.url).resolve("@regradar/extractor/compose")).href,
    exportName: "composeDocument", warmUpExport: "prepareComposing", heapMb: THREAD_HEAP_MB, name: "extraction",
  });
  return { prepare: () => thread.ready(), compose: (c, page, fetchedAt) => thread.call(c, page, fetchedAt), close: () => thread.close() };
}
