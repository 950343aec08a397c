import { describe, expect, test } from "../../../../test/support/fixtures.js";
import { redisHostSlots, waitingHostSlots } from "./host-slots.js";

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
