/** A sentence as a [start, end) span of the analysed string. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

// Tokens that end with a period without ending a sentence ("U.S. Attorney", "Mt. Gox", "Dec. 10").
const ABBREVIATIONS = new Set([
  "u.s", "u.k", "u.n", "e.u", "mr", "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "st", "mt", "jr", "sr",
  "vs", "no", "gov", "sen", "rep", "gen", "col", "lt", "sgt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
  "sept", "oct", "nov", "dec", "e.g", "i.e", "a.m", "p.m", "etc", "approx", "est", "fig", "dept", "u.s.a", "d.c",
]);

/**
 * Splits English and Chinese text into sentences: at blank lines and line breaks, after 。！？；
 * (and their full-width/ASCII forms) in CJK text, and after . ! ? followed by whitespace and a
 * capital, digit, quote or CJK character unless the preceding token is a known abbreviation or
 * a single capital letter (initials).
 */
export function segmentSentences(s: string): Span[] {
  const spans: Span[] = [];
  let start = 0;
  const push = (end: number) => {
    let a = start, b = end;
    while (a < b && /\s/.test(s[a]!)) a++;
    while (b > a && /\s/.test(s[b - 1]!)) b--;
    if (b > a) spans.push({ start: a, end: b });
    start = end;
  };
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const ch = s[i]!;
    if (ch === "\n") { push(i + 1); continue; }
    if (ch === "。" || ch === "！" || ch === "？" || ch === "；" || ch === "…") {
      let j = i + 1;
      while (j < n && /[”’"'）)」』]/.test(s[j]!)) j++;
      push(j); i = j - 1; continue;
    }
    if (ch === "." || ch === "!" || ch === "?" || ch === ";") {
      let j = i + 1;
      while (j < n && /[”’"'）)\]»]/.test(s[j]!)) j++;
      if (j >= n) continue;
      const next = s[j]!;
      if (/[\u4e00-\u9fff]/.test(next)) { push(j); i = j - 1; continue; }
      if (!/\s/.test(next)) continue;
      let k = j;
      while (k < n && /[ \t]/.test(s[k]!)) k++;
      if (k >= n || s[k] === "\n") continue;
      if (!/[A-Z0-9“"'‘(\u4e00-\u9fff]/.test(s[k]!)) continue;
      if (ch === ".") {
        let w = i;
        while (w > 0 && /[A-Za-z.]/.test(s[w - 1]!)) w--;
        const token = s.slice(w, i).toLowerCase();
        if (ABBREVIATIONS.has(token) || /^[a-z]$/.test(token)) continue;
      }
      push(j); i = j - 1;
    }
  }
  push(n);
  return spans;
}

/** Index of the sentence containing `offset` (binary search over sorted spans). */
export function sentenceAt(spans: readonly Span[], offset: number): number {
  let lo = 0, hi = spans.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (spans[mid]!.start <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}
