import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { articleIdsOf, documentsOf, loadConfig, type StageName } from "@regradar/shared";
import { createSubscription } from "@regradar/alerter";
import { openPipeline } from "../packages/cli/src/pipeline.js";
import { waitForDrain } from "../packages/cli/src/drain.js";
import { until, webhookReceiver } from "./support/alert-receivers.js";
import { startFeedFarm } from "./support/feed-farm.js";
import { startTestServer } from "./support/misbehaving-server.js";
import { describe, expect, inject, test } from "./support/fixtures.js";

const CLI = fileURLToPath(new URL("../packages/cli/dist/main.js", import.meta.url));
const HOST_DELAY_MS = 50;

describe("scale-out: several processes per stage on one Redis", () => {
  test("2 fetchers, 3 extractors, 2 indexers, 2 alerters: no article lost, no document or alert duplicated, one request at a time per host", async ({ tmpDir, prefix }) => {
    const farm = await startFeedFarm({ hosts: 4, feedsPerHost: 3, itemsPerFeed: 5, latencyMs: 20 });
    const receiver = await startTestServer();
    const hook = webhookReceiver(receiver, "/hook");
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    await writeFile(feedsFile, YAML.stringify({ feeds: farm.feeds.map((f) => ({ ...f, interval: 3600, tags: [] })) }));
    const env = {
      REDIS_URL: inject("redisUrl"), REGRADAR_DATA_DIR: tmpDir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.0/8",
      REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_HOST_DELAY_MS: String(HOST_DELAY_MS), REGRADAR_LOG_LEVEL: "warn", REGRADAR_ALERT_BACKOFF_MS: "50",
    };
    const config = loadConfig(env);
    const rt = await openPipeline(config);
    const processes: ChildProcess[] = [];
    try {
      await createSubscription({ subscriptions: rt.subscriptions, redis: rt.redis, prefix }, { name: "all", channel: "webhook", target: hook.url, secret: "scale-secret-1" });
      const counts: Record<StageName, number> = { fetcher: 2, extractor: 3, indexer: 2, alerter: 2 };
      for (const [stage, n] of Object.entries(counts)) {
        for (let i = 0; i < n; i++) processes.push(spawn(process.execPath, [CLI, "worker", stage], { env: { ...process.env, ...env }, stdio: "ignore" }));
      }
      await rt.queues.feeds.enqueueMany(farm.feeds.map((f) => ({ name: "poll", data: { feedId: f.id }, jobId: `scale-${f.id}` })));
      await until(async () => (await rt.store.count()) === farm.articles, 120_000, "every article indexed");
      // Not "feeds": the fetchers keep each registered feed's next scheduled poll waiting there.
      await waitForDrain(rt.queues, ["articles", "index", "alerts", "deliveries"], 60_000);
      await until(() => hook.accepted().length === farm.articles, 30_000, "an alert per article");

      // Nothing lost, nothing twice: one document per article, one delivery per (subscription, article).
      expect(await rt.store.count()).toBe(farm.articles);
      const alerted = hook.received.map((r) => JSON.parse(r.body).articles[0].id as string);
      expect(new Set(alerted).size).toBe(farm.articles);
      expect(hook.accepted()).toHaveLength(farm.articles);
      for (const q of ["feeds", "articles", "index", "alerts", "deliveries"] as const) expect(await rt.queues[q].counts("failed")).toEqual({ failed: 0 });
      // Index and alerts jobs carry batches: each article was in exactly one of each.
      const once = (ids: string[]) => expect([ids.length, new Set(ids).size]).toEqual([farm.articles, farm.articles]);
      once((await rt.queues.index.jobs(["completed"])).flatMap((j) => documentsOf(j.data).map((d) => d.id)));
      once((await rt.queues.alerts.jobs(["completed"])).flatMap((j) => articleIdsOf(j.data)));

      // Per host, across both fetchers and all three extractors (feeds and article pages alike): never two requests at once.
      for (const [host, visits] of farm.visits) {
        const sorted = [...visits].sort((a, b) => a.start - b.start);
        for (let i = 1; i < sorted.length; i++) {
          expect(sorted[i]!.start, `${host}: ${sorted[i]!.path} started before ${sorted[i - 1]!.path} ended`).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
        }
      }
    } finally {
      for (const p of processes) p.kill("SIGTERM");
      await Promise.all(processes.map((p) => (p.exitCode !== null ? null : new Promise((r) => p.once("exit", r)))));
      await rt.close();
      await farm.close();
      await receiver.close();
    }
  }, 240_000);
});
