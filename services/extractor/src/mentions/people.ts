/**
 * People named by their role at a crypto organisation the taxonomy already recognised:
 * "Bybit CEO Ben Zhou", "Lightning Labs head of product growth Michael Levan",
 * "Ben Zhou, the co-founder and CEO of Bybit". Officials of regulators or general companies
 * are not crypto entities, so the organisation must be a crypto entity hit.
 */
export interface RolePerson {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const ROLE = String.raw`(?:former\s+|then-|ex-)?(?:co-?founder|founder|CEO|chief executive(?:\s+officer)?|CTO|chief technology officer|CFO|chief financial officer|COO|chief operating officer|chief [a-z]+ officer|general counsel|general manager|managing director|chairman|executive chairman|chairwoman|president|head of [a-z][a-z ]{2,30}?|(?:lead\s+)?developer|director)`;
const ROLES = String.raw`${ROLE}(?:\s+and\s+${ROLE})?`;
const NAME = String.raw`[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2}`;
const AFTER_ORG = new RegExp(String.raw`^(?:['’]s)?\s+${ROLES},?\s+(${NAME})`, "u");
const BEFORE_ORG = new RegExp(String.raw`(${NAME}),\s+(?:the\s+|a\s+|an\s+)?${ROLES}\s+(?:of|at)\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}$`, "u");
const NOT_NAMES = new Set(["The", "This", "That", "Its", "His", "Her", "Their", "In", "On", "At", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]);

export function findRolePeople(text: string, org: { start: number; end: number }): RolePerson[] {
  const out: RolePerson[] = [];
  const after = AFTER_ORG.exec(text.slice(org.end, org.end + 120));
  if (after) {
    const name = after[1]!;
    const start = org.end + after.index + after[0].length - name.length;
    push(out, name, start);
  }
  const beforeText = text.slice(Math.max(0, org.start - 160), org.start);
  const before = BEFORE_ORG.exec(beforeText);
  if (before) {
    const name = before[1]!;
    const start = org.start - beforeText.length + before.index;
    push(out, name, start);
  }
  return out;
}

function push(out: RolePerson[], name: string, start: number) {
  if (NOT_NAMES.has(name.split(/\s+/)[0]!)) return;
  out.push({ name: name.replace(/\s+/g, " "), start, end: start + name.length });
}

// "Matthew Brent Goettsche, 37, and Jobadiah Sinclair Week, 38, of Colorado, were charged":
// news style gives the ages of defendants, rarely of officials.
const AGED = /\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,3}),\s+(?:age\s+)?\d{2},/gu;

/** People introduced with their age, as defendants are in enforcement stories. */
export function findAgedPeople(text: string): RolePerson[] {
  const out: RolePerson[] = [];
  for (const m of text.matchAll(AGED)) push(out, m[1]!, m.index!);
  return out;
}
