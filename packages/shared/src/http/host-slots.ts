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
// How long a request in flight is guessed to take still, before the host has a measured duration.
const IN_FLIGHT_GUESS_MS = 300;
// The shortest wait ever suggested: a Redis round trip is about a tenth of this.
const MIN_RETRY_MS = 5;

// One hash per host: holder (a request's token, "" after release), busyUntil (the lease's end while
// held, the cooldown's end after release), busySince (when the request in flight began), tookMs (a
// moving average of its requests' durations, to guess when one in flight ends), and the next turn:
// nextBy, nextSince, nextUntil. Times are Redis's own (TIME), so fetchers with skewed clocks agree.
const NOW = `local t = redis.call("TIME"); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// ARGV: token, leaseMs, waiterId, since. Returns {1}, or {0, ms until the slot is likely free,
// 1 if the asker now holds the next turn, else 0}.
const ACQUIRE = `${NOW}
local h = redis.call("HMGET", KEYS[1], "holder", "busyUntil", "nextBy", "nextSince", "nextUntil", "busySince", "tookMs")
local busyUntil = tonumber(h[2] or "0")
local held = h[1] and h[1] ~= "" and busyUntil > now
local free = busyUntil <= now
local since = tonumber(ARGV[4])
local otherTurn = h[3] and h[3] ~= ARGV[3] and tonumber(h[5] or "0") > now and tonumber(h[4]) <= since
if free and not otherTurn then
  redis.call("HSET", KEYS[1], "holder", ARGV[1], "busyUntil", now + tonumber(ARGV[2]), "busySince", now)
  if h[3] == ARGV[3] then redis.call("HDEL", KEYS[1], "nextBy", "nextSince", "nextUntil") end
  redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]) + 60000)
  return {1}
end
local freeIn = math.max(0, busyUntil - now)
if held then freeIn = math.max(${MIN_RETRY_MS}, tonumber(h[7] or "${IN_FLIGHT_GUESS_MS}") - (now - tonumber(h[6] or now))) end
if otherTurn then return {0, math.max(freeIn, tonumber(h[5]) - now - ${TURN_GRACE_MS}), 0} end
redis.call("HSET", KEYS[1], "nextBy", ARGV[3], "nextSince", ARGV[4], "nextUntil", now + freeIn + ${TURN_GRACE_MS})
return {0, freeIn, 1}`;

// ARGV: token, minDelayMs
const RELEASE = `${NOW}
local h = redis.call("HMGET", KEYS[1], "holder", "busySince", "tookMs")
if h[1] ~= ARGV[1] then return 0 end
local took = now - tonumber(h[2] or now)
local avg = h[3] and math.floor(0.7 * tonumber(h[3]) + 0.3 * took) or took
redis.call("HSET", KEYS[1], "holder", "", "busyUntil", now + tonumber(ARGV[2]), "tookMs", avg)
return 1`;

/** The Redis lease alone: answers at once, taken or not (with how long to wait). */
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
        // The next turn's holder comes back when the slot is likely free; everyone else a little
        // later, spread out so they do not all ask in the same millisecond.
        const wait = myTurn ? freeIn! : freeIn! + MIN_RETRY_MS + Math.random() * Math.max(MIN_RETRY_MS, freeIn!);
        return { acquired: false, retryInMs: Math.round(Math.max(MIN_RETRY_MS, wait)) };
      }
      return {
        acquired: true,
        // Released into a cooldown of minDelayMs: the next request to this host waits that long.
        release: async () => { await call.regradarHostRelease(key, token, String(minDelayMs)); },
      };
    },
  };
}

/**
 * Waits for the host in this process instead of answering "busy" at once, for up to `maxWaitMs`:
 * on a host whose requests take milliseconds, sending the job back to BullMQ's delayed set
 * (a round of Redis writes, then a promotion) costs more than the wait itself. Waiters for one
 * host line up in the process (first come, first served), so only the head of the line asks
 * Redis; beyond `maxWaitMs` the answer is "busy" and the job's own delay takes over, so a slow
 * host does not hold every worker slot of the process.
 */
export function waitingHostSlots(slots: HostSlots, maxWaitMs: number): HostSlots {
  const lines = new Map<string, Promise<void>>();
  return {
    async acquire(host, waiter) {
      const key = host.toLowerCase();
      const deadline = Date.now() + maxWaitMs;
      let leave!: () => void;
      const turn = new Promise<void>((resolve) => { leave = resolve; });
      const ahead = lines.get(key) ?? Promise.resolve();
      const line = ahead.then(() => turn);
      lines.set(key, line);
      void line.then(() => { if (lines.get(key) === line) lines.delete(key); });

      if (!(await settlesWithin(ahead, maxWaitMs))) {
        leave();
        return { acquired: false, retryInMs: maxWaitMs };
      }
      for (;;) {
        let answer;
        try {
          answer = await slots.acquire(host, waiter);
        } catch (err) {
          leave();
          throw err;
        }
        if (answer.acquired) {
          return { acquired: true, release: () => answer.release().finally(leave) };
        }
        if (Date.now() + answer.retryInMs > deadline) {
          leave();
          return answer;
        }
        await sleep(answer.retryInMs);
      }
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when `p` settles within `ms`; the timer is cleared either way. */
async function settlesWithin(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
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
