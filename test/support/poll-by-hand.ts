import type { ArticleCandidate, HttpClient, RedisClient } from "@regradar/shared";
import { parseFeedWithDiagnostics } from "../../services/fetcher/src/feed/parse-feed.js";
import type { FeedSpec } from "../../services/fetcher/src/feed-registry.js";
import { redisFeedStateStore } from "../../services/fetcher/src/feed-state.js";
import { redisHostSlots } from "@regradar/shared";
import { runPollJob, type PollJobPorts } from "../../services/fetcher/src/poll-job.js";

/**
 * Polls feeds by hand, as `feeds poll` and the demo do (no schedule), through the real poll job on
 * real Redis; what each poll would enqueue is collected instead.
 */
export function pollerByHand(redis: RedisClient, prefix: string, http: HttpClient, parse: PollJobPorts["parse"] = parseFeedWithDiagnostics) {
  const enqueued: ArticleCandidate[] = [];
  const state = redisFeedStateStore(redis, prefix);
  const feeds = new Map<string, FeedSpec>();
  const ports: PollJobPorts = {
    http, state, seen: state, slots: redisHostSlots(redis, prefix, 0), parse, now: () => new Date(),
    feed: async (id) => feeds.get(id),
    enqueueArticles: async (cs) => { enqueued.push(...cs); },
  };
  let n = 0;
  const policy = { minSeconds: 60, maxSeconds: 3600, seenPerFeed: 100 };
  return {
    enqueued, state,
    pollFeed(feed: FeedSpec) {
      feeds.set(feed.id, feed);
      return runPollJob({ jobId: `by-hand-${n++}`, feedId: feed.id }, ports, policy);
    },
  };
}
