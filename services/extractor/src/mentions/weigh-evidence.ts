import { foldedSentence, type Analysis, type Hit } from "./analysis.js";
import type { EntityHit } from "./find-entities.js";
import type { Action } from "./taxonomy.js";

/** A term that names an action, in a sentence that counts as regulatory evidence. */
export interface Trigger {
  readonly hit: Hit;
  readonly action: Action;
  readonly strong: boolean;
}

/** What each sentence holds, as flags indexed by sentence. */
export interface SentenceContext {
  readonly crypto: boolean[];
  readonly actor: boolean[];
  readonly priceTalk: boolean[];
  readonly platform: boolean[];
  readonly deontic: boolean[];
  /** A public actor or a country named as one: with a legal act, what an action's cue must attach to. */
  readonly anchor: boolean[];
}

export interface Evidence {
  /** Evidence weight per sentence. */
  readonly perSentence: number[];
  readonly triggers: Trigger[];
  /** 1 - e^(-sum of weights), rounded to 3 places. */
  readonly score: number;
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
export const RELEVANCE_THRESHOLD = 0.6;
/** How far (in words) before a trigger a negation, rumour or modal cue reaches. */
const CUE_REACH = 5;
/** The same reach in CJK characters (Chinese has no spaces; ~2 characters a word). */
const CUE_REACH_CJK = 6;

export function sentenceContext(a: Analysis, entityHits: readonly EntityHit[]): SentenceContext {
  const n = a.sentences.length;
  const flags = () => new Array<boolean>(n).fill(false);
  const ctx: SentenceContext = { crypto: flags(), actor: flags(), priceTalk: flags(), platform: flags(), deontic: flags(), anchor: flags() };
  for (const { hit } of entityHits) ctx.crypto[hit.sentence] = true;
  for (const h of a.hits) {
    for (const p of h.payloads) {
      if (p.kind === "crypto") ctx.crypto[h.sentence] = true;
      else if (p.kind === "actor" || p.kind === "authority" || p.kind === "roleRef") ctx.actor[h.sentence] = true;
      else if (p.kind === "priceTalk") ctx.priceTalk[h.sentence] = true;
      if (p.kind === "actor" || p.kind === "authority" || p.kind === "roleRef" || (p.kind === "jurisdiction" && p.via !== "place")) ctx.anchor[h.sentence] = true;
    }
  }
  a.cuesBySentence.forEach((cues, i) => {
    for (const c of cues) {
      for (const p of c.payloads) {
        if (p.kind === "platform") ctx.platform[i] = true;
        else if (p.kind === "deontic") ctx.deontic[i] = true;
      }
    }
  });
  return ctx;
}

/** The flag in sentence i or either neighbour. */
export const near = (flags: readonly boolean[], i: number): boolean => flags[i] || (i > 0 && flags[i - 1]) || (i + 1 < flags.length && flags[i + 1]) || false;

/** Weighs the regulatory evidence of every sentence and collects the triggers that name actions. */
export function weighEvidence(a: Analysis, ctx: SentenceContext): Evidence {
  const { src, sentences } = a;
  const n = sentences.length;
  const perSentence = new Array<number>(n).fill(0);
  const triggers: Trigger[] = [];
  let total = 0;
  // legal acts are looked for only in sentences that need one (a strong cue and no actor)
  const legalAct = new Map<number, boolean>();
  const anchored = (i: number) => {
    if (ctx.anchor[i]) return true;
    let found = legalAct.get(i);
    if (found === undefined) legalAct.set(i, (found = LEGAL_ACT.test(src.slice(sentences[i]!.start, sentences[i]!.end))));
    return found;
  };
  for (const h of a.hits) {
    const i = h.sentence;
    for (const p of h.payloads) {
      if (p.kind !== "action" && p.kind !== "signal") continue;
      if (!near(ctx.crypto, i)) continue;
      const cue = precedingCue(src, a.cuesBySentence[i]!, h);
      if (cue === "cancel") continue;
      let w: number;
      const strong = p.kind === "action" ? p.strong : false;
      if (p.kind === "signal") {
        if (ctx.priceTalk[i] || !ctx.actor[i]) continue;
        w = W_SIGNAL;
      } else if (strong) {
        w = W_STRONG;
      } else {
        if (ctx.priceTalk[i]) continue;
        w = ctx.actor[i] ? W_WEAK_SAME : near(ctx.actor, i) ? W_WEAK_NEAR : 0;
        if (w === 0) continue;
      }
      if (cue === "modal") w *= MODAL_FACTOR;
      if (sentences[i]!.end <= a.titleLength) w *= TITLE_BOOST;
      perSentence[i]! += w;
      total += w;
      // A weak trigger names an action only when the actor is in its own sentence.
      // Registration words name licensing only as a requirement ("required to register").
      if (p.kind === "action" && p.deontic && !ctx.deontic[i]) continue;
      // ...and even a strong one only when it attaches to a regulator or a legal act in its sentence
      // ("services banned in the country" reports no measure of anyone's).
      // A hedged cue ("may have to register", "could ban") weighs as evidence but reports no action taken.
      if (cue === "modal") continue;
      if (p.kind === "action" && (strong ? anchored(i) : ctx.actor[i])) triggers.push({ hit: h, action: p.action, strong });
    }
  }
  // Orders to stop a named business are spread over a clause ("ordered Google and Apple to remove
  // the Binance app", "要求……停止运营"), so they are matched as constructions, once per sentence.
  const shutdownSentences = new Set(triggers.filter((t) => t.action === "shutdown_order").map((t) => t.hit.sentence));
  for (let i = 0; i < n; i++) {
    if (!ctx.actor[i] || !near(ctx.crypto, i)) continue;
    if (shutdownSentences.has(i)) continue;
    const sp = sentences[i]!;
    const sentence = src.slice(sp.start, sp.end);
    const m = ORDER_TO_STOP.exec(sentence) ?? ORDER_TO_STOP_ZH.exec(foldedSentence(src, sp));
    if (!m) continue;
    const hit: Hit = { start: sp.start + m.index, end: sp.start + m.index + m[0].length, payloads: [], sentence: i };
    if (precedingCue(src, a.cuesBySentence[i]!, hit) === "cancel") continue;
    perSentence[i]! += W_WEAK_SAME;
    total += W_WEAK_SAME;
    triggers.push({ hit, action: "shutdown_order", strong: false });
  }
  return { perSentence, triggers, score: Math.round((1 - Math.exp(-total)) * 1000) / 1000 };
}

/** Legal acts an action can be taken by ("the law bans", "under the new rules", "该条例"). */
const LEGAL_ACT = /\b(?:laws?|act|bills?|regulations?|rules|decree|ordinance|directive|executive order|legislation|framework|statute|amendments?)\b|法律|法规|条例|规定|办法|通知|公告|禁令|法案|立法/i;
const ORDER_TO_STOP = /\b(?:ordered|orders|directed|instructed|told|required|forced)\s+(?:[\w'’.&-]+\s+){0,8}?to\s+(?:immediately\s+)?(?:remove|block|stop|cease|halt|suspend|shut|close|delist|take down|wind down|exit|leave)\b/i;
// Folded (simplified) text: "要求平台立即停止运营", "责令……关闭".
const ORDER_TO_STOP_ZH = /(?:要求|责令|勒令|命令)[^。；!?]{0,20}?(?:停止|关闭|关停|下架|暂停|清退|退出|撤出)/;

/**
 * Looks for a negation/rumour cue (cancels) or a modal cue (weakens) shortly before the
 * trigger in the same sentence: "denied plans to ban", "rumours of a ban", "could ban".
 */
function precedingCue(src: string, sentenceCues: readonly Hit[], h: Hit): "cancel" | "modal" | null {
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
