import { describe, expect, test } from "../../../../test/support/fixtures.js";
import { redisHostSlots, waitingHostSlots, type BusyHost, type HandingSlot } from "./host-slots.js";

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

  test("a holder hands the slot to the next in its line with its release: one lease script per request, not two", async ({ redis, prefix }) => {
    const slots = waitingHostSlots(redisHostSlots(redis, prefix, 0), 2_000);
    // Redis learns each script on first use (a failed EVALSHA, then EVAL): have it learn them on another host.
    const warm = await redisHostSlots(redis, prefix, 0).acquire("warm-up.example.com", { id: "w1", since: 0 });
    const handed = warm.acquired ? await warm.handOver({ id: "w2", since: 0 }) : warm;
    if (handed.acquired) await handed.release();
    // Every lease script this test's slots run, as Redis sees them.
    const monitor = await redis.monitor(); // a connection of its own, closed below
    const scripts: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === "evalsha" && args[3]?.startsWith(`${prefix}:host-slot:`)) scripts.push(args[3]);
    });
    const served: string[] = [];
    let inFlight = 0, maxInFlight = 0;
    await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      const slot = await slots.acquire("news.example.com", { id: `page-${i}`, since: 1_000 + i });
      if (!slot.acquired) throw new Error(`page-${i} was not served`);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await sleep(10);
      inFlight--;
      served.push(`page-${i}`);
      await slot.release();
    }));
    await redis.ping(); // the monitor has seen every script by the time this answers
    await sleep(50);
    monitor.disconnect();
    expect(served).toEqual(["page-0", "page-1", "page-2", "page-3", "page-4", "page-5"]);
    expect(maxInFlight).toBe(1);
    // One acquire, five hand-overs, one release (separate acquire and release: twelve).
    expect(scripts).toHaveLength(7);
  });

  test("a hand-over in one process does not take the turn of a more overdue waiter in another", async ({ redis, prefix }) => {
    const [a, b] = [waitingHostSlots(redisHostSlots(redis, prefix, 0), 2_000), waitingHostSlots(redisHostSlots(redis, prefix, 0), 2_000)];
    const order: string[] = [];
    const first = await a.acquire("news.example.com", { id: "a-first", since: 1_000 });
    if (!first.acquired) throw new Error("not served");
    const served = (slots: typeof a, id: string, since: number) => (async () => {
      const slot = await slots.acquire("news.example.com", { id, since });
      if (!slot.acquired) throw new Error(`${id} was not served`);
      order.push(id);
      await slot.release();
    })();
    const laterInA = served(a, "a-later", 3_000); // behind a-first in a's line
    await sleep(20);
    const overdueInB = served(b, "b-overdue", 2_000); // asks Redis while a-first holds the slot: the next turn is b's
    await sleep(50);
    await first.release(); // hands over to a-later, which Redis refuses: the turn is b-overdue's
    await Promise.all([laterInA, overdueInB]);
    expect(order).toEqual(["b-overdue", "a-later"]);
  });

  test("a waiter whose wait runs out while the slot is being handed to it takes it, and loses no one else's place", async ({ redis, prefix }) => {
    // Hand-overs that take 60 ms on their way (a slow link to Redis), waits bounded at 100 ms.
    const lease = redisHostSlots(redis, prefix, 0);
    const slowHandOver = (slot: HandingSlot): HandingSlot => ({
      ...slot,
      handOver: async (next) => { await sleep(60); return slowed(await slot.handOver(next)); },
    });
    const slowed = (answer: HandingSlot | BusyHost) => (answer.acquired ? slowHandOver(answer) : answer);
    const slots = waitingHostSlots({ acquire: async (host, waiter) => slowed(await lease.acquire(host, waiter)) }, 100);
    const first = await slots.acquire("news.example.com", { id: "first", since: 1_000 });
    if (!first.acquired) throw new Error("not served");
    const second = slots.acquire("news.example.com", { id: "second", since: 2_000 });
    const third = slots.acquire("news.example.com", { id: "third", since: 3_000 });
    await sleep(60);
    const released = first.release(); // the hand-over to "second" arrives after its 100 ms are up
    const got = await second;
    expect(got.acquired).toBe(true);
    expect(await third).toMatchObject({ acquired: false }); // it waited its 100 ms in line, then heard "busy"
    await released;
    if (got.acquired) await got.release();
    // Nothing was left holding the host.
    expect(await lease.acquire("news.example.com", { id: "after", since: 4_000 })).toMatchObject({ acquired: true });
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
