import type { StoredArticle } from "@regradar/shared";
import { alternativesOf, parseSearchText, type QueryClause, type RankExplanation } from "./query-language.js";
import { understandQuery, type QueryConcept } from "./understand-query.js";

/*
 * How both stores rank free text. A hit's score is the sum of five documented signals:
 *
 *   text       BM25 of the query's words over title (weight RANKING.TITLE_WEIGHT) and text, the words OR-ed:
 *              a document matching more of them, or rarer ones, ranks higher; one missing a word is
 *              still found. English words are stemmed; Chinese words are bigrams (see analysis.ts).
 *   proximity  RANKING.PROXIMITY_WEIGHT × BM25 of the query's runs found together: each word of several tokens
 *              (a Chinese word, "bankman-fried") as a phrase, each pair of adjacent words within
 *              RANKING.PROXIMITY_SLOP positions.
 *   concepts   for each jurisdiction, authority, action or entity the query names (understand-query.ts)
 *              that the document's extracted fields carry, RANKING.CONCEPT_BONUS of its field. A document carrying
 *              one matches even without the words: 美国证监会 finds the SEC's English articles.
 *   relevance  RANKING.RELEVANCE_WEIGHT × the extraction's relevance score (0..1) of the document.
 *   recency    RANKING.RECENCY_WEIGHT × 0.5^((age / RANKING.RECENCY_SCALE_DAYS)²): a Gaussian decay, half at the scale.
 *
 * The weights live in RANKING, read at query time. scripts/tune-search.mjs varies them on two halves of
 * the development queries: doubling the first guesses' concept bonuses raised both halves when tuned on
 * the other (0.715 -> 0.757, 0.737 -> 0.763); title, relevance and recency weights did not agree between
 * halves and stay as guessed; proximity measured neutral to slightly negative there and stays as a small
 * tie-breaker (0.5) for larger corpora, where scattered words are common.
 * Ties break by publication date (newest first), then id. Filters never rank: they only restrict.
 * Elasticsearch computes the same sum with bool should clauses and a function_score; SQLite with FTS5's
 * bm25() and SQL. The BM25 variants differ in detail (Lucene per field, FTS5 over the row), so the
 * stores agree on which documents match and closely, not exactly, on their order.
 */
export const RANKING = {
  TITLE_WEIGHT: 2,
  PROXIMITY_WEIGHT: 0.5,
  PROXIMITY_SLOP: 2,
  CONCEPT_BONUS: { authorities: 6, entities: 6, actions: 4, jurisdictions: 3 } as Record<QueryConcept["field"], number>,
  RELEVANCE_WEIGHT: 1,
  RECENCY_WEIGHT: 0.5,
  RECENCY_SCALE_DAYS: 730,
};

/** A free-text query, parsed and understood once for either store. */
export interface QueryPlan {
  clauses: QueryClause[];
  /** The optional words scored by BM25 (alternatives included); stop words only when nothing else is left. */
  words: QueryClause[];
  /** Quoted phrases: each must match (one of its alternatives). */
  required: QueryClause[];
  excluded: QueryClause[];
  /** Runs scored for proximity: `text` for Elasticsearch to analyse, `terms` per word for SQLite. */
  runs: Array<{ text: string; words: string[][]; slop: number }>;
  concepts: QueryConcept[];
  /** The concepts each positive clause (or alternative) takes part in naming. */
  clauseConcepts: Map<QueryClause, QueryConcept[]>;
  /** Whether any positive part (word, phrase, concept) exists: else the query only excludes. */
  positive: boolean;
}

export function planQuery(text: string): QueryPlan {
  const clauses = parseSearchText(text);
  const positive = clauses.filter((c) => !c.negated);
  const required = positive.filter((c) => c.quoted);
  const optional = positive.filter((c) => !c.quoted).flatMap(alternativesOf);
  const content = optional.filter((c) => !c.stopWord);
  const words = content.length ? content : optional;
  const runs: QueryPlan["runs"] = [];
  for (const c of [...words, ...required.flatMap(alternativesOf)]) {
    if (c.terms.length > 1) runs.push({ text: c.text, words: [c.terms], slop: 0 });
  }
  // Adjacent words as typed (alternatives are not adjacent to each other).
  const sequence = positive.filter((c) => !c.stopWord);
  for (let i = 0; i + 1 < sequence.length; i++) {
    const [a, b] = [sequence[i]!, sequence[i + 1]!];
    runs.push({ text: `${a.text} ${b.text}`, words: [a.terms, b.terms], slop: RANKING.PROXIMITY_SLOP });
  }
  // Excluded words name nothing to boost: only the positive parts are read, each at a known offset.
  const parts = positive.flatMap(alternativesOf);
  const offsets: number[] = [];
  let joined = "";
  for (const c of parts) { offsets.push(joined.length); joined += `${c.text} `; }
  const named = understandQuery(joined);
  const clauseConcepts = new Map(parts.map((c, i) => {
    const [start, end] = [offsets[i]!, offsets[i]! + c.text.length];
    return [c, named.filter((k) => k.start < end && k.end > start)] as const;
  }));
  // Scored once per value, however often the query names it (Huobi 火币).
  const concepts = [...new Map(named.map((k) => [`${k.field}\u0000${k.value}`, k])).values()];
  return {
    clauses, words, required, excluded: clauses.filter((c) => c.negated), runs, concepts, clauseConcepts,
    positive: words.length + required.length + concepts.length > 0,
  };
}

/** The concepts of the query the document carries, each with its bonus. */
export function conceptMatches(concepts: QueryConcept[], doc: Pick<StoredArticle, "jurisdictions" | "authorities" | "actions" | "entities">): Array<QueryConcept & { bonus: number }> {
  const carried = (c: QueryConcept) => c.field === "entities" ? doc.entities.some((e) => e.name === c.value) : (doc[c.field] as string[]).includes(c.value);
  return concepts.filter(carried).map((c) => ({ ...c, bonus: RANKING.CONCEPT_BONUS[c.field] }));
}

const DAY_MS = 86_400_000;

/** The recency signal of a publication date (0 when undated). */
export function recencyBonus(publishedAt: string | null, now: number): number {
  if (!publishedAt) return 0;
  const ageDays = Math.abs(now - Date.parse(publishedAt)) / DAY_MS;
  return RANKING.RECENCY_WEIGHT * 0.5 ** ((ageDays / RANKING.RECENCY_SCALE_DAYS) ** 2);
}

/** The explanation of a hit from the parts each store measured (text, proximity) and the rest computed here. */
export function explainRank(plan: QueryPlan, doc: StoredArticle | Pick<StoredArticle, "jurisdictions" | "authorities" | "actions" | "entities" | "score" | "publishedAt">, parts: { text: number; proximity: number }, now: number): RankExplanation {
  const concepts = conceptMatches(plan.concepts, doc);
  const relevance = RANKING.RELEVANCE_WEIGHT * doc.score;
  const recency = recencyBonus(doc.publishedAt, now);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const score = parts.text + parts.proximity + concepts.reduce((n, c) => n + c.bonus, 0) + relevance + recency;
  return { score: round(score), text: round(parts.text), proximity: round(parts.proximity), concepts, relevance: round(relevance), recency: round(recency) };
}
