import type { RedisClient } from "@regradar/shared";
import type { FeedHealthStatus } from "./feed-health.js";

/** The one poll job a feed has waiting: its deterministic id and when it is due (epoch ms). */
export interface NextPoll { jobId: string; dueAt: number }

/** What we remember about a feed between polls, durably in Redis (append-only). */
export interface FeedState {
  etag: string | null;
  lastModified: string | null;
  /** SHA-256 of the last body parsed: many servers ignore conditional GET. */
  bodyHash: string | null;
  intervalSeconds: number | null;
  /** When the poll in progress (or the last one) started: a feed being polled is not "never polled". */
  pollStartedAt: string | null;
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
  /** The feed's single pending scheduled poll; every other scheduled poll job of the feed is stale. */
  nextPoll: NextPoll | null;
  /** Fingerprint of the registry entry the schedule was made for: an edit re-polls once. */
  specHash: string | null;
  /** The poll in flight, if any: at most one per feed, whichever process runs it. */
  pollLease: { jobId: string; until: number } | null;
}

export const emptyFeedState = (): FeedState => ({
  etag: null, lastModified: null, bodyHash: null, intervalSeconds: null, pollStartedAt: null, lastPolledAt: null, lastSuccessAt: null,
  lastNewItemsAt: null, lastErrorAt: null, lastError: null, consecutiveFailures: 0, itemsSeen: 0, nextPollNotBefore: null,
  health: null, healthReason: null, nextPoll: null, specHash: null, pollLease: null,
});

export type BeginPoll =
  | { status: "started"; state: FeedState }
  /** A scheduled poll that is no longer the feed's pending one (replaced by an edit, a manual poll or a repair). */
  | { status: "stale" }
  | { status: "busy"; retryInMs: number };

export interface FeedStateStore {
  get(feedId: string): Promise<FeedState>;
  update(feedId: string, patch: Partial<FeedState>): Promise<void>;
  /**
   * Makes sure the feed has a pending poll and returns it: the recorded one, or `fresh` when there is
   * none, the registry entry changed (`specHash`), or the recorded one is overdue by more than
   * `lostAfterMs` with no poll in flight (its job was lost). Atomic, so concurrent syncs agree.
   */
  claimSchedule(feedId: string, specHash: string, fresh: NextPoll, now: number, lostAfterMs: number): Promise<NextPoll>;
  /** Takes the feed's poll lease for a job (a scheduled one must be the feed's pending poll) and records the start. */
  beginPoll(feedId: string, job: { jobId: string; scheduled: boolean }, now: Date, leaseMs: number): Promise<BeginPoll>;
  /**
   * Records a poll's result and frees the lease; `next` replaces the pending poll unless something
   * (an edit) replaced `replaces` meanwhile. False when the lease was lost and nothing was written.
   */
  finishPoll(feedId: string, jobId: string, patch: Partial<FeedState>, next?: { poll: NextPoll; replaces: string | null }): Promise<boolean>;
  /** Frees the lease without recording anything (the poll will be retried). */
  abandonPoll(feedId: string, jobId: string): Promise<void>;
  /** Forgets the pending poll if it is this job (the feed left the registry). */
  dropSchedule(feedId: string, jobId: string): Promise<void>;
  /** The item keys this feed has not yielded before. */
  unseen(feedId: string, itemKeys: string[]): Promise<Set<string>>;
  /** Remembers item keys, keeping the newest `bound` per feed. */
  markSeen(feedId: string, itemKeys: string[], bound: number): Promise<void>;
  forget(feedId: string): Promise<void>;
}

// Values are stored JSON-encoded, one hash field each; `field(name)` reads one as Lua data (nil for null).
const LUA_FIELD = `
local function field(name)
  local raw = redis.call("HGET", KEYS[1], name)
  if not raw then return nil end
  local v = cjson.decode(raw)
  if v == cjson.null then return nil end
  return v
end`;

// ARGV: specJson, freshJson, now, lostAfterMs
const CLAIM = `${LUA_FIELD}
local spec = redis.call("HGET", KEYS[1], "specHash")
if spec and spec ~= ARGV[1] then
  -- An edited entry (new URL or interval): start afresh, polling once now.
  redis.call("HSET", KEYS[1], "specHash", ARGV[1], "nextPoll", ARGV[2], "intervalSeconds", "null",
    "etag", "null", "lastModified", "null", "bodyHash", "null", "nextPollNotBefore", "null")
  return ARGV[2]
end
if not spec then redis.call("HSET", KEYS[1], "specHash", ARGV[1]) end
local nextPoll = field("nextPoll")
local lease = field("pollLease")
local inFlight = lease and lease["until"] > tonumber(ARGV[3])
if not nextPoll or (nextPoll.dueAt < tonumber(ARGV[3]) - tonumber(ARGV[4]) and not inFlight) then
  redis.call("HSET", KEYS[1], "nextPoll", ARGV[2])
  return ARGV[2]
end
return redis.call("HGET", KEYS[1], "nextPoll")`;

// ARGV: jobId, scheduled ("1"/"0"), now, leaseJson, pollStartedAtJson
const BEGIN = `${LUA_FIELD}
if ARGV[2] == "1" then
  local nextPoll = field("nextPoll")
  if not nextPoll or nextPoll.jobId ~= ARGV[1] then return {"stale"} end
end
local lease = field("pollLease")
if lease and lease.jobId ~= ARGV[1] and lease["until"] > tonumber(ARGV[3]) then
  return {"busy", tostring(lease["until"] - tonumber(ARGV[3]))}
end
redis.call("HSET", KEYS[1], "pollLease", ARGV[4], "pollStartedAt", ARGV[5])
local out = redis.call("HGETALL", KEYS[1])
table.insert(out, 1, "started")
return out`;

// ARGV: jobId, nextJson or "", replaces or "", field, value, ...
const FINISH = `${LUA_FIELD}
local lease = field("pollLease")
if not lease or lease.jobId ~= ARGV[1] then return 0 end
redis.call("HDEL", KEYS[1], "pollLease")
if #ARGV > 3 then redis.call("HSET", KEYS[1], unpack(ARGV, 4)) end
if ARGV[2] ~= "" then
  local nextPoll = field("nextPoll")
  if (nextPoll and nextPoll.jobId or "") == ARGV[3] then redis.call("HSET", KEYS[1], "nextPoll", ARGV[2]) end
end
return 1`;

// ARGV: jobId
const ABANDON = `${LUA_FIELD}
local lease = field("pollLease")
if lease and lease.jobId == ARGV[1] then redis.call("HDEL", KEYS[1], "pollLease") end
return 0`;

// ARGV: jobId
const DROP = `${LUA_FIELD}
local nextPoll = field("nextPoll")
if nextPoll and nextPoll.jobId == ARGV[1] then redis.call("HDEL", KEYS[1], "nextPoll") end
return 0`;

// Seen-set reads and writes go in slices, so a 50,000-item feed never builds one giant command.
const SEEN_SLICE = 2_000;
const slices = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

const json = (v: unknown) => JSON.stringify(v ?? null);
const fieldsOf = (patch: Partial<FeedState>) => Object.entries(patch).flatMap(([k, v]) => [k, json(v)]);

function parseState(flat: string[]): FeedState {
  const state = emptyFeedState() as unknown as Record<string, unknown>;
  for (let i = 0; i + 1 < flat.length; i += 2) state[flat[i]!] = JSON.parse(flat[i + 1]!);
  return state as unknown as FeedState;
}

/**
 * Feed state in Redis: one hash per feed (every scheduling decision is one script on that one key,
 * so it holds on Redis Cluster too) and a sorted set of the item keys seen.
 */
export function redisFeedStateStore(redis: RedisClient, prefix: string): FeedStateStore {
  const stateKey = (id: string) => `${prefix}:feed:${id}:state`;
  const seenKey = (id: string) => `${prefix}:feed:${id}:seen`;
  const scripts = { CLAIM, BEGIN, FINISH, ABANDON, DROP };
  // Defined on the client, so each call sends the script's SHA (EVALSHA), not its text.
  for (const [name, lua] of Object.entries(scripts)) redis.defineCommand(`regradarFeed${name}`, { numberOfKeys: 1, lua });
  const script = (name: keyof typeof scripts, feedId: string, ...args: string[]) =>
    (redis as unknown as Record<string, (...a: string[]) => Promise<unknown>>)[`regradarFeed${name}`]!(stateKey(feedId), ...args);
  return {
    async get(feedId) {
      return parseState(Object.entries(await redis.hgetall(stateKey(feedId))).flat());
    },
    async update(feedId, patch) {
      const fields = fieldsOf(patch);
      if (fields.length) await redis.hset(stateKey(feedId), ...fields);
    },
    async claimSchedule(feedId, specHash, fresh, now, lostAfterMs) {
      return JSON.parse(await script("CLAIM", feedId, json(specHash), json(fresh), String(now), String(lostAfterMs)) as string) as NextPoll;
    },
    async beginPoll(feedId, job, now, leaseMs) {
      const lease = { jobId: job.jobId, until: now.getTime() + leaseMs };
      const [status, ...rest] = await script("BEGIN", feedId, job.jobId, job.scheduled ? "1" : "0", String(now.getTime()), json(lease), json(now.toISOString())) as string[];
      if (status === "stale") return { status };
      if (status === "busy") return { status, retryInMs: Number(rest[0]) };
      return { status: "started", state: parseState(rest) };
    },
    async finishPoll(feedId, jobId, patch, next) {
      const written = await script("FINISH", feedId, jobId, next ? json(next.poll) : "", next?.replaces ?? "", ...fieldsOf(patch));
      return written === 1;
    },
    async abandonPoll(feedId, jobId) {
      await script("ABANDON", feedId, jobId);
    },
    async dropSchedule(feedId, jobId) {
      await script("DROP", feedId, jobId);
    },
    async unseen(feedId, itemKeys) {
      const fresh = new Set<string>();
      for (const slice of slices(itemKeys, SEEN_SLICE)) {
        const scores = await redis.zmscore(seenKey(feedId), ...slice);
        slice.forEach((k, i) => { if (scores[i] === null) fresh.add(k); });
      }
      return fresh;
    },
    async markSeen(feedId, itemKeys, bound) {
      if (itemKeys.length === 0) return;
      const now = Date.now();
      const tx = redis.multi();
      for (const slice of slices(itemKeys, SEEN_SLICE)) tx.zadd(seenKey(feedId), "NX", ...slice.flatMap((k) => [now, k]));
      await tx.zremrangebyrank(seenKey(feedId), 0, -bound - 1).exec();
    },
    async forget(feedId) {
      await redis.del(stateKey(feedId), seenKey(feedId));
    },
  };
}
