import { randomUUID } from "node:crypto";
import type { RedisClient } from "../redis.js";
import type { HttpClient } from "./http-client.js";

/** Who asks for a host: a poll job, and since when it has been due (the earliest due goes first). */
export interface HostWaiter { id: string; since: number }

/**
 * At most one request at a time per host, with a minimum gap between requests, across every
 * fetcher process: a lease in Redis. BullMQ's open-source rate limiter is per queue, not per host.
 * Fair on a busy host: the most overdue waiter holds the next turn, so no feed of a shared host
 * starves while its neighbours, asking at the right moment, take every free slot.
 */
export interface HostSlots {
  /** Takes the host's slot, or says how long to wait for it. */
  acquire(host: string, waiter: HostWaiter): Promise<{ acquired: true; release(): Promise<void> } | { acquired: false; retryInMs: number }>;
}

// Longer than any request may take (the HTTP client's total timeout), so a crashed holder frees it.
const LEASE_MS = 90_000;
// A waiter holding the next turn must be back this long after the slot frees, or it loses the turn.
const TURN_GRACE_MS = 1_000;
// How long a request in flight is guessed to take still, for the turn's deadline.
const IN_FLIGHT_GUESS_MS = 300;

// One hash per host: holder (a request's token, "" after release), busyUntil (the lease's end while
// held, the cooldown's end after release), and the next turn: nextBy, nextSince, nextUntil. Times are
// Redis's own (TIME), so fetchers on machines with skewed clocks agree.
const NOW = `local t = redis.call("TIME"); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// ARGV: token, leaseMs, waiterId, since. Returns {1}, or {0, ms until the slot frees (-1: a request is
// in flight), 1 if the asker now holds the next turn}.
const ACQUIRE = `${NOW}
local h = redis.call("HMGET", KEYS[1], "holder", "busyUntil", "nextBy", "nextSince", "nextUntil")
local busyUntil = tonumber(h[2] or "0")
local held = h[1] and h[1] ~= "" and busyUntil > now
local free = busyUntil <= now
local since = tonumber(ARGV[4])
local otherTurn = h[3] and h[3] ~= ARGV[3] and tonumber(h[5] or "0") > now and tonumber(h[4]) <= since
if free and not otherTurn then
  redis.call("HSET", KEYS[1], "holder", ARGV[1], "busyUntil", now + tonumber(ARGV[2]))
  if h[3] == ARGV[3] then redis.call("HDEL", KEYS[1], "nextBy", "nextSince", "nextUntil") end
  redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]) + 60000)
  return {1}
end
if otherTurn then return {0, -1, 0} end
local freeIn = held and ${IN_FLIGHT_GUESS_MS} or math.max(0, busyUntil - now)
redis.call("HSET", KEYS[1], "nextBy", ARGV[3], "nextSince", ARGV[4], "nextUntil", now + freeIn + ${TURN_GRACE_MS})
if held then return {0, -1, 1} end
return {0, math.max(0, busyUntil - now), 1}`;

// ARGV: token, minDelayMs
const RELEASE = `${NOW}
if redis.call("HGET", KEYS[1], "holder") ~= ARGV[1] then return 0 end
redis.call("HSET", KEYS[1], "holder", "", "busyUntil", now + tonumber(ARGV[2]))
return 1`;

export function redisHostSlots(redis: RedisClient, prefix: string, minDelayMs: number): HostSlots {
  // Defined on the client, so each call sends the script's SHA (EVALSHA), not its text.
  redis.defineCommand("regradarHostAcquire", { numberOfKeys: 1, lua: ACQUIRE });
  redis.defineCommand("regradarHostRelease", { numberOfKeys: 1, lua: RELEASE });
  const call = redis as unknown as Record<"regradarHostAcquire" | "regradarHostRelease", (...a: string[]) => Promise<unknown>>;
  return {
    async acquire(host, waiter) {
      const key = `${prefix}:host-slot:${host.toLowerCase()}`;
      const token = randomUUID();
      const [acquired, freeIn, myTurn] = await call.regradarHostAcquire(key, token, String(LEASE_MS), waiter.id, String(waiter.since)) as [number, number?, number?];
      if (!acquired) {
        // The next turn's holder comes back when the cooldown ends; everyone else (and everyone while
        // a request is in flight, which usually ends within a fraction of a second) a little later.
        // Longer waits for those without the turn (0.3-1 s) were tried: BullMQ's moveToDelayed then
        // failed now and then under load (ERR_INVALID_ARG_TYPE), losing the poll job.
        const wait = myTurn && freeIn! >= 0 ? freeIn! : 100 + Math.random() * 200;
        return { acquired: false, retryInMs: Math.round(Math.max(20, wait)) };
      }
      return {
        acquired: true,
        // Released into a cooldown of minDelayMs: the next request to this host waits that long.
        release: async () => { await call.regradarHostRelease(key, token, String(minDelayMs)); },
      };
    },
  };
}

/** The page's host is busy with another request of ours: come back in `retryInMs` (no attempt spent). */
export class HostBusyError extends Error {
  constructor(readonly host: string, readonly retryInMs: number) {
    super(`${host} is busy with another request; retry in ${retryInMs} ms`);
    this.name = "HostBusyError";
  }
}

/**
 * A GET that takes the host's slot first, so requests that are not feed polls (article pages) are
 * polite too: one at a time per host across every process. Throws HostBusyError instead of waiting.
 */
export function politeGet(http: Pick<HttpClient, "get">, slots: HostSlots, waiter: HostWaiter): Pick<HttpClient, "get"> {
  return {
    async get(url, opts) {
      let host: string;
      try { host = new URL(url).host; } catch { return http.get(url, opts); }
      const slot = await slots.acquire(host, waiter);
      if (!slot.acquired) throw new HostBusyError(host, slot.retryInMs);
      try {
        return await http.get(url, opts);
      } finally {
        await slot.release();
      }
    },
  };
}
