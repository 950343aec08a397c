import { parseArgs } from "node:util";
import { loadConfig } from "@regradar/shared";
import { openStores, searchQueryFromParams, SearchParamsError, type RankExplanation, type SearchQuery, type SearchResult } from "@regradar/store";
import { CliError, printJson, useColor } from "../cli-error.js";

/** The CLI's door to the one search: flags become the same parameters the HTTP API takes. */
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
  const { limit, json, ...rest } = values;
  try {
    return { query: searchQueryFromParams({ ...rest, q: positionals.join(" ") || undefined, size: limit }, now), json: Boolean(json) };
  } catch (err) {
    if (err instanceof SearchParamsError) throw new CliError(err.message.replace(/\bsize\b/, "limit").replace(/(^|; )(\w+):/g, "$1--$2:"));
    throw err;
  }
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
