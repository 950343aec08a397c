import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { foldText, taxonomyGazetteer, type GazetteerEntry } from "@regradar/extractor/mentions";

/** An extracted field of the article documents: what a concept named in a query is looked up in. */
export type ConceptField = "jurisdictions" | "authorities" | "actions" | "entities";

/** Something the query names, resolved through the project's own taxonomy and gazetteer. */
export interface QueryConcept {
  field: ConceptField;
  /** The canonical value the extractor writes into that field (an ISO code, a canonical name, an action). */
  value: string;
  /** The words of the query that named it. */
  surface: string;
  start: number;
  end: number;
}

const FIELD_OF = { jurisdiction: "jurisdictions", authority: "authorities", action: "actions", entity: "entities" } as const;

/**
 * The taxonomy's spellings, as the build leaves them beside the package (scripts/build-query-gazetteer.mjs
 * calls writeQueryGazetteer). Compiling the extractor's full lexicon costs 0.3-1 s, too much for a CLI
 * search that must answer within 0.6 s; the saved list loads in milliseconds. Without the file (a build
 * that skipped the step) the list is read from the extractor's public module at first use.
 */
const GAZETTEER_FILE = fileURLToPath(new URL("../../data/query-gazetteer.json", import.meta.url));

interface Gazetteer { byPattern: Map<string, GazetteerEntry[]>; maxLength: number }
let gazetteer: Gazetteer | null = null;

function loadGazetteer(): Gazetteer {
  if (gazetteer) return gazetteer;
  let entries: GazetteerEntry[];
  try {
    entries = JSON.parse(readFileSync(GAZETTEER_FILE, "utf8")) as GazetteerEntry[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    entries = taxonomyGazetteer();
  }
  const byPattern = new Map<string, GazetteerEntry[]>();
  let maxLength = 0;
  for (const e of entries) {
    byPattern.set(e.pattern, [...(byPattern.get(e.pattern) ?? []), e]);
    maxLength = Math.max(maxLength, e.pattern.length);
  }
  gazetteer = { byPattern, maxLength };
  return gazetteer;
}

/** Saves the taxonomy's spellings for loadGazetteer; run by the build. Returns the file written. */
export function writeQueryGazetteer(): string {
  mkdirSync(path.dirname(GAZETTEER_FILE), { recursive: true });
  writeFileSync(GAZETTEER_FILE, JSON.stringify(taxonomyGazetteer()));
  return GAZETTEER_FILE;
}

/** Letters and digits outside CJK: where a Latin spelling needs a word boundary. */
const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u.test(ch);

/**
 * Every naming of a jurisdiction, authority, action or entity in a query, in English, Chinese, acronyms
 * or aliases ("美国证监会" → U.S. Securities and Exchange Commission, "shut down" → shutdown_order),
 * leftmost-longest, from the same taxonomy that filled the documents' fields. The extractor's public
 * module is the one door to that taxonomy; it depends on nothing of the store's, so there is no cycle.
 */
export function understandQuery(text: string): QueryConcept[] {
  if (!text.trim()) return [];
  const { byPattern, maxLength } = loadGazetteer();
  const folded = foldText(text);
  // Any whitespace matches a pattern's single space; the replacement keeps offsets.
  const t = folded.text.replace(/\s/g, " ");
  const out: QueryConcept[] = [];
  for (let i = 0; i < t.length;) {
    const found = longestAt(t, i, byPattern, maxLength, text, folded.origin);
    if (!found) { i++; continue; }
    const start = folded.origin[i]!;
    const end = folded.origin[found.end - 1]! + 1;
    for (const n of found.names) out.push({ field: FIELD_OF[n.kind], value: n.value, surface: text.slice(start, end), start, end });
    i = found.end;
  }
  return out;
}

function longestAt(t: string, i: number, byPattern: Gazetteer["byPattern"], maxLength: number, text: string, origin: Int32Array): { end: number; names: GazetteerEntry["names"] } | null {
  for (let len = Math.min(maxLength, t.length - i); len > 0; len--) {
    const entries = byPattern.get(t.slice(i, i + len));
    if (!entries) continue;
    const p = entries[0]!.pattern;
    if (isWordChar(p[0]) && isWordChar(t[i - 1])) continue;
    if (isWordChar(p[p.length - 1]) && isWordChar(t[i + len])) continue;
    const surface = text.slice(origin[i]!, origin[i + len - 1]! + 1).normalize("NFKC").replace(/\s+/g, " ");
    const names = entries.filter((e) => e.exact === null || e.exact === surface).flatMap((e) => e.names);
    if (names.length) return { end: i + len, names };
  }
  return null;
}
