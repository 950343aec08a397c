import type { Worker } from "bullmq";
import type { Logger } from "./logger.js";
import { queueCatalog, type QueueKey } from "./queues.js";

export const STAGE_NAMES = ["fetcher", "extractor", "indexer", "alerter"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** A completed job as listeners see it: which work it was and when a worker took it. */
export interface CompletedJob { id: string; data: unknown; processedOn: number | undefined }
export type CompletedListener = (queue: QueueKey, outcome: unknown, job: CompletedJob) => void;

/** A pipeline stage as its factory returns it: built, not yet consuming. */
export interface Stage {
  readonly name: StageName;
  /** Starts the stage's workers (and whatever it schedules). */
  start(): Promise<void>;
  /** Stops taking jobs, lets active ones finish, then releases the stage's own resources. */
  close(): Promise<void>;
  /** Told each job a worker of the stage completes (the demo counts outcomes this way). */
  onCompleted(listener: CompletedListener): void;
}

const queueKeyOf = (worker: Worker): QueueKey =>
  (Object.keys(queueCatalog) as QueueKey[]).find((k) => queueCatalog[k].name === worker.name)!;

/**
 * A stage made of BullMQ workers: `startWorkers` starts them (upstream first); closing stops them in
 * that order, each letting its active jobs finish, then runs `afterClose`.
 */
export function workerStage(name: StageName, startWorkers: () => Promise<Worker[]> | Worker[], afterClose?: () => Promise<void>): Stage {
  let workers: Worker[] = [];
  const listeners: CompletedListener[] = [];
  return {
    name,
    async start() {
      workers = await startWorkers();
      for (const w of workers) {
        const queue = queueKeyOf(w);
        w.on("completed", (job, outcome) => {
          for (const l of listeners) l(queue, outcome, { id: job.id ?? "", data: job.data, processedOn: job.processedOn });
        });
      }
    },
    async close() {
      for (const w of workers) {
        // Redis down: a graceful close would wait for it forever, and nothing an active job finishes
        // could be recorded anyway; its lock lapses and a worker redoes it once Redis is back.
        const connected = (w.opts.connection as { status?: string }).status === "ready";
        await w.close(!connected);
      }
      await afterClose?.();
    },
    onCompleted: (l) => { listeners.push(l); },
  };
}

/**
 * What a composition root opened, closed in reverse order on the way out; a failure to close one
 * thing is logged and the rest still close.
 */
export class Resources {
  private readonly closers: Array<{ what: string; close: () => Promise<unknown> }> = [];

  add<T>(what: string, resource: T, close: (r: T) => Promise<unknown> | unknown): T {
    this.closers.push({ what, close: async () => close(resource) });
    return resource;
  }

  async close(log?: Logger): Promise<void> {
    for (const { what, close } of this.closers.splice(0).reverse()) {
      await close().catch((err: unknown) => log?.warn({ err, what }, "error while closing"));
    }
  }
}

/**
 * Runs a composition root: `build` opens what the stage needs (registering each in `resources`) and
 * returns the stage, which is started and closed first on the way out. A failure at any step closes
 * what was opened so far and rethrows.
 */
export async function composeStage(log: Logger, build: (resources: Resources) => Stage | Promise<Stage>): Promise<Stage> {
  const resources = new Resources();
  try {
    const stage = await build(resources);
    resources.add(stage.name, stage, (s) => s.close());
    await stage.start();
    return { ...stage, close: () => resources.close(log) };
  } catch (err) {
    await resources.close(log);
    throw err;
  }
}
