import { test } from "vitest";
import { readFileSync } from "node:fs";
import { parseFeed } from "./parse-feed.js";
test("entities", () => {
  const ents = JSON.parse(readFileSync("/tmp/fp/ents.json", "utf8")) as Record<string, string>;
  const bad: string[] = [];
  for (const [name, ch] of Object.entries(ents)) {
    const t = parseFeed(`<rss>\n<channel>\n<title>testing &${name}; entity</title>\n</channel>\n</rss>`).title;
    if (t !== `testing ${ch} entity`) bad.push(`${name}: ${JSON.stringify(t)}`);
  }
  for (const x of ["&#160;", "&#x1d54f;", "&#X41;", "&#732;", "&#8216;", "&#9830;"]) console.log(x, JSON.stringify(parseFeed(`<rss><channel><title>testing ${x} entity</title></channel></rss>`).title));
  console.log(Object.keys(ents).length, "bad:", bad.join(" | "));
  console.log(JSON.stringify(parseFeed(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><title type="application/xhtml+xml" mode="xml">&#X41;</title></entry></feed`).items[0]!.title));
});
