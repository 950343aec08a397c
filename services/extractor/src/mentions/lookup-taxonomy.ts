import { foldText } from "./fold.js";
import { getLexicon } from "./taxonomy.js";
import type { MentionKind } from "./extract-mentions.js";

/** A taxonomy term found in a short text, with the canonical value it names. */
export interface TaxonomyHit {
  kind: MentionKind;
  value: string;
  /** UTF-16 offsets into the text. */
  start: number;
  end: number;
}

/**
 * Every jurisdiction, authority, action and entity the taxonomy names in a short text (a search query),
 * leftmost-longest, with none of extractMentions' article rules (acting authorities, relevance, ticker
 * context): a query has no context to judge, and names only what the analyst means. An ambiguous
 * abbreviation ("SEC") yields every body it stands for.
 */
export function lookupTaxonomy(text: string): TaxonomyHit[] {
  const lex = getLexicon();
  const folded = foldText(text);
  const matches = lex.matcher.search(folded.text)
    .map((m) => ({ m, term: lex.terms[m.pattern]!, start: folded.origin[m.start]!, end: folded.origin[m.end - 1]! + 1 }))
    .filter(({ term, start, end }) => !term.cue && (term.exact === null || text.slice(start, end).normalize("NFKC").replace(/\s+/g, " ") === term.exact))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const hits: TaxonomyHit[] = [];
  let reach = -1;
  for (const { term, start, end } of matches) {
    if (start < reach) continue;
    const named = term.payloads.flatMap((p): TaxonomyHit[] => {
      switch (p.kind) {
        case "jurisdiction": return [{ kind: "jurisdiction", value: p.code, start, end }];
        case "authority": return [{ kind: "authority", value: lex.authorities[p.index]!.name, start, end }];
        case "entity": return [{ kind: "entity", value: lex.entities[p.index]!.name, start, end }];
        case "action": return [{ kind: "action", value: p.action, start, end }];
        default: return [];
      }
    });
    if (named.length === 0) continue;
    hits.push(...named);
    reach = end;
  }
  return hits;
}
