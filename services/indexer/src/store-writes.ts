import type { Logger } from "@regradar/shared";

/** A write that takes longer than this is worth an operator's attention (a frozen or overloaded cluster). */
export const SLOW_WRITE_MS = 10_000;

export interface StoreWriteWatch {
  /** Runs one store write, watched. */
  run<T>(write: () => Promise<T>): Promise<T>;
  /** The error is a failed write already logged as part of an outage: its jobs' retries are not news. */
  reported(err: unknown): boolean;
}

/**
 * Makes a stalled or failing store visible once per episode, however many batches it touches: one warning
 * when a write has been running for `slowMs` (while it is still stuck, not after it returns) and one line
 * when a write is quick again; one warning when writes start failing (the jobs retry with the queue's
 * backoff) and one line when a write started after that succeeds. A write already in flight when the
 * failures began says nothing about the store now, so it does not end the episode.
 */
export function watchStoreWrites(log: Logger, slowMs = SLOW_WRITE_MS): StoreWriteWatch {
  let slowSince: number | null = null;
  let failingSince: number | null = null;
  // Writes are numbered as they start: a write "started after the failures began" by number, since
  // two writes can start in the same millisecond.
  let writesStarted = 0;
  let failingAfter = 0;
  const failures = new WeakSet<object>();
  return {
    async run(write) {
      const seq = ++writesStarted;
      const startedAt = Date.now();
      const timer = setTimeout(() => {
        if (slowSince !== null) return;
        slowSince = startedAt;
        log.warn({ slowMs }, "store writes are slow: a bulk write has been running for longer than slowMs");
      }, slowMs);
      try {
        const result = await write();
        if (slowSince !== null && Date.now() - startedAt < slowMs) {
          log.info({ slowForMs: Date.now() - slowSince }, "store writes are quick again");
          slowSince = null;
        }
        if (failingSince !== null && seq > failingAfter) {
          log.info({ failingForMs: Date.now() - failingSince }, "store writes succeed again");
          failingSince = null;
        }
        return result;
      } catch (err) {
        if (failingSince === null) {
          failingSince = Date.now();
          failingAfter = writesStarted;
          log.warn({ err }, "store writes are failing: their jobs retry with backoff until a write succeeds");
        }
        if (typeof err === "object" && err !== null) failures.add(err);
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
    reported: (err) => typeof err === "object" && err !== null && failures.has(err),
  };
}
