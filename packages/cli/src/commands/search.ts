import { parseArgs } from "node:util";
import { ACTIONS, loadConfig } from "@regradar/shared";
import { openStores, type RankExplanation, type SearchQuery, type SearchResult } from "@regradar/store";
import { CliError, printJson, useColor } from "../cli-error.js";

/** "30d", "12h", "2w" or an ISO date, as an ISO timestamp. */
export function parseSince(value: string, now: Date): string {
  const rel = /^(\d+)\s*([hdwmy])$/i.exec(value.trim());
  if (rel) {
    const n = Number(rel[1]);
    const hours = { h: 1, d: 24, w: 24 * 7, m: 24 * 30, y: 24 * 365 }[rel[2]!.toLowerCase() as "h"]!;
    return new Date(now.getTime() - n * hours * 3_600_000).toISOString();
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliError(`--since/--until: expected a date or a duration like 30d, got ${JSON.stringify(value)}`);
  return new Date(t).toISOString();
}

/**
 * The filter values a search accepts, in the same forms (and with the same messages) as a
 * subscription's filters: a typo is an error that shows the expected form, not an empty result.
 */
function checkFilters(values: { jurisdiction?: string[]; action?: string[]; lang?: string[] }): void {
  const bad = (flag: string, got: string, expected: string) => new CliError(`--${flag}: ${expected}, got ${JSON.stringify(got)}`);
  for (const j of values.jurisdiction ?? []) if (!/^[A-Za-z]{2}$/.test(j.trim())) throw bad("jurisdiction", j, "must be a 2-letter code such as CN or US");
  for (const a of values.action ?? []) if (!(ACTIONS as readonly string[]).includes(a)) throw bad("action", a, `must be one of ${ACTIONS.join(", ")}`);
  for (const l of values.lang ?? []) if (!/^[a-z]{2,3}(-[a-z0-9]+)?$/i.test(l.trim())) throw bad("lang", l, "must be a language code such as en or zh");
}

export function searchQueryFromArgs(argv: string[], now = new Date()): { query: SearchQuery; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      jurisdiction: { type: "string", multiple: true }, action: { type: "string", multiple: true },
      entity: { type: "string", multiple: true }, authority: { type: "string", multiple: true },
      source: { type: "string", multiple: true }, lang: { type: "string", multiple: true },
      relevant: { type: "boolean" }, since: { type: "string" }, until: { type: "string" },
      sort: { type: "string" }, limit: { type: "string" }, offset: { type: "string" },
      collapse: { type: "boolean" }, explain: { type: "boolean" }, json: { type: "boolean" },
    },
  });
  const int = (v: string | undefined, name: string, max: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new CliError(`--${name}: expected an integer 0..${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  checkFilters(values);
  if (values.sort && values.sort !== "relevance" && values.sort !== "date") throw new CliError(`--sort: relevance or date, got ${JSON.stringify(values.sort)}`);
  const query: SearchQuery = {
    text: positionals.join(" ") || undefined,
    jurisdictions: values.jurisdiction?.map((j) => j.trim().toUpperCase()),
    actions: values.action, entities: values.entity, authorities: values.authority, sources: values.source, langs: values.lang,
    relevant: values.relevant, since: values.since ? parseSince(values.since, now) : undefined,
    until: values.until ? parseSince(values.until, now) : undefined,
    sort: values.sort as SearchQuery["sort"], limit: int(values.limit, "limit", 1000), offset: int(values.offset, "offset", 100_000),
    collapseDuplicates: values.collapse, explain: values.explain,
  };
  return { query, json: Boolean(values.json) };
}

/** A highlight fragment as terminal text: matches in bold when `color`, else as they are. */
const plain = (html: string, color: boolean) => html.replace(/<mark>/g, color ? "\x1b[1m" : "").replace(/<\/mark>/g, color ? "\x1b[0m" : "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** "score 9.1 = text 5.2 + proximity 1.0 + authority U.S. Securities and Exchange Commission (美国证监会) 3 + relevance 0.8 + recency 0.1" */
function explainLine(e: RankExplanation): string {
  const concepts = e.concepts.map((c) => ` + ${c.field.replace(/ies$/, "y").replace(/s$/, "")} ${c.value} (${c.surface}) ${c.bonus}`).join("");
  return `score ${e.score} = text ${e.text} + proximity ${e.proximity}${concepts} + relevance ${e.relevance} + recency ${e.recency}`;
}

export function formatSearchResult(query: SearchQuery, result: SearchResult, opts: { color: boolean }): string {
  const lines = [`${result.total} match${result.total === 1 ? "" : "es"}${query.text ? ` for "${query.text}"` : ""}`];
  result.hits.forEach((h, i) => {
    lines.push("", `${i + 1}. ${h.title ?? "(untitled)"}${h.publishedAt ? `  [${h.publishedAt.slice(0, 10)}]` : ""}`, `   ${h.url}`);
    const tags = [h.jurisdictions.join(","), h.actions.join(","), h.entities.map((e) => e.name).join(",")].filter(Boolean);
    if (tags.length) lines.push(`   ${tags.join(" | ")}`);
    for (const f of h.highlights.slice(0, 2)) lines.push(`   ${plain(f, opts.color)}`);
    if (h.explanation) lines.push(`   ${explainLine(h.explanation)}`);
  });
  const facetLine = (name: string, list: Array<{ value: string; count: number }>) =>
    list.length ? `${name}: ${list.slice(0, 8).map((f) => `${f.value} (${f.count})`).join(", ")}` : null;
  const facets = [facetLine("jurisdictions", result.facets.jurisdictions), facetLine("actions", result.facets.actions), facetLine("entities", result.facets.entities)].filter(Boolean);
  if (facets.length) lines.push("", ...(facets as string[]));
  return lines.join("\n");
}

/** regradar search "<query>" [filters] [--explain] [--json] */
export async function search(argv: string[]): Promise<void> {
  const { query, json } = searchQueryFromArgs(argv);
  const config = loadConfig();
  const stores = await openStores(config, { articles: true });
  try {
    const result = await stores.articles.search(query);
    if (json) printJson(result);
    else process.stdout.write(`${formatSearchResult(query, result, { color: useColor(config) })}\n`);
  } finally {
    await stores.close();
  }
}
