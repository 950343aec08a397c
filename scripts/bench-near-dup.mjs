#!/usr/bin/env node
// Near-duplicate detection (packages/shared simhash): how often distinct stories are taken for
// copies, and how often real republications are recognised.
//
//   npm run bench:near-dup       (MENTIONS_DIR / AEB_DIR override the shared benchmark paths)
//
// - false copies: every pair of distinct articles of the benchmark sets (the 76 labelled mention
//   articles and the 91 article-extraction pages, title + text as the extractor hashes them) whose
//   hashes are within NEAR_DUPLICATE_BITS. A false copy suppresses an alert, so the target is 0.
//   Counted over all pairs, and over the pairs the indexer would compare (both texts long enough).
// - recall: each article against rewrites that news sites really publish (syndicated copy with a
//   new headline and a credit line, a trimmed last paragraph, light copy edits; for Chinese: a
//   source line, full-width/half-width punctuation swapped, a sentence dropped). A rewrite counts
//   as found when its hash is within NEAR_DUPLICATE_BITS of the original's.
// The rewrites are generated deterministically from the texts (a seeded generator), never tuned.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeTerms, hammingDistance, NEAR_DUPLICATE_BITS, simhash } from "../packages/shared/dist/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const mentionsDir = resolve(root, process.env.MENTIONS_DIR ?? "../shared/benchmarks/mentions");
const articlesDir = resolve(root, process.env.AEB_DIR ?? "../shared/benchmarks/articles");
/** The indexer compares only texts with at least this many words (services/indexer index-articles.ts). */
const MIN_TOKENS_FOR_DUPLICATES = 60;

const docs = [];
for (const line of readFileSync(join(mentionsDir, "gold-public.jsonl"), "utf8").split("\n").filter((l) => l.trim())) {
  const a = JSON.parse(line);
  docs.push({ id: a.id, lang: a.lang, title: a.title ?? "", text: a.text ?? "" });
}
const truth = JSON.parse(readFileSync(join(articlesDir, "ground-truth.json"), "utf8"));
for (const [id, t] of Object.entries(truth)) {
  const body = t.articleBody ?? "";
  if (!body.trim()) continue;
  docs.push({ id: `aeb-${id.slice(0, 12)}`, lang: /[\u3400-\u9fff]/.test(body) ? "zh" : "en", title: t.headline ?? "", text: body });
}
const hashOf = (d) => simhash(`${d.title}\n${d.text}`);
const longEnough = (d) => analyzeTerms(d.text).length >= MIN_TOKENS_FOR_DUPLICATES;

// --- false copies ------------------------------------------------------------------------------
const hashes = docs.map(hashOf);
const long = docs.map(longEnough);
let pairs = 0, falseCopies = 0, comparedPairs = 0, comparedFalse = 0;
const closest = [];
for (let i = 0; i < docs.length; i++) {
  for (let j = i + 1; j < docs.length; j++) {
    const d = hammingDistance(hashes[i], hashes[j]);
    pairs++;
    if (d <= NEAR_DUPLICATE_BITS) { falseCopies++; closest.push([d, docs[i].id, docs[j].id]); }
    if (long[i] && long[j]) { comparedPairs++; if (d <= NEAR_DUPLICATE_BITS) comparedFalse++; }
  }
}

// --- rewrites ----------------------------------------------------------------------------------
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0; return s / 2 ** 32; };
}
const SYNONYMS = [["said", "stated"], ["announced", "unveiled"], ["big", "large"], ["regulator", "watchdog"], ["cryptocurrency", "crypto"], ["company", "firm"], ["also", "additionally"], ["however", "but"], ["about", "around"], ["bought", "purchased"]];
const paragraphs = (t) => t.split(/\n\s*\n|\n/).map((p) => p.trim()).filter(Boolean);

function rewriteEn(d, r) {
  let ps = paragraphs(d.text);
  if (ps.length > 3) ps = ps.slice(0, -1); // trimmed last paragraph
  ps = ps.map((p) => {
    let out = p;
    for (const [a, b] of SYNONYMS) if (r() < 0.5) out = out.replace(new RegExp(`\\b${a}\\b`, "g"), b);
    return out;
  });
  return { title: `UPDATE 1-${d.title.replace(/\s*[-|].*$/, "")}`, text: [...ps, "(Reporting by a staff writer; Editing by the desk)"].join("\n\n") };
}

const WIDTH = [["，", ","], ["：", ":"], ["（", "("], ["）", ")"], ["；", ";"], ["！", "!"], ["？", "?"]];
function rewriteZh(d, r) {
  let text = d.text;
  for (const [full, half] of WIDTH) text = r() < 0.5 ? text.replaceAll(full, half) : text.replaceAll(half, full);
  const sentences = text.split(/(?<=。)/);
  if (sentences.length > 4) sentences.splice(Math.floor(r() * (sentences.length - 1)) + 1, 1); // a sentence dropped
  return { title: `${d.title}（转载）`, text: `${sentences.join("")}\n\n来源：财经网 编辑：记者` };
}

const recall = { en: { n: 0, found: 0 }, zh: { n: 0, found: 0 } };
docs.forEach((d, i) => {
  if (!longEnough(d)) return; // too short to call anything a copy of it
  const r = rng(i + 1);
  const lang = d.lang === "zh" ? "zh" : "en";
  const rw = lang === "zh" ? rewriteZh(d, r) : rewriteEn(d, r);
  recall[lang].n++;
  if (hammingDistance(hashes[i], hashOf(rw)) <= NEAR_DUPLICATE_BITS) recall[lang].found++;
});

const pct = (a, b) => (b ? ((100 * a) / b).toFixed(2) : "n/a");
console.log(`texts: ${docs.length} (${docs.filter((d) => d.lang === "zh").length} Chinese); threshold ${NEAR_DUPLICATE_BITS} bits`);
for (const [d, a, b] of closest.sort((x, y) => x[0] - y[0]).slice(0, 10)) console.log(`  false copy: ${a} ~ ${b} (${d} bits)`);
console.log(`false copies: ${falseCopies} of ${pairs} pairs (${pct(falseCopies, pairs)}%); among pairs the indexer compares (both >= ${MIN_TOKENS_FOR_DUPLICATES} words): ${comparedFalse} of ${comparedPairs}`);
console.log(`rewrite recall: en ${recall.en.found}/${recall.en.n} (${pct(recall.en.found, recall.en.n)}%), zh ${recall.zh.found}/${recall.zh.n} (${pct(recall.zh.found, recall.zh.n)}%)`);
console.log(`near-dup: falseCopies=${falseCopies} pairs=${pairs} recallEn=${(recall.en.found / (recall.en.n || 1)).toFixed(3)} recallZh=${(recall.zh.found / (recall.zh.n || 1)).toFixed(3)}`);
