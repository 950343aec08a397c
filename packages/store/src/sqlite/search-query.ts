import { CASE_INSENSITIVE_FILTERS } from "../article-store.js";
import type { SearchQuery } from "../search/query-language.js";
import { alternativesOf, type QueryClause } from "../search/query-language.js";
import { RANKING, type QueryPlan } from "../search/ranking.js";

/** An FTS5 string literal: tokens are analysed already, so quoting only guards the syntax. */
const quote = (tokens: string[]) => `"${tokens.join(" ").replace(/"/g, '""')}"`;
const anyOf = (clauses: QueryClause[]) => clauses.map((c) => quote(c.terms)).join(" OR ");

const FILTER_FIELDS: Array<[keyof SearchQuery, string]> = [
  ["jurisdictions", "jurisdictions"], ["authorities", "authorities"], ["actions", "actions"],
  ["entities", "entities"], ["sources", "sources"], ["langs", "langs"],
];

export interface MatchedSql {
  /** `INSERT INTO temp.matched (rid, rank, text_score, proximity, published_at) …` */
  sql: string;
  params: unknown[];
}

/**
 * The SQL filling temp.matched with every matching document and its rank (search/ranking.ts): the words
 * OR-ed in one FTS5 MATCH ranked by bm25() with the title weighted, proximity runs in a second, concept
 * bonuses from the facets table, relevance and recency from the row. Filters are plain conditions.
 */
export function matchedSql(plan: QueryPlan, query: SearchQuery, now: number): MatchedSql {
  const params: unknown[] = [];
  const joins: string[] = [];
  const where: string[] = [];
  // Each FTS5 MATCH runs once, as a MATERIALIZED CTE: as a joined subquery SQLite re-ran it per article.
  const ctes: string[] = [];
  const cteParams: unknown[] = [];
  const tokens = [...new Set([...plan.words, ...plan.required.flatMap(alternativesOf)].flatMap((c) => c.terms))];
  let textScore = "0";
  let proximity = "0";
  let concepts = "0";
  const anyMatch: string[] = [];
  if (tokens.length) {
    ctes.push(`tx AS MATERIALIZED (SELECT rowid, bm25(articles_fts, ${RANKING.TITLE_WEIGHT}, 1.0) AS r FROM articles_fts WHERE articles_fts MATCH ?)`);
    cteParams.push(tokens.map((t) => quote([t])).join(" OR "));
    joins.push("LEFT JOIN tx ON tx.rowid = a.rid");
    textScore = "coalesce(-tx.r, 0)";
    if (plan.words.length) anyMatch.push("tx.rowid IS NOT NULL");
  }
  if (plan.runs.length) {
    ctes.push(`px AS MATERIALIZED (SELECT rowid, bm25(articles_fts, ${RANKING.TITLE_WEIGHT}, 1.0) AS r FROM articles_fts WHERE articles_fts MATCH ?)`);
    cteParams.push(plan.runs.map((r) => r.words.length === 1 ? quote(r.words[0]!) : `NEAR(${r.words.map(quote).join(" ")}, ${r.slop})`).join(" OR "));
    joins.push("LEFT JOIN px ON px.rowid = a.rid");
    proximity = `${RANKING.PROXIMITY_WEIGHT} * coalesce(-px.r, 0)`;
  }
  if (plan.concepts.length) {
    ctes.push(`qc(field, value, bonus) AS (VALUES ${plan.concepts.map(() => "(?, ?, ?)").join(", ")})`);
    cteParams.push(...plan.concepts.flatMap((c) => [c.field, c.value, RANKING.CONCEPT_BONUS[c.field]]));
    joins.push("LEFT JOIN (SELECT x.rid, total(qc.bonus) AS bonus FROM facets x JOIN qc ON qc.field = x.field AND qc.value = x.value GROUP BY x.rid) cx ON cx.rid = a.rid");
    concepts = "coalesce(cx.bonus, 0)";
    anyMatch.push("cx.rid IS NOT NULL");
  }
  if (anyMatch.length) where.push(`(${anyMatch.join(" OR ")})`);
  if (plan.required.length) {
    where.push("a.rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)");
    params.push(plan.required.map((c) => `(${anyOf(alternativesOf(c))})`).join(" AND "));
  }
  if (plan.excluded.length) {
    where.push("a.rid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)");
    params.push(anyOf(plan.excluded));
  }
  for (const [key, field] of FILTER_FIELDS) {
    const values = query[key] as string[] | undefined;
    if (!values?.length) continue;
    const value = CASE_INSENSITIVE_FILTERS.has(key) ? "x.value COLLATE NOCASE" : "x.value";
    where.push(`EXISTS (SELECT 1 FROM facets x WHERE x.rid = a.rid AND x.field = ? AND ${value} IN (${values.map(() => "?").join(",")}))`);
    params.push(field, ...values);
  }
  if (query.relevant !== undefined) { where.push("a.relevant = ?"); params.push(query.relevant ? 1 : 0); }
  if (query.since) { where.push("a.published_at >= ?"); params.push(new Date(query.since).toISOString()); }
  if (query.until) { where.push("a.published_at <= ?"); params.push(new Date(query.until).toISOString()); }
  if (query.collapseDuplicates) where.push("a.duplicate_of IS NULL");
  const rank = plan.positive ? `${textScore} + ${proximity} + ${concepts} + ${RANKING.RELEVANCE_WEIGHT} * a.score + regradar_recency(a.published_at, ${now})` : "0";
  const sql = `${ctes.length ? `WITH ${ctes.join(", ")} ` : ""}INSERT INTO temp.matched (rid, rank, text_score, proximity, published_at)
    SELECT a.rid, ${rank}, ${textScore}, ${proximity}, a.published_at FROM articles a ${joins.join(" ")}
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""}`;
  return { sql, params: [...cteParams, ...params] };
}
