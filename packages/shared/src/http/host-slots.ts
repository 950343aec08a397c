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
  acquire(host: string, waiter: HostWaiter): Promise<HeldSlot | BusyHost>;
}
export interface HeldSlot { acquired: true; release(): Promise<void> }
export interface BusyHost { acquired: false; retryInMs: number }

/** Slots that can also be handed on: released and asked for on another waiter's behalf at once. */
export interface HandingHostSlots {
  acquire(host: string, waiter: HostWaiter): Promise<HandingSlot | BusyHost>;
}
export interface HandingSlot extends HeldSlot {
  /** release(), then acquire(host, next), in one round trip to Redis. */
  handOver(next: HostWaiter): Promise<HandingSlot | BusyHost>;
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
const SLOT_FUNCTIONS = `local t = redis.call("TIME"); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- Returns {1}, or {0, ms until the slot is likely free, 1 if the asker now holds the next turn, else 0}.
local function acquire(token, leaseMs, waiterId, since)
  local h = redis.call("HMGET", KEYS[1], "holder", "busyUntil", "nextBy", "nextSince", "nextUntil", "busySince", "tookMs")
  local busyUntil = tonumber(h[2] or "0")
  local held = h[1] and h[1] ~= "" and busyUntil > now
  local free = busyUntil <= now
  local otherTurn = h[3] and h[3] ~= waiterId and tonumber(h[5] or "0") > now and tonumber(h[4]) <= tonumber(since)
  if free and not otherTurn then
    redis.call("HSET", KEYS[1], "holder", token, "busyUntil", now + leaseMs, "busySince", now)
    if h[3] == waiterId then redis.call("HDEL", KEYS[1], "nextBy", "nextSince", "nextUntil") end
    redis.call("PEXPIRE", KEYS[1], leaseMs + 60000)
    return {1}
  end
  local freeIn = math.max(0, busyUntil - now)
  if held then freeIn = math.max(${MIN_RETRY_MS}, tonumber(h[7] or "${IN_FLIGHT_GUESS_MS}") - (now - tonumber(h[6] or now))) end
  if otherTurn then return {0, math.max(freeIn, tonumber(h[5]) - now - ${TURN_GRACE_MS}), 0} end
  redis.call("HSET", KEYS[1], "nextBy", waiterId, "nextSince", since, "nextUntil", now + freeIn + ${TURN_GRACE_MS})
  return {0, freeIn, 1}
end

-- Frees the slot into a cooldown of minDelayMs, if the token still holds it.
local function release(token, minDelayMs)
  local h = redis.call("HMGET", KEYS[1], "holder", "busySince", "tookMs")
  if h[1] ~= token then return end
  local took = now - tonumber(h[2] or now)
  local avg = h[3] and math.floor(0.7 * tonumber(h[3]) + 0.3 * took) or took
  redis.call("HSET", KEYS[1], "holder", "", "busyUntil", now + minDelayMs, "tookMs", avg)
end
`;
// ARGV: token, leaseMs, waiterId, since
const ACQUIRE = `${SLOT_FUNCTIONS}return acquire(ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4])`;
// ARGV: token, minDelayMs
const RELEASE = `${SLOT_FUNCTIONS}release(ARGV[1], tonumber(ARGV[2])); return 1`;
// ARGV: the holder's token, minDelayMs, then the next waiter's token, leaseMs, waiterId, since
const HAND_OVER = `${SLOT_FUNCTIONS}release(ARGV[1], tonumber(ARGV[2])); return acquire(ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6])`;

type SlotCommand = "regradarHostAcquire" | "regradarHostRelease" | "regradarHostHandOver";

/** The Redis lease alone: answers at once, taken or not (with how long to wait). */
export function redisHostSlots(redis: RedisClient, prefix: string, minDelayMs: number): HandingHostSlots {
  // Defined on the client, so each call sends the script's SHA (EVALSHA), not its text.
  redis.defineCommand("regradarHostAcquire", { numberOfKeys: 1, lua: ACQUIRE });
  redis.defineCommand("regradarHostRelease", { numberOfKeys: 1, lua: RELEASE });
  redis.defineCommand("regradarHostHandOver", { numberOfKeys: 1, lua: HAND_OVER });
  const call = redis as unknown as Record<SlotCommand, (...a: string[]) => Promise<unknown>>;

  function answer(key: string, token: string, reply: unknown): HandingSlot | BusyHost {
    const [acquired, freeIn, myTurn] = reply as [number, number?, number?];
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
      handOver: async (next) => {
        const nextToken = randomUUID();
        return answer(key, nextToken, await call.regradarHostHandOver(key, token, String(minDelayMs), nextToken, String(LEASE_MS), next.id, String(next.since)));
      },
    };
  }

  return {
    async acquire(host, waiter) {
      const key = `${prefix}:host-slot:${host.toLowerCase()}`;
      const token = randomUUID();
      return answer(key, token, await call.regradarHostAcquire(key, token, String(LEASE_MS), waiter.id, String(waiter.since)));
    },
  };
}

/**
 * Waits for the host in this process instead of answering "busy" at once, for up to `maxWaitMs`:
 * on a host whose requests take milliseconds, sending the job back to BullMQ's delayed set
 * (a round of Redis writes, then a promotion) costs more than the wait itself. Waiters for one
 * host line up in the process (first come, first served), so only the head of the line asks
 * Redis, and a holder done with the host hands the slot to the next in line in the same round
 * trip as its release (on a host free again at once, half the lease scripts: perf showed the lease
 * calls at ~10% of the pipeline's CPU). Beyond `maxWaitMs` the answer is "busy" and the job's own
 * delay takes over, so a slow host does not hold every worker slot of the process.
 */
export function waitingHostSlots(slots: HandingHostSlots, maxWaitMs: number): HostSlots {
  // Per host with someone at the head (asking Redis, or holding the slot): those waiting behind.
  const lines = new Map<string, LineWaiter[]>();

  /** The head is done without the slot: the next in line asks Redis itself. */
  const passOn = (key: string, line: LineWaiter[]) => {
    const next = line.shift();
    if (next) next.take(null);
    else lines.delete(key);
  };

  return {
    async acquire(host, waiter) {
      const key = host.toLowerCase();
      const deadline = Date.now() + maxWaitMs;
      let line = lines.get(key);
      let answer: HandingSlot | BusyHost | null = null;
      if (!line) {
        lines.set(key, (line = []));
      } else {
        const turn = await waitInLine(line, waiter, maxWaitMs);
        if (turn === "too long") return { acquired: false, retryInMs: maxWaitMs };
        answer = turn;
      }
      for (;;) {
        try {
          answer ??= await slots.acquire(host, waiter);
        } catch (err) {
          passOn(key, line);
          throw err;
        }
        if (answer.acquired) return heldInLine(answer, key, line);
        if (Date.now() + answer.retryInMs > deadline) {
          passOn(key, line);
          return answer;
        }
        await sleep(answer.retryInMs);
        answer = null;
      }
    },
  };

  function heldInLine(slot: HandingSlot, key: string, line: LineWaiter[]): HeldSlot {
    return {
      acquired: true,
      async release() {
        const next = line.shift();
        if (!next) {
          try {
            await slot.release();
          } finally {
            // Someone may have joined while the release was on its way.
            passOn(key, line);
          }
          return;
        }
        let handed: HandingSlot | BusyHost | null = null;
        try {
          handed = await slot.handOver(next.waiter);
        } finally {
          // A failed hand-over leaves the next waiter to ask Redis itself.
          next.take(handed);
        }
      },
    };
  }
}

/** Someone waiting in a host's line in this process; take() gives them the head (and what the hand-over got, if any). */
interface LineWaiter { waiter: HostWaiter; take(handed: HandingSlot | BusyHost | null): void }

/** Resolves with the hand-over's answer (or null: ask Redis) when the waiter reaches the head, or "too long". */
function waitInLine(line: LineWaiter[], waiter: HostWaiter, maxWaitMs: number): Promise<HandingSlot | BusyHost | null | "too long"> {
  return new Promise((resolve) => {
    const entry: LineWaiter = {
      waiter,
      take: (handed) => { clearTimeout(timer); resolve(handed); },
    };
    const timer = setTimeout(() => {
      const at = line.indexOf(entry);
      // Out of the line already: a hand-over to this waiter is on its way, and take() will come.
      if (at < 0) return;
      line.splice(at, 1);
      resolve("too long");
    }, maxWaitMs);
    line.push(entry);
  });
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
