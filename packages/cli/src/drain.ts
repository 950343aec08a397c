import type { QueueKey, Queues } from "@regradar/shared";

/** Resolves once the queues have no waiting, delayed, prioritised or active jobs. */
export async function waitForDrain(queues: Queues, keys: QueueKey[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietRounds = 0;
  for (;;) {
    let busy = 0;
    for (const key of keys) {
      const c = await queues[key].counts("waiting", "active", "delayed", "prioritized", "waiting-children");
      busy += Object.values(c).reduce((a, b) => a + b, 0);
    }
    // Two quiet looks in a row: a job moving between stages is briefly in neither queue.
    quietRounds = busy === 0 ? quietRounds + 1 : 0;
    if (quietRounds >= 2) return;
    if (Date.now() > deadline) throw new Error(`pipeline did not drain within ${timeoutMs / 1000} s (${busy} jobs pending)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
