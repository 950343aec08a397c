import { z } from "zod";
import { ACTIONS } from "@regradar/shared";
import { DEFAULT_SEARCH_LIMIT, type SearchQuery } from "./query-language.js";

/**
 * The search's parameters as people type them, validated once for both doors: the CLI's flags
 * (`regradar search`) and the HTTP query string (`GET /api/search`), so one query gives one result.
 */
const many = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean))
  .optional();

const flag = z.union([z.boolean(), z.stringbool()]).optional();

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

// "30d", "12h", "2w", "6m", "1y" back from now, or a date.
const DURATION = /^(\d+)\s*([hdwmy])$/i;
const when = z.string().refine((v) => DURATION.test(v.trim()) || !Number.isNaN(Date.parse(v)), "expected a date or a duration like 30d").optional();

export const searchParamsSchema = z.object({
  q: z.string().max(1000).optional().describe('Query: words AND-ed, "a phrase", -excluded, a | b (either)'),
  jurisdiction: many.describe("ISO country code (EU for EU bodies); repeat or comma-separate for any of several"),
  authority: many.describe("Canonical authority name"),
  action: many.describe("ban, shutdown_order, enforcement, licensing, legislation, guidance, investigation, taxation, sanctions, aml_kyc, platform_liability"),
  entity: many.describe("Exchange, asset, project, company or person"),
  source: many.describe("Publishing host"),
  lang: many.describe("Language code"),
  since: when.describe("Published on or after: a date or a duration back from now (30d)"),
  until: when.describe("Published on or before: a date or a duration back from now"),
  relevant: flag.describe("Only articles reporting a regulatory action (true) or only the others (false)"),
  collapse: flag.describe("Hide near-duplicate copies"),
  sort: z.enum(["relevance", "date"]).optional(),
  page: int(1, 10_000).describe("1-based page of `size` hits"),
  size: int(0, 1000).describe(`Hits per page (default ${DEFAULT_SEARCH_LIMIT})`),
  offset: int(0, 100_000).describe("Hits to skip (instead of page)"),
  explain: flag.describe("Say why each hit ranks where it does"),
});

export type SearchParams = z.input<typeof searchParamsSchema>;

export class SearchParamsError extends Error {}

/** "30d" or an ISO date, as an ISO timestamp. */
export function parseSince(value: string, now: Date): string {
  const rel = DURATION.exec(value.trim());
  if (rel) {
    const hours = { h: 1, d: 24, w: 24 * 7, m: 24 * 30, y: 24 * 365 }[rel[2]!.toLowerCase() as "h"]!;
    return new Date(now.getTime() - Number(rel[1]) * hours * 3_600_000).toISOString();
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new SearchParamsError(`since/until: expected a date or a duration like 30d, got ${JSON.stringify(value)}`);
  return new Date(t).toISOString();
}

/**
 * Filter values in the same forms (and with the same messages) as a subscription's filters: a typo is
 * an error that shows the expected form, not an empty result.
 */
function filterProblems(p: z.output<typeof searchParamsSchema>): string[] {
  const problems: string[] = [];
  const check = (name: string, values: string[] | undefined, ok: (v: string) => boolean, expected: string) => {
    for (const v of values ?? []) if (!ok(v)) problems.push(`${name}: ${expected}, got ${JSON.stringify(v)}`);
  };
  check("jurisdiction", p.jurisdiction, (v) => /^[A-Za-z]{2}$/.test(v), "must be a 2-letter code such as CN or US");
  check("action", p.action, (v) => (ACTIONS as readonly string[]).includes(v), `must be one of ${ACTIONS.join(", ")}`);
  check("lang", p.lang, (v) => /^[a-z]{2,3}(-[a-z0-9]+)?$/i.test(v), "must be a language code such as en or zh");
  return problems;
}

/** Validated parameters as the stores' SearchQuery. */
export function toSearchQuery(p: z.output<typeof searchParamsSchema>, now = new Date()): SearchQuery {
  const size = p.size ?? DEFAULT_SEARCH_LIMIT;
  const offset = p.offset ?? (p.page ? (p.page - 1) * size : undefined);
  const query: SearchQuery = {
    text: p.q?.trim() || undefined,
    jurisdictions: p.jurisdiction?.map((j) => j.toUpperCase()),
    actions: p.action, entities: p.entity, authorities: p.authority, sources: p.source, langs: p.lang,
    relevant: p.relevant,
    since: p.since ? parseSince(p.since, now) : undefined,
    until: p.until ? parseSince(p.until, now) : undefined,
    sort: p.sort, limit: p.size, offset, collapseDuplicates: p.collapse, explain: p.explain,
  };
  // Undefined keys dropped, so the CLI and the API hand the store the very same object.
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as SearchQuery;
}

/** Parses untrusted parameters (either door) into a SearchQuery, or throws SearchParamsError naming every problem. */
export function searchQueryFromParams(input: unknown, now = new Date()): SearchQuery {
  const parsed = searchParamsSchema.safeParse(input);
  if (!parsed.success) {
    throw new SearchParamsError(parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "));
  }
  const problems = filterProblems(parsed.data);
  if (problems.length) throw new SearchParamsError(problems.join("; "));
  return toSearchQuery(parsed.data, now);
}
