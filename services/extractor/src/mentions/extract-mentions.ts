import { foldText } from "./fold.js";
import { findMinistries, findNamedBodies } from "./named-bodies.js";
import { findAgedPeople, findRolePeople } from "./people.js";
import { segmentSentences, sentenceAt } from "./segment.js";
import { ACTIONS, getLexicon, type Action, type EntityType, type Lexicon, type Payload } from "./taxonomy.js";

export interface MentionsInput {
  readonly title: string;
  readonly text: string;
  readonly lang: string | null;
}

export type MentionKind = "authority" | "action" | "entity" | "jurisdiction";

export interface Mention {
  kind: MentionKind;
  value: string;
  surface: string;
  /** UTF-16 offsets into the analysed string `title + "\n\n" + text` (see analysedText). */
  start: number;
  end: number;
}

/** Contract 3 of DESIGN.md, keys in contract order. */
export interface MentionsResult {
  relevant: boolean;
  score: number;
  jurisdictions: string[];
  authorities: string[];
  actions: Action[];
  entities: { name: string; type: EntityType }[];
  mentions: Mention[];
}

/** The string every `start`/`end` offset refers to: the title, a blank line, then the text. */
export function analysedText(input: Pick<MentionsInput, "title" | "text">): string {
  return `${input.title ?? ""}\n\n${input.text ?? ""}`;
}

interface Hit {
  readonly start: number;
  readonly end: number;
  readonly payloads: Payload[];
  readonly sentence: number;
}

interface Trigger {
  readonly hit: Hit;
  readonly action: Action;
  readonly strong: boolean;
}

// Evidence weights; a document is relevant when the squashed sum reaches RELEVANCE_THRESHOLD.
// One strong trigger next to crypto subject matter (sum 1.0 -> score 0.63) is enough; a weak
// trigger needs a public actor next to it; bare regulatory vocabulary needs two or more places.
const W_STRONG = 1.0;
const W_WEAK_SAME = 1.0;
const W_WEAK_NEAR = 0.6;
const W_SIGNAL = 0.35;
const TITLE_BOOST = 1.5;
const MODAL_FACTOR = 0.5;
const RELEVANCE_THRESHOLD = 0.6;
/** How far (in words) before a trigger a negation, rumour or modal cue reaches. */
const CUE_REACH = 5;
/** The same reach in CJK characters (Chinese has no spaces; ~2 characters a word). */
const CUE_REACH_CJK = 6;
/** Sentences either side of a regulatory sentence in which a named body counts as acting. */
const AUTHORITY_WINDOW = 2;

const TICKER_CONTEXT = /^(?:\s*(?:price|prices|token|tokens|coin|coins|holders?|futures|etfs?|staking)\b|[/-]usd)/i;

/**
 * Finds crypto-regulation mentions in an article. Pure function of its input; the taxonomy
 * (services/extractor/taxonomy/*.json) is loaded and compiled into one matcher on first call.
 */
export function extractMentions(input: MentionsInput): MentionsResult {
  const lex = getLexicon();
  const src = analysedText(input);
  const folded = foldText(src);
  const sentences = segmentSentences(src);
  const titleLength = (input.title ?? "").length;

  // 1. Match every term once; map folded offsets back to the analysed string.
  const lexical: Hit[] = [];
  const cues: Hit[] = [];
  for (const m of lex.matcher.search(folded.text)) {
    const term = lex.terms[m.pattern]!;
    const start = folded.origin[m.start]!;
    const lastUnit = folded.origin[m.end - 1]!;
    const code = src.charCodeAt(lastUnit);
    const end = lastUnit + (code >= 0xd800 && code <= 0xdbff ? 2 : 1);
    if (term.exact !== null && src.slice(start, end).normalize("NFKC").replace(/\s+/g, " ") !== term.exact) continue;
    const hit: Hit = { start, end, payloads: term.payloads, sentence: sentenceAt(sentences, start) };
    (term.cue ? cues : lexical).push(hit);
  }
  const hits = leftmostLongest(lexical);
  const hitsBySentence: Hit[][] = Array.from({ length: sentences.length }, () => []);
  for (const h of hits) hitsBySentence[h.sentence]!.push(h);

  // 2. Entities (reported for every article, relevant or not).
  // Tickers count next to price words or when the asset is also named; names that are ordinary
  // words ("Circle", "Gemini") count only in a sentence with other crypto vocabulary.
  const entityNamed = new Set<number>();
  const cryptoTerm = new Set<number>();
  for (const h of hits) {
    for (const p of h.payloads) {
      if (p.kind === "entity" && !p.ticker && !p.contextual) { entityNamed.add(p.index); cryptoTerm.add(h.sentence); }
      else if (p.kind === "crypto") cryptoTerm.add(h.sentence);
    }
  }
  const entityHits: { hit: Hit; index: number }[] = [];
  for (const h of hits) {
    for (const p of h.payloads) {
      if (p.kind !== "entity") continue;
      if (p.ticker && !entityNamed.has(p.index) && !tickerInContext(src, h)) continue;
      if (p.contextual && !entityNamed.has(p.index) && !cryptoTerm.has(h.sentence)) continue;
      entityHits.push({ hit: h, index: p.index });
    }
  }

  // 3. Per-sentence context.
  const n = sentences.length;
  const crypto = new Array<boolean>(n).fill(false);
  const actor = new Array<boolean>(n).fill(false);
  const priceTalk = new Array<boolean>(n).fill(false);
  const platform = new Array<boolean>(n).fill(false);
  const deontic = new Array<boolean>(n).fill(false);
  for (const { hit } of entityHits) crypto[hit.sentence] = true;
  for (const h of hits) {
    for (const p of h.payloads) {
      if (p.kind === "crypto") crypto[h.sentence] = true;
      else if (p.kind === "actor" || p.kind === "authority" || p.kind === "roleRef") actor[h.sentence] = true;
      else if (p.kind === "priceTalk") priceTalk[h.sentence] = true;
    }
  }
  const cuesBySentence: Hit[][] = Array.from({ length: n }, () => []);
  for (const c of cues) {
    cuesBySentence[c.sentence]!.push(c);
    for (const p of c.payloads) {
      if (p.kind === "platform") platform[c.sentence] = true;
      else if (p.kind === "deontic") deontic[c.sentence] = true;
    }
  }
  const near = (arr: boolean[], i: number) => arr[i] || (i > 0 && arr[i - 1]) || (i + 1 < n && arr[i + 1]) || false;

  // 4. Regulatory evidence.
  const evidence = new Array<number>(n).fill(0);
  const triggers: Trigger[] = [];
  let total = 0;
  for (const h of hits) {
    const i = h.sentence;
    for (const p of h.payloads) {
      if (p.kind !== "action" && p.kind !== "signal") continue;
      if (!near(crypto, i)) continue;
      const cue = precedingCue(src, cuesBySentence[i]!, h);
      if (cue === "cancel") continue;
      let w: number;
      const strong = p.kind === "action" ? p.strong : false;
      if (p.kind === "signal") {
        if (priceTalk[i] || !actor[i]) continue;
        w = W_SIGNAL;
      } else if (strong) {
        w = W_STRONG;
      } else {
        if (priceTalk[i]) continue;
        w = actor[i] ? W_WEAK_SAME : near(actor, i) ? W_WEAK_NEAR : 0;
        if (w === 0) continue;
      }
      if (cue === "modal") w *= MODAL_FACTOR;
      if (sentences[i]!.end <= titleLength) w *= TITLE_BOOST;
      evidence[i]! += w;
      total += w;
      // A weak trigger names an action only when the actor is in its own sentence.
      // Registration words name licensing only as a requirement ("required to register").
      if (p.kind === "action" && p.deontic && !deontic[i]) continue;
      if (p.kind === "action" && (strong || actor[i])) triggers.push({ hit: h, action: p.action, strong });
    }
  }
  // Orders to stop a named business are spread over a clause ("ordered Google and Apple to remove
  // the Binance app", "要求……停止运营"), so they are matched as constructions, once per sentence.
  const shutdownSentences = new Set(triggers.filter((t) => t.action === "shutdown_order").map((t) => t.hit.sentence));
  for (let i = 0; i < n; i++) {
    if (!actor[i] || !near(crypto, i)) continue;
    if (shutdownSentences.has(i)) continue;
    const sp = sentences[i]!;
    const sentence = src.slice(sp.start, sp.end);
    const m = ORDER_TO_STOP.exec(sentence) ?? ORDER_TO_STOP_ZH.exec(foldedSentence(src, sp));
    if (!m) continue;
    const hit: Hit = { start: sp.start + m.index, end: sp.start + m.index + m[0].length, payloads: [], sentence: i };
    if (precedingCue(src, cuesBySentence[i]!, hit) === "cancel") continue;
    evidence[i]! += W_WEAK_SAME;
    total += W_WEAK_SAME;
    triggers.push({ hit, action: "shutdown_order", strong: false });
  }
  const score = round3(1 - Math.exp(-total));
  const relevant = score >= RELEVANCE_THRESHOLD;

  const entities = uniqueEntities(lex, entityHits);
  const mentions: Mention[] = entityHits.map(({ hit, index }) => mention(src, "entity", lex.entities[index]!.name, hit));
  // People introduced by their role at a recognised crypto organisation ("Bybit CEO Ben Zhou").
  const known = new Set(entities.map((e) => e.name.toLowerCase()));
  for (const { hit, index } of entityHits) {
    const type = lex.entities[index]!.type;
    if (type !== "exchange" && type !== "company" && type !== "project") continue;
    for (const person of findRolePeople(src, hit)) {
      const inSentence = hitsBySentence[sentenceAt(sentences, person.start)]!;
      if (inSentence.some((h) => h.start < person.end && person.start < h.end && h.payloads.some((p) => p.kind === "entity"))) continue;
      if (known.has(person.name.toLowerCase())) continue;
      known.add(person.name.toLowerCase());
      entities.push({ name: person.name, type: "person" });
      mentions.push({ kind: "entity", value: person.name, surface: src.slice(person.start, person.end), start: person.start, end: person.end });
    }
  }
  if (!relevant) return finish({ relevant, score, jurisdictions: [], authorities: [], actions: [], entities, mentions });

  // 5. Actions from the regulatory sentences.
  const actionSet = new Set<Action>();
  for (const t of triggers) {
    const action = refineAction(src, t, hitsBySentence[t.hit.sentence]!, platform, sentences[t.hit.sentence]!);
    if (!action) continue;
    actionSet.add(action);
    mentions.push(mention(src, "action", action, t.hit));
  }

  if (actionSet.has("enforcement")) {
    for (const person of findAgedPeople(src)) {
      if (known.has(person.name.toLowerCase())) continue;
      const inSentence = hitsBySentence[sentenceAt(sentences, person.start)]!;
      if (inSentence.some((h) => h.start < person.end && person.start < h.end && h.payloads.some((p) => p.kind !== "crypto"))) continue;
      known.add(person.name.toLowerCase());
      entities.push({ name: person.name, type: "person" });
      mentions.push({ kind: "entity", value: person.name, surface: src.slice(person.start, person.end), start: person.start, end: person.end });
    }
  }

  // 6. Authorities named in or around the regulatory sentences. The window is wider than for
  // actions because the story's bodies are often introduced a few sentences away from the verb
  // ("oral arguments were heard by the D.C. Circuit" two sentences after the ETF decision).
  const jurCounts = countJurisdictions(hits, lex);
  const resolved = resolveAuthorities(hits, lex, jurCounts);
  const authoritySet = new Set<string>();
  const jurisdictionSet = new Set<string>();
  const nearEvidence = (i: number) => {
    for (let k = Math.max(0, i - AUTHORITY_WINDOW); k <= Math.min(n - 1, i + AUTHORITY_WINDOW); k++) if (evidence[k]! > 0) return true;
    return false;
  };
  for (const [h, index] of resolved) {
    if (!nearEvidence(h.sentence)) continue;
    const a = lex.authorities[index]!;
    authoritySet.add(a.name);
    jurisdictionSet.add(a.jurisdiction);
    mentions.push(mention(src, "authority", a.name, h));
  }

  // "the country's central bank" is the central bank of the country named last before it.
  for (const h of hits) {
    const ref = h.payloads.find((p) => p.kind === "roleRef") as { role: string } | undefined;
    if (!ref || !nearEvidence(h.sentence)) continue;
    const place = [...(hitsBySentence[h.sentence - 1] ?? []), ...hitsBySentence[h.sentence]!]
      .filter((x) => x.end <= h.start && x.payloads.some((p) => p.kind === "jurisdiction" && p.via === "name")).pop();
    const code = place && (place.payloads.find((p) => p.kind === "jurisdiction") as { code: string }).code;
    const index = code ? lex.roleHolders.get(`${code}|${ref.role}`) : undefined;
    if (index === undefined) continue;
    const a = lex.authorities[index]!;
    authoritySet.add(a.name);
    jurisdictionSet.add(a.jurisdiction);
    mentions.push(mention(src, "authority", a.name, h));
  }

  // Bodies outside the taxonomy, recognised by the shape of their names, in the sentences that
  // report an action; they inherit the jurisdiction named in them or the article's main one.
  const reported = new Set(triggers.map((t) => t.hit.sentence));
  const mainJurisdiction = [...jurCounts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  for (const i of [...reported].sort((a, b) => a - b)) {
    const sp = sentences[i]!;
    for (const body of findNamedBodies(src, sp.start, sp.end)) {
      if (hitsBySentence[i]!.some((h) => h.start < body.end && body.start < h.end && h.payloads.some((p) => p.kind === "authority"))) continue;
      if (authoritySet.has(body.name)) continue;
      authoritySet.add(body.name);
      const inside = hitsBySentence[i]!.find((h) => h.start >= body.start && h.end <= body.end && h.payloads.some((p) => p.kind === "jurisdiction"));
      const code = inside ? (inside.payloads.find((p) => p.kind === "jurisdiction") as { code: string }).code : mainJurisdiction;
      if (code) jurisdictionSet.add(code);
      mentions.push({ kind: "authority", value: body.name, surface: src.slice(body.start, body.end), start: body.start, end: body.end });
    }
  }

  // Ministries named through their country ("Montenegro's interior ministry").
  for (const i of [...reported].sort((a, b) => a - b)) {
    const sp = sentences[i]!;
    for (const min of findMinistries(src, sp.start, sp.end)) {
      const isJur = (h: Hit) => h.payloads.some((p) => p.kind === "jurisdiction" && p.via === "name");
      // "the country's interior ministry" refers to the country named last before it.
      const place = /^the /i.test(min.country)
        ? [...(hitsBySentence[i - 1] ?? []), ...hitsBySentence[i]!].filter((h) => h.end <= min.start && isJur(h)).pop()
        : hitsBySentence[i]!.find((h) => h.start >= min.start && h.end <= min.end && isJur(h));
      const code = place ? (place.payloads.find((p) => p.kind === "jurisdiction") as { code: string }).code : null;
      if (!code) continue;
      const country = lex.jurisdictionNames.get(code) ?? min.country;
      const name = `Ministry of ${min.portfolio} of ${country}`;
      if (authoritySet.has(name)) continue;
      authoritySet.add(name);
      jurisdictionSet.add(code);
      mentions.push({ kind: "authority", value: name, surface: src.slice(min.start, min.end), start: min.start, end: min.end });
    }
  }

  // 7. Jurisdictions named in the sentences that report an action: attached to a public actor
  // ("Chinese authorities", "Nigeria's anti-graft agency") or the place of the action ("arrested
  // in the Bahamas"). Lists of several countries, company origins ("founded in China",
  // "Shenzhen-based") and nationalities ("a South African national") are not jurisdictions.
  const actionSentences = reported;
  const jurBySentence = new Map<number, Set<string>>();
  for (const h of hits) {
    for (const p of h.payloads) {
      if (p.kind !== "jurisdiction") continue;
      let set = jurBySentence.get(h.sentence);
      if (!set) jurBySentence.set(h.sentence, (set = new Set()));
      set.add(p.code);
    }
  }
  for (const h of hits) {
    if (!actionSentences.has(h.sentence)) continue;
    if ((jurBySentence.get(h.sentence)?.size ?? 0) >= 3) continue;
    for (const p of h.payloads) {
      if (p.kind !== "jurisdiction") continue;
      if (!isJurisdictionOfAction(src, h, p.via, cuesBySentence[h.sentence]!)) continue;
      jurisdictionSet.add(p.code);
      mentions.push(mention(src, "jurisdiction", p.code, h));
    }
  }
  if (jurisdictionSet.size === 0 && jurCounts.size > 0) {
    const [code] = [...jurCounts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    jurisdictionSet.add(code);
    const first = hits.find((h) => h.payloads.some((p) => p.kind === "jurisdiction" && p.code === code));
    if (first) mentions.push(mention(src, "jurisdiction", code, first));
  }

  return finish({
    relevant, score,
    jurisdictions: [...jurisdictionSet],
    authorities: [...authoritySet],
    actions: ACTIONS.filter((a) => actionSet.has(a)),
    entities, mentions,
  });
}

function finish(r: MentionsResult): MentionsResult {
  r.mentions.sort((a, b) => a.start - b.start || a.end - b.end || a.kind.localeCompare(b.kind));
  return {
    relevant: r.relevant, score: r.score, jurisdictions: r.jurisdictions, authorities: r.authorities,
    actions: r.actions, entities: r.entities, mentions: r.mentions,
  };
}

function mention(src: string, kind: MentionKind, value: string, h: Hit): Mention {
  return { kind, value, surface: src.slice(h.start, h.end), start: h.start, end: h.end };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

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

/** "$SOL", "(SOL)", "SOL price", "SOL/USD" count; a bare capitalised word does not. */
function tickerInContext(src: string, h: Hit): boolean {
  const before = src.charAt(h.start - 1);
  const after = src.slice(h.end, h.end + 12);
  if (before === "$" || after.startsWith("/")) return true;
  if (before === "(" && after.startsWith(")")) return true;
  return TICKER_CONTEXT.test(after);
}

/**
 * Looks for a negation/rumour cue (cancels) or a modal cue (weakens) shortly before the
 * trigger in the same sentence: "denied plans to ban", "rumours of a ban", "could ban".
 */
function precedingCue(src: string, sentenceCues: Hit[], h: Hit): "cancel" | "modal" | null {
  // sentenceCues are ordered by end offset (the matcher reports matches as it reaches their end),
  // so walk back from the last cue ending before the trigger and stop once they are too far.
  let lo = 0, hi = sentenceCues.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sentenceCues[mid]!.end <= h.start) lo = mid + 1; else hi = mid; }
  let result: "cancel" | "modal" | null = null;
  for (let k = lo - 1; k >= 0; k--) {
    const c = sentenceCues[k]!;
    if (h.start - c.end > 120) break;
    const gap = src.slice(c.end, h.start);
    const words = gap.trim() === "" ? 0 : gap.trim().split(/\s+/).length;
    const cjk = (gap.match(/[\u3400-\u9fff]/g) ?? []).length;
    if (cjk > 0 ? cjk > CUE_REACH_CJK : words > CUE_REACH) continue;
    if (/[,;:，；：]/.test(gap) && (cjk > 0 || words > 2)) continue; // a cue in another clause
    for (const p of c.payloads) {
      if (p.kind === "negation" || p.kind === "rumour") return "cancel";
      if (p.kind === "modal") result = "modal";
    }
  }
  return result;
}

const ORIGIN_BEFORE = /(?:founded|headquartered|based|born|incorporated|registered|listed|citizen|national|trading|traded|flight|fly|flew|travel(?:l?ed)?)\s+(?:in|to|from)\s+(?:the\s+)?$/i;
const AFTER_PLACE = /^(?:\s*-\s*|\s+)(?:based|born|headquartered)\b/i;
const DEMONYM_NOUN = /^\s+(?:crypto(?:currency)?\s+|bitcoin\s+|digital\s+asset\s+)?(?:exchange|exchanges|firm|firms|company|companies|startup|bank|banks|investors?|users?|miners?|traders?|citizens?|nationals?|entrepreneurs?|businessman|founder|national|platform|media|outlet|newspaper)\b/i;

function isJurisdictionOfAction(src: string, h: Hit, via: "name" | "demonym" | "place", cues: Hit[]): boolean {
  const before = src.slice(Math.max(0, h.start - 40), h.start);
  const after = src.slice(h.end, h.end + 40);
  if (AFTER_PLACE.test(after)) return false;
  if (ORIGIN_BEFORE.test(before)) return false;
  if (via === "demonym" && (DEMONYM_NOUN.test(after) || followedByNationality(cues, h))) return false;
  return true;
}

function followedByNationality(cues: Hit[], h: Hit): boolean {
  return cues.some((c) => c.start >= h.end && c.start - h.end <= 1 && c.payloads.some((p) => p.kind === "nationality"));
}

const ORDER_TO_STOP = /\b(?:ordered|orders|directed|instructed|told|required|forced)\s+(?:[\w'’.&-]+\s+){0,8}?to\s+(?:immediately\s+)?(?:remove|block|stop|cease|halt|suspend|shut|close|delist|take down|wind down|exit|leave)\b/i;
// Folded (simplified) text: "要求平台立即停止运营", "责令……关闭".
const ORDER_TO_STOP_ZH = /(?:要求|责令|勒令|命令)[^。；!?]{0,20}?(?:停止|关闭|关停|下架|暂停|清退|退出|撤出)/;
const LAWSUIT = /^(?:lawsuits?|sued|sues|filed suit|诉讼)$/i;
const APPROVAL = /^(?:approv|reject|disapprov|denied approval)/i;
const APPROVED_OBJECT = /^\s+(?:(?:the|a|an|its|their|\d+|first|several|some)\s+)*(?:[\w-]+\s+){0,3}?(?:applications?|etfs?|funds?|products?|listings?|licen[cs]es?|registrations?|exchanges?|firms?|compan(?:y|ies)|platforms?|issuers?|stablecoins?|providers?|operators?)\b/i;
const APPROVED_SUBJECT = /\b(?:etfs?|funds?|applications?|products?|licen[cs]es?|exchanges?|firms?|platforms?|issuers?|stablecoins?)\b[^.]{0,40}$/i;
const APPROVED_RULE = /^\s+(?:(?:the|a|an|its|their|new)\s+)?(?:[\w-]+\s+){0,5}?(?:regulation|regulations|law|laws|bill|act|legislation|framework|rules|ordinance|amendments?|directive)\b/i;
const LAUNDERING_AS_RULE = /^\s+(?:charges?|rules|regulations?|laws?|requirements?|controls?|compliance|violations?|obligations|standards|failures|programs?|counts?|offen[cs]es?)\b/i;
const LAUNDERING_PURPOSE = /\b(?:prevent\w*|combat\w*|counter\w*|curb\w*|fight\w*|against)\b[^.]{0,40}$/i;
// Matched against folded (simplified) text.
const CITATION_BEFORE = /(?:根据|依据|按照|依照|这|该|两项|《[^》]{0,30})$/;
const LEGISLATIVE_VERB = /通过|生效|颁布|实施|制定|修订|审议|刊宪|三读|草案|立法/;

/** Context rules that turn a trigger into the action the labelling conventions call for. */
function refineAction(src: string, t: Trigger, hits: Hit[], platform: boolean[], sentence: { start: number; end: number }): Action | null {
  const after = src.slice(t.hit.end, t.hit.end + 60);
  const before = src.slice(Math.max(sentence.start, t.hit.start - 60), t.hit.start);
  const surface = src.slice(t.hit.start, t.hit.end);
  if (t.action === "enforcement" && LAWSUIT.test(surface)) {
    // A regulator's suit, not one brought against the regulator or between companies.
    const authorityBefore = hits.some((h) => h.sentence === t.hit.sentence && h.end <= t.hit.start && h.payloads.some((p) => p.kind === "authority"));
    if (!authorityBefore) return null;
    if (/^\s+(?:\w+\s+){0,3}?against\s+(?:the\s+)?(?:u\.?s\.?\s+)?(?:sec|securities|cftc|regulator|government|department)/i.test(after)) return null;
  }
  if (t.action === "licensing" && APPROVAL.test(surface) && !APPROVED_OBJECT.test(after) && !APPROVED_SUBJECT.test(before)) {
    // Approving a law or regulation is legislation, approving anything else (proposals, plans) is nothing.
    return APPROVED_RULE.test(after) ? "legislation" : null;
  }
  if (t.action === "aml_kyc" && /^money laundering$/i.test(surface) && !LAUNDERING_AS_RULE.test(after) && !LAUNDERING_PURPOSE.test(before)) return null;
  if (t.action === "legislation" && /[\u3400-\u9fff]/.test(surface) && CITATION_BEFORE.test(foldText(src.slice(Math.max(sentence.start, t.hit.start - 40), t.hit.start)).text)
    && !LEGISLATIVE_VERB.test(foldedSentence(src, sentence))) return null;
  if (t.action === "ban") {
    if (/^\s+from\s+(?:trading|participating|registering|acting|serving|holding|engaging|working)/i.test(after)) return "enforcement";
    const laterShutdown = hits.some((h) => h.sentence === t.hit.sentence && h.start > t.hit.start &&
      h.payloads.some((p) => p.kind === "action" && p.action === "shutdown_order"));
    if (/\bfrom\s+operating\b/i.test(after) || laterShutdown) return "shutdown_order";
  }
  if (t.action === "platform_liability" && !platform[t.hit.sentence]) return null;
  return t.action;
}

/** Sentence text with traditional characters folded, for the few rules that test Chinese words. */
function foldedSentence(src: string, sentence: { start: number; end: number }): string {
  return foldText(src.slice(sentence.start, sentence.end)).text;
}

function countJurisdictions(hits: Hit[], lex: Lexicon): Map<string, number> {
  const counts = new Map<string, number>();
  for (const h of hits) {
    for (const p of h.payloads) {
      if (p.kind === "jurisdiction") counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
      else if (p.kind === "authority" && !p.abbreviation && h.payloads.filter((q) => q.kind === "authority").length === 1) {
        const code = lex.authorities[p.index]!.jurisdiction;
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/**
 * Picks one body for every authority hit. A surface shared by several bodies ("SEC", "FSA",
 * "证监会") goes to the one that is also named unambiguously in the text, else to the one whose
 * jurisdiction the text mentions most, else to the first listed in the taxonomy.
 */
function resolveAuthorities(hits: Hit[], lex: Lexicon, jurCounts: Map<string, number>): [Hit, number][] {
  const unambiguous = new Set<number>();
  for (const h of hits) {
    const cands = h.payloads.filter((p) => p.kind === "authority");
    if (cands.length === 1) unambiguous.add((cands[0] as { index: number }).index);
  }
  const out: [Hit, number][] = [];
  for (const h of hits) {
    const cands = h.payloads.flatMap((p) => (p.kind === "authority" ? [p.index] : []));
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

function uniqueEntities(lex: Lexicon, entityHits: { index: number }[]): { name: string; type: EntityType }[] {
  const seen = new Set<number>();
  const out: { name: string; type: EntityType }[] = [];
  for (const { index } of entityHits) {
    if (seen.has(index)) continue;
    seen.add(index);
    const e = lex.entities[index]!;
    out.push({ name: e.name, type: e.type });
  }
  return out;
}

