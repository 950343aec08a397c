import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { functionThread, type ThreadError } from "@regradar/shared";
import {
  FeedParseError, parseFeedWithDiagnostics, type FeedCaps, type FeedParseFailure, type ParsedFeedWithDiagnostics, type ParseFeedOptions,
} from "./feed/parse-feed.js";

type ParseOptions = ParseFeedOptions & { caps?: FeedCaps };
type Parsed = ParsedFeedWithDiagnostics;

export interface FeedParser {
  /** parseFeedWithDiagnostics, off the event loop for big bodies. */
  parse(body: Uint8Array, opts: ParseOptions): Promise<Parsed>;
  close(): Promise<void>;
}

// Bodies this big parse in a worker thread: a 50,000-item document takes seconds of CPU, and on the
// event loop it would hold back every other feed's poll for that long. Smaller ones parse in place
// (handing them over costs more than parsing them).
const OFF_THREAD_FROM_BYTES = 256 * 1024;
// A parse that needs more than this is a bomb; the worker dies and the poll fails, the process lives.
const WORKER_HEAP_MB = 1024;

/** Parses feeds, big ones off the event loop: one worker thread, one big parse at a time (memory stays bounded). */
export function feedParser(): FeedParser {
  const thread = functionThread<[Uint8Array, ParseOptions], Parsed>({
    // The compiled parser, by the package's own export.
    moduleUrl: pathToFileURL(createRequire(import.meta.url).resolve("@regradar/fetcher/feed")).href,
    exportName: "parseFeedWithDiagnostics", heapMb: WORKER_HEAP_MB, name: "feed parser",
  });
  return {
    async parse(body, opts) {
      if (body.byteLength < OFF_THREAD_FROM_BYTES) return parseFeedWithDiagnostics(body, opts);
      try {
        return await thread.call(body, opts);
      } catch (err) {
        const e = err as ThreadError;
        throw e.name === "FeedParseError" ? new FeedParseError(e["reason"] as FeedParseFailure, e.message) : err;
      }
    },
    close: () => thread.close(),
  };
}
