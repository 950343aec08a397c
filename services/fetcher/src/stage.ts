import { watch } from "node:fs/promises";
import path from "node:path";
import {
  articleJobId, delayJob, metrics, startStageWorker, workerStage,
  type ArticleCandidate, type HttpClient, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import { registryReader } from "./feed-registry.js";
import type { FeedStateStore } from "./feed-state.js";
import type { HostSlots } from "./host-slots.js";
import { pollFeed, type PollPolicy } from "./poll-feed.js";
import { scheduleFeed, syncSchedules } from "./schedules.js";

export interface FetcherPorts extends StageWiring {
  queues: { feeds: QueueHandle<"feeds">; articles: QueueHandle<"articles"> };
  http: HttpClient;
  state: FeedStateStore;
  slots: HostSlots;
  concurrency: number;
  feedsFile: string;
  policy: PollPolicy;
  /** Keep one job scheduler per registered feed, following edits of the registry file (off for the demo, which polls by hand). */
  scheduleFeeds: boolean;
}

/** What runs after a poll: one extraction job per new item, keyed by the article id. */
export const enqueueArticle = (articles: QueueHandle<"articles">, candidate: ArticleCandidate) =>
  articles.enqueue({ name: "extract", data: candidate, jobId: articleJobId(candidate.articleId) });

/** The fetcher stage: polls feeds (queue `feeds`) and enqueues their new items (queue `articles`). */
export function createFetcherStage(p: FetcherPorts): Stage {
  const registry = registryReader(p.feedsFile, (err) => p.log.error({ err: err.message, feedsFile: p.feedsFile }, "feed registry edit is invalid; keeping the last good registry"));
  const stopWatching = new AbortController();
  const { fetches } = metrics();

  const syncFromRegistry = async () => {
    const feeds = await registry();
    const r = await syncSchedules(p.queues.feeds, feeds, async (f) => (await p.state.get(f.id)).intervalSeconds ?? f.interval);
    p.log.info({ ...r, feedsFile: p.feedsFile }, "feed schedules synced");
  };

  const watchRegistry = async () => {
    try {
      // The directory, not the file: editors and `feeds add` replace the file (write + rename).
      for await (const change of watch(path.dirname(path.resolve(p.feedsFile)), { signal: stopWatching.signal })) {
        if (change.filename !== path.basename(p.feedsFile)) continue;
        await syncFromRegistry().catch((err: unknown) => p.log.error({ err, feedsFile: p.feedsFile }, "feed schedules not synced"));
      }
    } catch (err) {
      if ((err as Error).name !== "AbortError") p.log.error({ err, feedsFile: p.feedsFile }, "stopped watching the feed registry");
    }
  };

  return workerStage("fetcher", async () => {
    // Schedules first: a registry that cannot be read stops the start, before any worker runs.
    if (p.scheduleFeeds) {
      await syncFromRegistry();
      void watchRegistry();
    }
    return [startStageWorker({
      ...p, queue: "feeds",
      async handle({ feedId }, ctx) {
        const feed = (await registry()).find((f) => f.id === feedId);
        if (!feed) return { status: "feed_not_in_registry" };
        const before = (await p.state.get(feed.id)).intervalSeconds;
        const outcome = await pollFeed(feed, {
          http: p.http, state: p.state, slots: p.slots, now: () => new Date(),
          enqueueArticle: (c) => enqueueArticle(p.queues.articles, c),
        }, p.policy);
        // Another poll holds this host: come back when its slot frees, without using an attempt.
        if (outcome.status === "host_busy") return delayJob(outcome.retryInMs, "host_busy");
        fetches.inc({ outcome: outcome.status === "failed" ? outcome.reason.split(":")[0]! : outcome.status });
        if ("intervalSeconds" in outcome && outcome.intervalSeconds !== before && ctx.scheduled) {
          await scheduleFeed(p.queues.feeds, feed.id, outcome.intervalSeconds);
        }
        if (outcome.status === "failed") ctx.log.warn({ feedId, reason: outcome.reason }, "feed poll failed");
        if (outcome.status === "parsed" && outcome.skipped.length) ctx.log.warn({ feedId, skipped: outcome.skipped }, "feed items skipped");
        return outcome;
      },
    })];
  }, async () => { stopWatching.abort(); });
}
