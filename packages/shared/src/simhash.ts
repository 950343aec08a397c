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

/** Content words, and for CJK text (no spaces between words) overlapping character pairs. */
function features(text: string): string[] {
  const out: string[] = [];
  for (const run of text.normalize("NFKC").toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}]+|[[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}]]+/gv) ?? []) {
    if (/^[\p{Script=Han}\p{Script=Hiragana}]/u.test(run)) {
      for (let i = 0; i < Math.max(1, run.length - 1); i++) out.push(run.slice(i, i + 2));
    } else if (!STOPWORDS.has(run)) {
      out.push(run);
    }
  }
  return out;
}

// A feature's 64 bits (the first 8 bytes of its MD5, as two little-endian words), remembered: news
// vocabulary repeats, and hashing every word of every article was a sixth of the extractor's CPU.
// Cleared when full rather than evicted one by one: refilling costs less than bookkeeping would.
const FEATURE_BITS_KEPT = 200_000;
const featureBitsCache = new Map<string, readonly [number, number]>();

function featureBits(feature: string): readonly [number, number] {
  let bits = featureBitsCache.get(feature);
  if (!bits) {
    const digest = createHash("md5").update(feature).digest();
    bits = [digest.readUInt32LE(0), digest.readUInt32LE(4)];
    if (featureBitsCache.size >= FEATURE_BITS_KEPT) featureBitsCache.clear();
    featureBitsCache.set(feature, bits);
  }
  return bits;
}

/**
 * Charikar's 64-bit SimHash over word features (CJK: character bigrams), as 16 hex digits.
 * Syndicated copies with light edits differ in a few bits; unrelated texts in 20 or more.
 * Single words, not shingles: a one-word edit then moves few bits. A feature counted n times
 * weighs n, so each distinct feature is added once with its count.
 */
export function simhash(text: string): string {
  const counts = new Map<string, number>();
  for (const feature of features(text)) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const weights = new Int32Array(64);
  for (const [feature, n] of counts) {
    const [low, high] = featureBits(feature);
    for (let bit = 0; bit < 32; bit++) {
      weights[bit]! += (low >>> bit) & 1 ? n : -n;
      weights[bit + 32]! += (high >>> bit) & 1 ? n : -n;
    }
  }
  let hex = "";
  for (let nibble = 0; nibble < 16; nibble++) {
    let v = 0;
    for (let b = 0; b < 4; b++) if (weights[nibble * 4 + b]! > 0) v |= 1 << b;
    hex += v.toString(16);
  }
  return hex;
}

export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) { x &= x - 1; d++; }
  }
  return d;
}

/**
 * Copies within this many differing bits are one story (scripts/bench-near-dup.mjs: republished
 * rewrites have a median of 5 bits, distinct stories are 15 or more apart).
 */
export const NEAR_DUPLICATE_BITS = 7;

/**
 * The hash cut into 8 bands of 8 bits: two hashes within NEAR_DUPLICATE_BITS bits share at
 * least one band (pigeonhole: 7 differing bits touch at most 7 of 8 bands), so
 * stores find candidates by exact band match and confirm with hammingDistance.
 */
export function simhashBands(hash: string): string[] {
  return Array.from({ length: 8 }, (_, i) => `${i}:${hash.slice(i * 2, i * 2 + 2)}`);
}
