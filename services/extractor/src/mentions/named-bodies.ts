/**
 * Finds public bodies that are not in the taxonomy by the shape of their English names:
 * capitalised words ending in a body noun ("Nottinghamshire Police", "Yorkshire and Humber
 * Regional Organised Crime Unit", "Federal High Court of Nigeria"). Used only for sentences that
 * report a regulatory action, where such a body is almost always an actor in the story.
 */
export interface NamedBody {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const SUFFIX = String.raw`(?:Police(?: Force| Department| Service)?|(?:Regional )?Organi[sz]ed Crime Unit|Economic Crime Unit|Public Security Bureau|Prosecutors?['’]? Office|Prosecution Service|Attorney['’]s Office|District Court|High Court|Court of Appeals?|Supreme Court|Constitutional Court|Legislative Assembly|Financial Intelligence Unit|Gendarmerie|Guardia di Finanza)`;
const WORD = String.raw`[A-Z][\p{L}'’.-]*`;
const CONNECTOR = String.raw`(?:and|of|for|the|&)`;
const BODY = new RegExp(
  String.raw`((?:${WORD}\s+(?:${CONNECTOR}\s+)?){1,6})${SUFFIX}(?:\s+of\s+(?:the\s+)?${WORD}(?:\s+${WORD})?)?`,
  "gu",
);
// Capitalised words that start sentences or describe rather than name the body.
const LEADING_NOISE = new Set([
  "The", "A", "An", "And", "But", "Yesterday", "Today", "Meanwhile", "In", "On", "At", "By", "With", "From", "Last",
  "This", "That", "Local", "Both", "Its", "Their", "His", "Her", "According", "To", "When", "After", "Before", "While",
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Earlier", "Later", "Also", "Then",
]);

// Cheap pre-check so the capitalised-word regex only runs on sentences that can match.
const SUFFIX_WORD = /Police|Crime Unit|Public Security|Prosecut|Attorney|Court|Legislative Assembly|Intelligence Unit|Gendarmerie|Guardia/;

export function findNamedBodies(text: string, from: number, to: number): NamedBody[] {
  const out: NamedBody[] = [];
  const slice = text.slice(from, to);
  if (!SUFFIX_WORD.test(slice)) return out;
  BODY.lastIndex = 0;
  for (let m = BODY.exec(slice); m; m = BODY.exec(slice)) {
    let start = m.index;
    let name = m[0];
    // Drop sentence-initial and descriptive words, and any dangling connector they leave.
    for (;;) {
      const first = /^(\S+)\s+/.exec(name);
      if (!first || !(LEADING_NOISE.has(first[1]!) || /^(?:and|of|for|the|&)$/.test(first[1]!))) break;
      start += first[0].length;
      name = name.slice(first[0].length);
    }
    if (!/^[A-Z]\S*\s+\S/.test(name)) continue; // a qualifier word must remain before the suffix
    out.push({ name: name.replace(/\s+/g, " ").trim(), start: from + start, end: from + start + name.length });
  }
  return out;
}

const MINISTRY_POSSESSIVE = /\b((?:[A-Z][\p{L}-]+\s+){0,2}[A-Z][\p{L}-]+|the country|the nation)(?:['’]s)\s+(interior|finance|justice|economy|foreign|home)\s+ministry\b/gu;
const MINISTRY_OF = /\b[Mm]inistry of (?:the\s+)?(Interior|Finance|Justice|Economy|Foreign Affairs|Home Affairs) of (?:the\s+)?((?:[A-Z][\p{L}-]+\s+){0,2}[A-Z][\p{L}-]+)/gu;

/** "Montenegro's interior ministry" / "Ministry of Interior of Montenegro": the ministry and the country words. */
export interface MinistryRef { readonly portfolio: string; readonly country: string; readonly start: number; readonly end: number }

export function findMinistries(text: string, from: number, to: number): MinistryRef[] {
  const out: MinistryRef[] = [];
  const slice = text.slice(from, to);
  if (!/inistry/.test(slice)) return out;
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
  for (const m of slice.matchAll(MINISTRY_POSSESSIVE)) {
    out.push({ portfolio: cap(m[2]!), country: m[1]!, start: from + m.index!, end: from + m.index! + m[0].length });
  }
  for (const m of slice.matchAll(MINISTRY_OF)) {
    out.push({ portfolio: m[1]!, country: m[2]!, start: from + m.index!, end: from + m.index! + m[0].length });
  }
  return out;
}
