import type { Entity } from "./domain.js";

/** One search contract, implemented by every store (SQLite and Elasticsearch). */
export interface SearchQuery {
  /** simple_query_string syntax: terms AND-ed, "phrases", -exclusions, a | b alternatives. */
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

export interface QueryClause { terms: string[]; phrase: boolean; negated: boolean; alternatives?: QueryClause[] }

/**
 * Parses the query language both stores share: whitespace-separated terms are AND-ed,
 * "quoted phrases" match in order, a leading - excludes, `|` or OR between two terms
 * accepts either. Elasticsearch gets the same string through simple_query_string.
 */
export function parseSearchText(text: string): QueryClause[] {
  const tokens = [...text.matchAll(/(-?)"([^"]*)"|(\S+)/g)].map((m) =>
    m[2] !== undefined ? { neg: m[1] === "-", raw: m[2], phrase: true } : { neg: m[3]!.startsWith("-") && m[3]!.length > 1, raw: m[3]!.replace(/^-/, ""), phrase: false });
  const clauses: QueryClause[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.phrase && (t.raw === "|" || t.raw === "OR")) continue;
    const clause = toClause(t.raw, t.phrase, t.neg);
    if (!clause) continue;
    const prev = clauses[clauses.length - 1];
    const sep = tokens[i - 1];
    if (prev && sep && !sep.phrase && (sep.raw === "|" || sep.raw === "OR") && !clause.negated && !prev.negated) {
      prev.alternatives = [...(prev.alternatives ?? []), clause];
    } else {
      clauses.push(clause);
    }
  }
  return clauses;
}

function toClause(raw: string, phrase: boolean, negated: boolean): QueryClause | null {
  const terms = analyzeTerms(raw);
  if (terms.length === 0) return null;
  return { terms, phrase: phrase || terms.length > 1, negated };
}

/**
 * Plural folding for Latin-script words (Harman's S-stemmer): "exchanges" finds "exchange",
 * "policies" finds "policy". Deliberately light: it never merges words of different meaning.
 */
export function foldPlural(word: string): string {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("ies") && !/[ea]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (word.endsWith("es") && !/[aeo]es$/.test(word)) return word.slice(0, -1);
  if (word.endsWith("s") && !/[us]s$/.test(word)) return word.slice(0, -1);
  return word;
}

/**
 * The one analysis both stores share, at index and at query time: lower-cased letter/digit
 * runs with plurals folded, and each CJK character a token of its own (as Elasticsearch's
 * standard tokenizer does), so Chinese words are found as phrases of characters.
 */
export function analyzeTerms(text: string): string[] {
  const tokens = text.normalize("NFKC").toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}]|[[\p{L}\p{N}_]--[\p{Script=Han}\p{Script=Hiragana}]]+/gv) ?? [];
  return tokens.map(foldPlural);
}
