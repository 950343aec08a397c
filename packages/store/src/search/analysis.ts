import { foldText } from "@regradar/extractor/mentions";
import { stemmer } from "stemmer";

/**
 * The text analysis of both stores, written once for the places Elasticsearch cannot analyse: the SQLite
 * index (FTS5 gets these tokens), subscription matching and query planning. It mirrors the Elasticsearch
 * analyzer of `elasticsearch/mappings.ts` step by step, so both stores find the same documents:
 *
 *   standard tokenizer → cjk_width → lowercase → icu_transform Traditional-Simplified → asciifolding
 *   → cjk_bigram → english possessive → porter_stem
 *
 * Here: the extractor's folding (NFKC: full-width to ASCII; lower case; traditional to simplified Chinese,
 * character by character), diacritics stripped, letter/digit runs, CJK runs cut into overlapping bigrams
 * (a lone CJK character stays a unigram), "'s" dropped, Porter stemming (the `stemmer` package implements
 * the same 1980 algorithm as Lucene's PorterStemmer).
 */
export function analyzeTerms(text: string): string[] {
  const out: string[] = [];
  forEachToken(foldText(text).text, (token) => { out.push(token); });
  return out;
}

/** A token of analyzeTerms with the span of the original text it came from. */
export interface TokenSpan { token: string; start: number; end: number }

/**
 * analyzeTerms with each token's span in `text`, for highlighting; `visit` returns false to stop early
 * (highlights need only the first few matches of a long text).
 */
export function analyzeSpans(text: string, visit: (span: TokenSpan) => boolean): void {
  const folded = foldText(text);
  const at = (i: number) => (i < folded.origin.length ? folded.origin[i]! : text.length);
  forEachToken(folded.text, (token, start, end) => visit({ token, start: at(start), end: at(end - 1) + 1 }));
}

/** Tokens of folded text with their folded offsets; stops when `emit` returns false. */
function forEachToken(folded: string, emit: (token: string, start: number, end: number) => boolean | void): void {
  // exec, not matchAll: the iterator's allocations cost as much as the matching on long texts. One shared
  // expression, not a copy per call (copying was 1% of the indexer), told where to go on at each step, so
  // an `emit` that analyses another text does not lose this one's place.
  for (let m = nextRun(folded, 0); m !== null; m = nextRun(folded, m.index + m[0].length)) {
    const run = m[0];
    if (m[1] !== undefined) { if (emit(stem(run), m.index, m.index + run.length) === false) return; continue; }
    if (!CJK_CHAR.test(run)) { if (emitWord(run, m.index, emit) === false) return; continue; }
    for (const p of run.matchAll(CJK_RUN_OR_WORD)) {
      const piece = p[0];
      const start = m.index + p.index;
      if (!CJK_CHAR.test(piece)) { if (emitWord(piece, start, emit) === false) return; continue; }
      const chars = [...piece];
      if (chars.length === 1) { if (emit(piece, start, start + piece.length) === false) return; continue; }
      let offset = start;
      for (let i = 0; i + 1 < chars.length; i++) {
        const bigram = chars[i]! + chars[i + 1]!;
        if (emit(bigram, offset, offset + bigram.length) === false) return;
        offset += chars[i]!.length;
      }
    }
  }
}

// As Unicode word segmentation (the standard tokenizer) does: an apostrophe or a full stop between letters
// or digits stays inside the word ("sec's", "u.s", "4.47"), a comma only between digits ("1,000").
// The first branch (captured) is the common case, a plain ASCII word with nothing that could extend
// it: no CJK to cut, no "'s" or marks to strip, and matched at a third of the general branch's cost.
const WORD_RUN = /([a-z0-9]+)(?![\p{L}\p{N}'.,])|[\p{L}\p{N}]+(?:(?:['.]|(?<=\p{N}),(?=\p{N}))[\p{L}\p{N}]+)*/gu;
const nextRun = (text: string, from: number) => {
  WORD_RUN.lastIndex = from;
  return WORD_RUN.exec(text);
};
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN_OR_WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|[[\p{L}\p{N}'.,]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]]+/gv;
const LATIN_WITH_MARKS = /[\u00c0-\u024f\u1e00-\u1eff]/;

function emitWord(raw: string, start: number, emit: (token: string, start: number, end: number) => boolean | void): boolean | void {
  let word = raw.endsWith("'s") ? raw.slice(0, -2) : raw;
  // Diacritics go per word: decomposing only words that can carry one keeps the common path fast.
  if (LATIN_WITH_MARKS.test(word)) word = word.normalize("NFD").replace(/\p{Mn}+/gu, "").normalize("NFC");
  if (word) return emit(stem(word), start, start + raw.length);
}

const stems = new Map<string, string>();
/** Porter stem of one lower-case token (as porter_stem, whatever its letters), memoised: a corpus repeats a few thousand words endlessly. */
function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stems.size > 100_000) stems.clear();
    stems.set(word, s);
  }
  return s;
}

/** True when the word is written in a CJK script: its tokens are bigrams, consecutive by construction. */
export const isCjkWord = (word: string) => CJK_CHAR.test(word);

/**
 * Lucene's English stop words (the `english` analyzer's list). They are indexed (phrases keep them), but
 * a free-text query leaves them out of its optional terms: "to" would otherwise match every document.
 */
export const ENGLISH_STOP_WORDS = new Set([
  "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or",
  "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
]);
