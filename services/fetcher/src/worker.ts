import { stat } from "node:fs/promises";
import { DelayedError } from "bullmq";
import { articleJobId, enqueue, startStageWorker, type StageWiring, type ArticleCandidate, type HttpClient, type QueueSet } from "@regradar/shared";
import { loadFeeds, type FeedSpec } from "./feed-registry.js";
import type { FeedStateStore } from "./feed-state.js";
import type { HostSlots } from "./host-slots.js";
import { pollFeed, type PollPolicy } from "./poll-feed.js";
import { scheduleFeed } from "./schedules.js";

export interface FetcherWiring extends StageWiring {
  http: HttpClient;
  state: FeedStateStore;
  slots: HostSlots;
  concurrency: number;
  feedsFile: string;
  policy: PollPolicy;
}

/** What runs after a poll: one extraction job per new item, keyed by the article id. */
export const enqueueArticle = (queues: QueueSet, candidate: ArticleCandidate) =>
  enqueue(queues, "articles", "extract", candidate, { jobId: articleJobId(candidate.articleId) });

/** The registry, re-read when the file changes, so `feeds add` needs no restart. */
function registryReader(file: string) {
  let cached: { mtimeMs: number; feeds: FeedSpec[] } | null = null;
  return async (): Promise<FeedSpec[]> => {
    const mtimeMs = await stat(file).then((s) => s.mtimeMs, () => -1);
    if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, feeds: await loadFeeds(file) };
    return cached.feeds;
  };
}

export function startFetcherWorker(w: FetcherWiring) {
  const registry = registryReader(w.feedsFile);
  return startStageWorker({
    queue: "feeds", connection: w.connection, redis: w.redis, prefix: w.prefix, lockMs: w.lockMs, concurrency: w.concurrency, log: w.log,
    async handle({ feedId }, ctx) {
      const feed = (await registry()).find((f) => f.id === feedId);
      if (!feed) return { status: "feed_not_in_registry" };
      const before = (await w.state.get(feed.id)).intervalSeconds;
      const outcome = await pollFeed(feed, {
        http: w.http, state: w.state, slots: w.slots, now: () => new Date(),
        enqueueArticle: (c) => enqueueArticle(w.queues, c),
      }, w.policy);
      if (outcome.status === "host_busy") {
        // Another poll holds this host: come back when its slot frees, without using an attempt.
        await ctx.job.moveToDelayed(Date.now() + outcome.retryInMs, ctx.token);
        throw new DelayedError();
      }
      if ("intervalSeconds" in outcome && outcome.intervalSeconds !== before && ctx.job.repeatJobKey) {
        await scheduleFeed(w.queues.get("feeds"), feed.id, outcome.intervalSeconds);
      }
      if (outcome.status === "failed") ctx.log.warn({ feedId, reason: outcome.reason }, "feed poll failed");
      if (outcome.status === "parsed" && outcome.skipped.length) ctx.log.warn({ feedId, skipped: outcome.skipped }, "feed items skipped");
      return outcome;
    },
  });
}
