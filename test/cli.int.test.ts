import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";
import { openQueues, type Queues } from "@regradar/shared";
import { redisFeedStateStore } from "@regradar/fetcher";
import { describe, expect, inject, test } from "./support/fixtures.js";
import { regradar } from "./support/compiled-cli.js";

describe("regradar CLI contracts (compiled, as outside tools call it)", () => {
  test("feed parse prints the contract's JSON and resolves relative links against --url", async ({ tmpDir }) => {
    const file = path.join(tmpDir, "feed.xml");
    await writeFile(file, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire &amp; Co</title><link>/</link><description>d</description>
      <item><title>PBOC &lt;bans&gt; ICOs</title><link>/news/1</link><pubDate>Mon, 04 Sep 2017 10:00:00 +0800</pubDate>
      <description>&lt;p onclick="x()"&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description></item></channel></rss>`);
    const started = Date.now();
    const r = await regradar(["feed", "parse", file, "--url", "https://news.example.com/feed.xml"]);
    const elapsed = Date.now() - started;
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["title", "link", "description", "language", "updated", "items"]);
    expect(out.title).toBe("Wire & Co");
    expect(out.items[0]).toMatchObject({ title: "PBOC <bans> ICOs", link: "https://news.example.com/news/1", published: "2017-09-04T02:00:00.000Z" });
    expect(out.items[0].summary).not.toMatch(/script|onclick/);
    expect(elapsed).toBeLessThan(3000); // generous bound for a loaded CI box; the budget is < 1 s
  });

  test("bad input exits non-zero with a one-line error on stderr", async ({ tmpDir }) => {
    const missing = await regradar(["feed", "parse", path.join(tmpDir, "nope.xml")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout).toBe("");
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);

    const bomb = path.join(tmpDir, "bomb.xml");
    await writeFile(bomb, `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><rss version="2.0"><channel><title>&f;</title></channel></rss>`);
    const r = await regradar(["feed", "parse", bomb]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/entity/i);

    const notJson = path.join(tmpDir, "x.json");
    await writeFile(notJson, "{nope");
    const m = await regradar(["mentions", "extract", notJson]);
    expect(m.code).not.toBe(0);
    expect(m.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("mentions extract finds the seed story's jurisdictions, actions and exchanges", async ({ tmpDir }) => {
    const seed = fileURLToPath(new URL("../packages/cli/demo-data/sources/seed-article.json", import.meta.url));
    const r = await regradar(["mentions", "extract", seed]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.relevant).toBe(true);
    expect(out.jurisdictions).toContain("CN");
    expect(out.actions).toEqual(expect.arrayContaining(["shutdown_order", "platform_liability"]));
    expect(out.entities.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(["OKCoin", "Huobi", "BTCChina"]));
  });

  test("feeds add/list/remove edit the registry and schedule polls in Redis", async ({ tmpDir, prefix, redis }) => {
    const open: Queues[] = [];
    const queues = (p: string) => { const q = openQueues(redis, p); open.push(q); return q; };
    onTestFinished(async () => { for (const q of open) await q.close(); });
    const env = { REDIS_URL: inject("redisUrl"), REGRADAR_FEEDS: path.join(tmpDir, "feeds.yaml"), REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_DATA_DIR: tmpDir };
    const added = await regradar(["feeds", "add", "--url", "https://www.sec.gov/news/pressreleases.rss", "--title", "SEC press", "--tag", "regulator"], env);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ added: { id: "sec-press", tags: ["regulator"] }, scheduled: true });
    // One poll, due at once; no repeating job scheduler (those fired at once on every change).
    const pending = await queues(prefix).feeds.jobs(["waiting", "delayed"]);
    expect(pending.map((j) => j.data.feedId)).toEqual(["sec-press"]);
    expect(await queues(prefix).feeds.scheduleIds()).toEqual([]);
    const dup = await regradar(["feeds", "add", "--url", "https://www.sec.gov/news/pressreleases.rss"], env);
    expect(dup.code).not.toBe(0);
    const list = JSON.parse((await regradar(["feeds", "list", "--json"], env)).stdout);
    expect(list.feeds.map((f: { id: string }) => f.id)).toEqual(["sec-press"]);
    expect(list.feeds[0].health).toMatchObject({ consecutiveFailures: 0, lastSuccessAt: null, nextPoll: { jobId: pending[0]!.id } });
    expect((await regradar(["feeds", "list"], env)).stdout).toContain("never polled");
    // A first poll in flight (a 50,000-item feed takes a while) is shown as such, not as "never polled".
    await redisFeedStateStore(redis, prefix).beginPoll("sec-press", { jobId: "by-hand", scheduled: false }, new Date(), 60_000);
    expect((await regradar(["feeds", "list"], env)).stdout).toMatch(/sec-press\t.*\tfirst poll in progress since \d{4}-/);
    expect((await regradar(["feeds", "remove", "sec-press"], env)).code).toBe(0);
    expect(JSON.parse((await regradar(["feeds", "list", "--json"], env)).stdout).feeds).toEqual([]);
  });
});
