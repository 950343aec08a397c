import { hasKind, jurisdictionOf, type Analysis, type Hit } from "./analysis.js";
import { mention, type Mention } from "./mention.js";
import { findMinistries, findNamedBodies } from "./named-bodies.js";
import type { Lexicon } from "./taxonomy.js";

/** Sentences either side of a regulatory sentence in which a named body counts as acting. */
const AUTHORITY_WINDOW = 2;

/** What the authority and jurisdiction steps add to a relevant document. */
export interface Findings {
  readonly authorities: Set<string>;
  readonly jurisdictions: Set<string>;
  readonly mentions: Mention[];
}

/**
 * Authorities named in or around the regulatory sentences. The window is wider than for
 * actions because the story's bodies are often introduced a few sentences away from the verb
 * ("oral arguments were heard by the D.C. Circuit" two sentences after the ETF decision).
 * `reported` are the sentences whose triggers name an action.
 */
export function findAuthorities(a: Analysis, evidence: readonly number[], reported: ReadonlySet<number>, jurCounts: ReadonlyMap<string, number>, out: Findings): void {
  const { lex, src, hitsBySentence } = a;
  const n = a.sentences.length;
  const nearEvidence = (i: number) => {
    for (let k = Math.max(0, i - AUTHORITY_WINDOW); k <= Math.min(n - 1, i + AUTHORITY_WINDOW); k++) if (evidence[k]! > 0) return true;
    return false;
  };
  // The body's name is the evidence for its jurisdiction too ("People's Bank of China" → CN).
  const add = (name: string, code: string | undefined, span: { start: number; end: number }) => {
    out.authorities.add(name);
    out.mentions.push(mention(src, "authority", name, span));
    if (code && code !== "INT") {
      out.jurisdictions.add(code);
      out.mentions.push(mention(src, "jurisdiction", code, span));
    }
  };
  for (const [h, index] of resolveAuthorities(a.hits, lex, jurCounts)) {
    if (!nearEvidence(h.sentence)) continue;
    const body = lex.authorities[index]!;
    add(body.name, body.jurisdiction, h);
  }

  // "the country's central bank" is the central bank of the country named last before it.
  for (const h of a.hits) {
    const ref = h.payloads.find((p) => p.kind === "roleRef") as { role: string } | undefined;
    if (!ref || !nearEvidence(h.sentence)) continue;
    const place = [...(hitsBySentence[h.sentence - 1] ?? []), ...hitsBySentence[h.sentence]!]
      .filter((x) => x.end <= h.start && jurisdictionOf(x, "name")).pop();
    const code = place && jurisdictionOf(place);
    const index = code ? lex.roleHolders.get(`${code}|${ref.role}`) : undefined;
    if (index === undefined) continue;
    const body = lex.authorities[index]!;
    add(body.name, body.jurisdiction, h);
  }

  // Bodies outside the taxonomy, recognised by the shape of their names, in the sentences that
  // report an action; they inherit the jurisdiction named in them or the article's main one.
  const mainJurisdiction = [...jurCounts.entries()].sort((x, y) => y[1] - x[1])[0]?.[0];
  const sorted = [...reported].sort((x, y) => x - y);
  for (const i of sorted) {
    const sp = a.sentences[i]!;
    for (const body of findNamedBodies(src, sp.start, sp.end)) {
      if (hitsBySentence[i]!.some((h) => h.start < body.end && body.start < h.end && hasKind(h, "authority"))) continue;
      if (out.authorities.has(body.name)) continue;
      const inside = hitsBySentence[i]!.find((h) => h.start >= body.start && h.end <= body.end && jurisdictionOf(h));
      add(body.name, inside ? jurisdictionOf(inside) : mainJurisdiction, body);
    }
  }

  // Ministries named through their country ("Montenegro's interior ministry").
  for (const i of sorted) {
    const sp = a.sentences[i]!;
    for (const min of findMinistries(src, sp.start, sp.end)) {
      const isJur = (h: Hit) => jurisdictionOf(h, "name") !== undefined;
      // "the country's interior ministry" refers to the country named last before it.
      const place = /^the /i.test(min.country)
        ? [...(hitsBySentence[i - 1] ?? []), ...hitsBySentence[i]!].filter((h) => h.end <= min.start && isJur(h)).pop()
        : hitsBySentence[i]!.find((h) => h.start >= min.start && h.end <= min.end && isJur(h));
      const code = place ? jurisdictionOf(place) : undefined;
      if (!code) continue;
      const country = lex.jurisdictionNames.get(code) ?? min.country;
      const name = `Ministry of ${min.portfolio} of ${country}`;
      if (out.authorities.has(name)) continue;
      add(name, code, min);
    }
  }
}

/** How often the text names each jurisdiction, directly or through an unambiguous body's full name. */
export function countJurisdictions(hits: readonly Hit[], lex: Lexicon): Map<string, number> {
  const counts = new Map<string, number>();
  for (const h of hits) {
    for (const p of h.payloads) {
      if (p.kind === "jurisdiction") counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
      else if (p.kind === "authority" && !p.abbreviation && !p.contextual && h.payloads.filter((q) => q.kind === "authority").length === 1) {
        const code = lex.authorities[p.index]!.jurisdiction;
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/**
 * Picks one body for every authority hit. A contextual surface (a gazetteer acronym, a bare generic
 * name such as "Supreme Court") names a body only when the text also names its jurisdiction or
 * the body in full. A surface shared by several bodies ("SEC", "FSA", "证监会") goes to the one
 * that is also named unambiguously in the text, else to the one whose jurisdiction the text
 * mentions most, else to the first listed in the taxonomy.
 */
function resolveAuthorities(hits: readonly Hit[], lex: Lexicon, jurCounts: ReadonlyMap<string, number>): [Hit, number][] {
  const unambiguous = new Set<number>();
  for (const h of hits) {
    const cands = h.payloads.filter((p) => p.kind === "authority");
    if (cands.length === 1 && !cands[0]!.contextual) unambiguous.add(cands[0]!.index);
  }
  const out: [Hit, number][] = [];
  for (const h of hits) {
    const cands = h.payloads.flatMap((p) => (p.kind !== "authority" ? [] : !p.contextual || unambiguous.has(p.index) || jurCounts.has(lex.authorities[p.index]!.jurisdiction) ? [p.index] : []));
    if (cands.length === 0) continue;
    if (cands.length === 1) { out.push([h, cands[0]!]); continue; }
    const named = cands.filter((c) => unambiguous.has(c));
    if (named.length >= 1) { out.push([h, named[0]!]); continue; }
    let best = cands[0]!, bestCount = jurCounts.get(lex.authorities[best]!.jurisdiction) ?? 0;
    for (const c of cands.slice(1)) {
      const cnt = jurCounts.get(lex.authorities[c]!.jurisdiction) ?? 0;
      if (cnt > bestCount) { best = c; bestCount = cnt; }
    }
    out.push([h, best]);
  }
  return out;
}
