import type { estypes } from "@elastic/elasticsearch";
import { CASE_INSENSITIVE_FILTERS } from "../article-store.js";
import { alternativesOf, FACET_SIZE, type FacetField, type QueryClause, type SearchQuery } from "../search/query-language.js";
import { RANKING, type QueryPlan } from "../search/ranking.js";

type Query = estypes.QueryDslQueryContainer;

/** Filter parameter, facet name, indexed field. */
export const FILTER_FIELDS: Array<[keyof SearchQuery, FacetField, string]> = [
  ["jurisdictions", "jurisdictions", "jurisdictions"], ["authorities", "authorities", "authorities"], ["actions", "actions", "actions"],
  ["entities", "entities", "entityNames"], ["sources", "sources", "source"], ["langs", "langs", "lang"],
];

const CONCEPT_FIELD = { jurisdictions: "jurisdictions", authorities: "authorities", actions: "actions", entities: "entityNames" } as const;

/** Names of the scored clauses, so a hit's matched_queries split its score into the parts of ranking.ts. */
export const TEXT_QUERY = "text";
export const PROXIMITY_QUERY = "proximity";

/** The phrase in the title or the text: how a quoted or excluded clause matches. */
const phraseQuery = (clauses: QueryClause[]): Query => ({
  bool: {
    should: clauses.flatMap((c) => [{ match_phrase: { title: c.text } }, { match_phrase: { text: c.text } }]),
    minimum_should_match: 1,
  },
});

/**
 * The query of search/ranking.ts: the words in one OR `match` per field (title boosted), the proximity runs
 * as sloppy match_phrase clauses, one constant-score clause per concept, relevance and recency added by a
 * function_score; at least one scored clause must match. Quoted phrases are required, exclusions and
 * filters restrict without scoring.
 */
export function articleQuery(plan: QueryPlan, query: SearchQuery, now: number): Query {
  const filter: Query[] = [];
  for (const [key, , field] of FILTER_FIELDS) {
    const values = query[key] as string[] | undefined;
    if (!values?.length) continue;
    // `terms` has no case_insensitive option; one `term` per value has.
    filter.push(CASE_INSENSITIVE_FILTERS.has(key)
      ? { bool: { should: values.map((value) => ({ term: { [field]: { value, case_insensitive: true } } })), minimum_should_match: 1 } }
      : { terms: { [field]: values } });
  }
  if (query.relevant !== undefined) filter.push({ term: { relevant: query.relevant } });
  if (query.since || query.until) {
    filter.push({ range: { publishedAt: {
      ...(query.since ? { gte: new Date(query.since).toISOString() } : {}),
      ...(query.until ? { lte: new Date(query.until).toISOString() } : {}),
    } } });
  }
  const mustNot: Query[] = plan.excluded.length ? [phraseQuery(plan.excluded)] : [];
  if (query.collapseDuplicates) mustNot.push({ exists: { field: "duplicateOf" } });
  const must = plan.required.map((c) => phraseQuery(alternativesOf(c)));
  if (!plan.positive) return { bool: { filter, must_not: mustNot } };

  const should: Query[] = [];
  const words = [...plan.words, ...plan.required.flatMap(alternativesOf)].map((c) => c.text).join(" ");
  if (words) {
    should.push({ match: { title: { query: words, boost: RANKING.TITLE_WEIGHT, _name: `${TEXT_QUERY}.title` } } });
    should.push({ match: { text: { query: words, _name: `${TEXT_QUERY}.text` } } });
  }
  plan.runs.forEach((r, i) => {
    should.push({ match_phrase: { title: { query: r.text, slop: r.slop, boost: RANKING.TITLE_WEIGHT * RANKING.PROXIMITY_WEIGHT, _name: `${PROXIMITY_QUERY}.${i}.title` } } });
    should.push({ match_phrase: { text: { query: r.text, slop: r.slop, boost: RANKING.PROXIMITY_WEIGHT, _name: `${PROXIMITY_QUERY}.${i}.text` } } });
  });
  plan.concepts.forEach((c, i) => {
    should.push({ constant_score: { filter: { term: { [CONCEPT_FIELD[c.field]]: c.value } }, boost: RANKING.CONCEPT_BONUS[c.field], _name: `concept.${i}` } });
  });
  // Documents matched only by a required phrase still need a scored clause when there are no free words.
  const minimumShouldMatch = plan.words.length || plan.concepts.length ? 1 : 0;
  return {
    function_score: {
      query: { bool: { must, should, minimum_should_match: minimumShouldMatch, filter, must_not: mustNot } },
      functions: [
        { field_value_factor: { field: "score", factor: RANKING.RELEVANCE_WEIGHT, missing: 0 } },
        {
          filter: { exists: { field: "publishedAt" } }, weight: RANKING.RECENCY_WEIGHT,
          gauss: { publishedAt: { origin: new Date(now).toISOString(), scale: `${RANKING.RECENCY_SCALE_DAYS}d`, decay: 0.5 } },
        },
      ],
      score_mode: "sum",
      boost_mode: "sum",
    },
  };
}

/** Facet and histogram aggregations over the matches. */
export const ARTICLE_AGGREGATIONS: Record<string, estypes.AggregationsAggregationContainer> = {
  ...Object.fromEntries(FILTER_FIELDS.map(([, facet, field]) => [facet, { terms: { field, size: FACET_SIZE } }])),
  months: { date_histogram: { field: "publishedAt", calendar_interval: "month", format: "yyyy-MM", min_doc_count: 1 } },
};

/** A hit's text and proximity parts, from the scores of its named clauses. */
export function scoreParts(matched: Record<string, number> | string[] | undefined): { text: number; proximity: number } {
  const parts = { text: 0, proximity: 0 };
  if (!matched || Array.isArray(matched)) return parts;
  for (const [name, score] of Object.entries(matched)) {
    if (name.startsWith(`${TEXT_QUERY}.`)) parts.text += score;
    else if (name.startsWith(`${PROXIMITY_QUERY}.`)) parts.proximity += score;
  }
  return parts;
}
