#!/usr/bin/env node
// Regenerates services/extractor/taxonomy/authorities-gazetteer.json, the extractor's worldwide list of
// public bodies, from the shared gazetteer (../shared/data/authorities/authorities.jsonl, see its
// README). The generated file is committed: a fresh clone has no ../shared, and only regenerating
// needs it.
//
//   npm run build:authorities      (AUTHORITIES_FILE / MENTIONS_DIR override the shared paths; the npm
//                                   script installs world-countries with --no-save first: 22 MB needed only here)
//
// What the build decides, row by row:
// - the product's canonical name. The gazetteer always qualifies a name with its country ("Financial
//   Conduct Authority of the United Kingdom"); the product keeps the official English name (central
//   banks' official names carry their country) and qualifies it only where the bare name is generic (ministries, courts, legislatures, governments,
//   attorneys general, police, intelligence units) or shared by bodies of several countries
//   ("Securities and Exchange Commission of the Philippines"). Where a development label
//   (gold-public.jsonl) names the same body differently, the label wins; the rule's name is kept as
//   `ruleName` so the benchmark's held-out folds can undo what only a held-out label taught.
// - which surfaces are trusted alone (`aliases`: full names, names carrying their country, Chinese
//   names used by one body only) and which name the body only when its country is in the story
//   (`contextual`: a bare generic name, "Supreme Court" → "Supreme Court of India" in an Indian story,
//   or a surface several countries' bodies share; `abbr`: acronyms and one-word names, matched
//   case-sensitively, "SEC", "FSA", "Fed").
// - `roles` from the kind (a legislature only where the country has one listed), which give "Kenya's central bank"-style references to the first body
//   listed with that role in its jurisdiction (hand-written entries are listed first).
// Country names and demonyms come from the world-countries package (mledoze/countries data).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const gazetteerPath = resolve(root, process.env.AUTHORITIES_FILE ?? "../shared/data/authorities/authorities.jsonl");
const goldPath = resolve(root, process.env.MENTIONS_DIR ?? "../shared/benchmarks/mentions", "gold-public.jsonl");
const outPath = resolve(root, "services/extractor/taxonomy/authorities-gazetteer.json");
const countries = createRequire(import.meta.url)("world-countries");

const ROLE_OF_KIND = {
  central_bank: "central_bank", securities_regulator: "securities_regulator", financial_regulator: "financial_regulator",
  tax_agency: "tax_authority", financial_intelligence_unit: "financial_intelligence",
};
const GENERIC_KINDS = new Set(["ministry", "court", "legislature", "government"]);
/** Bare names that say what a body does, not which one it is. */
const GENERIC_HEAD = /^(?:(?:Office of the )?(?:Attorney[- ]General|Prosecutor[- ]General|Public Prosecutor|Director of Public Prosecutions)|(?:National |Federal |State )?(?:Police|Prosecution Service|Prosecutor's Office)|Financial Intelligence (?:Unit|Centre|Center|Agency)|(?:Supreme|High|Constitutional|Federal) Court|National Assembly|Parliament|Senate|Congress|Cabinet|President|Presidency|Prime Minister)/i;
/** Chinese names this short ("人行", "央行") are also pieces of ordinary words ("个人行踪"). */
const SHORT_CJK = /^[\p{Script=Han}]{1,2}$/u;
/**
 * Words that say what kind of body something is, not which one: a bare name made only of these
 * ("Financial Services Agency", "Revenue Department") is generic and keeps its country.
 */
const GENERIC_WORDS = new Set(("of the and for on in financial finance services service revenue revenues tax taxes taxation customs " +
  "inland internal intelligence information unit centre center agency authority office department directorate " +
  "administration commission council board bureau national federal state general central public supreme high " +
  "court police ministry bank monetary securities exchange market markets capital supervisory supervision " +
  "regulatory regulation prudential insurance banking").split(" "));
const allGeneric = (bare) => bare.toLowerCase().split(/[\s-]+/).every((w) => GENERIC_WORDS.has(w));
const ACRONYM = /^(?=(?:[^A-Z]*[A-Z]){2})[A-Z0-9][\w&.'-]{1,9}$/u;
const ONE_LATIN_WORD = /^[\p{Script=Latin}][\p{Script=Latin}'-]+$/u;

/** The scorer's normalisation (score-mentions.mjs), so labels and rows compare as the benchmark compares them. */
function norm(s) {
  let t = String(s ?? "").normalize("NFKC").toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
  t = t.replace(/&/g, " and ").replace(/[’'`´]/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim().replace(/\s+/g, " ");
  return t.replace(/^the /, "").replace(/^(u s a|u s|us|usa|united states of america|united states) /, "");
}

function countryNames(code) {
  const c = countries.find((x) => x.cca2 === code);
  if (code === "EU") return { names: ["European Union"], demonyms: ["European", "EU"] };
  if (!c) return { names: [], demonyms: [] };
  const names = new Set([c.name.common, c.name.official, ...c.altSpellings.filter((s) => s.length > 3 && /^[A-Z][A-Za-z .'-]+$/.test(s))]);
  const demonyms = new Set([c.demonyms?.eng?.m, c.demonyms?.eng?.f].filter(Boolean));
  return { names: [...names], demonyms: [...demonyms] };
}

/**
 * "<bare> of <Country>" → bare, when the suffix is the row's own country and what is left still
 * names a kind of body ("Supreme Court", not the "Bank" of "Bank of Spain").
 */
function bareName(row, names) {
  const ok = (bare) => /\s/.test(bare) && !/\s(?:of|for|and|the)$/i.test(bare);
  for (const cn of [...names].sort((a, b) => b.length - a.length)) {
    for (const suffix of [` of the ${cn}`, ` of ${cn}`]) {
      if (row.name.endsWith(suffix) && ok(row.name.slice(0, -suffix.length))) return { bare: row.name.slice(0, -suffix.length), country: cn };
    }
  }
  // the gazetteer's own convention: the bare form is an alias wherever the suffix was added
  const m = /^(.+?) of (?:the )?([A-Z][\w .'-]+)$/.exec(row.name);
  if (m && row.aliases.includes(m[1]) && ok(m[1])) return { bare: m[1], country: m[2] };
  return null;
}

const rows = readFileSync(gazetteerPath, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
const labels = new Map();
for (const line of readFileSync(goldPath, "utf8").split("\n").filter((l) => l.trim())) {
  for (const name of JSON.parse(line).gold.authorities) labels.set(norm(name), name);
}

// Surfaces used by bodies of more than one country need the story's country to resolve.
const countriesOf = new Map();
const noteSurface = (s, code) => {
  const k = norm(s);
  if (!countriesOf.has(k)) countriesOf.set(k, new Set());
  countriesOf.get(k).add(code);
};
const bares = rows.map((r) => bareName(r, countryNames(r.country).names));
rows.forEach((r, i) => {
  for (const a of [r.name, ...r.aliases]) noteSurface(a, r.country);
  if (bares[i]) noteSurface(bares[i].bare, r.country);
});
const shared = (s) => (countriesOf.get(norm(s))?.size ?? 0) > 1;

const legislatures = new Map();
for (const r of rows) if (r.kind === "legislature") legislatures.set(r.country, (legislatures.get(r.country) ?? 0) + 1);

const entries = [];
let relabelled = 0;
rows.forEach((row, i) => {
  const { names, demonyms } = countryNames(row.country);
  const b = bares[i];
  const generic = b !== null && (GENERIC_KINDS.has(row.kind) || GENERIC_HEAD.test(b.bare) || allGeneric(b.bare) || shared(b.bare));
  // Central banks carry their country in the official name ("People's Bank of China", "Bank of
  // Spain"); other bodies' official names mostly do not ("Central Bureau of Investigation").
  const ruleName = b && !generic && (row.kind !== "central_bank" || row.aliases.includes(b.bare)) ? b.bare : row.name;
  // a label names this body only through a surface no other country's body uses
  const label = [row.name, b?.bare, ...row.aliases].map((s) => s && !shared(s) && labels.get(norm(s))).find(Boolean);
  const name = label ?? ruleName;
  if (label && label !== ruleName) relabelled++;

  const aliases = new Set([row.name]);
  const contextual = new Set();
  const abbr = new Set();
  if (b) {
    (generic ? contextual : aliases).add(b.bare);
    // the bare name with its country in front carries the country itself: "India's Supreme Court"
    for (const cn of [b.country, names[0]].filter(Boolean)) aliases.add(`${cn}${cn.endsWith("s") ? "'" : "'s"} ${b.bare}`).add(`${cn} ${b.bare}`);
    for (const dem of demonyms) aliases.add(`${dem} ${b.bare}`);
  }
  for (const a of row.aliases) {
    if (SHORT_CJK.test(a)) continue;
    if (ACRONYM.test(a) || ONE_LATIN_WORD.test(a)) abbr.add(a);
    else if (shared(a)) contextual.add(a);
    else aliases.add(a);
  }
  if (label) aliases.add(label);
  // a country's one listed legislature is "its parliament", "the Salvadoran congress"
  const role = row.kind === "legislature" ? (legislatures.get(row.country) === 1 ? "legislature" : undefined) : ROLE_OF_KIND[row.kind];
  entries.push({
    name, ...(name !== ruleName ? { ruleName } : {}), jurisdiction: row.country, kind: row.kind,
    aliases: [...aliases], contextual: [...contextual].filter((x) => !aliases.has(x)), abbr: [...abbr],
    ...(role ? { roles: [role] } : {}), source: row.source,
  });
});

const doc = {
  note: "GENERATED by scripts/build-authorities.mjs from the shared authorities gazetteer (../shared/data/authorities/authorities.jsonl, sources per row) and the development labels; do not edit, regenerate. Hand-written bodies and aliases live in authorities.json, whose entries win when both name one body. aliases: trusted alone; contextual (case-insensitive) and abbr (case-sensitive) name the body only when its jurisdiction is in the text or the body is also named in full.",
  entries,
};
writeFileSync(outPath, `{"note": ${JSON.stringify(doc.note)},\n"entries": [\n${entries.map((e) => JSON.stringify(e)).join(",\n")}\n]}\n`);
console.log(`authorities-gazetteer.json: ${entries.length} bodies, ${entries.filter((e, i) => e.name !== rows[i].name).length} with a shorter product name, ${relabelled} named by a development label`);
