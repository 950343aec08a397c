import { test } from "vitest";
import { readFileSync } from "node:fs";
import { parseFeed } from "./parse-feed.js";
test("x80", () => {
  const cases = JSON.parse(readFileSync("/tmp/fp/x80.json", "utf8"));
  let ok = 0; const bad: string[] = [];
  for (const c of cases) {
    let got: string | null = null;
    try { got = parseFeed(new Uint8Array(Buffer.from(c.b64, "base64"))).title; } catch (e) { got = "ERR " + (e as Error).message; }
    if (got === c.expected) ok++; else bad.push(`${c.label}: ${JSON.stringify(got)} != ${JSON.stringify(c.expected)}`);
  }
  console.log(ok, "/", cases.length, "\n" + bad.join("\n"));
});
