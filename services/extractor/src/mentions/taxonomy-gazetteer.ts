import type { MentionKind } from "./extract-mentions.js";
import { getLexicon } from "./taxonomy.js";

/** One spelling of the taxonomy and the canonical values it names. */
export interface GazetteerEntry {
  /** Folded (foldText) spelling; a Latin first or last letter only matches at a word boundary. */
  pattern: string;
  /** The exact (NFKC) spelling required when case matters ("SEC", tickers), else null. */
  exact: string | null;
  names: Array<{ kind: MentionKind; value: string }>;
}

/**
 * Every spelling of a jurisdiction, authority, action or entity in the taxonomy, with none of
 * extractMentions' article rules (acting authorities, relevance, ticker context): for readers of short
 * texts such as search queries, which have no context to judge. Spellings that name a body only with
 * its jurisdiction in the surrounding text are left out; an ambiguous abbreviation ("SEC") names every
 * body it stands for.
 */
export function taxonomyGazetteer(): GazetteerEntry[] {
  const lex = getLexicon();
  const out: GazetteerEntry[] = [];
  lex.terms.forEach((term, i) => {
    if (term.cue) return;
    const names = term.payloads.flatMap((p): GazetteerEntry["names"] => {
      if ("contextual" in p && p.contextual) return [];
      switch (p.kind) {
        case "jurisdiction": return [{ kind: "jurisdiction", value: p.code }];
        case "authority": return [{ kind: "authority", value: lex.authorities[p.index]!.name }];
        case "entity": return [{ kind: "entity", value: lex.entities[p.index]!.name }];
        case "action": return [{ kind: "action", value: p.action }];
        default: return [];
      }
    });
    if (names.length) out.push({ pattern: lex.patterns[i]!, exact: term.exact, names });
  });
  return out;
}
