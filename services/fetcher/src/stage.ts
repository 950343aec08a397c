import { watch } from "node:fs/promises";
import path from "node:path";
import {
  articleJobId, delayJob, metrics, startStageWorker, workerStage,
  type ArticleCandidate, type HttpClient, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import { registryReader, type FeedSpec } from "./feed-registry.js";
import type { FeedStateStore, NextPoll } from "./feed-state.js";
import type { HostSlots } from "@regradar/shared";
import type { FeedParser } from "./parse-off-thread.js";
import { runPollJob, type PollJobPorts } from "./poll-job.js";
import type { PollPolicy } from "./poll-policy.js";
import { pollJob, specHashOf, syncSchedules } from "./schedules.js";

export interface FetcherPorts extends StageWiring {
  queues: { feeds: QueueHandle<"feeds">; articles: QueueHandle<"articles"> };
  http: HttpClient;
  state: FeedStateStore;
  slots: HostSlots;
  parser: FeedParser;
  concurrency: number;
  feedsFile: string;
  policy: PollPolicy;
  /** Keep one pending poll per registered feed, following edits of the registry file (off for the demo, which polls by hand). */
  scheduleFeeds: boolean;
}

// Besides following the registry file, schedules are re-synced this often: a poll job lost from
// the queue (drained, failed) is re-created within this plus LOST_AFTER_MS.
const RESYNC_MS = 5 * 60_000;

/** What runs after a poll: one extraction job per new item, keyed by the article id, in one round trip per slice. */
export const enqueueArticles = (articles: QueueHandle<"articles">, candidates: ArticleCandidate[]) =>
  articles.enqueueMany(candidates.map((c) => ({ name: "extract", data: c, jobId: articleJobId(c.articleId) })));

// Every poll asks for its feed; the file is looked at no more often than this.
const REGISTRY_CHECK_MS = 1_000;

/**
 * The registry (re-read when the file changes, keeping the last good one on a bad edit), looked up by
 * id; every poll asks for its feed, so the file is looked at no more often than REGISTRY_CHECK_MS.
 */
function registryLookup(read: () => Promise<FeedSpec[]>) {
  let cached: { feeds: FeedSpec[]; byId: Map<string, FeedSpec>; checkedAt: number } | null = null;
  return async (fresh = false) => {
    if (!fresh && cached && Date.now() - cached.checkedAt < REGISTRY_CHECK_MS) return cached;
    const feeds = await read();
    const byId = cached?.feeds === feeds ? cached.byId : new Map(feeds.map((f) => [f.id, f]));
    cached = { feeds, byId, checkedAt: Date.now() };
    return cached;
  };
}

/** The fetcher stage: polls feeds (queue `feeds`) and enqueues their new items (queue `articles`). */
export function createFetcherStage(p: FetcherPorts): Stage {
  const registry = registryLookup(registryReader(p.feedsFile, (err) => p.log.error({ err: err.message, feedsFile: p.feedsFile }, "feed registry edit is invalid; keeping the last good registry")));
  const stopWatching = new AbortController();
  const { fetches } = metrics();
  let resync: NodeJS.Timeout | undefined;

  // The registry as this process last synced it (feed id -> spec hash). An edit of the file syncs
  // only the feeds it added or changed: syncing all of them cost a claim and a no-op job add per
  // feed, 10,000 of each for one line added to a 10,000-feed registry, in every fetcher process.
  // The start and the periodic resync still go over every feed: that is what recovers lost polls.
  let lastSynced = new Map<string, string>();
  const syncFromRegistry = async (scope: "all" | "changed") => {
    const feeds = (await registry(true)).feeds;
    const specs = new Map(feeds.map((f) => [f.id, specHashOf(f)]));
    const due = scope === "all" ? feeds : feeds.filter((f) => lastSynced.get(f.id) !== specs.get(f.id));
    const r = await syncSchedules(p.queues.feeds, p.state, due);
    lastSynced = specs;
    p.log.info({ ...r, registered: feeds.length, feedsFile: p.feedsFile }, "feed schedules synced");
  };
  const syncOrLog = (scope: "all" | "changed") =>
    syncFromRegistry(scope).catch((err: unknown) => p.log.error({ err, feedsFile: p.feedsFile }, "feed schedules not synced"));

  const watchRegistry = async () => {
    try {
      // The directory, not the file: editors and `feeds add` replace the file (write + rename).
      for await (const change of watch(path.dirname(path.resolve(p.feedsFile)), { signal: stopWatching.signal })) {
        if (change.filename !== path.basename(p.feedsFile)) continue;
        await syncOrLog("changed");
      }
    } catch (err) {
      if ((err as Error).name !== "AbortError") p.log.error({ err, feedsFile: p.feedsFile }, "stopped watching the feed registry");
    }
  };

  const ports: PollJobPorts = {
    http: p.http, state: p.state, seen: p.state, slots: p.slots, parse: p.parser.parse, now: () => new Date(),
    feed: async (id: string) => (await registry()).byId.get(id),
    enqueueArticles: (candidates: ArticleCandidate[]) => enqueueArticles(p.queues.articles, candidates),
    ...(p.scheduleFeeds ? { schedule: async (feedId: string, next: NextPoll) => p.queues.feeds.enqueue(pollJob(feedId, next, Date.now())) } : {}),
  };

  return workerStage("fetcher", async () => {
    // Schedules first: a registry that cannot be read stops the start, before any worker runs.
    if (p.scheduleFeeds) {
      await syncFromRegistry("all");
      void watchRegistry();
      resync = setInterval(() => void syncOrLog("all"), RESYNC_MS).unref();
    }
    return [startStageWorker({
      ...p, queue: "feeds",
      async handle({ feedId, dueAt }, ctx) {
        const result = await runPollJob({ jobId: ctx.jobId, feedId, dueAt }, ports, p.policy);
        // A busy host or feed: come back when it frees, without using an attempt.
        if (result.status === "retry") return delayJob(result.retryInMs, result.reason);
        fetches.inc({ outcome: result.status === "failed" ? result.reason.split(":")[0]! : result.status });
        if (result.status === "failed") ctx.log.warn({ feedId, reason: result.reason }, "feed poll failed");
        if (result.status === "parsed" && result.skipped.length) ctx.log.warn({ feedId, skipped: result.skipped }, "feed items skipped");
        return result;
      },
    })];
  }, async () => {
    stopWatching.abort();
    clearInterval(resync);
  });
}
