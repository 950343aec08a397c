import type { Logger } from "@regradar/shared";

/** A write that takes longer than this is worth an operator's attention (a frozen or overloaded cluster). */
export const SLOW_WRITE_MS = 10_000;

/**
 * Wraps store writes so that a stall is visible: one warning when a write has been running for
 * `slowMs` (while it is still stuck, not after it finally returns), and one line when a write is
 * quick again. Nothing in between, however many writes stall.
 */
export function watchSlowWrites(log: Logger, slowMs = SLOW_WRITE_MS): <T>(write: () => Promise<T>) => Promise<T> {
  let slowSince: number | null = null;
  return async (write) => {
    const started = Date.now();
    const timer = setTimeout(() => {
      if (slowSince !== null) return;
      slowSince = started;
      log.warn({ slowMs }, "store writes are slow: a bulk write has been running for longer than slowMs");
    }, slowMs);
    try {
      const result = await write();
      if (slowSince !== null && Date.now() - started < slowMs) {
        log.info({ slowForMs: Date.now() - slowSince }, "store writes are quick again");
        slowSince = null;
      }
      return result;
    } finally {
      clearTimeout(timer);
    }
  };
}
