import type { Logger } from "@regradar/shared";

/** Resolves on the first SIGTERM or SIGINT: long-running commands then close what they started. */
export function untilSignal(log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => { log.info({ signal }, "draining"); resolve(); };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
