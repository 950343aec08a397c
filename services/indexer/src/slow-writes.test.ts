import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { watchSlowWrites } from "./slow-writes.js";

function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: pino({ level: "info" }, sink), lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("slow store writes", () => {
  it("warn once while a write is stuck, however many stall, and once when writes are quick again", async () => {
    const { log, lines } = capturedLog();
    const timed = watchSlowWrites(log, 40);
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
    const timed = watchSlowWrites(log, 1_000);
    for (let i = 0; i < 5; i++) await timed(() => sleep(1));
    expect(lines).toEqual([]);
  });
});
