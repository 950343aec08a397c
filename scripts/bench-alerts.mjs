#!/usr/bin/env node
// bench-alerts.mjs — alert matching throughput and feed-to-alert latency, on the compiled code.
//
//   npm run build && node scripts/bench-alerts.mjs [--subs=10000] [--runs=7] [--articles=100] [--feeds=10]
//
// 1. Matching: N generated subscriptions (filters and queries drawn like real ones: most filter by a
//    jurisdiction or an action, some by an entity, a third carry a query) compiled once, then every
//    article of the mentions benchmark (annotated by our own extractor) matched against them.
//    Articles/s is the median of several timed passes after a warm-up, on one core.
// 2. Latency: articles served on 127.0.0.1 as RSS + pages, through the real pipeline (fetcher ->
//    extractor -> indexer -> alerter) on a private redis-server and SQLite, delivered to a local
//    webhook receiver. Latency = receiver got the alert - the feed's poll job started.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32 } from "./lib/feed-farm.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => import(path.join(root, p));
const shared = await dist("packages/shared/dist/index.js");
const alerter = await dist("services/alerter/dist/index.js");
const { freePort, median, pct } = await import("./lib/stats.mjs");
const { startRedisServer } = await dist("packages/cli/dist/redis-server.js");
const { extractMentions } = await dist("services/extractor/dist/index.js");

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const SUBS = Number(args.get("subs") ?? 10_000);
const RUNS = Number(args.get("runs") ?? 7);
const ARTICLES = Number(args.get("articles") ?? 100);
const FEEDS = Number(args.get("feeds") ?? 10);


async function loadSources() {
  const file = path.join(root, "../shared/benchmarks/mentions/gold-public.jsonl");
  const lines = await readFile(file, "utf8").then((s) => s.split("\n").filter(Boolean)).catch(() => null);
  if (lines) return lines.map((l) => JSON.parse(l)).map((d) => ({ title: d.title ?? "", text: d.text ?? "", lang: d.lang ?? "en" }));
  return Array.from({ length: 50 }, (_, i) => ({ title: `Regulators act on exchange ${i}`, text: `The SEC ordered exchange ${i} to stop trading bitcoin in the United States.`, lang: "en" }));
}

function storedArticle(src, i) {
  const m = extractMentions(src);
  const url = `https://news${i % 7}.example.com/a/${i}`;
  return {
    id: shared.articleIdFor(url), url, canonicalUrl: url, feedId: "bench", feedTitle: null, source: new URL(url).host, title: src.title, summary: null,
    text: src.text, lang: src.lang, publishedAt: null, fetchedAt: new Date().toISOString(), authors: [], categories: [], relevant: m.relevant,
    score: m.score, jurisdictions: m.jurisdictions, authorities: m.authorities, actions: m.actions, entities: m.entities, mentions: m.mentions,
    contentHash: shared.simhash(src.text), textSource: "page", pageError: null, indexedAt: new Date().toISOString(), duplicateOf: null,
  };
}

function generateSubscriptions(n, articles, rnd) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const some = (xs, max) => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(xs)))];
  const countries = ["CN", "US", "GB", "EU", "KR", "JP", "SG", "IN", "RU", "DE", "FR", "CH", "HK", "AU", "CA", "BR", "NG", "TR", "AE", "ZA", "TH", "PH", "VN", "ID", "MY"];
  const entities = [...new Set(articles.flatMap((a) => a.entities.map((e) => e.name)))].concat(Array.from({ length: 300 }, (_, i) => `Token${i}`));
  const authorities = [...new Set(articles.flatMap((a) => a.authorities))].concat(Array.from({ length: 100 }, (_, i) => `Agency ${i}`));
  const words = [...new Set(articles.flatMap((a) => (a.title + " " + a.text).toLowerCase().match(/[a-z]{5,}/g) ?? []))];
  return Array.from({ length: n }, (_, i) => {
    const input = { name: `bench ${i}`, channel: "webhook", target: "https://hooks.example.com/bench" };
    if (rnd() < 0.6) input.jurisdictions = some(countries, 2);
    if (rnd() < 0.5) input.actions = some(shared.ACTIONS, 2);
    if (rnd() < 0.25) input.entities = some(entities, 1);
    if (rnd() < 0.1) input.authorities = some(authorities, 1);
    if (rnd() < 0.35) {
      const r = rnd();
      input.query = r < 0.5 ? pick(words) : r < 0.8 ? `${pick(words)} ${pick(words)}` : `"${pick(words)} ${pick(words)}" | ${pick(words)}`;
    }
    if (rnd() < 0.3) input.minScore = Math.round((0.3 + rnd() * 0.4) * 100) / 100;
    return alerter.validateSubscription(input);
  });
}

async function benchMatching() {
  const sources = await loadSources();
  const articles = sources.map(storedArticle);
  const subs = generateSubscriptions(SUBS, articles, mulberry32(42));
  const t0 = process.hrtime.bigint();
  const compiled = alerter.compileSubscriptions(subs);
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let matches = 0;
  for (const a of articles) matches += compiled.match(a).length; // warm-up, and the match count
  const rounds = Math.max(1, Math.ceil(2000 / articles.length));
  const rates = [];
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    for (let k = 0; k < rounds; k++) for (const a of articles) compiled.match(a);
    rates.push((rounds * articles.length) / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  const avgChars = Math.round(articles.reduce((n, a) => n + a.text.length, 0) / articles.length);
  console.log(`alert matching (${SUBS} generated subscriptions, ${articles.length} benchmark articles of ~${avgChars} chars, one core)`);
  console.log(`  compile ${compileMs.toFixed(0)} ms; ${(matches / articles.length).toFixed(1)} matching subscriptions per article on average`);
  console.log(`  ${median(rates).toFixed(0)} articles/s (median of ${RUNS} passes of ${rounds * articles.length}; min ${Math.min(...rates).toFixed(0)}, max ${Math.max(...rates).toFixed(0)})`);
}

async function benchLatency() {
  const base0 = await loadSources();
  // Past the benchmark's texts, articles are drawn from its vocabulary: distinct stories, not near-duplicates.
  const vocabulary = [...new Set(base0.flatMap((s) => s.text.match(/\p{L}{3,}/gu) ?? []))];
  const rnd = mulberry32(7);
  const words = (k) => Array.from({ length: k }, () => vocabulary[Math.floor(rnd() * vocabulary.length)]).join(" ");
  const sources = Array.from({ length: Math.max(ARTICLES, base0.length) }, (_, n) => n < base0.length ? base0[n]
    : { title: words(8), text: Array.from({ length: 6 }, () => `${words(30)}.`).join("\n\n"), lang: "en" });
  const perFeed = Math.ceil(ARTICLES / FEEDS);
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const received = new Map();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/hook") {
        requests++;
        const at = Date.now();
        for (const a of JSON.parse(Buffer.concat(chunks).toString()).articles) if (!received.has(a.url)) received.set(a.url, at);
        res.writeHead(200).end("ok");
        return;
      }
      const feed = /^\/feed\/(\d+)\.xml$/.exec(req.url), page = /^\/a\/(\d+)\/(\d+)\.html$/.exec(req.url);
      if (feed) {
        const f = Number(feed[1]);
        const items = Array.from({ length: perFeed }, (_, i) => f * perFeed + i).filter((n) => n < ARTICLES).map((n) => {
          const s = sources[n % sources.length];
          const link = `${base}/a/${f}/${n}.html`;
          return `<item><title>${esc(s.title)} (${n})</title><link>${link}</link><guid>${link}</guid><description>${esc(s.text.slice(0, 200))}</description></item>`;
        });
        res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${f}</title><link>${base}</link><description>bench</description>${items.join("")}</channel></rss>`);
      } else if (page) {
        const n = Number(page[2]);
        const s = sources[n % sources.length];
        // Each page unique: the bench measures alerts, not near-duplicate suppression.
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="${s.lang}"><head><title>${esc(s.title)} (${n})</title></head><body><article><h1>${esc(s.title)} (${n})</h1>${s.text.split(/\n+/).map((p) => `<p>${esc(p)}</p>`).join("")}<p>Item ${n} of the bench, reference ${n * 7919}.</p></article></body></html>`);
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-bench-alerts-"));
  const redis = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendOnly: false });
  const feedsFile = path.join(dir, "feeds.yaml");
  await writeFile(feedsFile, `feeds:\n${Array.from({ length: FEEDS }, (_, f) => `  - { id: f${f}, url: "${base}/feed/${f}.xml", interval: 3600 }`).join("\n")}\n`);
  const config = shared.loadConfig({
    REDIS_URL: redis.url, REGRADAR_DATA_DIR: dir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.1", REGRADAR_HOST_DELAY_MS: "0",
    REGRADAR_LOG_LEVEL: "silent", REGRADAR_CONCURRENCY: "8", REGRADAR_ALERT_RATE_WEBHOOK: "10000",
  });
  const { openPipeline } = await dist("packages/cli/dist/pipeline.js");
  const { waitForDrain } = await dist("packages/cli/dist/drain.js");
  const rt = await openPipeline(config);
  // Every article alerts: one subscription without filters, plus the generated ones (inactive: stored, not matched).
  await alerter.createSubscription({ subscriptions: rt.subscriptions, redis: rt.redis, prefix: config.queuePrefix }, { name: "everything", channel: "webhook", target: `${base}/hook`, secret: "bench-secret" });
  const running = await rt.start(["fetcher", "extractor", "indexer", "alerter"]);
  const polledAt = new Map();
  running.stages.get("fetcher").onCompleted((_q, _outcome, job) => polledAt.set(job.data.feedId, job.processedOn));
  const started = Date.now();
  await rt.queues.feeds.enqueueMany(Array.from({ length: FEEDS }, (_, f) => ({ name: "poll", data: { feedId: `f${f}` }, jobId: `bench-f${f}` })));
  await waitForDrain(rt.queues, ["feeds", "articles", "index", "alerts", "deliveries"], 600_000);
  const seconds = (Date.now() - started) / 1000;
  const outcome = { indexed: await rt.store.count(), failed: 0, suppressed: 0 };
  for (const q of ["feeds", "articles", "index", "alerts", "deliveries"]) outcome.failed += (await rt.queues[q].counts("failed")).failed;
  for (const job of await rt.queues.alerts.jobs(["completed"], 0, -1)) outcome.suppressed += job.returnValue?.duplicates ?? 0;
  const latencies = [...received].map(([url, at]) => at - polledAt.get(`f${/\/a\/(\d+)\//.exec(url)[1]}`));
  await running.close(); await rt.close(); await redis.stop(); server.close();
  await rm(dir, { recursive: true, force: true });
  console.log(`feed fetch -> webhook alert (${FEEDS} feeds x ${perFeed} articles on 127.0.0.1, fetcher -> extractor -> indexer -> alerter, Redis + SQLite, one process)`);
  console.log(`  ${received.size} of ${ARTICLES} articles alerted in ${seconds.toFixed(1)} s, ${requests} webhook requests (duplicates: ${requests - received.size}); ` +
    `${outcome.indexed} indexed, ${outcome.suppressed} near-duplicate copies not alerted again, ${outcome.failed} failed jobs`);
  console.log(`  latency: p50 ${median(latencies)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.max(...latencies)} ms`);
}

await benchMatching();
console.log("");
await benchLatency();
