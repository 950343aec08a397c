import { Worker } from "node:worker_threads";

/** One exported function of a compiled module, called in a worker thread. */
export interface FunctionThread<A extends unknown[], R> {
  /** Starts the thread if need be; resolves once its module is loaded and warmed up. */
  ready(): Promise<void>;
  call(...args: A): Promise<R>;
  close(): Promise<void>;
}

export interface FunctionThreadOptions {
  /** The compiled module's URL (worker threads cannot load TypeScript), and the export to call. */
  moduleUrl: string;
  exportName: string;
  /** An export called once when the thread starts, to build what the first call would otherwise wait for. */
  warmUpExport?: string;
  /** The thread's heap: a call that needs more kills the thread and fails; the process lives. */
  heapMb: number;
  /** For messages: what the thread does. */
  name: string;
}

/** What a thrown error keeps across the thread boundary: its name, message and own fields (such as a reason). */
export type ThreadError = Error & Record<string, unknown>;

// Hand-written because worker_threads offers messages, not calls; the pools on npm (piscina and others)
// bring queues, timeouts and sizing this needs none of: one thread, calls answered in order.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const loaded = import(workerData.moduleUrl).then((m) => { if (workerData.warmUpExport) m[workerData.warmUpExport](); return m; });
parentPort.on("message", async ({ id, args }) => {
  const fn = (await loaded)[workerData.exportName];
  if (!args) return parentPort.postMessage({ id, result: null });
  try {
    parentPort.postMessage({ id, result: fn(...args) });
  } catch (err) {
    const fields = err && typeof err === "object" ? { ...err } : {};
    parentPort.postMessage({ id, error: { ...fields, name: err && err.name, message: String(err && err.message || err) } });
  }
});`;

interface Pending { resolve(result: unknown): void; reject(err: Error): void }

/**
 * Calls `exportName` of the module in one worker thread, started on first use (or by `ready()`) and
 * again after a crash: calls in flight when the thread dies fail, later ones get a new thread.
 */
export function functionThread<A extends unknown[], R>(opts: FunctionThreadOptions): FunctionThread<A, R> {
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
    const { moduleUrl, exportName, warmUpExport } = opts;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { moduleUrl, exportName, warmUpExport }, resourceLimits: { maxOldGenerationSizeMb: opts.heapMb } });
    w.on("message", (m: { id: number; result?: unknown; error?: { name: string; message: string } }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(Object.assign(new Error(m.error.message), m.error));
      else p.resolve(m.result);
    });
    w.on("error", (err) => failAll(w, err));
    w.on("exit", (code) => failAll(w, new Error(`${opts.name} thread exited (${code})`)));
    // An idle thread does not keep the process alive.
    w.unref();
    return w;
  };

  // A message without arguments is answered once the module is loaded and warmed up.
  const send = <T>(args: A | null): Promise<T> => {
    worker ??= start();
    const id = nextId++;
    const result = new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (r: unknown) => void, reject }));
    worker.postMessage({ id, args });
    return result;
  };

  return {
    ready: () => send<void>(null),
    call: (...args) => send<R>(args),
    async close() {
      const w = worker;
      if (!w) return;
      failAll(w, new Error(`${opts.name} thread closed`));
      await w.terminate();
    },
  };
}
