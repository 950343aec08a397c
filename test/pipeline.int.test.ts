import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import YAML from "yaml";
import { documentsOf, loadConfig, type StoredArticle } from "@regradar/shared";
import { redisFeedStateStore } from "@regradar/fetcher";
import { openPipeline, type Pipeline } from "../packages/cli/src/pipeline.js";
import { waitForDrain } from "../packages/cli/src/drain.js";
import { startTestServer, type TestServer } from "./support/misbehaving-server.js";
import { describe, expect, inject, test } from "./support/fixtures.js";
import { articlePage, rss } from "./support/news-site.js";

const seed = JSON.parse(await readFile(new URL("../packages/cli/demo-data/sources/seed-article.json", import.meta.url), "utf8")) as { title: string; text: string };


async function startPipeline(server: TestServer, prefix: string, dir: string, feeds: Array<{ id: string; url: string }>): Promise<Pipeline> {
  const feedsFile = path.join(dir, "feeds.yaml");
  await writeFile(feedsFile, YAML.stringify({ feeds: feeds.map((f) => ({ ...f, interval: 3600, tags: [] })) }));
  const config = loadConfig({
    REDIS_URL: inject("redisUrl"), REGRADAR_DATA_DIR: dir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.1",
    REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_HOST_DELAY_MS: "0", REGRADAR_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", REGRADAR_FETCH_TIMEOUT_MS: "2000",
  });
  return openPipeline(config);
}

async function pollAll(rt: Pipeline, feedIds: string[], tag: string) {
  for (const id of feedIds) await rt.queues.feeds.enqueue({ name: "poll", data: { feedId: id }, jobId: `${tag}-${id}` });
  await waitForDrain(rt.queues, ["feeds", "articles", "index"], 30_000);
}

describe("pipeline end to end (real Redis, local HTTP, SQLite)", () => {
  test("a seed story on a local feed becomes a CN shutdown_order search hit; bad feeds are recorded and do not stop the others", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const seedUrl = server.serveFile("/news/wechat-telegram.html", articlePage(seed.title, seed.text), { "content-type": "text/html; charset=utf-8" });
    const otherUrl = server.serveFile("/news/sec-etf.html", articlePage("SEC approves bitcoin ETF applications",
      "The U.S. Securities and Exchange Commission approved applications for spot bitcoin exchange-traded funds on Wednesday, a landmark decision for the crypto industry.\n\nThe regulator said the approval does not endorse bitcoin. Investors should remain cautious, the agency warned in its statement to the press."),
      { "content-type": "text/html; charset=utf-8" });
    const good = server.serveFile("/feeds/good.xml", rss([
      { title: seed.title, link: seedUrl, description: seed.text.slice(0, 200) },
      { title: "SEC approves bitcoin ETF applications", link: otherUrl, description: "The SEC approved spot bitcoin ETFs." },
      { title: "Page gone", link: server.urlFor("/news/gone.html"), description: "<p>Binance was ordered by the Philippine SEC to stop operating in the country, the regulator said in a statement on Friday.</p>" },
    ]), { "content-type": "application/rss+xml; charset=utf-8" });
    const feeds = [
      { id: "good", url: good },
      { id: "bomb", url: server.urlFor(server.behaviours.billionLaughs()) },
      { id: "notfeed", url: server.serveFile("/feeds/moved.html", "<html><body><h1>This feed has moved</h1></body></html>", { "content-type": "text/html" }) },
      { id: "gone", url: server.urlFor("/feeds/deleted.xml") },
      { id: "throttled", url: server.urlFor(server.behaviours.retryAfter({ status: 429, retryAfter: "120" })) },
      { id: "private", url: server.urlFor(server.behaviours.redirectTo("http://169.254.169.254/latest/meta-data/")) },
      { id: "endless", url: server.urlFor(server.behaviours.endlessBody()) },
    ];
    const rt = await startPipeline(server, prefix, tmpDir, feeds);
    const running = await rt.start(["fetcher", "extractor", "indexer"]);
    try {
      await pollAll(rt, feeds.map((f) => f.id), "first");

      const result = await rt.store.search({ text: "exchanges", jurisdictions: ["CN"], actions: ["shutdown_order"] });
      expect(result.hits.map((h) => h.url)).toContain(seedUrl);
      const hit = result.hits.find((h) => h.url === seedUrl)!;
      expect(hit.entities.map((e) => e.name)).toEqual(expect.arrayContaining(["OKCoin", "Huobi", "BTCChina"]));
      expect(hit.highlights.join(" ")).toContain("<mark>");
      expect(await rt.store.count()).toBe(3);

      // The item whose page is gone was indexed from the feed's own text, and says so.
      const [gone] = await rt.store.search({ text: "Philippine" }).then((r) => rt.store.getArticles(r.hits.map((h) => h.id)));
      expect(gone?.textSource).toBe("feed");
      expect(gone?.pageError).toMatch(/404/);

      const state = redisFeedStateStore(rt.redis, prefix);
      const reasons = Object.fromEntries(await Promise.all(feeds.map(async (f) => [f.id, (await state.get(f.id)).lastError])));
      expect(reasons.good).toBeNull();
      expect(reasons.bomb).toMatch(/entity/i);
      expect(reasons.notfeed).toMatch(/not_a_feed/);
      expect(reasons.gone).toMatch(/http_404/);
      expect(reasons.throttled).toMatch(/429/);
      expect((await state.get("throttled")).nextPollNotBefore! > new Date(Date.now() + 100_000).toISOString()).toBe(true);
      expect(reasons.private).toMatch(/blocked_address/);
      expect(reasons.endless).toMatch(/too_large|timeout/);
    } finally {
      await running.close();
      await rt.close();
      await server.close();
    }
  });

  test("replaying every index job leaves the index unchanged; a second poll enqueues nothing", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const pages = Array.from({ length: 12 }, (_, i) => server.serveFile(`/n/${i}.html`, articlePage(`Story ${i}: regulators and bitcoin exchanges`,
      `${seed.text.split("\n\n").slice(i % 4, (i % 4) + 3).join("\n\n")}\n\nUpdate number ${i} of this running story.`), { "content-type": "text/html" }));
    const feedUrl = server.serveFile("/feed.xml", rss(pages.map((p, i) => ({ title: `Story ${i}`, link: `${p}?utm_source=rss`, description: "x" }))), { "content-type": "application/rss+xml" });
    const rt = await startPipeline(server, prefix, tmpDir, [{ id: "wire", url: feedUrl }]);
    const running = await rt.start(["fetcher", "extractor", "indexer"]);
    try {
      await pollAll(rt, ["wire"], "first");
      const snapshot = async () => (await rt.store.scan(null, 1000)).map((d: StoredArticle) => JSON.stringify(d));
      const before = await snapshot();
      expect(before).toHaveLength(12);

      // Documents finished together share an index job; each article went through exactly one.
      const completed = await rt.queues.index.jobs(["completed"], 0, -1);
      expect(completed.flatMap((j) => documentsOf(j.data).map((d) => d.id)).sort()).toEqual((await rt.store.scan(null, 1000)).map((d) => d.id).sort());
      for (const job of completed) await rt.queues.index.enqueue({ name: "index", data: job.data, jobId: `replay-${job.id}` });
      await pollAll(rt, ["wire"], "second");
      expect(await snapshot()).toEqual(before);
      // The second poll saw an unchanged body: no new extraction jobs.
      expect(await rt.queues.articles.counts("completed")).toEqual({ completed: 12 });
      const pageRequests = server.requests.filter((r) => r.path.startsWith("/n/"));
      expect(pageRequests).toHaveLength(12);
    } finally {
      await running.close();
      await rt.close();
      await server.close();
    }
  });
});
