#!/usr/bin/env node
// In-process benchmark for the crypto-regulation mention extractor (contract 3).
//
//   npm run bench:mentions [-- --verbose] [-- --set public|hidden] [-- --passes N]
//
// Scores services/extractor/dist/mentions against the labelled set in MENTIONS_DIR (default
// ../shared/benchmarks/mentions from the repo root) with the same metric and name normalisation
// as that directory's score-mentions.mjs (micro P/R/F1 per field, relevance accuracy/F1, per
// language), then measures throughput as MB of UTF-8 text per second on one core (median of
// several warm passes over the whole set).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extractMentions } from "../services/extractor/dist/mentions/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = resolve(root, process.env.MENTIONS_DIR ?? "../shared/benchmarks/mentions");
const args = process.argv.slice(2);
const opt = { set: "public", verbose: false, passes: 15 };
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--verbose" || args[i] === "-v") opt.verbose = true;
  else if (args[i] === "--set") opt.set = args[++i];
  else if (args[i] === "--passes") opt.passes = Number(args[++i]);
  else { console.error(`bench-mentions: unknown argument ${args[i]}`); process.exit(2); }
}

// --- metric, copied from score-mentions.mjs so the numbers are comparable -------------------
const ACTIONS = new Set(["ban", "shutdown_order", "enforcement", "licensing", "legislation", "guidance",
  "investigation", "taxation", "sanctions", "aml_kyc", "platform_liability"]);
const JUR_ALIASES = { UK: "GB" };
function normName(s, { authority = false } = {}) {
  let t = String(s ?? "").normalize("NFKC").toLowerCase();
  t = t.normalize("NFD").replace(/\p{M}+/gu, "");
  t = t.replace(/&/g, " and ").replace(/[’'`´]/g, "");
  t = t.replace(/[^\p{L}\p{N}]+/gu, " ").trim().replace(/\s+/g, " ");
  t = t.replace(/^the /, "");
  if (authority) t = t.replace(/^(u s a|u s|us|usa|united states of america|united states) /, "");
  return t;
}
const normJur = (s) => { const u = String(s ?? "").trim().toUpperCase(); return JUR_ALIASES[u] ?? u; };
const normAction = (s) => String(s ?? "").trim().toLowerCase();
function toSet(arr, fn) {
  const out = new Set();
  if (!Array.isArray(arr)) return out;
  for (const x of arr) { const v = fn(x); if (v) out.add(v); }
  return out;
}
function fieldSets(p) {
  const ents = new Map();
  if (Array.isArray(p?.entities)) {
    for (const e of p.entities) {
      const name = typeof e === "string" ? e : e?.name;
      const k = normName(name);
      if (k && !ents.has(k)) ents.set(k, typeof e === "object" && e ? String(e.type ?? "").toLowerCase() : "");
    }
  }
  return {
    relevant: p?.relevant === true,
    jurisdictions: toSet(p?.jurisdictions, normJur),
    authorities: toSet(p?.authorities, (x) => normName(x, { authority: true })),
    actions: toSet(p?.actions, normAction),
    entities: ents,
  };
}
function prf({ tp, fp, fn }) {
  const p = tp + fp ? tp / (tp + fp) : (fn ? 0 : 1);
  const r = tp + fn ? tp / (tp + fn) : 1;
  const f = p + r ? (2 * p * r) / (p + r) : 0;
  return { precision: p, recall: r, f1: f, tp, fp, fn };
}
// ---------------------------------------------------------------------------------------------

const goldPath = join(dir, `gold-${opt.set}.jsonl`);
if (!existsSync(goldPath)) {
  // A fresh clone has no ../shared: say what is needed instead of an ENOENT stack.
  console.error(`bench:mentions needs the mentions benchmark's gold file, not found: ${goldPath}\n` +
    "It is not part of this repository: set MENTIONS_DIR to its folder (default ../shared/benchmarks/mentions).");
  process.exit(2);
}
const articles = readFileSync(goldPath, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const inputOf = (a) => ({ title: a.title ?? "", text: a.text ?? "", lang: a.lang ?? null });

const fields = ["jurisdictions", "authorities", "actions", "entities"];
const cnt = Object.fromEntries(fields.map((f) => [f, { tp: 0, fp: 0, fn: 0 }]));
const rel = { tp: 0, fp: 0, fn: 0, tn: 0 };
const byLang = {};
let typeMatch = 0, typeTotal = 0, offVocab = 0;
const t0 = performance.now();
for (const art of articles) {
  const pred = extractMentions(inputOf(art));
  const g = fieldSets(art.gold), p = fieldSets(pred);
  for (const a of p.actions) if (!ACTIONS.has(a)) offVocab++;
  const L = (byLang[art.lang] ??= { n: 0, rel: { tp: 0, fp: 0, fn: 0, tn: 0 }, f: Object.fromEntries(fields.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) });
  L.n++;
  const rk = g.relevant ? (p.relevant ? "tp" : "fn") : (p.relevant ? "fp" : "tn");
  rel[rk]++; L.rel[rk]++;
  const diffs = [];
  for (const f of fields) {
    const gs = f === "entities" ? new Set(g.entities.keys()) : g[f];
    const ps = f === "entities" ? new Set(p.entities.keys()) : p[f];
    let tp = 0;
    for (const x of ps) if (gs.has(x)) tp++;
    const fp = ps.size - tp, fn = gs.size - tp;
    cnt[f].tp += tp; cnt[f].fp += fp; cnt[f].fn += fn;
    L.f[f].tp += tp; L.f[f].fp += fp; L.f[f].fn += fn;
    if (opt.verbose && (fp || fn)) diffs.push(`  ${f}: missing=[${[...gs].filter((x) => !ps.has(x)).join("; ")}] extra=[${[...ps].filter((x) => !gs.has(x)).join("; ")}]`);
  }
  for (const [k, t] of g.entities) if (p.entities.has(k)) { typeTotal++; if (p.entities.get(k) === t) typeMatch++; }
  if (opt.verbose && (diffs.length || rk === "fp" || rk === "fn")) {
    console.log(`[${art.id}] relevance gold=${g.relevant} pred=${p.relevant} score=${pred.score}`);
    for (const d of diffs) console.log(d);
  }
}
const firstPassMs = performance.now() - t0;

const fmt = (x) => x.toFixed(3);
const n = articles.length;
const relPrf = prf(rel);
const acc = (rel.tp + rel.tn) / n;
const res = Object.fromEntries(fields.map((f) => [f, prf(cnt[f])]));
console.log(`gold: ${goldPath}`);
console.log(`articles: ${n}  off-vocabulary actions: ${offVocab}  first (cold) pass: ${firstPassMs.toFixed(0)} ms`);
console.log("");
console.log("field           precision  recall   f1      tp   fp   fn");
for (const f of fields) {
  const m = res[f];
  console.log(`${f.padEnd(15)} ${fmt(m.precision).padStart(9)}  ${fmt(m.recall).padStart(6)}  ${fmt(m.f1).padStart(6)}  ${String(m.tp).padStart(4)} ${String(m.fp).padStart(4)} ${String(m.fn).padStart(4)}`);
}
console.log(`entity type accuracy on matched names: ${typeTotal ? fmt(typeMatch / typeTotal) : "n/a"} (${typeMatch}/${typeTotal})`);
console.log(`relevance: accuracy=${fmt(acc)} precision=${fmt(relPrf.precision)} recall=${fmt(relPrf.recall)} f1=${fmt(relPrf.f1)} (tp=${rel.tp} fp=${rel.fp} fn=${rel.fn} tn=${rel.tn})`);
for (const [lang, L] of Object.entries(byLang).sort()) {
  const r = prf(L.rel);
  const parts = fields.map((f) => `${f}F1=${fmt(prf(L.f[f]).f1)}`).join(" ");
  console.log(`  [${lang}] n=${L.n} relevanceAcc=${fmt((L.rel.tp + L.rel.tn) / L.n)} relevanceF1=${fmt(r.f1)} ${parts}`);
}

// Throughput: warm passes over the whole set in this single-threaded process. "Per core" uses
// the process CPU time of each pass (the machine is shared, so wall time mostly measures the
// neighbours); wall-clock throughput is printed alongside.
const bytes = articles.reduce((s, a) => s + Buffer.byteLength(a.title ?? "") + Buffer.byteLength(a.text ?? ""), 0);
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const cpuTimes = [], wallTimes = [];
for (let pass = 0; pass < opt.passes; pass++) {
  const c = cpuMs(), w = performance.now();
  for (const art of articles) extractMentions(inputOf(art));
  cpuTimes.push(cpuMs() - c); wallTimes.push(performance.now() - w);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMed = median(cpuTimes), wallMed = median(wallTimes);
const mbps = (ms) => bytes / 1e6 / (ms / 1000);
console.log(`throughput: ${mbps(cpuMed).toFixed(2)} MB/s per core (CPU time; median of ${opt.passes} warm passes over ${(bytes / 1e6).toFixed(3)} MB: ${cpuMed.toFixed(1)} ms CPU/pass, ${(n / (cpuMed / 1000)).toFixed(0)} articles/s); wall clock ${mbps(wallMed).toFixed(2)} MB/s`);
console.log(`mentions: relevanceF1=${fmt(relPrf.f1)} actionsF1=${fmt(res.actions.f1)} jurisdictionsF1=${fmt(res.jurisdictions.f1)} authoritiesF1=${fmt(res.authorities.f1)} entitiesF1=${fmt(res.entities.f1)} n=${n}`);
