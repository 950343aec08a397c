import { readFileSync } from "node:fs";
import { TermMatcher } from "./term-matcher.js";
import { foldTerm } from "./fold.js";

export const ACTIONS = [
  "ban", "shutdown_order", "enforcement", "licensing", "legislation", "guidance",
  "investigation", "taxation", "sanctions", "aml_kyc", "platform_liability",
] as const;
export type Action = (typeof ACTIONS)[number];
export type EntityType = "exchange" | "asset" | "project" | "company" | "person";
export type CueKind = "crypto" | "signal" | "actor" | "negation" | "rumour" | "modal" | "priceTalk" | "platform" | "nationality" | "deontic" | "neutral";

/** jurisdiction is an ISO code, EU, or INT for international bodies (which add no jurisdiction). */
export interface AuthorityDef { readonly name: string; readonly jurisdiction: string }
export interface EntityDef { readonly name: string; readonly type: EntityType }

/** What a lexicon term means; one term may carry several payloads (e.g. "SEC" → three regulators). */
export type Payload =
  | { kind: "jurisdiction"; code: string; via: "name" | "demonym" | "place" }
  | { kind: "authority"; index: number; abbreviation: boolean; contextual?: true }
  | { kind: "entity"; index: number; ticker: boolean; contextual?: true }
  | { kind: "action"; action: Action; strong: boolean; deontic?: true }
  | { kind: "roleRef"; role: string }
  | { kind: CueKind };

export interface Term {
  /** Exact (NFKC) spelling required when the term is case-sensitive, else null. */
  readonly exact: string | null;
  readonly payloads: Payload[];
  /** Cue terms are matched on their own layer and never compete with lexical terms for a span. */
  readonly cue: boolean;
}

export interface Lexicon {
  readonly matcher: TermMatcher;
  readonly terms: readonly Term[];
  /** The folded spelling each term is matched by, by term index. */
  readonly patterns: readonly string[];
  readonly authorities: readonly AuthorityDef[];
  readonly entities: readonly EntityDef[];
  /** The body holding a role in a jurisdiction ("JP|financial_regulator" -> FSA), for "the country's financial regulator". */
  readonly roleHolders: ReadonlyMap<string, number>;
  /** English country name per jurisdiction code, for names built from a country ("Ministry of Interior of Montenegro"). */
  readonly jurisdictionNames: ReadonlyMap<string, string>;
}

const CUE_KINDS = new Set<CueKind>(["negation", "rumour", "modal", "platform", "nationality", "deontic"]);

// Taxonomy files live outside src so the same relative URL works from src/mentions (vitest)
// and dist/mentions (compiled): both are two levels below the package root.
const TAXONOMY_DIR = new URL("../../taxonomy/", import.meta.url);

function loadJson<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(file, TAXONOMY_DIR), "utf8")) as T;
}

interface JurisdictionFile { entries: { code: string; names: string[]; caseSensitive?: string[]; demonyms: string[]; places: string[] }[] }
interface AuthorityEntry {
  name: string; jurisdiction: string; aliases: string[]; abbr: string[]; roles?: string[];
  /** Surfaces that name the body only when its jurisdiction is in the text (gazetteer entries). */
  contextual?: string[]; contextualAbbr?: string[];
}
interface AuthorityFile { rolePhrases: Record<string, { en: string[]; zh: string[] }>; entries: AuthorityEntry[] }
interface GazetteerFile { entries: { name: string; jurisdiction: string; aliases: string[]; contextual: string[]; abbr: string[]; roles?: string[] }[] }
interface EntityFile { entries: { name: string; type: EntityType; aliases: string[]; abbr?: string[]; tickers?: string[]; contextual?: string[] }[] }
interface ActionFile { actions: Record<Action, { strong: string[]; weak: string[]; abbr?: string[]; weakAbbr?: string[]; deontic?: string[] }> }
interface CueFile { crypto: string[]; signals: string[]; actors: string[]; negation: string[]; rumour: string[]; modal: string[]; priceTalk: string[]; platformNouns: string[]; nationality: string[]; deontic: string[]; neutral: string[] }
interface CityFile { cities: [string, string][]; provinces: [string, string][] }

// Cue words that are also ordinary capitalised words elsewhere ("May" the month).
const CASE_SENSITIVE_CUES = new Set(["may"]);

let lexicon: Lexicon | null = null;

/**
 * The hand-written bodies first (their names, aliases and roles win), then the gazetteer's. A
 * gazetteer body that a hand entry already names (same jurisdiction, a shared full name or alias)
 * lends that entry its other surfaces; the gazetteer's acronyms stay contextual unless the hand
 * entry lists them too; its roles apply where the hand entry has none.
 */
function mergeGazetteer(hand: readonly AuthorityEntry[], gazetteer: GazetteerFile): AuthorityEntry[] {
  const out = hand.map((e) => ({ ...e, aliases: [...e.aliases], abbr: [...e.abbr], contextual: [] as string[], contextualAbbr: [] as string[] }));
  const byKey = new Map<string, (typeof out)[number]>();
  for (const e of out) for (const s of [e.name, ...e.aliases]) byKey.set(`${e.jurisdiction}|${foldTerm(s)}`, e);
  for (const g of gazetteer.entries) {
    const same = [g.name, ...g.aliases].map((s) => byKey.get(`${g.jurisdiction}|${foldTerm(s)}`)).find(Boolean);
    if (!same) {
      out.push({ name: g.name, jurisdiction: g.jurisdiction, aliases: g.aliases, abbr: [], roles: g.roles, contextual: g.contextual, contextualAbbr: g.abbr });
      continue;
    }
    if (!same.roles?.length && g.roles) same.roles = g.roles;
    const known = new Set([same.name, ...same.aliases].map(foldTerm));
    for (const a of [g.name, ...g.aliases]) if (!known.has(foldTerm(a))) same.aliases.push(a);
    for (const a of g.contextual) if (!known.has(foldTerm(a))) same.contextual.push(a);
    for (const a of g.abbr) if (!same.abbr.includes(a)) same.contextualAbbr.push(a);
  }
  return out;
}

/**
 * The generated exchange and asset lists, less what entities.json already names (its names and
 * tickers win); a list ticker another entry already uses is dropped, the name kept.
 */
function newFromLists(hand: EntityFile["entries"], lists: EntityFile["entries"]): EntityFile["entries"] {
  const names = new Set<string>(), tickers = new Set<string>();
  for (const e of hand) {
    for (const n of [e.name, ...e.aliases, ...(e.contextual ?? [])]) names.add(foldTerm(n));
    for (const t of [...(e.abbr ?? []), ...(e.tickers ?? [])]) tickers.add(t);
  }
  const out: EntityFile["entries"] = [];
  for (const e of lists) {
    if ([e.name, ...e.aliases ?? [], ...(e.contextual ?? [])].some((n) => names.has(foldTerm(n)))) continue;
    const own = (e.tickers ?? []).filter((t) => !tickers.has(t));
    for (const t of own) tickers.add(t);
    for (const n of [e.name, ...(e.contextual ?? [])]) names.add(foldTerm(n));
    out.push({ ...e, aliases: e.aliases ?? [], tickers: own });
  }
  return out;
}

/** Builds (once) the matcher over every taxonomy term. */
export function getLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const keyed = new Map<string, Term>();
  const seen = new Set<string>();
  const add = (raw: string, payload: Payload, caseSensitive = false) => {
    const folded = foldTerm(raw);
    if (!folded) return;
    const exact = caseSensitive ? raw.normalize("NFKC").replace(/\s+/g, " ").trim() : null;
    const cue = "kind" in payload && CUE_KINDS.has(payload.kind as CueKind);
    const key = `${cue ? "c" : "l"}|${exact ?? ""}|${folded}`;
    let term = keyed.get(key);
    if (!term) { term = { exact, payloads: [], cue }; keyed.set(key, term); }
    const sig = `${key}#${JSON.stringify(payload)}`;
    if (!seen.has(sig)) { seen.add(sig); term.payloads.push(payload); }
  };

  // hand-written countries first; the generated file adds the rest of ISO 3166-1
  const jur: JurisdictionFile = { entries: [...loadJson<JurisdictionFile>("jurisdictions.json").entries, ...loadJson<JurisdictionFile>("jurisdictions-world.json").entries] };
  for (const e of jur.entries) {
    for (const n of e.names) add(n, { kind: "jurisdiction", code: e.code, via: "name" });
    for (const n of e.caseSensitive ?? []) add(n, { kind: "jurisdiction", code: e.code, via: "name" }, true);
    for (const n of e.demonyms) add(n, { kind: "jurisdiction", code: e.code, via: "demonym" });
    for (const n of e.places) add(n, { kind: "jurisdiction", code: e.code, via: "place" });
  }

  const authorities: AuthorityDef[] = [];
  const auth = loadJson<AuthorityFile>("authorities.json");
  const cities = loadJson<CityFile>("cn-cities.json");
  const authEntries: AuthorityEntry[] = mergeGazetteer(auth.entries, loadJson<GazetteerFile>("authorities-gazetteer.json"));
  for (const [zh, pinyin] of cities.cities) {
    add(zh, { kind: "jurisdiction", code: "CN", via: "place" });
    authEntries.push({
      name: `${pinyin} Public Security Bureau`, jurisdiction: "CN", abbr: [],
      aliases: [`${zh}市公安局`, `${zh}公安局`, `${zh}公安`, `${zh}市公安机关`, `${zh}公安机关`, `${zh}市警方`, `${zh}警方`,
        `${pinyin} Public Security Bureau`, `${pinyin} police`],
    });
  }
  // Descriptive references ("Japan's financial regulator", "Chinese central bank", "日本央行")
  // resolve to the first body listed with that role in that jurisdiction.
  const roleTaken = new Set<string>();
  for (const e of authEntries) {
    for (const role of e.roles ?? []) {
      const key = `${e.jurisdiction}|${role}`;
      if (roleTaken.has(key)) continue;
      roleTaken.add(key);
      const phrases = auth.rolePhrases[role];
      const j = jur.entries.find((x) => x.code === e.jurisdiction);
      if (!phrases || !j) continue;
      for (const name of [...j.names, ...(j.caseSensitive ?? [])]) {
        const cjk = /[\u3400-\u9fff]/.test(name);
        for (const ph of cjk ? phrases.zh : phrases.en) {
          if (cjk) e.aliases.push(`${name}${ph}`);
          else e.aliases.push(`${name}'s ${ph}`, `${name} ${ph}`);
        }
      }
      for (const dem of j.demonyms) for (const ph of phrases.en) e.aliases.push(`${dem} ${ph}`);
    }
  }
  // "the country's central bank", "该国央行": resolved to the country named just before.
  for (const [role, phrases] of Object.entries(auth.rolePhrases)) {
    for (const ph of phrases.en) for (const who of ["the country's", "the nation's", "the island's", "the city-state's", "its"]) add(`${who} ${ph}`, { kind: "roleRef", role });
    for (const ph of phrases.zh) for (const who of ["该国", "当地", "该地区"]) add(`${who}${ph}`, { kind: "roleRef", role });
  }
  for (const [zh, qualifier] of cities.provinces) {
    add(zh, { kind: "jurisdiction", code: "CN", via: "place" });
    authEntries.push({
      name: `${qualifier} Public Security Department`, jurisdiction: "CN", abbr: [],
      aliases: [`${zh}公安厅`, `${zh}省公安厅`, `${zh}自治区公安厅`, `${qualifier} Public Security Department`],
    });
  }
  const roleHolders = new Map<string, number>();
  for (const e of authEntries) {
    const index = authorities.length;
    authorities.push({ name: e.name, jurisdiction: e.jurisdiction });
    for (const role of e.roles ?? []) {
      const key = `${e.jurisdiction}|${role}`;
      if (!roleHolders.has(key)) roleHolders.set(key, index);
    }
    for (const a of e.aliases) add(a, { kind: "authority", index, abbreviation: false });
    for (const a of e.abbr) add(a, { kind: "authority", index, abbreviation: true }, true);
    for (const a of e.contextual ?? []) add(a, { kind: "authority", index, abbreviation: false, contextual: true });
    for (const a of e.contextualAbbr ?? []) add(a, { kind: "authority", index, abbreviation: true, contextual: true }, true);
  }

  const entities: EntityDef[] = [];
  const handEntities = loadJson<EntityFile>("entities.json").entries;
  for (const e of [...handEntities, ...newFromLists(handEntities, loadJson<EntityFile>("entities-lists.json").entries)]) {
    const index = entities.length;
    entities.push({ name: e.name, type: e.type });
    for (const a of e.aliases) add(a, { kind: "entity", index, ticker: false });
    for (const a of e.abbr ?? []) add(a, { kind: "entity", index, ticker: false }, true);
    for (const a of e.tickers ?? []) add(a, { kind: "entity", index, ticker: true }, true);
    for (const a of e.contextual ?? []) add(a, { kind: "entity", index, ticker: false, contextual: true }, true);
  }

  const actions = loadJson<ActionFile>("actions.json").actions;
  for (const action of ACTIONS) {
    const def = actions[action];
    for (const t of def.strong) add(t, { kind: "action", action, strong: true });
    for (const t of def.weak) add(t, { kind: "action", action, strong: false });
    for (const t of def.abbr ?? []) add(t, { kind: "action", action, strong: true }, true);
    for (const t of def.weakAbbr ?? []) add(t, { kind: "action", action, strong: false }, true);
    for (const t of def.deontic ?? []) add(t, { kind: "action", action, strong: false, deontic: true });
  }

  const cues = loadJson<CueFile>("cues.json");
  const cueLists: [CueKind, string[]][] = [
    ["crypto", cues.crypto], ["signal", cues.signals], ["actor", cues.actors], ["negation", cues.negation],
    ["rumour", cues.rumour], ["modal", cues.modal], ["priceTalk", cues.priceTalk], ["platform", cues.platformNouns],
    ["nationality", cues.nationality], ["deontic", cues.deontic], ["neutral", cues.neutral],
  ];
  for (const [kind, list] of cueLists) {
    for (const t of list) add(t, { kind }, CASE_SENSITIVE_CUES.has(t) || (kind === "crypto" && /^[A-Z]{2,}s?$/.test(t)));
  }

  const matcher = new TermMatcher();
  const terms: Term[] = [];
  const patterns: string[] = [];
  for (const [key, term] of keyed) {
    const folded = key.slice(key.indexOf("|", 2) + 1);
    matcher.add(folded);
    terms.push(term);
    patterns.push(folded);
  }
  matcher.build();
  const englishName = (e: JurisdictionFile["entries"][number]) => [...e.names, ...(e.caseSensitive ?? [])].find((n) => !/[\u3400-\u9fff]/.test(n)) ?? e.names[0]!;
  const jurisdictionNames = new Map(jur.entries.map((e) => [e.code, englishName(e)] as const));
  lexicon = { matcher, terms, patterns, authorities, entities, roleHolders, jurisdictionNames };
  return lexicon;
}
