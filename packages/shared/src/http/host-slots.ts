import { randomUUID } from "node:crypto";
import type { RedisClient } from "../redis.js";
import type { HttpClient } from "./http-client.js";

/** Who asks for a host: a poll job, and since when it has been due (the earliest due goes first). */
export interface HostWaiter { id: string; since: number }

/** The host's slot taken (release it when the request is done), or how long to wait for it. */
export type HostAnswer =
  | {
    acquired: true;
    release(): Promise<void>;
    /**
     * Releases the slot and asks for it on behalf of `next` in one Redis round trip, with the same rules
     * as `acquire` (the delay after a request, another process's turn): what `acquire(host, next)` would
     * answer just after `release()`. Only where the slots live in Redis.
     */
    passTo?(next: HostWaiter): Promise<HostAnswer>;
  }
  | { acquired: false; retryInMs: number };

/**
 * At most one request at a time per host, with a minimum gap between requests, across every
 * fetcher process: a lease in Redis. BullMQ's open-source rate limiter is per queue, not per host.
 * Fair on a busy host: the most overdue waiter holds the next turn, so no feed of a shared host
 * starves while its neighbours, asking at the right moment, take every free slot.
 */
export interface HostSlots {
  /** Takes the host's slot, or says how long to wait for it. */
  acquire(host: string, waiter: HostWaiter): Promise<HostAnswer>;
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
const FUNCTIONS = `local t = redis.call("TIME"); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- Returns {1}, or {0, ms until the slot is likely free, 1 if the asker now holds the next turn, else 0}.
local function acquire(key, token, leaseMs, waiterId, sinceArg)
  local since = tonumber(sinceArg)
  local h = redis.call("HMGET", key, "holder", "busyUntil", "nextBy", "nextSince", "nextUntil", "busySince", "tookMs")
  local busyUntil = tonumber(h[2] or "0")
  local held = h[1] and h[1] ~= "" and busyUntil > now
  local free = busyUntil <= now
  local otherTurn = h[3] and h[3] ~= waiterId and tonumber(h[5] or "0") > now and tonumber(h[4]) <= since
  if free and not otherTurn then
    redis.call("HSET", key, "holder", token, "busyUntil", now + leaseMs, "busySince", now)
    if h[3] == waiterId then redis.call("HDEL", key, "nextBy", "nextSince", "nextUntil") end
    redis.call("PEXPIRE", key, leaseMs + 60000)
    return {1}
  end
  local freeIn = math.max(0, busyUntil - now)
  if held then freeIn = math.max(${MIN_RETRY_MS}, tonumber(h[7] or "${IN_FLIGHT_GUESS_MS}") - (now - tonumber(h[6] or now))) end
  if otherTurn then return {0, math.max(freeIn, tonumber(h[5]) - now - ${TURN_GRACE_MS}), 0} end
  redis.call("HSET", key, "nextBy", waiterId, "nextSince", sinceArg, "nextUntil", now + freeIn + ${TURN_GRACE_MS})
  return {0, freeIn, 1}
end

local function release(key, token, minDelayMs)
  local h = redis.call("HMGET", key, "holder", "busySince", "tookMs")
  if h[1] ~= token then return 0 end
  local took = now - tonumber(h[2] or now)
  local avg = h[3] and math.floor(0.7 * tonumber(h[3]) + 0.3 * took) or took
  redis.call("HSET", key, "holder", "", "busyUntil", now + minDelayMs, "tookMs", avg)
  return 1
end
`;
// ARGV: token, leaseMs, waiterId, since
const ACQUIRE = `${FUNCTIONS}
return acquire(KEYS[1], ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4])`;
// ARGV: token, minDelayMs
const RELEASE = `${FUNCTIONS}
return release(KEYS[1], ARGV[1], tonumber(ARGV[2]))`;
// ARGV: token, minDelayMs, then the next waiter's token, leaseMs, waiterId, since
const RELEASE_AND_ACQUIRE = `${FUNCTIONS}
release(KEYS[1], ARGV[1], tonumber(ARGV[2]))
return acquire(KEYS[1], ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6])`;

type SlotCommand = "regradarHostAcquire" | "regradarHostRelease" | "regradarHostPass";

/** The Redis lease alone: answers at once, taken or not (with how long to wait). */
export function redisHostSlots(redis: RedisClient, prefix: string, minDelayMs: number): HostSlots {
  // Defined on the client, so each call sends the script's SHA (EVALSHA), not its text.
  redis.defineCommand("regradarHostAcquire", { numberOfKeys: 1, lua: ACQUIRE });
  redis.defineCommand("regradarHostRelease", { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand("regradarHostPass", { numberOfKeys: 1, lua: RELEASE_AND_ACQUIRE });
  const call = redis as unknown as Record<SlotCommand, (...a: string[]) => Promise<unknown>>;

  const answer = (key: string, token: string, reply: [number, number?, number?]): HostAnswer => {
    const [acquired, freeIn, myTurn] = reply;
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
      passTo: async (next) => {
        const nextToken = randomUUID();
        const reply = await call.regradarHostPass(key, token, String(minDelayMs), nextToken, String(LEASE_MS), next.id, String(next.since));
        return answer(key, nextToken, reply as [number, number?, number?]);
      },
    };
  };
  return {
    async acquire(host, waiter) {
      const key = `${prefix}:host-slot:${host.toLowerCase()}`;
      const token = randomUUID();
      return answer(key, token, await call.regradarHostAcquire(key, token, String(LEASE_MS), waiter.id, String(waiter.since)) as [number, number?, number?]);
    },
  };
}

/**
 * Waits for the host in this process instead of answering "busy" at once, for up to `maxWaitMs`:
 * on a host whose requests take milliseconds, sending the job back to BullMQ's delayed set
 * (a round of Redis writes, then a promotion) costs more than the wait itself. Waiters for one
 * host line up in the process (first come, first served), so only the head of the line asks
 * Redis; a request ending with another in line behind it releases the slot and asks for it on the
 * next one's behalf in one round trip (passTo). Beyond `maxWaitMs` the answer is "busy" and the
 * job's own delay takes over, so a slow host does not hold every worker slot of the process.
 */
export function waitingHostSlots(slots: HostSlots, maxWaitMs: number): HostSlots {
  interface InLine { waiter: HostWaiter; start(first?: HostAnswer): void }
  // A host has an entry while one of this process's waiters is its head (asking, or holding the slot).
  const lines = new Map<string, InLine[]>();

  const nextHead = (key: string) => {
    const next = lines.get(key)?.shift();
    if (next) next.start();
    else lines.delete(key);
  };

  /** The head's turn: asks until it holds the slot, or until waiting longer would pass the deadline. */
  async function ask(key: string, host: string, waiter: HostWaiter, deadline: number, first?: HostAnswer): Promise<HostAnswer> {
    let answer = first;
    for (;;) {
      try {
        answer ??= await slots.acquire(host, waiter);
      } catch (err) {
        nextHead(key);
        throw err;
      }
      if (answer.acquired) return holding(key, answer);
      if (Date.now() + answer.retryInMs > deadline) {
        nextHead(key);
        return answer;
      }
      await sleep(answer.retryInMs);
      answer = undefined;
    }
  }

  function holding(key: string, slot: Extract<HostAnswer, { acquired: true }>): HostAnswer {
    return {
      acquired: true,
      async release() {
        const next = lines.get(key)?.shift();
        if (!next) {
          lines.delete(key);
          return slot.release();
        }
        if (!slot.passTo) {
          await slot.release().finally(() => next.start());
          return;
        }
        let answer: HostAnswer | undefined;
        try {
          answer = await slot.passTo(next.waiter);
        } finally {
          // On a failed hand-over the next one asks for itself (and meets the same failure, reported to its own caller).
          next.start(answer);
        }
      },
    };
  }

  return {
    acquire(host, waiter) {
      const key = host.toLowerCase();
      const deadline = Date.now() + maxWaitMs;
      const line = lines.get(key);
      if (!line) {
        lines.set(key, []);
        return ask(key, host, waiter, deadline);
      }
      return new Promise<HostAnswer>((resolve, reject) => {
        const inLine: InLine = {
          waiter,
          start(first) {
            clearTimeout(timer);
            ask(key, host, waiter, deadline, first).then(resolve, reject);
          },
        };
        const timer = setTimeout(() => {
          const at = line.indexOf(inLine);
          if (at >= 0) line.splice(at, 1);
          resolve({ acquired: false, retryInMs: maxWaitMs });
        }, maxWaitMs);
        line.push(inLine);
      });
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
