import type { RedisClient } from "@regradar/shared";
import type { FeedHealthStatus } from "./feed-health.js";

/** What we remember about a feed between polls, durably in Redis (append-only). */
export interface FeedState {
  etag: string | null;
  lastModified: string | null;
  /** SHA-256 of the last body parsed: many servers ignore conditional GET. */
  bodyHash: string | null;
  intervalSeconds: number | null;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  lastNewItemsAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  itemsSeen: number;
  /** The last poll's account of the feed (feed-health.ts); a 304 or unchanged body keeps it. */
  health: FeedHealthStatus | null;
  healthReason: string | null;
  /** Not before this time (Retry-After or failure backoff). */
  nextPollNotBefore: string | null;
}

export const emptyFeedState = (): FeedState => ({
  etag: null, lastModified: null, bodyHash: null, intervalSeconds: null, lastPolledAt: null, lastSuccessAt: null,
  lastNewItemsAt: null, lastErrorAt: null, lastError: null, consecutiveFailures: 0, itemsSeen: 0, nextPollNotBefore: null,
  health: null, healthReason: null,
});

export interface FeedStateStore {
  get(feedId: string): Promise<FeedState>;
  update(feedId: string, patch: Partial<FeedState>): Promise<void>;
  /** The item keys this feed has not yielded before. */
  unseen(feedId: string, itemKeys: string[]): Promise<Set<string>>;
  /** Remembers item keys, keeping the newest `bound` per feed. */
  markSeen(feedId: string, itemKeys: string[], bound: number): Promise<void>;
  forget(feedId: string): Promise<void>;
}

export function redisFeedStateStore(redis: RedisClient, prefix: string): FeedStateStore {
  const stateKey = (id: string) => `${prefix}:feed:${id}:state`;
  const seenKey = (id: string) => `${prefix}:feed:${id}:seen`;
  return {
    async get(feedId) {
      const raw = await redis.hgetall(stateKey(feedId));
      const state = emptyFeedState();
      for (const [k, v] of Object.entries(raw)) (state as unknown as Record<string, unknown>)[k] = JSON.parse(v);
      return state;
    },
    async update(feedId, patch) {
      const fields = Object.entries(patch).flatMap(([k, v]) => [k, JSON.stringify(v ?? null)]);
      if (fields.length) await redis.hset(stateKey(feedId), ...fields);
    },
    async unseen(feedId, itemKeys) {
      if (itemKeys.length === 0) return new Set();
      const scores = await redis.zmscore(seenKey(feedId), ...itemKeys);
      return new Set(itemKeys.filter((_, i) => scores[i] === null));
    },
    async markSeen(feedId, itemKeys, bound) {
      if (itemKeys.length === 0) return;
      const now = Date.now();
      await redis.multi()
        .zadd(seenKey(feedId), "NX", ...itemKeys.flatMap((k) => [now, k]))
        .zremrangebyrank(seenKey(feedId), 0, -bound - 1)
        .exec();
    },
    async forget(feedId) {
      await redis.del(stateKey(feedId), seenKey(feedId));
    },
  };
}
