import { codeUnitAt } from "@regradar/shared";
import { readFileSync } from "node:fs";

/**
 * Text folded for matching: NFKC (full-width forms become ASCII), lower case, typographic quotes
 * and dashes unified, traditional Chinese characters mapped to simplified ones.
 * `origin[i]` is the UTF-16 offset in the source string of folded unit `i`, so a match in the
 * folded text maps back to an exact source span. Folding is per character on purpose: phrase-level
 * conversion could change lengths and break the offset map.
 */
export interface FoldedText {
  readonly text: string;
  readonly origin: Int32Array;
}

const PUNCT: Record<string, string> = {
  "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
  "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
  "\u00a0": " ", "\u3000": " ", "\u200b": "",
  "\u3002": ".", "\uff61": ".", "\u3001": ",",
};

let t2s: Map<number, number> | null = null;

/**
 * Character-level traditional->simplified map from taxonomy/t2s-chars.json (generated from
 * OpenCC's dictionaries by taxonomy/build-t2s.mjs). Loading opencc-js and deriving the map at
 * start-up took 50-360 ms (idle vs. loaded machine); the JSON loads in a few ms, which matters
 * for the sub-second CLI start. Phrase-level conversion is not used: it can change lengths and
 * would break the offset map.
 */
function traditionalToSimplified(): Map<number, number> {
  if (t2s) return t2s;
  const { pairs } = JSON.parse(readFileSync(new URL("../../taxonomy/t2s-chars.json", import.meta.url), "utf8")) as { pairs: string };
  const map = new Map<number, number>();
  for (let i = 0; i + 1 < pairs.length; i += 2) map.set(pairs.charCodeAt(i), pairs.charCodeAt(i + 1));
  t2s = map;
  return map;
}

const cache = new Map<number, string>();
/** Folded unit per BMP code unit (0 = not computed yet, MULTI = folds to zero or several units). */
const bmp = new Uint16Array(65536);
const MULTI = 0xffff;
const utf16 = new TextDecoder("utf-16le");

function foldCodePoint(cp: number): string {
  let hit = cache.get(cp);
  if (hit !== undefined) return hit;
  const raw = String.fromCodePoint(cp);
  let s = PUNCT[raw] ?? raw.normalize("NFKC").toLowerCase();
  let out = "";
  const map = traditionalToSimplified();
  for (const ch of s) {
    const p = PUNCT[ch];
    if (p !== undefined) { out += p; continue; }
    const code = ch.charCodeAt(0);
    const simp = ch.length === 1 ? map.get(code) : undefined;
    out += simp !== undefined ? String.fromCharCode(simp) : ch;
  }
  s = out;
  cache.set(cp, s);
  return s;
}

export function foldText(src: string): FoldedText {
  const n = src.length;
  let codes = new Uint16Array(n + 16);
  let origin = new Int32Array(n + 16);
  let len = 0;
  const grow = (need: number) => {
    if (len + need <= codes.length) return;
    const size = Math.max(codes.length * 2, len + need + 16);
    const c2 = new Uint16Array(size); c2.set(codes); codes = c2;
    const o2 = new Int32Array(size); o2.set(origin); origin = o2;
  };
  for (let i = 0; i < n; i++) {
    const c = codeUnitAt(src, i);
    if (c < 128) {
      grow(1);
      codes[len] = c >= 65 && c <= 90 ? c + 32 : c === 96 ? 39 : c;
      origin[len++] = i;
      continue;
    }
    let cp = c;
    const start = i;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = codeUnitAt(src, i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000; i++; }
    }
    if (cp === c) {
      // BMP fast path: one table lookup for characters that fold to a single unit.
      let t = bmp[c]!;
      if (t === 0) { const f1 = foldCodePoint(c); t = bmp[c] = f1.length === 1 ? f1.charCodeAt(0) || MULTI : MULTI; }
      if (t !== MULTI) { grow(1); codes[len] = t; origin[len++] = start; continue; }
    }
    const f = foldCodePoint(cp);
    grow(f.length);
    for (let k = 0; k < f.length; k++) { codes[len] = f.charCodeAt(k); origin[len++] = start; }
  }
  // Decoding the code-unit buffer is much faster than String.fromCharCode(...chunk); a lone
  // surrogate becomes U+FFFD, which keeps the length and so the offset map intact.
  const text = utf16.decode(codes.subarray(0, len));
  return { text, origin: origin.subarray(0, len) };
}

const termCache = new Map<string, string>();

/**
 * Folds a lexicon term the same way as text (used when building the matcher). Memoised: the
 * lexicon folds tens of thousands of terms, many of them several times, at every start-up.
 */
export function foldTerm(term: string): string {
  let folded = termCache.get(term);
  if (folded === undefined) {
    folded = foldText(term).text.replace(/\s+/g, " ").trim();
    termCache.set(term, folded);
  }
  return folded;
}

/** True for characters that make up Latin-script words (letters, digits); CJK is not. */
export function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}
