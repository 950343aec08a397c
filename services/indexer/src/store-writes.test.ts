import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { watchStoreWrites } from "./store-writes.js";

function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: pino({ level: "info" }, sink), lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("watched store writes", () => {
  it("warn once while a write is stuck, however many stall, and once when writes are quick again", async () => {
    const { log, lines } = capturedLog();
    const timed = watchStoreWrites(log, 40).run;
    // Three stalled writes: the warning comes while they are still running, and only once.
    const stalled = [timed(() => sleep(150)), timed(() => sleep(150)), timed(() => sleep(150))];
    await sleep(90);
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/store writes are slow/)]);
    await Promise.all(stalled);
    await timed(() => sleep(1));
    await timed(() => sleep(1));
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/store writes are slow/), "store writes are quick again"]);
    expect(lines[0]!.level).toBe(40);
  });

  it("quick writes log nothing", async () => {
    const { log, lines } = capturedLog();
    const timed = watchStoreWrites(log, 1_000).run;
    for (let i = 0; i < 5; i++) await timed(() => sleep(1));
    expect(lines).toEqual([]);
  });

  it("warn once while writes fail, however many, mark those failures as reported, and say once when a later write succeeds", async () => {
    const { log, lines } = capturedLog();
    const writes = watchStoreWrites(log, 1_000);
    const down = () => Promise.reject(new Error("connect ECONNREFUSED"));
    // A write already in flight when the failures begin proves nothing about the store now.
    const inFlight = writes.run(() => sleep(30));
    const failures = await Promise.all([1, 2, 3].map(() => writes.run(down).catch((err: unknown) => err)));
    await inFlight;
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/store writes are failing/)]);
    expect(lines[0]!.level).toBe(40);
    expect(failures.every((err) => writes.reported(err))).toBe(true);
    expect(writes.reported(new Error("another"))).toBe(false);

    await writes.run(() => sleep(1));
    await writes.run(() => sleep(1));
    expect(lines.map((l) => l.msg)).toEqual([expect.stringMatching(/store writes are failing/), "store writes succeed again"]);
  });
});
