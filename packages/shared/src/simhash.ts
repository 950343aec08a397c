import { createHash } from "node:crypto";

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

/** Content words, and for CJK text (no spaces between words) overlapping character pairs. */
function forEachFeature(text: string, use: (feature: string) => void): void {
  for (const run of text.normalize("NFKC").toLowerCase().match(RUNS) ?? []) {
    // Only the first character decides (runs are all-CJK or none); ASCII never is.
    if (run.charCodeAt(0) >= 0x3000 && HAN_OR_HIRAGANA.test(run[0]!)) {
      for (let i = 0; i < Math.max(1, run.length - 1); i++) use(run.slice(i, i + 2));
    } else if (!STOPWORDS.has(run)) {
      use(run);
    }
  }
}

/**
 * A feature as hashed: the first 8 bytes of its MD5 as two 32-bit words (bit b of the hash is bit b of
 * the little-endian 64-bit number), and its count in the text being hashed (valid while `hashNumber`
 * is that text's). Plain number fields, not an array of set bits: between two articles the rest of
 * the extractor evicts these from the CPU caches, and one object per feature is one miss, not three.
 */
interface Feature { lo: number; hi: number; hashNumber: number; count: number }

// Features are remembered: news vocabulary repeats, and hashing every word of every article was a
// sixth of the extractor's CPU. The count lives on the remembered feature too, so a word costs one
// map lookup rather than a counting map's two and this one's. Cleared when full rather than
// evicted one by one: refilling costs less than bookkeeping would.
const FEATURES_KEPT = 200_000;
const featureCache = new Map<string, Feature>();
let hashesMade = 0;

function featureOf(text: string): Feature {
  let feature = featureCache.get(text);
  if (!feature) {
    const digest = createHash("md5").update(text).digest();
    feature = { lo: digest.readInt32LE(0), hi: digest.readInt32LE(4), hashNumber: 0, count: 0 };
    if (featureCache.size >= FEATURES_KEPT) featureCache.clear();
    featureCache.set(text, feature);
  }
  return feature;
}

/**
 * Charikar's 64-bit SimHash over word features (CJK: character bigrams), as 16 hex digits.
 * Syndicated copies with light edits differ in a few bits; unrelated texts in 20 or more.
 * Single words, not shingles: a one-word edit then moves few bits. A feature counted n times
 * weighs n, so each distinct feature is added once with its count.
 */
export function simhash(text: string): string {
  const hashNumber = ++hashesMade;
  const distinct: Feature[] = [];
  let total = 0;
  forEachFeature(text, (word) => {
    const feature = featureOf(word);
    if (feature.hashNumber !== hashNumber) {
      feature.hashNumber = hashNumber;
      feature.count = 0;
      distinct.push(feature);
    }
    feature.count++;
    total++;
  });
  // A bit's weight is +n for each feature with the bit set and -n for each without; it is positive
  // exactly when the set side outweighs half the total, so only set bits need adding up.
  const setWeight = new Int32Array(64);
  for (const { lo, hi, count } of distinct) {
    // Each step takes the lowest set bit: x & -x isolates it, clz32 names it.
    for (let x = lo; x !== 0; x &= x - 1) setWeight[31 - Math.clz32(x & -x)]! += count;
    for (let x = hi; x !== 0; x &= x - 1) setWeight[63 - Math.clz32(x & -x)]! += count;
  }
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let v = 0;
    for (let b = 0; b < 4; b++) if (2 * setWeight[nibble * 4 + b]! > total) v |= 1 << b;
    hex += v.toString(16);
  }
  return hex;
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
