#!/usr/bin/env node
// bench-fetch.mjs — the fetcher under load, on the compiled code.
//
//   npm run bench:fetch -- [--feeds=10000] [--interval=40] [--seconds=60] [--concurrency=64] [--host-delay-ms=20]
//
// Three processes, so each is measured alone: a local feed farm (scripts/lib/feed-host-farm.mjs) serving
// N feeds under N host names (20% of the feeds on 5 shared hosts), the fetcher (its real composition
// root, one BullMQ worker, its HTTP client resolving every farm host to 127.0.0.1), and this script
// with a private redis-server. Feeds: mostly unchanged behind an ETag (304s), some growing a new item
// every few minutes, some without validators, slow (1-3 s), failing (500) or cutting the connection;
// sizes from 5 to 500 items. Every feed's interval is `--interval` (adaptive polling pinned, so the
// load is known: N / interval polls per second).
//
// Phases: warm-up (every feed's first poll: a 200, a parse, its items enqueued), one interval to
// settle, then a window of `--seconds` measured: polls per second, schedule lateness (a scheduled poll's start minus its due
// time) p50/p95/p99/max and per feed, the fetcher's RSS every 5 s over the whole run, and politeness
// judged from the farm's side (a request to a host while another is in flight, or sooner than the
// host delay after the last one ended, is a violation; any violation fails the run).
import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { resolveToFarm, startFeedFarm } from "./lib/feed-host-farm.mjs";
import { mulberry32 } from "./lib/feed-farm.mjs";
import { freePort, median, pct } from "./lib/stats.mjs";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "..");
const dist = (p) => import(path.join(root, p));

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const opt = (name, fallback) => Number(args.get(name) ?? fallback);
const FEEDS = opt("feeds", 10_000);
const INTERVAL_S = opt("interval", 40);
const WINDOW_S = opt("seconds", 60);
const CONCURRENCY = opt("concurrency", 64);
const HOST_DELAY_MS = opt("host-delay-ms", 20);
const SHARED_HOSTS = 5;

const sortNum = (xs) => Float64Array.from(xs).sort();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes) => Math.round(bytes / 1024 / 1024);

/** The farm's feeds, the same for every run. Shared hosts carry no slow feeds: one would hold the host for seconds. */
function farmFeeds(n) {
  const rnd = mulberry32(42);
  return Array.from({ length: n }, (_, i) => {
    const shared = i % 5 === 0;
    const r = rnd();
    const kind = r < 0.70 ? "static" : r < 0.80 ? "growing" : r < 0.88 ? "no-etag" : r < 0.93 ? "failing" : r < 0.95 ? "reset" : shared ? "static" : "slow";
    const s = rnd();
    const items = s < 0.70 ? 5 : s < 0.95 ? 15 : s < 0.995 ? 40 : 500;
    return {
      id: `f${i}`, host: shared ? `shared${(i / 5) % SHARED_HOSTS}.farm.test` : `f${i}.farm.test`, kind, items,
      ...(kind === "growing" ? { growEveryMs: 60_000 + Math.floor(rnd() * 240_000) } : {}),
      ...(kind === "slow" ? { delayMs: 1_000 + Math.floor(rnd() * 2_000) } : {}),
    };
  });
}

// ---- the farm process -------------------------------------------------------------------------
async function farmRole() {
  const farm = await startFeedFarm({ minDelayMs: HOST_DELAY_MS, keepLog: false });
  const urls = farmFeeds(FEEDS).map((f) => farm.add(f));
  process.send({ type: "ready", urls });
  process.on("message", (m) => {
    if (m.type === "stats") process.send({ type: "stats", totals: farm.totals });
  });
}

// ---- the fetcher process ------------------------------------------------------------------------
async function fetcherRole() {
  const shared = await dist("packages/shared/dist/index.js");
  const { startFetcher } = await dist("services/fetcher/dist/index.js");
  const config = shared.loadConfig(process.env);
  const http = shared.createHttpClient({
    allowHosts: ["127.0.0.0/8"], userAgent: config.http.userAgent, totalTimeoutMs: config.http.timeoutMs, resolveHost: resolveToFarm,
  });
  const polled = new Set();
  let pending = { polls: 0, statuses: {}, lateness: [], firstPolls: 0 };
  const stage = await startFetcher(config, shared.createLogger(config.logLevel), { http });
  stage.onCompleted((_queue, outcome, job) => {
    const status = outcome?.status;
    if (!["not_modified", "unchanged", "parsed", "failed"].includes(status)) return;
    pending.polls++;
    pending.statuses[status] = (pending.statuses[status] ?? 0) + 1;
    if (!polled.has(job.data.feedId)) { polled.add(job.data.feedId); pending.firstPolls++; return; }
    if (job.data.dueAt !== undefined && job.processedOn) pending.lateness.push([job.data.feedId, job.processedOn - job.data.dueAt]);
  });
  const report = setInterval(() => {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    process.send({ type: "report", at: Date.now(), ...pending, rss: mem.rss, heap: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, cpuMs: (cpu.user + cpu.system) / 1000 });
    pending = { polls: 0, statuses: {}, lateness: [], firstPolls: 0 };
  }, 1_000);
  process.on("message", async (m) => {
    if (m.type !== "stop") return;
    clearInterval(report);
    await stage.close();
    process.send({ type: "stopped" });
    process.exit(0);
  });
}

// ---- the orchestrator ---------------------------------------------------------------------------

const nextMessage = (child, type) => new Promise((resolve) => {
  const on = (m) => { if (m.type === type) { child.off("message", on); resolve(m); } };
  child.on("message", on);
});

async function main() {
  const { saveFeeds } = await dist("services/fetcher/dist/index.js");
  const { startRedisServer } = await dist("packages/cli/dist/redis-server.js");
  const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-bench-fetch-"));
  const redis = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendOnly: false });
  const children = [];
  const spawnRole = (role, env = {}) => {
    const execArgv = role === "fetcher" && process.env.BENCH_FETCHER_NODE_ARGS ? process.env.BENCH_FETCHER_NODE_ARGS.split(" ") : [];
    const child = fork(self, [...process.argv.slice(2), `--role=${role}`], { env: { ...process.env, ...env }, execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push(child);
    return child;
  };
  try {
    console.log(`bench:fetch — ${FEEDS} feeds (${SHARED_HOSTS} shared hosts carry 20%), every ${INTERVAL_S} s (${(FEEDS / INTERVAL_S).toFixed(0)} polls/s due), fetcher concurrency ${CONCURRENCY}, host delay ${HOST_DELAY_MS} ms; load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
    const farm = spawnRole("farm");
    const { urls } = await nextMessage(farm, "ready");
    const feeds = farmFeeds(FEEDS);
    const feedsFile = path.join(dir, "feeds.yaml");
    await saveFeeds(feedsFile, feeds.map((f, i) => ({ id: f.id, url: urls[i], interval: INTERVAL_S, tags: [] })));

    const probe = new Redis(redis.url);
    const started = Date.now();
    const fetcher = spawnRole("fetcher", {
      REDIS_URL: redis.url, REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: dir, REGRADAR_QUEUE_PREFIX: "bench", REGRADAR_LOG_LEVEL: "error",
      REGRADAR_POLL_MIN_SECONDS: String(INTERVAL_S), REGRADAR_POLL_MAX_SECONDS: String(INTERVAL_S), REGRADAR_HOST_DELAY_MS: String(HOST_DELAY_MS),
      REGRADAR_CONCURRENCY: String(CONCURRENCY), REGRADAR_FETCH_TIMEOUT_MS: "10000",
    });
    const reports = [];
    fetcher.on("message", (m) => { if (m.type === "report") reports.push(m); });
    const sum = (rs, k) => rs.reduce((a, r) => a + r[k], 0);

    // Warm-up: every feed's first poll.
    let lastLog = 0;
    while (sum(reports, "firstPolls") < FEEDS) {
      await sleep(250);
      if (Date.now() - lastLog > 10_000) { lastLog = Date.now(); console.log(`  warm-up: ${sum(reports, "firstPolls")}/${FEEDS} feeds polled once, ${((Date.now() - started) / 1000).toFixed(0)} s`); }
      if (Date.now() - started > 30 * 60_000) throw new Error("warm-up did not finish within 30 minutes");
    }
    const warmedAt = Date.now();
    console.log(`  warm-up: all ${FEEDS} first polls (200 + parse + enqueue) in ${((warmedAt - started) / 1000).toFixed(1)} s: ${(FEEDS / ((warmedAt - started) / 1000)).toFixed(0)} polls/s`);
    // One interval to settle: the polls due now are spread as the warm-up's first polls were.
    await sleep(INTERVAL_S * 1000);
    const redisCpu = async () => { const info = await probe.info("cpu"); return 1000 * ["used_cpu_user", "used_cpu_sys"].reduce((a, k) => a + Number(info.match(new RegExp(`${k}:([\\d.]+)`))[1]), 0); };
    const first = reports.length;
    const redisCpuBefore = await redisCpu();
    await sleep(WINDOW_S * 1000);
    const redisCpuMs = (await redisCpu()) - redisCpuBefore;
    const window = reports.slice(first);
    farm.send({ type: "stats" });
    const { totals } = await nextMessage(farm, "stats");
    fetcher.send({ type: "stop" });
    await nextMessage(fetcher, "stopped");

    const seconds = (window.at(-1).at - window[0].at) / 1000 + 1;
    const polls = sum(window, "polls");
    const statuses = {};
    for (const r of window) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
    const late = window.flatMap((r) => r.lateness);
    const sorted = sortNum(late.map(([, ms]) => ms));
    const onShared = (id) => Number(id.slice(1)) % 5 === 0;
    const sharedLate = sortNum(late.filter(([id]) => onShared(id)).map(([, ms]) => ms));
    const ownLate = sortNum(late.filter(([id]) => !onShared(id)).map(([, ms]) => ms));
    const fetcherCpuMs = window.at(-1).cpuMs - reports[first - 1].cpuMs;
    const perFeedMax = new Map();
    for (const [id, ms] of late) perFeedMax.set(id, Math.max(ms, perFeedMax.get(id) ?? -Infinity));
    const feedMax = sortNum([...perFeedMax.values()]);
    const rss = reports.filter((_, i) => i % 5 === 0).map((r) => mb(r.rss));
    const heap = reports.filter((_, i) => i % 5 === 0).map((r) => mb(r.heap));
    const heapTotal = reports.filter((_, i) => i % 5 === 0).map((r) => mb(r.heapTotal));
    const external = reports.filter((_, i) => i % 5 === 0).map((r) => mb(r.external));

    console.log(`  window: ${seconds.toFixed(0)} s, ${polls} polls = ${(polls / seconds).toFixed(0)} polls/s (${Object.entries(statuses).map(([k, v]) => `${k} ${(100 * v / polls).toFixed(1)}%`).join(", ")})`);
    console.log(`  lateness of scheduled polls (${sorted.length}): p50 ${pct(sorted, 50).toFixed(0)} ms, p95 ${pct(sorted, 95).toFixed(0)} ms, p99 ${pct(sorted, 99).toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`);
    console.log(`    on their own host: p50 ${pct(ownLate, 50).toFixed(0)} ms, p95 ${pct(ownLate, 95).toFixed(0)} ms; on the ${SHARED_HOSTS} shared hosts (${FEEDS / 5 / SHARED_HOSTS} feeds each): p50 ${pct(sharedLate, 50).toFixed(0)} ms, p95 ${pct(sharedLate, 95).toFixed(0)} ms`);
    console.log(`  lateness per feed (worst poll of each of ${feedMax.length} feeds): p50 ${pct(feedMax, 50).toFixed(0)} ms, p95 ${pct(feedMax, 95).toFixed(0)} ms`);
    console.log(`  CPU per poll: fetcher ${(fetcherCpuMs / polls).toFixed(2)} ms, redis-server ${(redisCpuMs / polls).toFixed(2)} ms`);
    console.log(`  fetcher RSS every 5 s (MB): ${rss.join(" ")}; median ${median(rss)}, max ${Math.max(...rss)}`);
    console.log(`  fetcher JS heap in use every 5 s (MB): ${heap.join(" ")}; median ${median(heap)}, max ${Math.max(...heap)}`);
    console.log(`  fetcher JS heap reserved (MB): median ${median(heapTotal)}, max ${Math.max(...heapTotal)}; outside the heap (buffers): median ${median(external)}, max ${Math.max(...external)}`);
    console.log(`  farm: ${totals.requests} requests (304 ${totals.notModified}, 200 ${totals.ok}, failed ${totals.failed}); politeness violations: ${totals.overlaps} overlapping, ${totals.tooSoon} sooner than ${HOST_DELAY_MS} ms; mean time to serve ${(totals.servedMs / totals.requests).toFixed(1)} ms`);
    console.log(`  load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    if (totals.overlaps + totals.tooSoon > 0) process.exitCode = 1;
    probe.disconnect();
  } finally {
    await sleep(1_000);
    for (const c of children) c.kill("SIGKILL");
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const role = args.get("role");
if (role === "farm") await farmRole();
else if (role === "fetcher") await fetcherRole();
else await main();
