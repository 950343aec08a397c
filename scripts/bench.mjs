#!/usr/bin/env node
// npm run bench: feed parsing (ours vs plain rss-parser) and the end-to-end pipeline
// (200 feeds x 20 items served locally -> Redis -> SQLite), then the store and alert benchmarks.
// Figures, not pass/fail. Medians; ratios are taken within this run because the machine is shared.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "services/fetcher/package.json"));
const RssParser = require("rss-parser");
const { parseFeed } = await import(path.join(root, "services/fetcher/dist/index.js"));
const shared = await import(path.join(root, "packages/shared/dist/index.js"));
const { freePort, median, pct } = await import("./lib/stats.mjs");
const { startRedisServer } = await import(path.join(root, "packages/cli/dist/redis-server.js"));
const { loadSources, startFeedFarm } = await import("./lib/feed-farm.mjs");

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));

async function benchFeedParsing() {
  const dir = path.join(root, "packages/cli/demo-data/feeds");
  const feeds = await Promise.all(["regradar-policy-wire.xml", "regradar-markets-wire.xml", "cryptonews-atom.xml", "newswire-digest-rdf.xml"].map((f) => readFile(path.join(dir, f), "utf8")));
  const items = feeds.reduce((n, xml) => n + parseFeed(xml, { url: "http://127.0.0.1:8787/" }).items.length, 0);
  const plain = new RssParser();
  const rounds = Number(args.get("parse-rounds") ?? 30);
  const time = async (fn) => { const t = process.hrtime.bigint(); for (let r = 0; r < rounds; r++) for (const xml of feeds) await fn(xml); return Number(process.hrtime.bigint() - t) / 1e9; };
  const ours = [], theirs = [];
  await time((x) => parseFeed(x, { url: "http://127.0.0.1:8787/" })); await time((x) => plain.parseString(x)); // warm-up
  for (let i = 0; i < 7; i++) {
    ours.push((items * rounds) / (await time((x) => parseFeed(x, { url: "http://127.0.0.1:8787/" }))));
    theirs.push((items * rounds) / (await time((x) => plain.parseString(x))));
  }
  console.log(`feed parsing (${feeds.length} UTF-8 feeds, ${items} items, ${rounds} rounds x 7, interleaved)`);
  console.log(`  ours            ${median(ours).toFixed(0)} items/s (median)`);
  console.log(`  plain rss-parser ${median(theirs).toFixed(0)} items/s (median)`);
  console.log(`  ratio ours/plain ${(median(ours) / median(theirs)).toFixed(2)} (ours also decodes, sanitises, resolves links, normalises dates)`);
}

async function benchEndToEnd() {
  const FEEDS = Number(args.get("feeds") ?? 200), ITEMS = Number(args.get("items") ?? 20), HOSTS = Number(args.get("hosts") ?? 20);
  // Sites on 20 loopback hosts: per-host politeness applies to page fetches as to feeds, as it would on the web.
  const farm = await startFeedFarm({ feeds: FEEDS, items: ITEMS, hosts: HOSTS, sources: await loadSources(root) });
  const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-bench-"));
  const redis = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendOnly: false });
  const feedsFile = path.join(dir, "feeds.yaml");
  await writeFile(feedsFile, `feeds:\n${Array.from({ length: FEEDS }, (_, f) => `  - { id: f${f}, url: "${farm.feedUrl(f)}", interval: 3600 }`).join("\n")}\n`);
  const config = shared.loadConfig({ REDIS_URL: redis.url, REGRADAR_DATA_DIR: dir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.0/8",
    REGRADAR_HOST_DELAY_MS: "0", REGRADAR_LOG_LEVEL: "silent", REGRADAR_CONCURRENCY: "8" });
  const { openPipeline } = await import(path.join(root, "packages/cli/dist/pipeline.js"));
  const { waitForDrain } = await import(path.join(root, "packages/cli/dist/drain.js"));
  const rt = await openPipeline(config);
  const running = await rt.start(["fetcher", "extractor", "indexer"]);
  const polledAt = new Map(), latencies = [];
  running.stages.get("fetcher").onCompleted((_q, _outcome, job) => polledAt.set(job.data.feedId, job.processedOn));
  // An index job carries a batch of documents, each from its own feed's poll.
  running.stages.get("indexer").onCompleted((_q, _outcome, job) => {
    for (const doc of shared.documentsOf(job.data)) latencies.push(Date.now() - polledAt.get(doc.feedId));
  });
  const started = Date.now();
  await rt.queues.feeds.enqueueMany(Array.from({ length: FEEDS }, (_, f) => ({ name: "poll", data: { feedId: `f${f}` }, jobId: `bench-f${f}` })));
  await waitForDrain(rt.queues, ["feeds", "articles", "index"], 600_000);
  const seconds = (Date.now() - started) / 1000;
  const indexed = await rt.store.count();
  await running.close(); await rt.close(); await redis.stop(); await farm.close();
  await rm(dir, { recursive: true, force: true });
  console.log(`end to end (${FEEDS} feeds x ${ITEMS} items on ${HOSTS} loopback hosts -> Redis -> extractor -> SQLite, one process, concurrency 8)`);
  console.log(`  ${indexed} articles searchable in ${seconds.toFixed(1)} s: ${(indexed / seconds).toFixed(1)} articles/s`);
  console.log(`  latency feed fetch -> searchable: p50 ${(median(latencies) / 1000).toFixed(2)} s, p95 ${(pct(latencies, 95) / 1000).toFixed(2)} s`);
}

await benchFeedParsing();
console.log("");
await benchEndToEnd();
for (const extra of ["bench-index.mjs", "bench-alerts.mjs"]) {
  const file = path.join(root, "scripts", extra);
  if (!existsSync(file) || args.has("quick")) continue;
  console.log("");
  spawnSync(process.execPath, [file], { stdio: "inherit", cwd: root });
}
