import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
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

// The worker loads the compiled parser (worker threads cannot load TypeScript), by the package's own export.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const parser = import(workerData.parserUrl);
parentPort.on("message", async ({ id, body, opts }) => {
  const { parseFeedWithDiagnostics } = await parser;
  try {
    parentPort.postMessage({ id, parsed: parseFeedWithDiagnostics(body, opts) });
  } catch (err) {
    parentPort.postMessage({ id, error: { name: err && err.name, reason: err && err.reason, message: String(err && err.message || err) } });
  }
});`;

interface Pending { resolve(parsed: Parsed): void; reject(err: Error): void }

/** Parses feeds, big ones off the event loop: one worker thread, one big parse at a time (memory stays bounded). */
export function feedParser(): FeedParser {
  let worker: Worker | null = null;
  const pending = new Map<number, Pending>();
  let nextId = 0;

  const failAll = (w: Worker, err: Error) => {
    if (worker !== w) return;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    worker = null;
  };

  const start = () => {
    const parserUrl = pathToFileURL(createRequire(import.meta.url).resolve("@regradar/fetcher/feed")).href;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { parserUrl }, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    w.on("message", (m: { id: number; parsed?: Parsed; error?: { name: string; reason: FeedParseFailure; message: string } }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.parsed) p.resolve(m.parsed);
      else p.reject(m.error?.name === "FeedParseError" ? new FeedParseError(m.error.reason, m.error.message) : new Error(m.error?.message ?? "feed parse failed"));
    });
    w.on("error", (err) => failAll(w, err));
    w.on("exit", (code) => failAll(w, new Error(`feed parser thread exited (${code})`)));
    w.unref();
    return w;
  };

  return {
    async parse(body, opts) {
      if (body.byteLength < OFF_THREAD_FROM_BYTES) return parseFeedWithDiagnostics(body, opts);
      worker ??= start();
      const id = nextId++;
      const result = new Promise<Parsed>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ id, body, opts });
      return result;
    },
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
