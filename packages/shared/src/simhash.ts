import { createHash } from "node:crypto";
import { codeUnitAt } from "./code-units.js";

/**
 * English function words. Counted, they outweigh everything else in a SimHash, so that any two
 * English stories came out a few bits apart: on the benchmark texts 15 of 13,861 pairs of distinct
 * stories fell within the copy threshold. Without them the closest distinct pair is 15 bits apart.
 */
const STOPWORDS = new Set((
  "the a an and or of to in on at for with by from as is are was were be been being has have had it its this that these " +
  "those he she they we you i his her their our not but if than then so such which who whom what when where will would " +
  "can could may might should do does did said says also more most new one two"
).split(" "));

const HAN_OR_HIRAGANA = /[\p{Script=Han}\p{Script=Hiragana}]/u;
// A run of CJK, or of other letters and digits. The first branch finds the same runs as the third
// when they are plain ASCII (the text is lower-cased by then), and is twice as fast on news text.
const RUNS = /[a-z0-9]+(?![[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}]])|[\p{Script=Han}\p{Script=Hiragana}]+|[[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}]]+/gv;
const isAsciiWordCode = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * Calls `use(text, start, end)` for each feature of the (NFKC-normalised, lower-cased) text: content
 * words, and for CJK text (no spaces between words) overlapping character pairs. Features are spans of
 * the text, not strings cut out of it: an ASCII word ended by ASCII is read here; anything else (a word
 * that goes on past ASCII, CJK) as RUNS finds it from the same place, so the spans are RUNS's matches.
 */
function forEachFeature(text: string, use: (text: string, start: number, end: number) => void): void {
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = codeUnitAt(text, i);
    if (c < 0x80) {
      if (!isAsciiWordCode(c)) { i++; continue; }
      let end = i + 1;
      while (end < n && isAsciiWordCode(codeUnitAt(text, end))) end++;
      if (end === n || codeUnitAt(text, end) < 0x80) { use(text, i, end); i = end; continue; }
    }
    RUNS.lastIndex = i;
    const m = RUNS.exec(text);
    if (m === null) return;
    const run = m[0], start = m.index, stop = start + run.length;
    // Only the first character decides (runs are all-CJK or none); ASCII never is.
    if (run.charCodeAt(0) >= 0x3000 && HAN_OR_HIRAGANA.test(run[0]!)) {
      for (let k = start; k < Math.max(start + 1, stop - 1); k++) use(text, k, Math.min(k + 2, stop));
    } else {
      use(text, start, stop);
    }
    i = stop;
  }
}

/**
 * Features seen before, with their hashes (the first 8 bytes of the feature's MD5 as two 32-bit words:
 * bit b of the hash is bit b of the little-endian 64-bit number), under open addressing.
 * News vocabulary repeats, and hashing every word of every article was a sixth of the extractor's CPU;
 * a Map from word to hash then cost a fresh string, its hash and a probe among scattered entries per
 * word (5% of the extractor in perf). Here a feature is found from its characters in place, and what
 * is known of it sits in one 32-byte record (one cache line holds two). Written by hand: no library
 * looks strings up by a span of another string. Cleared when full rather than evicted one by one:
 * refilling costs less than bookkeeping would.
 */
const FEATURES_KEPT = 160_000;
const SLOTS = 1 << 18; // at most 61% full
// A slot's record: where its key was placed by (the FNV hash), the key's length, the MD5 words, which
// simhash call last met the feature (0: none since it was added) and where that call counts it, and
// whether it is an English function word (counted, they outweigh everything else; see STOPWORDS).
const PLACED_BY = 0, LENGTH = 1, LO = 2, HI = 3, MET_BY = 4, COUNTED_AT = 5, IS_STOPWORD = 6, RECORD = 8;

class FeatureTable {
  private readonly key: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
  readonly record = new Int32Array(SLOTS * RECORD);
  private kept = 0;

  /** The record offset of the feature text[start, end), hashed and added when new. */
  recordOf(text: string, start: number, end: number): number {
    let h = 0x811c9dc5; // FNV-1a over code units: only to place the feature, never stored in a document
    for (let i = start; i < end; i++) h = Math.imul(h ^ codeUnitAt(text, i), 0x01000193);
    const r = this.record;
    for (let slot = h & (SLOTS - 1); ; slot = (slot + 1) & (SLOTS - 1)) {
      const at = slot * RECORD;
      const key = this.key[slot];
      if (key === undefined) {
        if (this.kept < FEATURES_KEPT) return this.add(slot, h, text.slice(start, end));
        this.key.fill(undefined);
        this.kept = 0;
        return this.recordOf(text, start, end);
      }
      // Lengths from the record: key.length is a megamorphic load over the many shapes of cut-out strings.
      if (r[at + PLACED_BY] === h && r[at + LENGTH] === end - start && sameUnits(key, text, start, end)) return at;
    }
  }

  private add(slot: number, h: number, feature: string): number {
    const digest = createHash("md5").update(feature).digest();
    const r = this.record, at = slot * RECORD;
    this.key[slot] = feature;
    r[at + PLACED_BY] = h;
    r[at + LENGTH] = feature.length;
    r[at + LO] = digest.readInt32LE(0);
    r[at + HI] = digest.readInt32LE(4);
    r[at + MET_BY] = 0;
    r[at + IS_STOPWORD] = STOPWORDS.has(feature) ? 1 : 0;
    this.kept++;
    return at;
  }
}

/** key equals text[start, end), given that their lengths are equal. */
function sameUnits(key: string, text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (codeUnitAt(key, i - start) !== codeUnitAt(text, i)) return false;
  return true;
}

// Made at the first hash (~10 MB): most processes that load this module never hash a text.
let features: FeatureTable | null = null;
let hashesMade = 0;
/** The current call's distinct features: hash words and counts. */
let distinctLo = new Int32Array(1024), distinctHi = new Int32Array(1024), distinctCount = new Int32Array(1024);

/**
 * Charikar's 64-bit SimHash over word features (CJK: character bigrams), as 16 hex digits.
 * Syndicated copies with light edits differ in a few bits; unrelated texts in 20 or more.
 * Single words, not shingles: a one-word edit then moves few bits. A feature counted n times
 * weighs n, so each distinct feature is added once with its count. (A feature met again after the
 * table was cleared mid-text is counted as a second entry with the same hash: the sum is the same.)
 */
export function simhash(text: string): string {
  const table = (features ??= new FeatureTable());
  const r = table.record;
  const call = ++hashesMade;
  let distinct = 0, total = 0;
  forEachFeature(text.normalize("NFKC").toLowerCase(), (t, start, end) => {
    const at = table.recordOf(t, start, end);
    if (r[at + IS_STOPWORD]) return;
    total++;
    if (r[at + MET_BY] === call) { distinctCount[r[at + COUNTED_AT]!]!++; return; }
    if (distinct === distinctLo.length) {
      distinctLo = grown(distinctLo); distinctHi = grown(distinctHi); distinctCount = grown(distinctCount);
    }
    r[at + MET_BY] = call;
    r[at + COUNTED_AT] = distinct;
    distinctLo[distinct] = r[at + LO]!;
    distinctHi[distinct] = r[at + HI]!;
    distinctCount[distinct++] = 1;
  });
  // A bit's weight is +n for each feature with the bit set and -n for each without; it is positive
  // exactly when the set side outweighs half the total, so only set bits need adding up.
  const setWeight = new Int32Array(64);
  for (let d = 0; d < distinct; d++) {
    const count = distinctCount[d]!;
    // Each step takes the lowest set bit: x & -x isolates it, clz32 names it.
    for (let x = distinctLo[d]!; x !== 0; x &= x - 1) setWeight[31 - Math.clz32(x & -x)]! += count;
    for (let x = distinctHi[d]!; x !== 0; x &= x - 1) setWeight[63 - Math.clz32(x & -x)]! += count;
  }
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let v = 0;
    for (let b = 0; b < 4; b++) if (2 * setWeight[nibble * 4 + b]! > total) v |= 1 << b;
    hex += v.toString(16);
  }
  return hex;
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** A hash's two 32-bit halves (its first and last 8 hex digits), as a store keeps it to compare without parsing text. */
export function simhashWords(hash: string): [hi: number, lo: number] {
  return [parseInt(hash.slice(0, 8), 16), parseInt(hash.slice(8, 16), 16)];
}

/** Bits set in a 32-bit word (SWAR: bits counted in pairs, nibbles, then bytes summed by one multiply). */
function bitsSet(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Differing bits between two hashes given as their simhashWords. */
export function wordsDistance(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return bitsSet((aHi ^ bHi) >>> 0) + bitsSet((aLo ^ bLo) >>> 0);
}

export function hammingDistance(a: string, b: string): number {
  return wordsDistance(...simhashWords(a), ...simhashWords(b));
}

/**
 * Copies within this many differing bits are one story (scripts/bench-near-dup.mjs: republished
 * rewrites have a median of 5 bits, distinct stories are 15 or more apart).
 */
export const NEAR_DUPLICATE_BITS = 7;

/**
 * The hash cut into 8 bands of 8 bits: two hashes within NEAR_DUPLICATE_BITS bits share at
 * least one band (pigeonhole: 7 differing bits touch at most 7 of 8 bands), so stores find
 * candidates by exact band match and confirm with hammingDistance. One unrelated text in 32
 * shares a band (one in 24 on real news): fine for small sets, such as one subscription's
 * alerts; over the whole index, see nearDuplicateKeys.
 */
export function simhashBands(hash: string): string[] {
  return Array.from({ length: 8 }, (_, i) => `${i}:${hash.slice(i * 2, i * 2 + 2)}`);
}

// Four blocks of 16 bits (4 hex digits each). A key is one number, block × 65536 + the block's value
// (the SQLite index keys integers), or the text "block:hex" (Elasticsearch's keyword field).
const KEY_BLOCKS = 4;
const blockValue = (hash: string, block: number) => parseInt(hash.slice(block * 4, block * 4 + 4), 16);
const keyText = (key: number) => `${key >>> 16}:${(key & 0xffff).toString(16).padStart(4, "0")}`;

/**
 * What a stored article is keyed by for near-copy lookups: its hash's four 16-bit blocks.
 * Two hashes within NEAR_DUPLICATE_BITS (7) bits cannot differ in 2 or more bits of every block
 * (that takes 8), so in some block they are equal or one bit apart: nearDuplicateProbes, which
 * lists each block's value and its 16 one-bit neighbours, meets a key of every true copy.
 * An unrelated hash meets one of the 68 probes by chance once in ~960 (8-bit bands: once in 32,
 * so every lookup read a thirtieth of the index and the indexer slowed as the index grew), with
 * four keys per article instead of eight.
 */
export function nearDuplicateKeyNumbers(hash: string): number[] {
  return Array.from({ length: KEY_BLOCKS }, (_, i) => i * 65536 + blockValue(hash, i));
}

/** The keys to look up for copies of `hash` within NEAR_DUPLICATE_BITS: see nearDuplicateKeyNumbers. */
export function nearDuplicateProbeNumbers(hash: string): number[] {
  const probes: number[] = [];
  for (let i = 0; i < KEY_BLOCKS; i++) {
    const value = blockValue(hash, i);
    probes.push(i * 65536 + value);
    for (let bit = 0; bit < 16; bit++) probes.push(i * 65536 + (value ^ (1 << bit)));
  }
  return probes;
}

export const nearDuplicateKeys = (hash: string): string[] => nearDuplicateKeyNumbers(hash).map(keyText);
export const nearDuplicateProbes = (hash: string): string[] => nearDuplicateProbeNumbers(hash).map(keyText);
