import type { Entity } from "@regradar/shared";
import { analyzeTerms, ENGLISH_STOP_WORDS } from "./analysis.js";
import type { QueryConcept } from "./understand-query.js";

/** One search contract, implemented by every store (SQLite and Elasticsearch). */
export interface SearchQuery {
  /**
   * Free text, ranked (see search/ranking.ts): any word may match, documents matching more of them, closer
   * together, in the title, or carrying what the words name rank higher. "Quoted phrases" are required,
   * -word or -"phrase" excludes, `a | b` (or `a OR b`) are alternatives.
   */
  text?: string;
  jurisdictions?: string[];
  authorities?: string[];
  actions?: string[];
  entities?: string[];
  sources?: string[];
  langs?: string[];
  relevant?: boolean;
  /** ISO dates bounding publishedAt, inclusive. */
  since?: string;
  until?: string;
  sort?: "relevance" | "date";
  limit?: number;
  offset?: number;
  /** Hide near-duplicate copies (documents with duplicateOf set). */
  collapseDuplicates?: boolean;
  /** Give every hit an explanation of its rank. */
  explain?: boolean;
}

export interface SearchHit {
  id: string;
  title: string | null;
  url: string;
  source: string;
  publishedAt: string | null;
  relevant: boolean;
  score: number;
  jurisdictions: string[];
  authorities: string[];
  actions: string[];
  entities: Entity[];
  duplicateOf: string | null;
  /** Fragments of title/text with matches wrapped in <mark>…</mark>. */
  highlights: string[];
  /** Why the hit ranks where it does; only when the query asked for it. */
  explanation?: RankExplanation;
}

/** The parts of a hit's rank score (search/ranking.ts documents each); they add up to `score`. */
export interface RankExplanation {
  score: number;
  /** BM25 of the query's words over title and text. */
  text: number;
  /** Bonus for words found next to each other (phrases, CJK words, adjacent query words). */
  proximity: number;
  /** Concepts the query names that the document's extracted fields carry, each with its bonus. */
  concepts: Array<QueryConcept & { bonus: number }>;
  /** The extraction's relevance score, weighted. */
  relevance: number;
  /** Recency: a Gaussian decay over the publication date. */
  recency: number;
}

export interface FacetCount { value: string; count: number }

export const FACET_FIELDS = ["jurisdictions", "authorities", "actions", "entities", "sources", "langs"] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: Record<FacetField, FacetCount[]>;
  /** Matches per month of publication, oldest first. */
  histogram: Array<{ month: string; count: number }>;
}

export const DEFAULT_SEARCH_LIMIT = 10;
export const FACET_SIZE = 20;

export interface QueryClause {
  /** As typed, without quotes or a leading -: Elasticsearch analyses it itself. */
  text: string;
  /** Its tokens under analyzeTerms: what SQLite and subscription matching look up, in order. */
  terms: string[];
  /** Typed in "quotes": required, its words in order. */
  quoted: boolean;
  negated: boolean;
  /** An English stop word: indexed, but no free-text term of its own. */
  stopWord: boolean;
  /** Its offsets in the query text. */
  start: number;
  end: number;
  alternatives?: QueryClause[];
}

/**
 * Parses the query language both stores share: whitespace-separated words, "quoted phrases", a leading -
 * excludes, `|` or OR between two words accepts either. Each store turns the clauses into its own query.
 */
export function parseSearchText(text: string): QueryClause[] {
  const tokens = [...text.matchAll(/(-?)"([^"]*)"|(\S+)/g)].map((m) => {
    const quoted = m[2] !== undefined;
    const negated = quoted ? m[1] === "-" : m[3]!.startsWith("-") && m[3]!.length > 1;
    const raw = quoted ? m[2]! : m[3]!.replace(/^-/, "");
    return { raw, quoted, negated, start: m.index, end: m.index + m[0].length };
  });
  const isOr = (t: (typeof tokens)[number] | undefined) => t !== undefined && !t.quoted && (t.raw === "|" || t.raw === "OR");
  const clauses: QueryClause[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isOr(t)) continue;
    const terms = analyzeTerms(t.raw);
    if (terms.length === 0) continue;
    const clause: QueryClause = {
      text: t.raw, terms, quoted: t.quoted, negated: t.negated, stopWord: !t.quoted && ENGLISH_STOP_WORDS.has(t.raw.toLowerCase()),
      start: t.start, end: t.end,
    };
    const prev = clauses[clauses.length - 1];
    if (prev && isOr(tokens[i - 1]) && !clause.negated && !prev.negated) prev.alternatives = [...(prev.alternatives ?? []), clause];
    else clauses.push(clause);
  }
  return clauses;
}

/** A clause and its alternatives. */
export const alternativesOf = (c: QueryClause): QueryClause[] => [c, ...(c.alternatives ?? [])];
