#!/usr/bin/env node
// Indexing throughput: our ElasticsearchArticleStore against a plain `client.helpers.bulk` loop over the
// same documents, and the SQLite store, in one run on one machine.
//
//   npx tsc -b tsconfig.build.json && node scripts/bench-index.mjs [--docs 50000] [--batch 500] [--runs 1] [--diagnose 0] [--flushBytes N]
//
// Starts its own Elasticsearch node (512 MB heap) unless ELASTICSEARCH_URL is set. Documents are generated
// deterministically (a seeded PRNG over a vocabulary of regulation-news sentences, ~3-5 KB of text each,
// ~5% Chinese) with realistic facets; generating them and their SimHash is not timed. Each measurement
// writes into a fresh index (or SQLite file) and ends with a refresh, so every document is searchable
// when the clock stops. The node is warmed up on both write paths first (untimed); runs are interleaved,
// each starting one further along, so drift and load from other processes hit all paths alike.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@elastic/elasticsearch";
import { ElasticsearchArticleStore, indexedSource, openSqliteDatabase, SqliteArticleStore } from "../packages/store/dist/index.js";
import { startElasticsearch } from "./lib/elasticsearch-local.mjs";
import { makeDoc } from "./lib/generated-articles.mjs";
import { batchesInFlight } from "../services/indexer/dist/index.js";

const args = process.argv.slice(2);
// flushBytes: the store's bulk request size (0: its default), to compare request sizes.
const opt = { docs: 50_000, batch: 500, runs: 1, diagnose: 1, flushBytes: 0 };
for (let i = 0; i < args.length; i++) {
  const key = args[i].replace(/^--/, "");
  if (!(key in opt)) { console.error(`bench-index: unknown argument ${args[i]}`); process.exit(2); }
  opt[key] = Number(args[++i]);
  if (!Number.isInteger(opt[key]) || opt[key] < (key === "diagnose" || key === "flushBytes" ? 0 : 1)) { console.error(`bench-index: --${key} needs a positive integer`); process.exit(2); }
}
const log = (m) => process.stderr.write(`[bench-index] ${m}\n`);

// --- measurements ------------------------------------------------------------------------------------
// This process's CPU seconds in the last timed() call: on 2 cores the client's own work competes with the node's.
let lastClientCpu = 0;
async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  lastClientCpu = (cpu.user + cpu.system) / 1e6;
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function measureOurs(url, client, docs) {
  const store = new ElasticsearchArticleStore(client, { index: `bench-ours-${randomUUID().slice(0, 8)}`, ...(opt.flushBytes ? { flushBytes: opt.flushBytes } : {}) });
  await store.init();
  try {
    let rejected = 0;
    // As many batches in flight as the indexer worker has.
    const seconds = await timed(async () => {
      let next = 0;
      const lane = async () => {
        for (let i = next; i < docs.length; i = next) {
          next += opt.batch;
          const out = await store.upsertArticles(docs.slice(i, i + opt.batch));
          rejected += out.rejected.length;
          if (out.created.length + out.rejected.length !== Math.min(opt.batch, docs.length - i)) throw new Error("ours: a batch was not fully created");
        }
      };
      await Promise.all(Array.from({ length: batchesInFlight(store) }, lane));
      await store.refresh();
    });
    if (rejected) throw new Error(`ours: ${rejected} rejected`);
    if ((await store.count()) !== docs.length) throw new Error("ours: count mismatch");
    return seconds;
  } finally {
    await store.destroy();
  }
}

async function measurePlain(url, client, docs) {
  // Same mapping (the store's template), raw documents, the client's bulk helper with its defaults.
  return plainBulk(url, client, docs);
}

async function measurePlainSameBodies(url, client, docs) {
  // Diagnostic: the helper fed exactly what our store writes (its derived fields included), so
  // (ours vs this) is our code path and (this vs plain) is the cost of the extra indexed fields.
  const now = new Date().toISOString();
  const bodies = docs.map((d) => indexedSource({ ...d, indexedAt: now }, "x"));
  return plainBulk(url, client, bodies);
}

async function plainBulk(url, client, docs) {
  const shape = new ElasticsearchArticleStore(client, { index: `bench-plain-${randomUUID().slice(0, 8)}` });
  await shape.init();
  try {
    let failed = 0;
    const seconds = await timed(async () => {
      const stats = await client.helpers.bulk({
        datasource: docs,
        onDocument: (doc) => ({ index: { _index: shape.alias, _id: doc.id } }),
        onDrop: () => { failed++; },
        refreshOnCompletion: shape.alias,
      });
      failed += stats.failed;
    });
    if (failed) throw new Error(`plain: ${failed} failed`);
    if ((await client.count({ index: shape.alias })).count !== docs.length) throw new Error("plain: count mismatch");
    return seconds;
  } finally {
    await shape.destroy();
  }
}

async function measureSqlite(docs) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "regradar-bench-index-"));
  const store = new SqliteArticleStore(openSqliteDatabase(path.join(dir, "bench.db")));
  await store.init();
  try {
    return await timed(async () => {
      for (let i = 0; i < docs.length; i += opt.batch) {
        const out = await store.upsertArticles(docs.slice(i, i + opt.batch));
        if (out.rejected.length) throw new Error(`sqlite: ${out.rejected.length} rejected: ${out.rejected[0].reason}`);
      }
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function main() {
  log(`generating ${opt.docs} documents`);
  const t0 = Date.now();
  const docs = Array.from({ length: opt.docs }, (_, i) => makeDoc(i));
  const textBytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${(textBytes / 1e6).toFixed(0)} MB of text, ${(textBytes / docs.length / 1024).toFixed(1)} KB/doc, ${docs.filter((d) => d.lang === "zh").length} Chinese`);

  const es = process.env.ELASTICSEARCH_URL
    ? { url: process.env.ELASTICSEARCH_URL, stop: async () => {} }
    : await startElasticsearch({ log });
  const client = new Client({ node: es.url, requestTimeout: 120_000 });
  const results = { ours: [], plain: [], same: [], sqlite: [] };
  try {
    const health = await client.cluster.health();
    log(`Elasticsearch at ${es.url} (${health.status}); batch ${opt.batch}; ${opt.runs} run(s) each`);
    // A cold JVM indexes at a fraction of its warm speed: warm it on both write paths first, untimed.
    const warm = docs.slice(0, Math.min(10_000, Math.ceil(docs.length / 4)));
    log(`warming up on ${warm.length} documents`);
    await measureOurs(es.url, client, warm);
    await measurePlain(es.url, client, warm);
    for (let run = 1; run <= opt.runs; run++) {
      const measurements = [["ours", () => measureOurs(es.url, client, docs)], ["plain", () => measurePlain(es.url, client, docs)],
        ...(opt.diagnose ? [["same", () => measurePlainSameBodies(es.url, client, docs)]] : []), ["sqlite", () => measureSqlite(docs)]];
      // Each run starts one further along, so no path always goes first.
      for (const [name, fn] of [...measurements.slice((run - 1) % measurements.length), ...measurements.slice(0, (run - 1) % measurements.length)]) {
        const seconds = await fn();
        results[name].push(docs.length / seconds);
        log(`run ${run} ${name}: ${seconds.toFixed(1)} s, ${(docs.length / seconds).toFixed(0)} docs/s, client CPU ${lastClientCpu.toFixed(1)} s`);
      }
    }
  } finally {
    await client.close();
    await es.stop();
  }

  const label = { ours: "ElasticsearchArticleStore.upsertArticles", plain: "client.helpers.bulk (plain)", same: "client.helpers.bulk, our document bodies", sqlite: "SqliteArticleStore.upsertArticles" };
  console.log(`\n${opt.docs} documents, ${(textBytes / docs.length / 1024).toFixed(1)} KB text each, batches of ${opt.batch}, ${opt.runs} run(s) each, ${os.cpus().length} cores\n`);
  console.log(`${"measurement".padEnd(42)} ${"docs/s per run".padEnd(24)} median docs/s`);
  for (const name of ["ours", "plain", "same", "sqlite"].filter((n) => results[n].length)) {
    console.log(`${label[name].padEnd(42)} ${results[name].map((r) => r.toFixed(0)).join(", ").padEnd(24)} ${median(results[name]).toFixed(0)}`);
  }
  console.log(`\nratio ours / plain (medians): ${(median(results.ours) / median(results.plain)).toFixed(2)}`);
  if (results.same.length) console.log(`ratio ours / helpers.bulk with our bodies (medians): ${(median(results.ours) / median(results.same)).toFixed(2)}`);
}

// Importable (for its document generator) without running.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
