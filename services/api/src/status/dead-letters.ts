import { InvalidJobError, QUEUE_KEYS, queueCatalog, restoreDeadLetters, takeDeadLetters, type DeadLetter, type QueueKey, type Queues } from "@regradar/shared";
import type { RedisClient } from "@regradar/shared";

export interface ReplaySelector { queue?: string; id?: string; all?: boolean }

export interface ReplayOutcome { replayed: Array<{ queue: string; jobId: string; how: "retried" | "re-enqueued" }>; refused: Array<{ queue: string; jobId: string; reason: string }> }

const keyOf = (queueName: string): QueueKey | undefined => QUEUE_KEYS.find((k) => queueCatalog[k].name === queueName);

/**
 * Replays dead letters (by queue, by job id, or all): the failed job is retried in place with its
 * attempts reset when BullMQ still keeps it, else enqueued again under the same job id. A letter
 * whose payload no longer validates is refused and kept, since replaying it would only fail again.
 */
export async function replayDeadLetters(redis: RedisClient, queues: Queues, prefix: string, select: ReplaySelector): Promise<ReplayOutcome> {
  if (!select.all && !select.queue && !select.id) throw new Error("replay what? give a queue, a job id, or all");
  const outcome: ReplayOutcome = { replayed: [], refused: [] };
  const matches = (d: DeadLetter) => select.all || ((!select.queue || d.queue === select.queue) && (!select.id || d.jobId === select.id));
  const taken = await takeDeadLetters(redis, prefix, matches);
  const keep: DeadLetter[] = [];
  for (const letter of taken.reverse()) {
    const key = keyOf(letter.queue);
    if (!key) { outcome.refused.push({ queue: letter.queue, jobId: letter.jobId, reason: "unknown queue" }); keep.push(letter); continue; }
    const handle = queues[key];
    try {
      if (await handle.retryFailed(letter.jobId)) {
        outcome.replayed.push({ queue: letter.queue, jobId: letter.jobId, how: "retried" });
      } else {
        await (handle.enqueue as (job: { name: string; data: unknown; jobId: string }) => Promise<void>)({ name: letter.jobName, data: letter.data, jobId: letter.jobId });
        outcome.replayed.push({ queue: letter.queue, jobId: letter.jobId, how: "re-enqueued" });
      }
    } catch (err) {
      outcome.refused.push({ queue: letter.queue, jobId: letter.jobId, reason: err instanceof InvalidJobError ? err.message : `replay failed: ${(err as Error).message}` });
      keep.push(letter);
    }
  }
  // Refused letters go back, so an operator still sees them.
  await restoreDeadLetters(redis, prefix, keep);
  return outcome;
}
