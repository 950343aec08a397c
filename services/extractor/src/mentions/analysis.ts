import { foldText } from "./fold.js";
import { segmentSentences, sentenceAt, type Span } from "./segment.js";
import { getLexicon, type Lexicon, type Payload } from "./taxonomy.js";

/** One taxonomy term found in the analysed string; offsets are UTF-16 units of `src`. */
export interface Hit {
  readonly start: number;
  readonly end: number;
  readonly payloads: Payload[];
  readonly sentence: number;
}

/** An article matched against the taxonomy once: every later step reads it and nothing changes it. */
export interface Analysis {
  readonly lex: Lexicon;
  /** The analysed string: title, a blank line, text. */
  readonly src: string;
  readonly sentences: readonly Span[];
  readonly titleLength: number;
  /** Lexical hits (names, actions, vocabulary), overlaps resolved leftmost-longest. */
  readonly hits: readonly Hit[];
  readonly hitsBySentence: readonly Hit[][];
  /** Cue hits (negation, modal, platform nouns ...), ordered by end offset within each sentence. */
  readonly cuesBySentence: readonly Hit[][];
}

/** Matches every term once and maps folded offsets back to the analysed string. */
export function analyse(src: string, titleLength: number): Analysis {
  const lex = getLexicon();
  const folded = foldText(src);
  const sentences = segmentSentences(src);
  const lexical: Hit[] = [];
  const cues: Hit[] = [];
  for (const m of lex.matcher.search(folded.text)) {
    const term = lex.terms[m.pattern]!;
    const start = folded.origin[m.start]!;
    const lastUnit = folded.origin[m.end - 1]!;
    const code = src.charCodeAt(lastUnit);
    const end = lastUnit + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
    if (term.exact !== null) {
      // most candidates fail on case ("sec" in "section" never gets here; "Sec." does): compare raw first
      const raw = src.slice(start, end);
      if (raw !== term.exact && raw.normalize("NFKC").replace(/\s+/g, " ") !== term.exact) continue;
    }
    const hit: Hit = { start, end, payloads: term.payloads, sentence: sentenceAt(sentences, start) };
    (term.cue ? cues : lexical).push(hit);
  }
  const hits = leftmostLongest(lexical);
  const hitsBySentence: Hit[][] = Array.from({ length: sentences.length }, () => []);
  for (const h of hits) hitsBySentence[h.sentence]!.push(h);
  const cuesBySentence: Hit[][] = Array.from({ length: sentences.length }, () => []);
  for (const c of cues) cuesBySentence[c.sentence]!.push(c);
  return { lex, src, sentences, titleLength, hits, hitsBySentence, cuesBySentence };
}

/** Keeps the leftmost, then longest, of overlapping lexical hits ("比特币中国" beats "比特币" and "中国"). */
function leftmostLongest(list: Hit[]): Hit[] {
  list.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Hit[] = [];
  let reach = -1;
  for (const h of list) {
    if (h.start < reach) continue;
    out.push(h);
    reach = h.end;
  }
  return out;
}

/** Sentence text with traditional characters folded, for the few rules that test Chinese words. */
export function foldedSentence(src: string, sentence: Span): string {
  return foldText(src.slice(sentence.start, sentence.end)).text;
}

/** The jurisdiction code a hit names, if it names one (optionally only by country name). */
export function jurisdictionOf(h: Hit, via?: "name"): string | undefined {
  for (const p of h.payloads) if (p.kind === "jurisdiction" && (!via || p.via === via)) return p.code;
  return undefined;
}

export const hasKind = (h: Hit, kind: Payload["kind"]): boolean => h.payloads.some((p) => p.kind === kind);
