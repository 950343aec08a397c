import type { FeedSpec } from "./feed-registry.js";
import type { FeedStateStore, NextPoll } from "./feed-state.js";
import { pollFeed, type PollOutcome, type PollPorts } from "./poll-feed.js";
import type { PollPolicy } from "./poll-policy.js";
import { pollJobId } from "./schedules.js";

export interface PollJobPorts extends PollPorts {
  state: FeedStateStore;
  feed(feedId: string): Promise<FeedSpec | undefined>;
  /** Enqueues a feed's next scheduled poll; absent where polls are only made by hand (the demo, tests). */
  schedule?: (feedId: string, next: NextPoll) => Promise<void>;
}

/** A poll job: `dueAt` when the schedule made it, none when asked for by hand. */
export interface PollJob { jobId: string; feedId: string; dueAt?: number | undefined }

export type PollJobResult =
  | (PollOutcome & { nextPollAt?: string })
  | { status: "feed_not_in_registry" | "superseded" | "in_flight" }
  /** Come back later without counting an attempt: the host or the feed is busy. */
  | { status: "retry"; reason: "host_busy" | "feed_in_flight"; retryInMs: number };

// Longer than any poll may take (HTTP timeout, parse, enqueue), so a crashed holder frees the feed;
// a crashed job that BullMQ re-runs holds the same job id and takes its lease straight back.
const LEASE_MS = 5 * 60_000;
// A scheduled poll finding the feed busy looks again this often (the poll in flight usually reschedules it away).
const BUSY_RETRY_MS = 5_000;

/**
 * One poll job from start to end: at most one poll of a feed in flight (a lease in the feed's
 * state), only the feed's pending scheduled poll runs (any other is stale), and a poll that ran
 * schedules exactly one next poll, from its own result: no burst, no run-away interval.
 */
export async function runPollJob(job: PollJob, ports: PollJobPorts, policy: PollPolicy): Promise<PollJobResult> {
  const feed = await ports.feed(job.feedId);
  if (!feed) {
    await ports.state.dropSchedule(job.feedId, job.jobId);
    return { status: "feed_not_in_registry" };
  }
  const scheduled = job.dueAt !== undefined;
  const begun = await ports.state.beginPoll(feed.id, { jobId: job.jobId, scheduled }, ports.now(), LEASE_MS);
  if (begun.status === "stale") return { status: "superseded" };
  if (begun.status === "busy") {
    // By hand while a poll runs: that poll answers the request.
    return scheduled ? { status: "retry", reason: "feed_in_flight", retryInMs: Math.min(begun.retryInMs, BUSY_RETRY_MS) } : { status: "in_flight" };
  }

  let result;
  try {
    // On a busy host the earliest due poll goes first; one asked for by hand queues from now.
    result = await pollFeed(feed, begun.state, ports, policy, { id: job.jobId, since: job.dueAt ?? ports.now().getTime() });
  } catch (err) {
    await ports.state.abandonPoll(feed.id, job.jobId);
    throw err;
  }
  if (result.status === "host_busy") {
    await ports.state.abandonPoll(feed.id, job.jobId);
    return { status: "retry", reason: "host_busy", retryInMs: result.retryInMs };
  }

  let next: { poll: NextPoll; replaces: string | null } | undefined;
  if (ports.schedule) {
    // Never the id of the job running now (a deferral to its own due time), which would be a no-op.
    const dueAt = Math.max(result.nextDueAt, (job.dueAt ?? 0) + 1);
    next = { poll: { jobId: pollJobId(feed.id, dueAt), dueAt }, replaces: begun.state.nextPoll?.jobId ?? null };
    // Enqueued before it is recorded: a crash in between leaves a stale job behind, never a feed without one.
    await ports.schedule(feed.id, next.poll);
  }
  await ports.state.finishPoll(feed.id, job.jobId, result.patch, next);
  return { ...result.outcome, ...(next ? { nextPollAt: new Date(next.poll.dueAt).toISOString() } : {}) };
}
