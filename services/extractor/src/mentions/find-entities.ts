import { hasKind, type Analysis, type Hit } from "./analysis.js";
import { mention, type Mention } from "./mention.js";
import { findDescribedEntities } from "./described-entities.js";
import { findAgedPeople, findRolePeople } from "./people.js";
import { sentenceAt } from "./segment.js";
import type { EntityType } from "./taxonomy.js";

export interface EntityHit { readonly hit: Hit; readonly index: number }
export type Entity = { name: string; type: EntityType };

const TICKER_CONTEXT = /^(?:\s*(?:price|prices|token|tokens|coin|coins|holders?|futures|etfs?|staking)\b|[/-]usd)/i;

/**
 * Entity hits that count. Tickers count next to price words or when the asset is also named;
 * names that are ordinary words ("Circle", "Gemini") count only in a sentence with other crypto
 * vocabulary.
 */
export function findEntityHits(a: Analysis): EntityHit[] {
  const entityNamed = new Set<number>();
  const cryptoTerm = new Set<number>();
  for (const h of a.hits) {
    for (const p of h.payloads) {
      if (p.kind === "entity" && !p.ticker && !p.contextual) { entityNamed.add(p.index); cryptoTerm.add(h.sentence); }
      else if (p.kind === "crypto") cryptoTerm.add(h.sentence);
    }
  }
  const out: EntityHit[] = [];
  for (const h of a.hits) {
    for (const p of h.payloads) {
      if (p.kind !== "entity") continue;
      if (p.ticker && !entityNamed.has(p.index) && !tickerInContext(a.src, h)) continue;
      if (p.contextual && !entityNamed.has(p.index) && !cryptoTerm.has(h.sentence)) continue;
      out.push({ hit: h, index: p.index });
    }
  }
  return out;
}

/** "$SOL", "(SOL)", "SOL price", "SOL/USD" count; a bare capitalised word does not. */
function tickerInContext(src: string, h: Hit): boolean {
  const before = src.charAt(h.start - 1);
  const after = src.slice(h.end, h.end + 12);
  if (before === "$" || after.startsWith("/")) return true;
  if (before === "(" && after.startsWith(")")) return true;
  return TICKER_CONTEXT.test(after);
}

/** Every entity once, in order of first mention, with its evidence spans. */
export function entitiesOf(a: Analysis, entityHits: readonly EntityHit[]): { entities: Entity[]; mentions: Mention[] } {
  const seen = new Set<number>();
  const entities: Entity[] = [];
  for (const { index } of entityHits) {
    if (seen.has(index)) continue;
    seen.add(index);
    const e = a.lex.entities[index]!;
    entities.push({ name: e.name, type: e.type });
  }
  const mentions = entityHits.map(({ hit, index }) => mention(a.src, "entity", a.lex.entities[index]!.name, hit));
  return { entities, mentions };
}

/** People introduced by their role at a recognised crypto organisation ("Bybit CEO Ben Zhou"). */
export function addRolePeople(a: Analysis, entityHits: readonly EntityHit[], entities: Entity[], mentions: Mention[]): void {
  const known = new Set(entities.map((e) => e.name.toLowerCase()));
  for (const { hit, index } of entityHits) {
    const type = a.lex.entities[index]!.type;
    if (type !== "exchange" && type !== "company" && type !== "project") continue;
    for (const person of findRolePeople(a.src, hit)) {
      const inSentence = a.hitsBySentence[sentenceAt(a.sentences, person.start)]!;
      if (inSentence.some((h) => h.start < person.end && person.start < h.end && hasKind(h, "entity"))) continue;
      if (known.has(person.name.toLowerCase())) continue;
      known.add(person.name.toLowerCase());
      entities.push({ name: person.name, type: "person" });
      mentions.push(mention(a.src, "entity", person.name, person));
    }
  }
}

/** People reported with their age ("John Doe, 34, was charged"), in a story of enforcement. */
export function addAgedPeople(a: Analysis, entities: Entity[], mentions: Mention[]): void {
  const known = new Set(entities.map((e) => e.name.toLowerCase()));
  for (const person of findAgedPeople(a.src)) {
    if (known.has(person.name.toLowerCase())) continue;
    const inSentence = a.hitsBySentence[sentenceAt(a.sentences, person.start)]!;
    if (inSentence.some((h) => h.start < person.end && person.start < h.end && h.payloads.some((p) => p.kind !== "crypto"))) continue;
    known.add(person.name.toLowerCase());
    entities.push({ name: person.name, type: "person" });
    mentions.push(mention(a.src, "entity", person.name, person));
  }
}

/** Crypto organisations the taxonomy lacks, introduced by a crypto descriptor ("analytics firm Glassnode"). */
export function addDescribedEntities(a: Analysis, entities: Entity[], mentions: Mention[]): void {
  const known = new Set(entities.map((e) => e.name.toLowerCase()));
  for (const found of findDescribedEntities(a.src, 0, a.src.length)) {
    const key = found.name.toLowerCase();
    if (known.has(key)) continue;
    const inSentence = a.hitsBySentence[sentenceAt(a.sentences, found.start)]!;
    if (inSentence.some((h) => h.start < found.end && found.start < h.end && h.payloads.some((p) => p.kind !== "crypto"))) continue;
    known.add(key);
    entities.push({ name: found.name, type: found.type });
    mentions.push(mention(a.src, "entity", found.name, found));
  }
}
