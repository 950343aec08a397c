import type { EntityType } from "./taxonomy.js";

/**
 * Crypto organisations outside the taxonomy, recognised by how news introduces them: a crypto
 * descriptor right before the name ("crypto exchange Kraken", "blockchain analytics firm
 * Glassnode", "bitcoin miner Marathon Digital") or in apposition after it ("Santiment, an
 * on-chain analytics platform"). The descriptor says the organisation is crypto-specific, which
 * is what makes it an entity rather than a general company.
 */
export interface DescribedEntity {
  readonly name: string;
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
}

// The descriptor may open the sentence ("Blockchain analytics firm ..."); names keep their case.
const CRYPTO = String.raw`(?:[Cc]rypto(?:currency)?|[Bb]itcoin|[Bb]lockchain|[Dd]igital[- ]asset|[Dd]e[Ff]i|[Ww]eb3|[Oo]n-chain|[Ee]thereum|[Ss]tablecoin|NFT|nft|[Cc]rypto-asset|[Vv]irtual (?:currency|asset))`;
const HEAD = String.raw`(exchanges?|trading platform|platform|firm|company|startup|lender|miner|mining (?:company|firm)|asset manager|fund manager|custodian|wallet(?: provider| maker)?|protocol|project|issuer|broker(?:age)?|infrastructure (?:firm|company|provider)|provider)`;
// A name: one to three capitalised or camel-case words ("Glassnode", "Marathon Digital", "dYdX"), digits and dots allowed.
const NAME = String.raw`((?:[A-Z][\w.&-]*|[a-z]+[A-Z][\w.-]*)(?:\s+(?:[A-Z][\w.&-]*)){0,2})`;
/** The descriptor alone: found first, so the name patterns only ever run next to one. */
const DESCRIPTOR = new RegExp(String.raw`\b${CRYPTO}(?:\s+[a-z-]+){0,2}?\s+${HEAD}\b`, "gu");
const NAME_AFTER = new RegExp(String.raw`^\s+${NAME}`, "u");
const NAME_BEFORE = new RegExp(String.raw`${NAME},\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?$`, "u");
/** Capitalised words that continue a sentence rather than name something. */
const NOT_NAMES = /^(?:The|A|An|In|On|At|Of|For|And|But|With|From|To|This|That|Its|Their|His|Her|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Inc|Ltd|Corp|CEO|U\.S\.|US|UK|EU)$/;

function typeOf(head: string): EntityType {
  if (/^exchanges?$|^trading platform$/.test(head)) return "exchange";
  if (/^(?:protocol|project)$/.test(head)) return "project";
  return "company";
}

function cleanName(raw: string): string | null {
  const words = raw.split(/\s+/);
  while (words.length && NOT_NAMES.test(words[words.length - 1]!.replace(/[.,]$/, ""))) words.pop();
  if (!words.length || NOT_NAMES.test(words[0]!)) return null;
  const name = words.join(" ").replace(/[.'’]+$/, "");
  return name.length >= 3 ? name : null;
}

export function findDescribedEntities(text: string, from: number, to: number): DescribedEntity[] {
  const slice = text.slice(from, to);
  const out: DescribedEntity[] = [];
  for (const d of slice.matchAll(DESCRIPTOR)) {
    const type = typeOf(d[1]!);
    const end = d.index! + d[0].length;
    // "crypto exchange Kraken"
    const after = NAME_AFTER.exec(slice.slice(end, end + 80));
    const afterName = after && cleanName(after[1]!);
    if (afterName) {
      const start = from + end + after[0].length - after[1]!.length;
      out.push({ name: afterName, type, start, end: start + afterName.length });
      continue;
    }
    // "Santiment, an on-chain analytics platform"
    const lead = slice.slice(Math.max(0, d.index! - 100), d.index!);
    const before = NAME_BEFORE.exec(lead);
    const beforeName = before && cleanName(before[1]!);
    if (beforeName) {
      const start = from + d.index! - lead.length + before.index;
      out.push({ name: beforeName, type, start, end: start + beforeName.length });
    }
  }
  return out;
}
