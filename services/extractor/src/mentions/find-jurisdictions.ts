import type { Analysis, Hit } from "./analysis.js";
import type { Findings } from "./find-authorities.js";
import { mention } from "./mention.js";

/**
 * Jurisdictions named in the sentences that report an action: attached to a public actor
 * ("Chinese authorities", "Nigeria's anti-graft agency") or the place of the action ("arrested
 * in the Bahamas"). Lists of several countries, company origins ("founded in China",
 * "Shenzhen-based") and nationalities ("a South African national") are not jurisdictions.
 * Without any, the jurisdiction the text names most stands for the story.
 */
export function findJurisdictions(a: Analysis, reported: ReadonlySet<number>, jurCounts: ReadonlyMap<string, number>, out: Findings): void {
  const jurBySentence = new Map<number, Set<string>>();
  for (const h of a.hits) {
    for (const p of h.payloads) {
      if (p.kind !== "jurisdiction") continue;
      let set = jurBySentence.get(h.sentence);
      if (!set) jurBySentence.set(h.sentence, (set = new Set()));
      set.add(p.code);
    }
  }
  for (const h of a.hits) {
    if (!reported.has(h.sentence)) continue;
    if ((jurBySentence.get(h.sentence)?.size ?? 0) >= 3) continue;
    for (const p of h.payloads) {
      if (p.kind !== "jurisdiction") continue;
      if (!isJurisdictionOfAction(a.src, h, p.via, a.cuesBySentence[h.sentence]!)) continue;
      out.jurisdictions.add(p.code);
      out.mentions.push(mention(a.src, "jurisdiction", p.code, h));
    }
  }
  if (out.jurisdictions.size === 0 && jurCounts.size > 0) {
    const [code] = [...jurCounts.entries()].sort((x, y) => y[1] - x[1])[0]!;
    out.jurisdictions.add(code);
    // the first place naming it, or the first body whose full name carries it
    const first = a.hits.find((h) => h.payloads.some((p) => (p.kind === "jurisdiction" && p.code === code)
      || (p.kind === "authority" && !p.abbreviation && !p.contextual && a.lex.authorities[p.index]!.jurisdiction === code)));
    if (first) out.mentions.push(mention(a.src, "jurisdiction", code, first));
  }
}

const ORIGIN_BEFORE = /(?:founded|headquartered|based|born|incorporated|registered|listed|citizen|national|trading|traded|flight|fly|flew|travel(?:l?ed)?)\s+(?:in|to|from)\s+(?:the\s+)?$/i;
const AFTER_PLACE = /^(?:\s*-\s*|\s+)(?:based|born|headquartered)\b/i;
const DEMONYM_NOUN = /^\s+(?:crypto(?:currency)?\s+|bitcoin\s+|digital\s+asset\s+)?(?:exchange|exchanges|firm|firms|company|companies|startup|bank|banks|investors?|users?|miners?|traders?|citizens?|nationals?|entrepreneurs?|businessman|founder|national|platform|media|outlet|newspaper)\b/i;

function isJurisdictionOfAction(src: string, h: Hit, via: "name" | "demonym" | "place", cues: readonly Hit[]): boolean {
  const before = src.slice(Math.max(0, h.start - 40), h.start);
  const after = src.slice(h.end, h.end + 40);
  if (AFTER_PLACE.test(after)) return false;
  if (ORIGIN_BEFORE.test(before)) return false;
  if (via === "demonym" && (DEMONYM_NOUN.test(after) || followedByNationality(cues, h))) return false;
  return true;
}

function followedByNationality(cues: readonly Hit[], h: Hit): boolean {
  return cues.some((c) => c.start >= h.end && c.start - h.end <= 1 && c.payloads.some((p) => p.kind === "nationality"));
}
