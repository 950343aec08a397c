import { describe, expect, test } from "../../../../test/support/fixtures.js";
import { redisHostSlots, waitingHostSlots, type HostAnswer } from "./host-slots.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("host slots (real Redis)", () => {
  test("one request at a time, the delay kept after it, and the most overdue waiter served next", async ({ redis, prefix }) => {
    const slots = redisHostSlots(redis, prefix, 200);
    const first = await slots.acquire("news.example.com", { id: "first", since: 1_000 });
    expect(first.acquired).toBe(true);
    // Refused while the request is in flight; the overdue one takes the next turn.
    expect(await slots.acquire("news.example.com", { id: "overdue", since: 500 })).toMatchObject({ acquired: false });
    expect(await slots.acquire("other.example.com", { id: "elsewhere", since: 3_000 })).toMatchObject({ acquired: true });
    if (first.acquired) await first.release();
    // The delay: refused until it has passed; the holder of the next turn is told exactly how long.
    const cooling = await slots.acquire("news.example.com", { id: "overdue", since: 500 });
    expect(cooling).toMatchObject({ acquired: false });
    expect(cooling.acquired ? 0 : cooling.retryInMs).toBeLessThanOrEqual(200);
    await sleep(400);
    // Free now, but a fresher poll asking first does not jump the queue.
    expect(await slots.acquire("news.example.com", { id: "fresh", since: 2_000 })).toMatchObject({ acquired: false });
    const overdue = await slots.acquire("news.example.com", { id: "overdue", since: 500 });
    expect(overdue.acquired).toBe(true);
    if (overdue.acquired) await overdue.release();
    await sleep(400);
    expect(await slots.acquire("news.example.com", { id: "fresh", since: 2_000 })).toMatchObject({ acquired: true });
  });

  test("a turn not taken in time passes on", async ({ redis, prefix }) => {
    const slots = redisHostSlots(redis, prefix, 0);
    const first = await slots.acquire("news.example.com", { id: "first", since: 1_000 });
    expect(await slots.acquire("news.example.com", { id: "gone", since: 500 })).toMatchObject({ acquired: false });
    if (first.acquired) await first.release();
    expect(await slots.acquire("news.example.com", { id: "fresh", since: 2_000 })).toMatchObject({ acquired: false });
    await sleep(1_500);
    expect(await slots.acquire("news.example.com", { id: "fresh", since: 2_000 })).toMatchObject({ acquired: true });
  });
});

describe("waiting for a busy host in-process", () => {
  test("a short wait is taken in-process, one request at a time across two processes' slots", async ({ redis, prefix }) => {
    // Two processes' slots over one Redis: requests of 20 ms, many waiters, no overlap ever.
    const processes = [waitingHostSlots(redisHostSlots(redis, prefix, 0), 2_000), waitingHostSlots(redisHostSlots(redis, prefix, 0), 2_000)];
    let inFlight = 0, maxInFlight = 0, served = 0;
    await Promise.all(Array.from({ length: 12 }, async (_, i) => {
      const slot = await processes[i % 2]!.acquire("news.example.com", { id: `page-${i}`, since: 1_000 + i });
      expect(slot.acquired).toBe(true);
      if (!slot.acquired) return;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(20);
      inFlight--;
      served++;
      await slot.release();
    }));
    expect(served).toBe(12);
    expect(maxInFlight).toBe(1);
  });

  test("a line in one process: each request hands the slot to the next in one round trip, the delay between them kept", async ({ redis, prefix }) => {
    // Round trips counted on the way to the real Redis lease.
    const trips = { acquire: 0, release: 0, passTo: 0 };
    const counted = (answer: HostAnswer): HostAnswer => answer.acquired
      ? {
        acquired: true,
        release: () => { trips.release++; return answer.release(); },
        passTo: async (next) => { trips.passTo++; return counted(await answer.passTo!(next)); },
      }
      : answer;
    const redisSlots = redisHostSlots(redis, prefix, 30);
    const slots = waitingHostSlots({ acquire: async (host, waiter) => { trips.acquire++; return counted(await redisSlots.acquire(host, waiter)); } }, 2_000);
    const served: Array<{ start: number; end: number }> = [];
    await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const slot = await slots.acquire("news.example.com", { id: `page-${i}`, since: 1_000 + i });
      expect(slot.acquired).toBe(true);
      if (!slot.acquired) return;
      const start = Date.now();
      await sleep(5);
      served.push({ start, end: Date.now() });
      await slot.release();
    }));
    expect(served).toHaveLength(8);
    // The 30 ms delay after each request is kept (a hand-over during it is refused, and the next one waits).
    for (let i = 1; i < served.length; i++) expect(served[i]!.start - served[i - 1]!.end).toBeGreaterThanOrEqual(25);
    // Every release but the last went with a hand-over; the waits for the delay are the only extra asks.
    expect(trips.passTo).toBe(7);
    expect(trips.release).toBe(1);
    expect(trips.acquire).toBeLessThanOrEqual(1 + 7);
  });

  test("without a delay, the next in line gets the slot from the hand-over itself", async ({ redis, prefix }) => {
    let asks = 0;
    const redisSlots = redisHostSlots(redis, prefix, 0);
    const slots = waitingHostSlots({ acquire: (host, waiter) => { asks++; return redisSlots.acquire(host, waiter); } }, 2_000);
    let inFlight = 0, maxInFlight = 0;
    await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const slot = await slots.acquire("news.example.com", { id: `page-${i}`, since: 1_000 + i });
      if (!slot.acquired) throw new Error("not served");
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(2);
      inFlight--;
      await slot.release();
    }));
    expect(maxInFlight).toBe(1);
    // One ask for the whole line: 11 round trips for 10 requests instead of 20.
    expect(asks).toBe(1);
  });

  test("a wait longer than the bound is answered busy at once, with how long to wait", async ({ redis, prefix }) => {
    const slots = waitingHostSlots(redisHostSlots(redis, prefix, 1_000), 100);
    const first = await slots.acquire("news.example.com", { id: "first", since: 1_000 });
    expect(first.acquired).toBe(true);
    if (first.acquired) await first.release();
    const started = Date.now();
    const second = await slots.acquire("news.example.com", { id: "second", since: 2_000 });
    expect(second).toMatchObject({ acquired: false });
    expect(Date.now() - started).toBeLessThan(100);
    expect(second.acquired ? 0 : second.retryInMs).toBeGreaterThan(800);
    // A third in the same process's line is not held behind it either.
    expect(await slots.acquire("news.example.com", { id: "third", since: 3_000 })).toMatchObject({ acquired: false });
  });
});
