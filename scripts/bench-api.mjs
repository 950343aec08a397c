#!/usr/bin/env node
// Search over HTTP: p50/p95 latency of GET /api/search at 1, 10 and 50 concurrent clients (autocannon) on
// generated articles (100,000 by default), SQLite and Elasticsearch, plus the web app's first paint of the
// search page with results (Chromium). Targets (issue 9): p95 <= 50 ms on SQLite and <= 100 ms on
// Elasticsearch at 10 clients on a 2-core machine; first paint <= 1 s.
//
//   npm run bench:api [-- --docs 100000 --seconds 10]
//
// Documents come from bench-index's deterministic generator (~3-5 KB of text, ~5% Chinese, realistic facets);
// loading them is not timed. A mix of analyst queries (words, a phrase, an exclusion, Chinese, facet filters,
// date ranges, sort by date, match-all) rotates across requests; every answer carries 20 hits with highlights,
// the six facets and the histogram, as the web app asks. Each level runs a 2 s warm-up first (not measured).
// Starts its own Elasticsearch (512 MB heap) unless ELASTICSEARCH_URL is set, and its own redis-server.
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import autocannon from "autocannon";
import { Client } from "@elastic/elasticsearch";
import { pino } from "pino";
import { createRedisConnection, openQueues } from "../packages/shared/dist/index.js";
import {
  ElasticsearchArticleStore, ElasticsearchSubscriptionStore, openSqliteDatabase, searchQueryFromParams, SqliteArticleStore, SqliteSubscriptionStore,
  subscriptionIndicesFor,
} from "../packages/store/dist/index.js";
import { buildApp } from "../services/api/dist/index.js";
import { WEB_ROOT } from "../services/api/dist/main.js";
import { startRedisServer } from "../packages/cli/dist/redis-server.js";
import { makeDoc } from "./lib/generated-articles.mjs";
import { startElasticsearch } from "./lib/elasticsearch-local.mjs";

const args = process.argv.slice(2);
const opt = { docs: 100_000, seconds: 10 };
for (let i = 0; i < args.length; i++) {
  const key = args[i].replace(/^--/, "");
  if (!(key in opt)) { console.error(`bench-api: unknown argument ${args[i]}`); process.exit(2); }
  opt[key] = Number(args[++i]);
  if (!Number.isInteger(opt[key]) || opt[key] < 1) { console.error(`bench-api: --${key} needs a positive integer`); process.exit(2); }
}
const log = (m) => process.stderr.write(`[bench-api] ${m}\n`);
const CLIENTS = [1, 10, 50];
const QUERIES = [
  "q=exchange+shutdown", "q=bitcoin&jurisdiction=US", `q=${encodeURIComponent("火币")}`, "action=enforcement&sort=date",
  "q=stablecoin+issuers&since=2020-01-01&until=2022-12-31", `q=${encodeURIComponent('"money-laundering" -bitcoin')}`,
  "entity=Binance&relevant=true", "", "q=crypto+lenders&jurisdiction=GB&action=licensing", "q=wallet+providers&lang=en&sort=date",
].map((q) => `/api/search?${q}${q ? "&" : ""}size=20`);

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function load(stores) {
  const batch = 1000;
  const started = Date.now();
  for (let i = 0; i < opt.docs; i += batch) {
    const docs = Array.from({ length: Math.min(batch, opt.docs - i) }, (_, k) => makeDoc(i + k));
    for (const s of stores) {
      const out = await s.upsertArticles(docs);
      if (out.rejected.length) throw new Error(`${s.kind}: ${out.rejected.length} rejected: ${out.rejected[0].reason}`);
    }
    if ((i / batch) % 10 === 9) log(`loaded ${i + batch} articles (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  for (const s of stores) await s.refresh();
}

async function measure(url, clients) {
  let n = 0;
  const run = (duration, record) => new Promise((resolve, reject) => {
    const latencies = [];
    const instance = autocannon({
      url, connections: clients, duration,
      requests: [{ setupRequest: (req) => ({ ...req, path: QUERIES[n++ % QUERIES.length] }) }],
    }, (err, result) => (err ? reject(err) : resolve({ result, latencies })));
    if (record) instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  await run(2, false);
  const { result, latencies } = await run(opt.seconds, true);
  latencies.sort((a, b) => a - b);
  return { clients, requests: latencies.length, rps: result.requests.average, p50: percentile(latencies, 50), p95: percentile(latencies, 95), non2xx: result.non2xx + result.errors };
}

/** The baseline: the same queries straight to the store, one at a time (what the HTTP layer adds is the difference). */
async function direct(store) {
  const times = [];
  const until = Date.now() + opt.seconds * 1000;
  for (let n = 0; Date.now() < until || n < QUERIES.length; n++) {
    const query = searchQueryFromParams(Object.fromEntries(new URLSearchParams(QUERIES[n % QUERIES.length].split("?")[1])));
    const t0 = performance.now();
    await store.search(query);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function firstPaint(url) {
  let chromium;
  try { ({ chromium } = await import("playwright-core")); } catch { return null; }
  const dir = mkdtempSync(path.join(os.tmpdir(), "regradar-bench-chromium-"));
  const browser = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.REGRADAR_CHROMIUM ?? "/usr/bin/chromium", headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  }).catch(() => null);
  if (!browser) return null;
  try {
    const times = [];
    // The first load warms the browser itself; the figure is the median of the next five, each a new page.
    for (let i = 0; i < 6; i++) {
      const page = await browser.newPage();
      await page.goto(`${url}/?q=exchange+shutdown`);
      await page.locator(".result").first().waitFor();
      times.push(await page.evaluate(() => performance.now()));
      await page.close();
    }
    const warm = times.slice(1).sort((a, b) => a - b);
    return { cold: Math.round(times[0]), median: Math.round(warm[2]) };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "regradar-bench-api-"));
  const external = process.env.ELASTICSEARCH_URL;
  const [redisServer, es] = await Promise.all([
    freePort().then((port) => startRedisServer({ port, dir: tmp, appendOnly: false })),
    external ? { url: external, stop: async () => {} } : startElasticsearch({ log: (m) => log(`es: ${m}`) }),
  ]);
  const client = new Client({ node: es.url });
  const index = `bench-api-${Date.now().toString(36)}`;
  const db = openSqliteDatabase(path.join(tmp, "index.db"));
  const stores = {
    sqlite: { articles: new SqliteArticleStore(db), subscriptions: new SqliteSubscriptionStore(db) },
    elasticsearch: { articles: new ElasticsearchArticleStore(client, { index }), subscriptions: new ElasticsearchSubscriptionStore(client, subscriptionIndicesFor(index)) },
  };
  const redis = createRedisConnection(redisServer.url, "producer");
  const queues = openQueues(redis, "bench");
  const quiet = pino({ level: "warn" }, new Writable({ write(_c, _e, done) { done(); } }));
  try {
    for (const s of Object.values(stores)) { await s.articles.init(); await s.subscriptions.init(); }
    log(`loading ${opt.docs} generated articles into SQLite and Elasticsearch (not timed)`);
    await load([stores.sqlite.articles, stores.elasticsearch.articles]);
    const rows = [];
    for (const [kind, s] of Object.entries(stores)) {
      const app = await buildApp(
        { articles: s.articles, subscriptions: s.subscriptions, redis, queues, send: async () => {}, linkSecret: "bench-link-secret-0123", log: quiet },
        { feedsFile: path.join(tmp, "feeds.yaml"), queuePrefix: "bench", elasticsearch: kind === "elasticsearch", keys: [], publicRead: true, ratePerMinute: 100_000_000, webRoot: WEB_ROOT },
      );
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      try {
        const base = await direct(s.articles);
        rows.push({ store: kind, direct: base });
        log(`${kind} store.search directly, 1 caller: p50 ${base.p50.toFixed(1)} ms, p95 ${base.p95.toFixed(1)} ms`);
        for (const clients of CLIENTS) {
          const r = await measure(url, clients);
          rows.push({ store: kind, ...r });
          log(`${kind} ${clients} clients: p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.rps.toFixed(0)} req/s`);
        }
        rows.push({ store: kind, paint: await firstPaint(url) });
      } finally {
        await app.close();
      }
    }
    console.log(`\nGET /api/search on ${opt.docs.toLocaleString("en")} articles, ${QUERIES.length} rotating queries, 20 hits + facets + histogram each, ${opt.seconds} s per level`);
    console.log("store          clients   p50 ms   p95 ms    req/s   non-2xx");
    const ms = (v) => (v === undefined ? "-" : v.toFixed(1)).padStart(8);
    for (const r of rows.filter((r) => r.direct)) console.log(`${r.store.padEnd(14)}  direct ${ms(r.direct.p50)} ${ms(r.direct.p95)}        (store.search in-process, no HTTP: the baseline)`);
    for (const r of rows.filter((r) => r.clients)) {
      const base = rows.find((b) => b.store === r.store && b.direct).direct;
      console.log(`${r.store.padEnd(14)} ${String(r.clients).padStart(7)} ${ms(r.p50)} ${ms(r.p95)} ${r.rps.toFixed(0).padStart(8)} ${String(r.non2xx).padStart(9)}   p50 ${(r.p50 / base.p50).toFixed(2)}x the baseline`);
    }
    for (const r of rows.filter((r) => "paint" in r)) {
      console.log(r.paint ? `first paint with results (${r.store}): ${r.paint.median} ms median of 5 new pages (first page of a fresh browser: ${r.paint.cold} ms)` : `first paint (${r.store}): skipped, no Chromium`);
    }
    const at10 = (store) => rows.find((r) => r.store === store && r.clients === 10)?.p95;
    console.log(`targets at 10 clients: SQLite p95 ${at10("sqlite")?.toFixed(1)} ms (<= 50), Elasticsearch p95 ${at10("elasticsearch")?.toFixed(1)} ms (<= 100)`);
  } finally {
    await queues.close();
    redis.disconnect();
    await stores.elasticsearch.articles.destroy().catch(() => {});
    await client.close();
    db.close();
    await Promise.all([redisServer.stop(), es.stop()]);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
