import { analyzeSpans } from "./analysis.js";
import { alternativesOf } from "./query-language.js";
import type { QueryPlan } from "./ranking.js";

/** The analysed tokens a hit's highlights mark: every token of the query's positive words and phrases. */
export type Highlighter = ReadonlySet<string> | null;

export function highlighterFor(plan: QueryPlan): Highlighter {
  const tokens = new Set([...plan.words, ...plan.required.flatMap(alternativesOf)].flatMap((c) => c.terms));
  return tokens.size ? tokens : null;
}

const FRAGMENT = 160;
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Up to `max` fragments of about 160 characters around matches, with every match wrapped in <mark>.
 * Matches are found by the search analysis itself (stems, Chinese bigrams, folded forms), so what is
 * marked is what matched: "regulators" marks "regulation", 比特幣 marks 比特币. The text is plain, so
 * everything else is HTML-escaped.
 */
export function highlightFragments(text: string, tokens: Highlighter, max = 3): string[] {
  if (!tokens || !text) return [];
  // Matching spans, overlapping or touching ones merged (a Chinese word's bigrams make one mark), up to
  // the first span of a fragment that would be one too many.
  const spans: Array<[number, number]> = [];
  let windows = 0;
  let windowFirst = -1;
  const windowEnd = () => (windowFirst < 0 ? -1 : spans[windowFirst]![1] + FRAGMENT / 2);
  analyzeSpans(text, (t) => {
    if (!tokens.has(t.token)) return true;
    const last = spans[spans.length - 1];
    if (last && t.start <= last[1]) { last[1] = Math.max(last[1], t.end); return true; }
    if (t.end > windowEnd()) {
      if (++windows > max) return false;
      windowFirst = spans.length;
    }
    spans.push([t.start, t.end]);
    return true;
  });
  const fragments: string[] = [];
  for (let i = 0; i < spans.length && fragments.length < max;) {
    const start = Math.max(0, spans[i]![0] - FRAGMENT / 2);
    const end = Math.min(text.length, spans[i]![1] + FRAGMENT / 2);
    let out = "";
    let at = start;
    for (; i < spans.length && spans[i]![1] <= end; i++) {
      const [s, e] = spans[i]!;
      out += `${html(text.slice(at, s))}<mark>${html(text.slice(s, e))}</mark>`;
      at = e;
    }
    out += html(text.slice(at, end));
    fragments.push(`${start > 0 ? "…" : ""}${out.replace(/\s+/g, " ").trim()}${end < text.length ? "…" : ""}`);
  }
  return fragments;
}
