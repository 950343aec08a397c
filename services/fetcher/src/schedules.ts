import type { QueueHandle } from "@regradar/shared";
import type { FeedSpec } from "./feed-registry.js";

const SCHEDULER_PREFIX = "feed-";
const schedulerId = (feedId: string) => `${SCHEDULER_PREFIX}${feedId}`;

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

export async function scheduleFeed(feeds: QueueHandle<"feeds">, feedId: string, intervalSeconds: number): Promise<void> {
  await feeds.schedule(schedulerId(feedId), jitteredEveryMs(feedId, intervalSeconds), { name: "poll", data: { feedId } });
}

/** Makes the queue's schedules match the registry: one per feed, none for removed feeds. */
export async function syncSchedules(feeds: QueueHandle<"feeds">, registry: FeedSpec[], intervalOf: (f: FeedSpec) => Promise<number>): Promise<{ scheduled: number; removed: number }> {
  const wanted = new Set(registry.map((f) => schedulerId(f.id)));
  for (const f of registry) await scheduleFeed(feeds, f.id, await intervalOf(f));
  let removed = 0;
  for (const id of await feeds.scheduleIds()) {
    if (id.startsWith(SCHEDULER_PREFIX) && !wanted.has(id)) {
      await feeds.unschedule(id);
      removed++;
    }
  }
  return { scheduled: registry.length, removed };
}
