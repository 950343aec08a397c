#!/usr/bin/env node
// npm run bench:scale: articles/s from feed poll to searchable with 1, 2 and 4 worker processes per
// stage (fetcher, extractor, indexer; separate OS processes, as `regradar worker` runs them), then the
// latency at a steady arrival of ~100 articles/s, and where the time goes (queue wait vs work per stage).
// Each burst is measured on warm processes: fresh workers first take a warm-up burst of other feeds, as
// many as the measured one, because V8 compiles the hot code on background threads during a process's
// first few thousand articles (--trace-opt: 2.7 CPU-s of TurboFan in a 9 s burst after 2,000 articles
// of warm-up; 0.5 s after 4,000), and a pipeline runs for days, not seconds. The cold rate is printed too.
// The steady phase starts fresh processes, as a deployment does: its latency includes their warm-up.
// Figures, not pass/fail; the machine is shared, so compare the ratios within one run.
// Last line, exactly: scale: 1x=<articles/s> 2x=<articles/s> 4x=<articles/s> p95=<seconds at 100/s>
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadSources, startFeedFarm } from "./lib/feed-farm.mjs";
import { freePort, median, pct } from "./lib/stats.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => import(path.join(root, p));
const shared = await dist("packages/shared/dist/index.js");
const { startRedisServer } = await dist("packages/cli/dist/redis-server.js");
const { openPipeline } = await dist("packages/cli/dist/pipeline.js");
const CLI = path.join(root, "packages/cli/dist/main.js");
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const FEEDS = Number(args.get("feeds") ?? 200), ITEMS = Number(args.get("items") ?? 20), HOSTS = Number(args.get("hosts") ?? 40);
// Warm-up feeds (their own articles, never measured), served after the measured ones: --warmup=0 measures cold processes.
const WARMUP_FEEDS = Number(args.get("warmup") ?? FEEDS);
// Jobs at once per worker process (REGRADAR_CONCURRENCY): past 32 the pipeline is CPU-bound on 2 cores.
const CONCURRENCY = Number(args.get("concurrency") ?? 32);
const STAGES = ["fetcher", "extractor", "indexer"];
const QUEUES = ["feeds", "articles", "index"];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Replaced in one rename, as an editor saves: the fetchers watch the file and must never read it half-written.
async function writeRegistry(file, farm, n, first = 0) {
  await writeFile(`${file}.tmp`, feedsYaml(farm, first, n));
  await rename(`${file}.tmp`, file);
}
const feedsYaml = (farm, first, n) => `feeds:\n${Array.from({ length: n }, (_, i) => `  - { id: f${first + i}, url: "${farm.feedUrl(first + i)}", interval: 86400 }`).join("\n")}\n`;

/** k processes per stage on a fresh prefix and data directory; returns the producer's view and a stop. */
async function startWorkers(redisUrl, farm, k, tag) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `regradar-scale-${tag}-`));
  const feedsFile = path.join(dir, "feeds.yaml");
  await writeFile(feedsFile, "feeds: []\n");
  const env = {
    REDIS_URL: redisUrl, REGRADAR_DATA_DIR: dir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.0/8",
    REGRADAR_QUEUE_PREFIX: `scale-${tag}`, REGRADAR_HOST_DELAY_MS: "0", REGRADAR_LOG_LEVEL: "error", REGRADAR_CONCURRENCY: String(CONCURRENCY),
  };
  const children = STAGES.flatMap((stage) => Array.from({ length: k }, () =>
    Object.assign(spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${stage}-${Date.now()}.cpuprofile`] : []), CLI, "worker", stage], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] }), { stage })));
  const rt = await openPipeline(shared.loadConfig(env));
  // Measured from when every process is consuming, not from process start-up.
  while ((await Promise.all(QUEUES.map((q) => rt.queues[q].workerCount()))).some((n) => n < k)) await sleep(100);
  return {
    rt, feedsFile,
    /** CPU seconds each stage's processes have used so far, summed (Linux /proc). */
    async cpuByStage() {
      const used = {};
      for (const c of children) used[c.stage] = (used[c.stage] ?? 0) + await cpuSeconds(c.pid);
      return used;
    },
    /** The largest peak resident set of each stage's processes, in MB (Linux /proc). */
    async peakRssByStage() {
      const peak = {};
      for (const c of children) peak[c.stage] = Math.max(peak[c.stage] ?? 0, await peakRssMb(c.pid));
      return peak;
    },
    async stop() {
      for (const c of children) c.kill("SIGTERM");
      await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r)))));
      await rt.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const TICKS_PER_SECOND = 100;
/** User + system CPU seconds of a process, from /proc/<pid>/stat (0 where /proc is missing). */
async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!stat) return 0;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Peak resident set of a process in MB, from /proc/<pid>/status (0 where /proc is missing). */
async function peakRssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Math.round(Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
}

/** Where the machine's CPU went during a run: per stage, Redis, and this process (the feed farm). */
async function cpuBreakdown(w, before, articles) {
  const stages = Object.fromEntries(Object.entries(await w.cpuByStage()).map(([stage, s]) => [stage, s - before.stages[stage]]));
  const others = { redis: await cpuSeconds(redisPid()) - before.redis, "farm+bench": selfCpu() - before.self };
  const all = { ...stages, ...others };
  return `    CPU ms per article: ${Object.entries(all).map(([k, v]) => `${k} ${((1000 * v) / articles).toFixed(2)}`).join(", ")}\n` +
    `    Redis calls per article: ${await redisCallsPerArticle(articles)}\n` +
    `    peak memory per process: ${Object.entries(await w.peakRssByStage()).map(([k, mb]) => `${k} ${mb} MB`).join(", ")}`;
}

/** Redis commands per article since cpuBefore (INFO commandstats; commands run by Lua scripts count too), the most frequent first. */
async function redisCallsPerArticle(articles) {
  const stats = [...(await withRedis((conn) => conn.info("commandstats"))).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(([, cmd, calls]) => [cmd, Number(calls) / articles]);
  const total = stats.reduce((n, [, c]) => n + c, 0);
  return `${total.toFixed(1)} (${stats.sort((x, y) => y[1] - x[1]).slice(0, 8).map(([cmd, c]) => `${cmd} ${c.toFixed(2)}`).join(", ")})`;
}

async function withRedis(use) {
  const conn = shared.createRedisConnection(redis.url, "producer");
  try {
    return await use(conn);
  } finally {
    conn.disconnect();
  }
}

/** Per article: its document's indexedAt minus when its feed's poll began. */
async function latencies(rt) {
  const polledAt = new Map();
  for (const j of await rt.queues.feeds.jobs(["completed"])) {
    const prev = polledAt.get(j.data.feedId);
    if (j.processedOn && (!prev || j.processedOn < prev)) polledAt.set(j.data.feedId, j.processedOn);
  }
  const out = [];
  for (let after = null; ;) {
    const page = await rt.store.scan(after, 1000);
    if (page.length === 0) break;
    for (const d of page) out.push(Date.parse(d.indexedAt) - polledAt.get(d.feedId));
    after = page.at(-1).id;
  }
  return out.filter(Number.isFinite);
}

/** Median queue wait and work per stage, from the timestamps of the jobs completed since `since` (ms). */
async function breakdown(rt, since) {
  const lines = [];
  for (const q of QUEUES) {
    const jobs = (await rt.queues[q].jobs(["completed"])).filter((j) => j.processedOn && j.finishedOn && j.enqueuedAt >= since);
    lines.push(`    ${q.padEnd(9)} ${String(jobs.length).padStart(5)} jobs: wait p50 ${median(jobs.map((j) => j.processedOn - j.enqueuedAt))} ms, ` +
      `work p50 ${median(jobs.map((j) => j.finishedOn - j.processedOn))} ms, p95 ${pct(jobs.map((j) => j.finishedOn - j.processedOn), 95)} ms`);
  }
  return lines.join("\n");
}

/** Feeds [first, first + n) into the registry; seconds until all their articles are searchable. */
async function pollAll(w, farm, first, n, label) {
  const started = Date.now(), searchable = (await w.rt.store.count()) + n * ITEMS;
  await writeRegistry(w.feedsFile, farm, n, first);
  while ((await w.rt.store.count()) < searchable) {
    if (Date.now() - started > 600_000) throw new Error(`${label}: not all articles searchable within 10 minutes`);
    await sleep(200);
  }
  return (Date.now() - started) / 1000;
}

async function burst(redisUrl, farm, k) {
  const w = await startWorkers(redisUrl, farm, k, `burst${k}`);
  try {
    const articles = FEEDS * ITEMS;
    const warm = WARMUP_FEEDS > 0 ? await pollAll(w, farm, FEEDS, WARMUP_FEEDS, `${k}x warm-up`) : null;
    const before = await cpuBefore(w);
    const seconds = await pollAll(w, farm, 0, FEEDS, `${k}x`);
    const rate = articles / seconds;
    // CPU and Redis calls first: reading back the completed jobs for the breakdown costs both.
    const cpu = await cpuBreakdown(w, before, articles);
    const cold = warm === null ? "cold processes" : `warm processes; their cold warm-up burst: ${((WARMUP_FEEDS * ITEMS) / warm).toFixed(0)} articles/s`;
    console.log(`  ${k} process(es) per stage: ${articles} articles in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} articles/s (${cold})`);
    console.log(await breakdown(w.rt, before.at));
    console.log(cpu);
    return rate;
  } finally {
    await w.stop();
  }
}

/** ~100 articles/s arriving: one new 20-item feed added to the registry every 200 ms for 30 s. */
async function steady(redisUrl, farm, k) {
  const w = await startWorkers(redisUrl, farm, k, "steady");
  try {
    const perSecond = 100, everyMs = (1000 * ITEMS) / perSecond, feeds = Math.min(FEEDS, Math.round(30_000 / everyMs));
    const before = await cpuBefore(w);
    const started = Date.now();
    for (let n = 1; n <= feeds; n++) {
      await writeRegistry(w.feedsFile, farm, n);
      await sleep(Math.max(0, started + n * everyMs - Date.now()));
    }
    while ((await w.rt.store.count()) < feeds * ITEMS) {
      if (Date.now() - started > 300_000) throw new Error("steady: not all articles searchable within 5 minutes");
      await sleep(200);
    }
    const cpu = await cpuBreakdown(w, before, feeds * ITEMS);
    const lat = await latencies(w.rt);
    console.log(`  steady ${perSecond} articles/s for ${((feeds * everyMs) / 1000).toFixed(0)} s, ${k} process(es) per stage: ` +
      `fetch -> searchable p50 ${(median(lat) / 1000).toFixed(2)} s, p95 ${(pct(lat, 95) / 1000).toFixed(2)} s (${lat.length} articles)`);
    console.log(await breakdown(w.rt, before.at));
    console.log(cpu);
    return pct(lat, 95) / 1000;
  } finally {
    await w.stop();
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-scale-"));
const redis = await startRedisServer({ port: await freePort(), dir: path.join(dir, "redis"), appendOnly: false });
const redisPid = () => redis.child.pid;
const selfCpu = () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
const cpuBefore = async (w) => {
  await withRedis((conn) => conn.config("RESETSTAT"));
  return { at: Date.now(), stages: await w.cpuByStage(), redis: await cpuSeconds(redisPid()), self: selfCpu() };
};
const farm = await startFeedFarm({ feeds: FEEDS + WARMUP_FEEDS, items: ITEMS, hosts: HOSTS, sources: await loadSources(root) });
try {
  console.log(`scale-out (${FEEDS} feeds x ${ITEMS} items on ${HOSTS} loopback hosts, SQLite, separate processes per stage, concurrency ${CONCURRENCY} each, ${os.cpus().length} cores)`);
  // --quick: one process per stage, no steady phase; --processes=N: N per stage, no steady phase
  // (for trying a change; not the figures to quote); --concurrency=N jobs at once per worker (default 32).
  if (args.has("quick") || args.has("processes")) await burst(redis.url, farm, Number(args.get("processes") ?? 1));
  else {
    const rates = {};
    for (const k of [1, 2, 4]) rates[k] = await burst(redis.url, farm, k);
    const p95 = await steady(redis.url, farm, 2);
    console.log(`scale: 1x=${rates[1].toFixed(0)} 2x=${rates[2].toFixed(0)} 4x=${rates[4].toFixed(0)} p95=${p95.toFixed(2)}`);
  }
} finally {
  await farm.close();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}
