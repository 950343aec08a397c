#!/usr/bin/env node
// npm run bench: feed parsing (ours vs plain rss-parser) and the end-to-end pipeline
// (200 feeds x 20 items served locally -> Redis -> SQLite), then the store and alert benchmarks.
// Figures, not pass/fail. Medians; ratios are taken within this run because the machine is shared.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "services/fetcher/package.json"));
const RssParser = require("rss-parser");
const { parseFeed } = await import(path.join(root, "services/fetcher/dist/index.js"));
const shared = await import(path.join(root, "packages/shared/dist/index.js"));
const { startRedisServer } = await import(path.join(root, "packages/cli/dist/redis-server.js"));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
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

async function freePort() {
  return new Promise((resolve) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
}

async function benchEndToEnd() {
  const FEEDS = Number(args.get("feeds") ?? 200), ITEMS = Number(args.get("items") ?? 20);
  const sources = (await readFile(path.join(root, "../shared/benchmarks/mentions/gold-public.jsonl"), "utf8").catch(() => null))
    ?.split("\n").filter(Boolean).map((l) => JSON.parse(l)) ?? [{ title: "Regulators ban crypto exchange", text: "The regulator ordered the exchange to stop trading." }];
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const server = http.createServer((req, res) => {
    const m = /^\/feed\/(\d+)\.xml$/.exec(req.url) ?? /^\/a\/(\d+)\/(\d+)\.html$/.exec(req.url);
    if (!m) { res.writeHead(404).end(); return; }
    if (req.url.startsWith("/feed/")) {
      const f = Number(m[1]);
      const items = Array.from({ length: ITEMS }, (_, i) => { const s = sources[(f * ITEMS + i) % sources.length]; return `<item><title>${esc(s.title)} (${f}-${i})</title><link>${base}/a/${f}/${i}.html</link><guid>${base}/a/${f}/${i}.html</guid><pubDate>${new Date(Date.UTC(2024, 0, 1, 0, i)).toUTCString()}</pubDate><description>${esc(s.text.slice(0, 200))}</description></item>`; });
      res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${f}</title><link>${base}</link><description>bench</description>${items.join("")}</channel></rss>`);
    } else {
      const s = sources[(Number(m[1]) * ITEMS + Number(m[2])) % sources.length];
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="${s.lang ?? "en"}"><head><title>${esc(s.title)}</title></head><body><nav><a href="/">Home</a></nav><article><h1>${esc(s.title)}</h1>${s.text.split(/\n+/).map((p) => `<p>${esc(p)}</p>`).join("")}</article><footer>© bench</footer></body></html>`);
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-bench-"));
  const redis = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendOnly: false });
  const feedsFile = path.join(dir, "feeds.yaml");
  await writeFile(feedsFile, `feeds:\n${Array.from({ length: FEEDS }, (_, f) => `  - { id: f${f}, url: "${base}/feed/${f}.xml", interval: 3600 }`).join("\n")}\n`);
  const config = shared.loadConfig({ REDIS_URL: redis.url, REGRADAR_DATA_DIR: dir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.1",
    REGRADAR_HOST_DELAY_MS: "0", REGRADAR_LOG_LEVEL: "silent", REGRADAR_CONCURRENCY: "8" });
  const { openPipeline } = await import(path.join(root, "packages/cli/dist/pipeline.js"));
  const { waitForDrain } = await import(path.join(root, "packages/cli/dist/drain.js"));
  const rt = await openPipeline(config);
  const running = await rt.start(["fetcher", "extractor", "indexer"]);
  const polledAt = new Map(), latencies = [];
  running.stages.get("fetcher").onCompleted((_q, _outcome, job) => polledAt.set(job.data.feedId, job.processedOn));
  running.stages.get("indexer").onCompleted((_q, _outcome, job) => latencies.push(Date.now() - polledAt.get(job.data.feedId)));
  const started = Date.now();
  await rt.queues.feeds.enqueueMany(Array.from({ length: FEEDS }, (_, f) => ({ name: "poll", data: { feedId: `f${f}` }, jobId: `bench-f${f}` })));
  await waitForDrain(rt.queues, ["feeds", "articles", "index"], 600_000);
  const seconds = (Date.now() - started) / 1000;
  const indexed = await rt.store.count();
  await running.close(); await rt.close(); await redis.stop(); server.close();
  await rm(dir, { recursive: true, force: true });
  console.log(`end to end (${FEEDS} feeds x ${ITEMS} items on 127.0.0.1 -> Redis -> extractor -> SQLite, one process, concurrency 8)`);
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
