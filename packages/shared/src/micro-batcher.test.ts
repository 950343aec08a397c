import { describe, expect, it } from "vitest";
import { MicroBatcher } from "./micro-batcher.js";

const busy = (ms: number) => { const end = Date.now() + ms; while (Date.now() < end); };

describe("MicroBatcher", () => {
  it("writes a burst one batch per turn of the event loop, so timers (BullMQ's lock renewals) run between batches", async () => {
    let ticks = 0;
    const ticker = setInterval(() => { ticks++; }, 1);
    const seen: Array<{ size: number; tick: number }> = [];
    // A synchronous store: each batch holds the event loop for 5 ms.
    const batcher = new MicroBatcher<number, string>(async (items) => {
      seen.push({ size: items.length, tick: ticks });
      busy(5);
      return items.map((i) => `done ${i}`);
    }, 10, 200);
    try {
      const results = await Promise.all(Array.from({ length: 35 }, (_, i) => batcher.add(i)));
      expect(results).toEqual(Array.from({ length: 35 }, (_, i) => `done ${i}`));
      expect(seen.map((s) => s.size)).toEqual([10, 10, 10, 5]);
      for (let b = 1; b < 3; b++) expect(seen[b]!.tick, `timers ran before batch ${b + 1}`).toBeGreaterThan(seen[b - 1]!.tick);
    } finally {
      clearInterval(ticker);
    }
  });

  it("a failed batch fails its own items only; a lone item waits for company at most maxWaitMs", async () => {
    const batcher = new MicroBatcher<number, number>(async (items) => {
      if (items.includes(3)) throw new Error("store down");
      return items.map((i) => i * 2);
    }, 2, 30);
    const first = [batcher.add(1), batcher.add(2)];
    const second = [batcher.add(3), batcher.add(4)];
    expect(await Promise.all(first)).toEqual([2, 4]);
    for (const p of second) await expect(p).rejects.toThrow("store down");
    const started = Date.now();
    expect(await batcher.add(5)).toBe(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
