import { sha256Hex, type JobRequest, type QueueHandle } from "@regradar/shared";
import type { FeedSpec } from "./feed-registry.js";
import type { FeedStateStore, NextPoll } from "./feed-state.js";

/*
 * Each feed has exactly one pending poll: a delayed job whose id is derived from the feed and its
 * due time, recorded in the feed's state. A poll schedules the next one when it ends, so a feed is
 * never polled twice at once by its schedule and an interval change takes effect at the next poll,
 * never at once. Re-enqueueing the recorded job is a no-op (same id), which makes syncing idempotent.
 */

// Feeds used to poll through BullMQ job schedulers named so; every interval change fired them at once.
const LEGACY_SCHEDULER_PREFIX = "feed-";
// A pending poll this overdue, with no poll of the feed in flight, is taken as lost (a drained queue,
// a job that failed) and replaced by one due now.
export const LOST_AFTER_MS = 10 * 60_000;
// Sync talks to Redis this many feeds at a time.
const SYNC_SLICE = 500;

export const pollJobId = (feedId: string, dueAt: number) => `poll-${feedId}-${dueAt}`;

/** What in a registry entry decides polling: editing it polls the feed once, at once. */
export const specHashOf = (f: FeedSpec) => sha256Hex(`${f.url}\n${f.interval}`).slice(0, 16);

export const pollJob = (feedId: string, next: NextPoll, now: number): JobRequest<"feeds"> =>
  ({ name: "poll", data: { feedId, dueAt: next.dueAt }, jobId: next.jobId, delayMs: Math.max(0, next.dueAt - now) });

/**
 * Makes every registered feed have its pending poll: a new or edited feed one due now, the others
 * the one they have (re-created if its job was lost). Removed feeds' pending polls find the feed
 * gone and end there. Safe to run from any number of processes at once.
 */
export async function syncSchedules(feeds: QueueHandle<"feeds">, state: FeedStateStore, registry: FeedSpec[], now = Date.now()): Promise<{ feeds: number; legacyRemoved: number }> {
  for (let start = 0; start < registry.length; start += SYNC_SLICE) {
    const slice = registry.slice(start, start + SYNC_SLICE);
    const pending = await Promise.all(slice.map((f) =>
      state.claimSchedule(f.id, specHashOf(f), { jobId: pollJobId(f.id, now), dueAt: now }, now, LOST_AFTER_MS)));
    await feeds.enqueueMany(slice.map((f, i) => pollJob(f.id, pending[i]!, now)));
  }
  let legacyRemoved = 0;
  for (const id of await feeds.scheduleIds()) {
    if (id.startsWith(LEGACY_SCHEDULER_PREFIX) && await feeds.unschedule(id)) legacyRemoved++;
  }
  return { feeds: registry.length, legacyRemoved };
}
