#!/usr/bin/env node
// In-process benchmark for the crypto-regulation mention extractor (contract 3).
//
//   npm run bench:mentions [-- --verbose] [-- --set public|hidden] [-- --passes N] [-- --folds K|loso]
//
// Scores services/extractor/dist/mentions against the labelled set in MENTIONS_DIR (default
// ../shared/benchmarks/mentions from the repo root) with the same metric and name normalisation
// as that directory's score-mentions.mjs (micro P/R/F1 per field, relevance accuracy/F1, per
// language), then measures throughput as MB of UTF-8 text per second on one core (median of
// several warm passes over the whole set).
//
// --folds K (or loso: one fold per source) also estimates how the taxonomy carries over to unseen
// articles: articles are grouped by source (the host of the original URL), the groups dealt into K
// folds, and each fold is scored with a copy of the taxonomy from which every hand-written entry
// that only that fold's labels name is removed (and every name taken from a label only that fold
// carries goes back to the name the gazetteer rule gives). Entries from independent lists (the
// authorities gazetteer, exchange and asset lists) stay, as they would for unseen text. The rules
// themselves are the same in every fold, so the gap between this figure and the fit is a lower
// bound on the overfit, not all of it.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { extractMentions } from "../services/extractor/dist/mentions/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = resolve(root, process.env.MENTIONS_DIR ?? "../shared/benchmarks/mentions");
const args = process.argv.slice(2);
const opt = { set: "public", verbose: false, passes: 15, folds: null };
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--verbose" || args[i] === "-v") opt.verbose = true;
  else if (args[i] === "--set") opt.set = args[++i];
  else if (args[i] === "--passes") opt.passes = Number(args[++i]);
  else if (args[i] === "--folds") opt.folds = args[++i] === "loso" ? "loso" : Number(args[i]);
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
const newTally = () => ({ cnt: Object.fromEntries(fields.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])), rel: { tp: 0, fp: 0, fn: 0, tn: 0 } });
const { cnt, rel } = newTally();
const byLang = {};
let typeMatch = 0, typeTotal = 0, offVocab = 0;

/** Adds one article's comparison to `tally` (and, for the main run, to the per-language rows). */
function scoreArticle(art, pred, tally, main) {
  const g = fieldSets(art.gold), p = fieldSets(pred);
  const rk = g.relevant ? (p.relevant ? "tp" : "fn") : (p.relevant ? "fp" : "tn");
  tally.rel[rk]++;
  const L = main ? (byLang[art.lang] ??= { n: 0, rel: { tp: 0, fp: 0, fn: 0, tn: 0 }, f: Object.fromEntries(fields.map((f) => [f, { tp: 0, fp: 0, fn: 0 }])) }) : null;
  if (L) { L.n++; L.rel[rk]++; }
  const diffs = [];
  for (const f of fields) {
    const gs = f === "entities" ? new Set(g.entities.keys()) : g[f];
    const ps = f === "entities" ? new Set(p.entities.keys()) : p[f];
    let tp = 0;
    for (const x of ps) if (gs.has(x)) tp++;
    const fp = ps.size - tp, fn = gs.size - tp;
    tally.cnt[f].tp += tp; tally.cnt[f].fp += fp; tally.cnt[f].fn += fn;
    if (L) { L.f[f].tp += tp; L.f[f].fp += fp; L.f[f].fn += fn; }
    if (opt.verbose && (fp || fn)) diffs.push(`  ${f}: missing=[${[...gs].filter((x) => !ps.has(x)).join("; ")}] extra=[${[...ps].filter((x) => !gs.has(x)).join("; ")}]`);
  }
  if (!main) {
    if (opt.verbose && diffs.length) console.log(`[held-out ${art.id}]\n${diffs.join("\n")}`);
    return;
  }
  for (const a of p.actions) if (!ACTIONS.has(a)) offVocab++;
  for (const [k, t] of g.entities) if (p.entities.has(k)) { typeTotal++; if (p.entities.get(k) === t) typeMatch++; }
  if (opt.verbose && (diffs.length || rk === "fp" || rk === "fn")) {
    console.log(`[${art.id}] relevance gold=${g.relevant} pred=${p.relevant} score=${pred.score}`);
    for (const d of diffs) console.log(d);
  }
}

/** Reported values (jurisdictions, authorities, actions, entities) with no mention span as evidence. */
let unsupported = 0, reported = 0;
function checkEvidence(pred) {
  const has = new Set(pred.mentions.map((m) => `${m.kind}|${m.value}`));
  const values = [...pred.jurisdictions.map((v) => `jurisdiction|${v}`), ...pred.authorities.map((v) => `authority|${v}`),
    ...pred.actions.map((v) => `action|${v}`), ...pred.entities.map((e) => `entity|${e.name}`)];
  reported += values.length;
  for (const v of values) if (!has.has(v)) { unsupported++; if (opt.verbose) console.log(`  no evidence span: ${v}`); }
}

const t0 = performance.now();
for (const art of articles) { const pred = extractMentions(inputOf(art)); checkEvidence(pred); scoreArticle(art, pred, { cnt, rel }, true); }
const firstPassMs = performance.now() - t0;

// --- generalisation: source-grouped folds with the taxonomy ablated per fold ------------------
const sourceOf = (a) => {
  const url = /original: (\S+?)\)?$/.exec(a.source ?? "")?.[1] ?? /^https?:\/\/\S+/.exec(a.source ?? "")?.[0];
  try { return url ? new URL(url).hostname.replace(/^www\./, "") : String(a.source); } catch { return String(a.source); }
};
const labelNames = (list) => ({
  authorities: new Set(list.flatMap((a) => a.gold.authorities.map((x) => normName(x, { authority: true })))),
  entities: new Set(list.flatMap((a) => a.gold.entities.map((e) => normName(e.name)))),
});

/** A copy of the compiled mention extractor whose taxonomy lacks what only `held` labels name. */
async function ablatedExtractor(held, rest, tag) {
  const only = labelNames(held), seen = labelNames(rest);
  const drop = { authorities: new Set([...only.authorities].filter((x) => !seen.authorities.has(x))), entities: new Set([...only.entities].filter((x) => !seen.entities.has(x))) };
  const dir = mkdtempSync(join(tmpdir(), `bench-mentions-${tag}-`));
  cpSync(join(root, "services/extractor/dist/mentions"), join(dir, "dist/mentions"), { recursive: true });
  cpSync(join(root, "services/extractor/taxonomy"), join(dir, "taxonomy"), { recursive: true });
  const edit = (file, fn) => {
    const path = join(dir, "taxonomy", file);
    const data = JSON.parse(readFileSync(path, "utf8"));
    fn(data);
    writeFileSync(path, JSON.stringify(data));
  };
  const handAuthority = (e) => !drop.authorities.has(normName(e.name, { authority: true }));
  edit("authorities.json", (d) => { d.entries = d.entries.filter(handAuthority); });
  edit("entities.json", (d) => { d.entries = d.entries.filter((e) => e.origin === "list" || !drop.entities.has(normName(e.name))); });
  edit("cn-cities.json", (d) => { d.cities = d.cities.filter(([, pinyin]) => handAuthority({ name: `${pinyin} Public Security Bureau` })); });
  // Generated from the gazetteer: names the labels chose fall back to the gazetteer rule's.
  if (readdirSync(join(dir, "taxonomy")).includes("authorities-gazetteer.json")) {
    edit("authorities-gazetteer.json", (d) => {
      for (const e of d.entries) if (e.ruleName && !handAuthority(e)) { e.name = e.ruleName; delete e.ruleName; }
    });
  }
  const mod = await import(pathToFileURL(join(dir, "dist/mentions/index.js")).href);
  return { extract: mod.extractMentions, dispose: () => rmSync(dir, { recursive: true, force: true }), dropped: drop.authorities.size + drop.entities.size };
}

let foldSummary = null;
if (opt.folds) {
  const groups = new Map();
  for (const a of articles) { const k = sourceOf(a); if (!groups.has(k)) groups.set(k, []); groups.get(k).push(a); }
  const k = opt.folds === "loso" ? groups.size : Math.max(2, Math.min(opt.folds, groups.size));
  // Deal the groups, largest first, each to the fold with fewest articles; ties by a stable hash of the name.
  const hash = (s) => { let h = 2166136261; for (const c of s) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0; return h; };
  const folds = Array.from({ length: k }, () => []);
  for (const [, list] of [...groups].sort((x, y) => y[1].length - x[1].length || hash(x[0]) - hash(y[0]))) {
    folds.reduce((best, f) => (f.length < best.length ? f : best), folds[0]).push(...list);
  }
  const tally = newTally();
  let dropped = 0;
  for (let i = 0; i < k; i++) {
    const held = folds[i], heldSet = new Set(held);
    const ex = await ablatedExtractor(held, articles.filter((a) => !heldSet.has(a)), i);
    dropped += ex.dropped;
    try { for (const art of held) scoreArticle(art, ex.extract(inputOf(art)), tally, false); } finally { ex.dispose(); }
  }
  foldSummary = { k, groups: groups.size, dropped, tally };
}
// ---------------------------------------------------------------------------------------------

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

console.log(`evidence: ${reported - unsupported} of ${reported} reported values have a mention span (${unsupported} without)`);
if (foldSummary) {
  const { k, groups, dropped, tally } = foldSummary;
  const fr = Object.fromEntries(fields.map((f) => [f, prf(tally.cnt[f])]));
  console.log(`folds: ${k} held-out folds over ${groups} sources; ${dropped} taxonomy entries named only by a held-out fold's labels were removed for that fold`);
  for (const f of fields) console.log(`  held-out ${f.padEnd(14)} P=${fmt(fr[f].precision)} R=${fmt(fr[f].recall)} F1=${fmt(fr[f].f1)}  (fit ${fmt(res[f].f1)})`);
  console.log(`mentions-folds: relevanceF1=${fmt(prf(tally.rel).f1)} actionsF1=${fmt(fr.actions.f1)} jurisdictionsF1=${fmt(fr.jurisdictions.f1)} authoritiesF1=${fmt(fr.authorities.f1)} entitiesF1=${fmt(fr.entities.f1)} k=${k}`);
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
