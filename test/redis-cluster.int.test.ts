import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Cluster } from "ioredis";
import YAML from "yaml";
import { loadConfig } from "@regradar/shared";
import { createSubscription } from "@regradar/alerter";
import { openPipeline } from "../packages/cli/src/pipeline.js";
import { waitForDrain } from "../packages/cli/src/drain.js";
import { webhookReceiver, until } from "./support/alert-receivers.js";
import { startTestServer } from "./support/misbehaving-server.js";
import { articlePage, rss } from "./support/news-site.js";
import { startRedisCluster } from "./support/redis-cluster.js";
import { describe, expect, test } from "./support/fixtures.js";

describe("on a Redis Cluster (3 masters, real redis-server)", () => {
  test("feeds flow end to end to the index and a webhook alert; every key of the pipeline lives in the prefix's one hash slot", async ({ tmpDir }) => {
    const cluster = await startRedisCluster(path.join(tmpDir, "cluster"));
    const server = await startTestServer();
    try {
      // Distinct stories: near-duplicate copies of one story would (rightly) alert only once.
      const stories = [
        ["Beijing orders exchanges to stop trading", "Chinese regulators ordered Beijing cryptocurrency exchanges to cease trading and stop registering new users, the People's Bank of China said."],
        ["China bans initial coin offerings", "The People's Bank of China banned initial coin offerings and told platforms in China to refund investors at once."],
        ["Shanghai police raid bitcoin mining farm", "Police in Shanghai raided an illegal bitcoin mining operation and seized hundreds of machines, Chinese state media reported."],
        ["CSRC warns brokers over crypto trading", "The China Securities Regulatory Commission warned brokers in China against facilitating cryptocurrency trading for clients."],
        ["Chinese court rules bitcoin is property", "A court in Hangzhou, China ruled that bitcoin is virtual property protected by law, in a case over a stolen wallet."],
        ["China tax bureau targets crypto gains", "China's State Taxation Administration said it will tax gains from cryptocurrency trading and pursue evaders abroad."],
      ];
      const pages = stories.map(([title, text], i) => server.serveFile(`/n/${i}.html`, articlePage(title!, text!), { "content-type": "text/html" }));
      const feedUrl = server.serveFile("/feed.xml", rss(pages.map((p, i) => ({ title: stories[i]![0]!, link: p, description: stories[i]![1]! }))), { "content-type": "application/rss+xml" });
      const feedsFile = path.join(tmpDir, "feeds.yaml");
      await writeFile(feedsFile, YAML.stringify({ feeds: [{ id: "wire", url: feedUrl, interval: 3600, tags: [] }] }));
      const config = loadConfig({
        REDIS_URL: cluster.url, REGRADAR_DATA_DIR: tmpDir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.1",
        REGRADAR_HOST_DELAY_MS: "0", REGRADAR_LOG_LEVEL: "silent", REGRADAR_ALERT_BACKOFF_MS: "50",
      });
      expect(config.queuePrefix).toBe("{regradar}");
      const hook = webhookReceiver(server, "/hook");
      const rt = await openPipeline(config);
      const running = await rt.start(["fetcher", "extractor", "indexer", "alerter"]);
      try {
        await createSubscription({ subscriptions: rt.subscriptions, redis: rt.redis, prefix: config.queuePrefix },
          { name: "cn", channel: "webhook", target: hook.url, secret: "cluster-secret-1", jurisdictions: ["CN"] });
        await rt.queues.feeds.enqueue({ name: "poll", data: { feedId: "wire" }, jobId: "cluster-poll" });
        await waitForDrain(rt.queues, ["feeds", "articles", "index", "alerts", "deliveries"], 60_000);
        expect(await rt.store.count()).toBe(6);
        const cn = (await rt.store.search({ jurisdictions: ["CN"], limit: 10 })).hits.map((h) => h.id).sort();
        expect(cn.length).toBeGreaterThanOrEqual(4);
        await until(() => hook.received.length >= cn.length, 10_000, "an alert per CN story");
        expect(hook.received.map((r) => JSON.parse(r.body).articles[0].id).sort()).toEqual(cn);
        // All keys hash to the prefix's slot: exactly one master holds any.
        const masters = (rt.redis as Cluster).nodes("master");
        const sizes = await Promise.all(masters.map((n) => n.dbsize()));
        expect(sizes.filter((n) => n > 0)).toHaveLength(1);
      } finally {
        await running.close();
        await rt.close();
      }
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});
