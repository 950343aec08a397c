import type { QueryClause } from "./query-language.js";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const isCjk = (t: string) => /^[\p{Script=Han}\p{Script=Hiragana}]$/u.test(t);

/** The surface forms an analysed term stands for: foldPlural's inputs. */
function surfaceForms(term: string): string {
  if (!/^[a-z]{3,}$/.test(term)) return escape(term);
  return term.endsWith("y") ? `${term.slice(0, -1)}(?:y|ies)` : `${term}(?:e?s)?`;
}

/** A regex finding any positive clause of the query in original (un-analysed) text. */
export function matcherFor(clauses: QueryClause[]): RegExp | null {
  const positive = clauses.filter((c) => !c.negated).flatMap((c) => [c, ...(c.alternatives ?? [])]);
  if (positive.length === 0) return null;
  const alts = positive.map((c) => {
    const body = c.terms.map((t, i) => {
      const sep = i === 0 ? "" : isCjk(t) && isCjk(c.terms[i - 1]!) ? "\\s*" : "[^\\p{L}\\p{N}]+";
      return sep + surfaceForms(t);
    }).join("");
    const first = c.terms[0]!, last = c.terms[c.terms.length - 1]!;
    return `${isCjk(first) ? "" : "(?<![\\p{L}\\p{N}])"}${body}${isCjk(last) ? "" : "(?![\\p{L}\\p{N}])"}`;
  });
  return new RegExp(alts.join("|"), "giu");
}

const FRAGMENT = 160;

/**
 * Up to `max` fragments of about 160 characters around matches, with every match wrapped in
 * <mark>. The text is plain, so everything else is HTML-escaped.
 */
export function highlightFragments(text: string, matcher: RegExp | null, max = 3): string[] {
  if (!matcher || !text) return [];
  const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const fragments: string[] = [];
  matcher.lastIndex = 0;
  let coveredUntil = -1;
  for (const m of text.normalize("NFKC").matchAll(matcher)) {
    if (m.index < coveredUntil) continue;
    const start = Math.max(0, m.index - FRAGMENT / 2);
    const end = Math.min(text.length, m.index + m[0].length + FRAGMENT / 2);
    const slice = text.normalize("NFKC").slice(start, end).replace(/\s+/g, " ");
    const marked = html(slice).replace(new RegExp(matcher.source, "giu"), (s) => `<mark>${s}</mark>`);
    fragments.push(`${start > 0 ? "…" : ""}${marked.trim()}${end < text.length ? "…" : ""}`);
    coveredUntil = end;
    if (fragments.length >= max) break;
  }
  return fragments;
}
