import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { functionThread, type ThreadError } from "./function-thread.js";

// A module as the thread loads it: compiled JavaScript at a file URL.
const dir = mkdtempSync(path.join(os.tmpdir(), "function-thread-"));
const moduleFile = path.join(dir, "work.mjs");
writeFileSync(moduleFile, `
import { threadId } from "node:worker_threads";
let warm = false;
export function warmUp() { warm = true; }
export function work(kind, n) {
  if (kind === "fail") throw Object.assign(new RangeError("too big: " + n), { reason: "too_big" });
  if (kind === "exit") process.exit(3);
  if (kind === "slow") { const until = Date.now() + n; while (Date.now() < until); }
  return { doubled: n * 2, threadId, warm };
}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = () => functionThread<[string, number], { doubled: number; threadId: number; warm: boolean }>({
  moduleUrl: pathToFileURL(moduleFile).href, exportName: "work", warmUpExport: "warmUp", heapMb: 64, name: "test work",
});

describe("functionThread", () => {
  it("runs the function on another thread, warmed up first, and answers each call", async () => {
    const thread = open();
    try {
      await thread.ready();
      const results = await Promise.all([1, 2, 3].map((n) => thread.call("ok", n)));
      expect(results.map((r) => r.doubled)).toEqual([2, 4, 6]);
      expect(results.every((r) => r.threadId !== 0 && r.warm)).toBe(true);
    } finally {
      await thread.close();
    }
  });

  it("rejects with the thrown error's name, message and fields, and keeps serving", async () => {
    const thread = open();
    try {
      const err = await thread.call("fail", 7).catch((e: unknown) => e as ThreadError);
      expect(err).toBeInstanceOf(Error);
      expect(err).toMatchObject({ name: "RangeError", message: "too big: 7", reason: "too_big" });
      expect((await thread.call("ok", 5)).doubled).toBe(10);
    } finally {
      await thread.close();
    }
  });

  it("fails the calls in flight when the thread dies, and starts a new one for the next call", async () => {
    const thread = open();
    try {
      const first = await thread.call("ok", 1);
      await expect(thread.call("exit", 0)).rejects.toThrow("test work thread exited (3)");
      const next = await thread.call("ok", 2);
      expect(next.doubled).toBe(4);
      expect(next.threadId).not.toBe(first.threadId);
    } finally {
      await thread.close();
    }
  });

  it("fails a call still running when it is closed, instead of leaving it pending", async () => {
    const thread = open();
    // The expectation is attached before closing: the call fails during close().
    const slow = expect(thread.call("slow", 500)).rejects.toThrow("test work thread closed");
    await thread.close();
    await slow;
  });
});
