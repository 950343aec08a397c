#!/usr/bin/env node
// bench-extract.mjs — scores our main-text extractor against Readability.js + jsdom on the dev half of
// the article-extraction-benchmark, in one process, and compares warm throughput.
//
//   npm run bench:extract            (builds first; AEB_DIR defaults to ../shared/benchmarks/articles)
//   node scripts/bench-extract.mjs [--split dev|test|all] [--passes 5] [--worst 8] [--only ours|readability] [--folds K]
//
// --folds K deals the pages into K folds by site (all pages of a domain in one fold, as the held-out
// half keeps sites apart) and prints each fold's F1. The extractor has no data-driven part to refit
// per fold, so the spread across folds is the generalisation figure: how much F1 moves with sites
// it has not seen, and the worst fold is the honest floor to quote.
//
// The metric is the benchmark's own, imported from the benchmark's score-articles.mjs so that the
// figures here match `score-articles.mjs` run with the CLI (which pays a process start per page).
// Speed is warm and single-process: one untimed warm-up pass (the scored one), then the median of several
// timed passes, interleaved between the extractors so machine load hits both alike.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// AEB_DIR as given (relative to the working directory), else the shared copy next to the repository
const AEB_DIR = process.env.AEB_DIR ? path.resolve(process.env.AEB_DIR) : path.resolve(ROOT, "../shared/benchmarks/articles");

function parseArgs(argv) {
  const a = { split: "dev", passes: 5, worst: 8, only: null, folds: 0 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    if (k === "--split") a.split = v();
    else if (k === "--passes") a.passes = Math.max(1, Number(v()));
    else if (k === "--worst") a.worst = Number(v());
    else if (k === "--only") a.only = v();
    else if (k === "--folds") a.folds = Math.max(2, Number(v()));
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const f3 = (x) => (x === null || x === undefined || Number.isNaN(x) ? "nan" : x.toFixed(3));

async function loadExtractors(only) {
  const list = [];
  if (only !== "readability") {
    const modPath = path.join(ROOT, "services/extractor/dist/article/extract-article.js");
    if (!fs.existsSync(modPath)) throw new Error(`${modPath} is missing: build first (npm run build)`);
    const { extractArticle } = await import(pathToFileURL(modPath).href);
    list.push({ name: "regradar (cheerio)", run: (html, url) => extractArticle(html, { url }).text });
  }
  if (only !== "ours") {
    const { Readability } = await import("@mozilla/readability");
    const { JSDOM, VirtualConsole } = await import("jsdom");
    // jsdom reports stylesheet parse errors through the virtual console; and jsdom >= 27.1 throws on one
    // benchmark page's CSS, which counts as an empty extraction rather than a crash of the benchmark.
    const virtualConsole = new VirtualConsole();
    list.push({
      name: "readability+jsdom",
      run: (html, url) => {
        try {
          const dom = new JSDOM(html, { url: url || undefined, virtualConsole });
          const article = new Readability(dom.window.document).parse();
          dom.window.close();
          return article?.textContent ?? "";
        } catch {
          return "";
        }
      },
    });
  }
  return list;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(AEB_DIR, "score-articles.mjs"))) {
    // A fresh clone has no ../shared: say what is needed instead of a module-not-found stack.
    console.error(`bench:extract needs the article-extraction benchmark (score-articles.mjs, split.json, html/*.html.gz), not found in ${AEB_DIR}.\n` +
      "It is not part of this repository: set AEB_DIR to its folder (default ../shared/benchmarks/articles).");
    process.exit(2);
  }
  const scorer = await import(pathToFileURL(path.join(AEB_DIR, "score-articles.mjs")).href);
  const gt = scorer.loadGroundTruth(AEB_DIR);
  const split = scorer.loadSplit(path.join(AEB_DIR, "split.json"));
  const ids = scorer.idsForSplit(split, args.split, gt);
  const pages = ids.map((id) => ({
    id,
    url: gt[id].url || "",
    truth: gt[id].articleBody || "",
    html: zlib.gunzipSync(fs.readFileSync(path.join(AEB_DIR, "html", `${id}.html.gz`))).toString("utf8"),
  }));
  const extractors = await loadExtractors(args.only);
  console.log(`benchmark: ${AEB_DIR} split=${args.split} pages=${pages.length} passes=${args.passes}`);

  // scored pass, which doubles as the warm-up (extraction is deterministic)
  const results = extractors.map((ex) => {
    const scored = pages.map((p) => ({ id: p.id, domain: scorer.domainOf(p.url), ...scorer.scorePage(p.truth, ex.run(p.html, p.url)) }));
    return { ex, scored, m: scorer.aggregate(scored), rates: [] };
  });
  // timed passes interleave the extractors so that a busy machine slows both alike
  for (let pass = 0; pass < args.passes; pass++) {
    for (const r of results) {
      const t0 = process.hrtime.bigint();
      for (const p of pages) r.ex.run(p.html, p.url);
      r.rates.push(pages.length / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
  }
  for (const r of results) {
    r.pps = median(r.rates);
    console.log(`\n${r.ex.name}`);
    if (args.worst > 0) {
      for (const w of [...r.scored].sort((a, b) => a.f1 - b.f1).slice(0, args.worst)) {
        console.log(`  worst F1=${f3(w.f1)} P=${f3(w.precision)} R=${f3(w.recall)} ${w.domain} ${w.id.slice(0, 12)}`);
      }
    }
    console.log(`  F1=${f3(r.m.f1)} P=${f3(r.m.precision)} R=${f3(r.m.recall)} accuracy=${f3(r.m.accuracy)}`);
    console.log(`  ${r.pps.toFixed(2)} pages/s warm (median of ${args.passes} passes: ${r.rates.map((x) => x.toFixed(1)).join(" ")})`);
  }
  if (args.folds) printFolds(results, args.folds, scorer);
  if (results.length === 2) {
    const [ours, rd] = results;
    const passRatios = ours.rates.map((x, i) => x / rd.rates[i]);
    console.log(
      `\nF1 ${f3(ours.m.f1)} vs ${f3(rd.m.f1)} (${ours.m.f1 > rd.m.f1 ? "ours ahead" : "READABILITY AHEAD"}); ` +
        `speed ratio ${(ours.pps / rd.pps).toFixed(1)}x (${ours.pps.toFixed(1)} vs ${rd.pps.toFixed(1)} pages/s; ` +
        `median per-pass ratio ${median(passRatios).toFixed(1)}x)`,
    );
  }
}

/** Per-site folds: each fold's F1 for every extractor, then the mean and the worst fold. */
function printFolds(results, k, scorer) {
  const byDomain = new Map();
  for (const s of results[0].scored) byDomain.set(s.domain, [...(byDomain.get(s.domain) ?? []), s.id]);
  const folds = Array.from({ length: k }, () => new Set());
  const size = (f) => f.size;
  for (const [, ids] of [...byDomain].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1))) {
    const target = folds.reduce((best, f) => (size(f) < size(best) ? f : best), folds[0]);
    for (const id of ids) target.add(id);
  }
  console.log(`
folds: ${k} by site over ${byDomain.size} sites`);
  for (const r of results) {
    const f1s = folds.map((f) => scorer.aggregate(r.scored.filter((s) => f.has(s.id))).f1);
    const mean = f1s.reduce((x, y) => x + y, 0) / k;
    console.log(`  ${r.ex.name}: fold F1 ${f1s.map(f3).join(" ")}; mean ${f3(mean)}, worst ${f3(Math.min(...f1s))}`);
  }
}

main().catch((e) => {
  console.error(`bench-extract: ${e.stack ?? e.message}`);
  process.exit(1);
});
