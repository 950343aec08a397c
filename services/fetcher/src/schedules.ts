import type { Queue } from "bullmq";
import type { FeedSpec } from "./feed-registry.js";

const schedulerId = (feedId: string) => `feed-${feedId}`;

/**
 * A stable per-feed offset of up to ±10% of the interval, so feeds added together do not all
 * poll in the same second, and re-syncing a schedule does not move it.
 */
export function jitteredEveryMs(feedId: string, intervalSeconds: number): number {
  let h = 0;
  for (const ch of feedId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const jitter = ((h % 2001) / 1000 - 1) * 0.1;
  return Math.round(intervalSeconds * 1000 * (1 + jitter));
}

export async function scheduleFeed(feeds: Queue, feedId: string, intervalSeconds: number): Promise<void> {
  await feeds.upsertJobScheduler(schedulerId(feedId), { every: jitteredEveryMs(feedId, intervalSeconds) }, {
    name: "poll",
    data: { feedId },
  });
}

/** Makes the queue's schedules match the registry: one per feed, none for removed feeds. */
export async function syncSchedules(feeds: Queue, registry: FeedSpec[], intervalOf: (f: FeedSpec) => Promise<number>): Promise<{ scheduled: number; removed: number }> {
  const wanted = new Set(registry.map((f) => schedulerId(f.id)));
  for (const f of registry) await scheduleFeed(feeds, f.id, await intervalOf(f));
  let removed = 0;
  for (const s of await feeds.getJobSchedulers(0, -1)) {
    if (s.key && s.key.startsWith("feed-") && !wanted.has(s.key)) {
      await feeds.removeJobScheduler(s.key);
      removed++;
    }
  }
  return { scheduled: registry.length, removed };
}
