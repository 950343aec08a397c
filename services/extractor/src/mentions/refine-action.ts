import { foldText } from "./fold.js";
import { foldedSentence, type Hit } from "./analysis.js";
import type { Span } from "./segment.js";
import type { Action } from "./taxonomy.js";
import type { Trigger } from "./weigh-evidence.js";

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

/** "ordered Coincheck to launch an investigation": the investigation is the company's, not the regulator's. */
const ORDERED_TO_DO = /\b(?:ordered|told|asked|required|directed|instructed|urged)\s+(?:[\w'’.&-]+\s+){1,4}?to\s+(?:launch|conduct|carry out|open|start|begin|submit|hold)\s+(?:an?\s+|its\s+|their\s+)?(?:own\s+|internal\s+|independent\s+)?$/i;

/** "the sudden shutdown of Mt. Gox": a closure told as an event names no one who ordered it. */
const NOMINAL_CLOSURE = /^(?:shutdown|shut-down|closure|closing)$/i;
const EVENT_ARTICLE = /\b(?:the|its|a)\s+(?:[a-z-]+\s+){0,2}$/i;
const ORDERED_BEFORE = /\b(?:forced|ordered|court-ordered|government-ordered|mandated|compulsory)\s+$/i;
const AGENT_AFTER = /^[^.;]{0,80}?\bby\s+(?:the\s+)?(?:[A-Z]|authorit|regulat|government|police|court|officials)/;

/** Context rules that turn a trigger into the action the labelling conventions call for. */
export function refineAction(src: string, t: Trigger, hits: readonly Hit[], platform: readonly boolean[], sentence: Span): Action | null {
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
  if (t.action === "investigation" && ORDERED_TO_DO.test(before)) return null;
  if (t.action === "shutdown_order" && NOMINAL_CLOSURE.test(surface) && EVENT_ARTICLE.test(before) && !ORDERED_BEFORE.test(before) && !AGENT_AFTER.test(after)) return null;
  return t.action;
}
