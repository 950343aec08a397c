import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { FeedParseError, parseFeed, type ParseFeedOptions } from "../parse-feed.js";

/**
 * Runs the conformance cases: feedparser's test suite (kurtmckee/feedparser, tests/) translated to
 * RegRadar's contract 1. Each case is the feed document itself with a header comment, as feedparser
 * writes its cases, so a case reads like the original:
 *
 *   <!--
 *   Source: tests/wellformed/rss/item_title.xml
 *   Options: {"contentType": "text/xml; charset=big5", "url": "http://example.com/feed"}
 *   Expect: items.0.title == "Example"
 *   -->
 *
 * `Expect:` lines hold a dotted path into the parse result (`items.length` for a count), `==` and a
 * JSON value (`~=` compares strings with runs of whitespace collapsed, for HTML whose layout between
 * elements is not part of its meaning); `Expect: error <reason>` expects a FeedParseError. A case passes when every line holds.
 * Cases under `sanitize/` also count towards the separate sanitiser rate.
 */

export interface CaseResult {
  name: string;
  sanitize: boolean;
  passed: boolean;
  failures: string[];
}

const HEADER = /<!--([\s\S]*?)-->/;

export function conformanceCases(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...conformanceCases(full));
    else if (entry.name.endsWith(".xml")) out.push(full);
  }
  return out.sort();
}

export function runCase(file: string, root: string): CaseResult {
  const bytes = readFileSync(file);
  // Headers are ASCII in every encoding the cases use except UTF-16/EBCDIC, which carry theirs in a sidecar.
  const sidecar = file.replace(/\.xml$/, ".expect");
  const header = readSidecar(sidecar) ?? HEADER.exec(bytes.toString("latin1"))?.[1] ?? "";
  const name = path.relative(root, file);
  const lines = header.split("\n").map((l) => l.trim());
  const opts = JSON.parse(lines.find((l) => l.startsWith("Options:"))?.slice(8) ?? "{}") as ParseFeedOptions;
  const expects = lines.filter((l) => l.startsWith("Expect:")).map((l) => l.slice(7).trim());
  const failures: string[] = [];
  let result: unknown;
  let error: unknown = null;
  try {
    result = parseFeed(new Uint8Array(bytes), opts);
  } catch (err) {
    error = err;
  }
  for (const expect of expects) {
    const wantError = /^error (\w+)$/.exec(expect);
    if (wantError) {
      if (!(error instanceof FeedParseError) || error.reason !== wantError[1]) failures.push(`${expect}: got ${describe(error)}`);
      continue;
    }
    const m = /^([\w.]+) (==|~=) (.*)$/.exec(expect);
    if (!m) {
      failures.push(`unreadable expectation: ${expect}`);
      continue;
    }
    if (error) {
      failures.push(`${expect}: threw ${describe(error)}`);
      continue;
    }
    const got = pick(result, m[1]!);
    const want: unknown = JSON.parse(m[3]!);
    const same = m[2] === "~=" ? typeof got === "string" && collapse(got) === collapse(String(want)) : isDeepStrictEqual(got, want);
    if (!same) failures.push(`${m[1]}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  if (expects.length === 0) failures.push("case has no expectation");
  return { name, sanitize: name.split(path.sep).includes("sanitize"), passed: failures.length === 0, failures };
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

function readSidecar(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function pick(value: unknown, dotted: string): unknown {
  let cur: unknown = value;
  for (const key of dotted.split(".")) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function describe(err: unknown): string {
  if (err instanceof FeedParseError) return `FeedParseError(${err.reason})`;
  return err instanceof Error ? `${err.name}: ${err.message}` : "no error";
}
