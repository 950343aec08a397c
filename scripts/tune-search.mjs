#!/usr/bin/env node
// Generalisation check for the ranking weights (packages/store/src/search/ranking.ts): splits the
// search benchmark's development queries into two halves (alternating within each language), tunes the
// weights on one half by grid search and reports the other half, both ways round. A weight set that only
// wins on the half it was tuned on is fitting those queries, not ranking better.
//
//   node ../shared/benchmarks/search/run-search-bench.mjs --checkout . --out /tmp/sb   (leaves /tmp/sb/product/data)
//   node scripts/tune-search.mjs --data /tmp/sb/product/data [--bench ../shared/benchmarks] [--queries FILE] [--weights JSON]
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openSqliteDatabase, RANKING, SqliteArticleStore, sqliteIndexFile } from "../packages/store/dist/index.js";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
if (!args.data) { console.error("tune-search: --data <REGRADAR_DATA_DIR of a search bench run> is required"); process.exit(2); }
const bench = path.resolve(args.bench ?? path.join("..", "shared", "benchmarks"));
const { loadQueries, matches, readJsonl } = await import(pathToFileURL(path.join(bench, "search", "relevance.mjs")).href);
const queries = loadQueries(args.queries ?? path.join(bench, "search", "dev-queries.jsonl"));
const corpus = readJsonl(path.join(bench, "mentions", "gold-public.jsonl"));
const relevant = new Map(queries.map((q) => [q.qid, new Set(corpus.filter((a) => matches(q.rule, a)).map((a) => a.id))]));
const halves = { A: [], B: [] };
for (const lang of ["en", "zh"]) queries.filter((q) => q.lang === lang).forEach((q, i) => halves[i % 2 ? "B" : "A"].push(q));

const store = new SqliteArticleStore(openSqliteDatabase(sqliteIndexFile(args.data)));
await store.init();

function ndcg10(ids, rel) {
  let dcg = 0, idcg = 0;
  ids.slice(0, 10).forEach((id, i) => { if (rel.has(id)) dcg += 1 / Math.log2(i + 2); });
  for (let i = 0; i < Math.min(rel.size, 10); i++) idcg += 1 / Math.log2(i + 2);
  return idcg ? dcg / idcg : 0;
}
async function score(qs) {
  let sum = 0;
  for (const q of qs) {
    const r = await store.search({ text: q.query, limit: 10 });
    sum += ndcg10(r.hits.map((h) => /\/a\/([^/]+)\.html$/.exec(h.url)?.[1]), relevant.get(q.qid));
  }
  return sum / qs.length;
}

const DEFAULTS = structuredClone(RANKING);
const apply = (w) => {
  Object.assign(RANKING, { TITLE_WEIGHT: w.title, PROXIMITY_WEIGHT: w.proximity, RELEVANCE_WEIGHT: w.relevance, RECENCY_WEIGHT: w.recency });
  RANKING.CONCEPT_BONUS = Object.fromEntries(Object.entries(DEFAULTS.CONCEPT_BONUS).map(([k, v]) => [k, v * w.concepts]));
};
const grid = [];
for (const title of [1, 2, 3]) for (const proximity of [0, 1]) for (const concepts of [0, 0.5, 1, 2])
  for (const relevance of [0, 1]) for (const recency of [0, 0.5]) grid.push({ title, proximity, concepts, relevance, recency });
const defaults = { title: DEFAULTS.TITLE_WEIGHT, proximity: DEFAULTS.PROXIMITY_WEIGHT, concepts: 1, relevance: DEFAULTS.RELEVANCE_WEIGHT, recency: DEFAULTS.RECENCY_WEIGHT };

apply(defaults);
const base = { A: await score(halves.A), B: await score(halves.B) };
console.log(`halves: A ${halves.A.length} queries, B ${halves.B.length}; defaults ${JSON.stringify(defaults)}: A ${base.A.toFixed(3)} B ${base.B.toFixed(3)}`);
if (args.weights) {
  // One weight set only, e.g. --weights '{"proximity":0.5,"concepts":2}' over the defaults.
  apply({ ...defaults, ...JSON.parse(args.weights) });
  console.log(`weights ${args.weights}: A ${(await score(halves.A)).toFixed(3)} B ${(await score(halves.B)).toFixed(3)}`);
  process.exit(0);
}
const results = [];
for (const w of grid) { apply(w); results.push({ w, A: await score(halves.A), B: await score(halves.B) }); }
for (const [tuned, held] of [["A", "B"], ["B", "A"]]) {
  const best = results.reduce((a, b) => (b[tuned] > a[tuned] ? b : a));
  console.log(`tuned on ${tuned}: best ${JSON.stringify(best.w)} ${tuned} ${best[tuned].toFixed(3)} (defaults ${base[tuned].toFixed(3)}); held-out ${held} ${best[held].toFixed(3)} (defaults ${base[held].toFixed(3)})`);
}
const ablations = [["no concepts", { ...defaults, concepts: 0 }], ["no proximity", { ...defaults, proximity: 0 }], ["no relevance", { ...defaults, relevance: 0 }], ["no recency", { ...defaults, recency: 0 }]];
for (const [name, w] of ablations) {
  const r = results.find((x) => JSON.stringify(x.w) === JSON.stringify(w));
  if (r) console.log(`ablation ${name}: A ${r.A.toFixed(3)} B ${r.B.toFixed(3)} (all ${((r.A * halves.A.length + r.B * halves.B.length) / queries.length).toFixed(3)})`);
}
