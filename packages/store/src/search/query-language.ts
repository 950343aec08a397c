import type { Action, Entity } from "@regradar/shared";

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

export interface QueryClause {
  terms: string[];
  phrase: boolean;
  negated: boolean;
  alternatives?: QueryClause[];
  /**
   * When the clause names a regulatory action ("shutdown", "ban", "关停"), documents whose
   * extracted actions include it match too: an analyst's "exchange shutdown" should find an
   * order "to cease trading" as well as the word itself.
   */
  action?: Action;
}

// Query words (as analyzeTerms leaves them) that stand for an action of the vocabulary.
const ACTION_QUERY_TERMS = new Map<string, Action>([
  ["ban", "ban"], ["banned", "ban"], ["prohibition", "ban"], ["禁 令", "ban"], ["禁 止", "ban"],
  ["shutdown", "shutdown_order"], ["shut down", "shutdown_order"], ["closure", "shutdown_order"], ["关 停", "shutdown_order"], ["叫 停", "shutdown_order"],
  ["enforcement", "enforcement"], ["crackdown", "enforcement"], ["penalty", "enforcement"], ["fine", "enforcement"], ["处 罚", "enforcement"],
  ["licensing", "licensing"], ["license", "licensing"], ["licence", "licensing"], ["牌 照", "licensing"],
  ["legislation", "legislation"], ["law", "legislation"], ["立 法", "legislation"],
  ["guidance", "guidance"], ["investigation", "investigation"], ["probe", "investigation"], ["调 查", "investigation"],
  ["tax", "taxation"], ["taxation", "taxation"], ["税", "taxation"],
  ["sanction", "sanctions"], ["aml", "aml_kyc"], ["kyc", "aml_kyc"], ["反 洗 钱", "aml_kyc"],
  ["liability", "platform_liability"],
]);

/**
 * Parses the query language both stores share: whitespace-separated terms are AND-ed,
 * "quoted phrases" match in order, a leading - excludes, `|` or OR between two terms
 * accepts either. Each store turns the clauses into its own query.
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
  const action = negated ? undefined : ACTION_QUERY_TERMS.get(terms.join(" "));
  return { terms, phrase: phrase || terms.length > 1, negated, ...(action ? { action } : {}) };
}

/**
 * Plural folding for Latin-script words (Harman's S-stemmer): "exchanges" finds "exchange",
 * "policies" finds "policy". Deliberately light: it never merges words of different meaning.
 */
export function foldPlural(word: string): string {
  const n = word.length;
  if (n < 4 || word.charCodeAt(n - 1) !== 115 /* s */ || !ASCII_LOWER.test(word)) return word;
  if (word.endsWith("ies")) return /[ea]ies$/.test(word) ? word : `${word.slice(0, -3)}y`;
  if (word.endsWith("es")) return /[aeo]es$/.test(word) ? word : word.slice(0, -1);
  return /[us]s$/.test(word) ? word : word.slice(0, -1);
}
const ASCII_LOWER = /^[a-z]+$/;

/**
 * The one analysis both stores share, at index and at query time: lower-cased letter/digit
 * runs with plurals folded, and each CJK character a token of its own (as Elasticsearch's
 * standard tokenizer does), so Chinese words are found as phrases of characters.
 */
export function analyzeTerms(text: string): string[] {
  const out: string[] = [];
  // Word runs first (fast), then the rare runs holding CJK are cut into single characters.
  for (const run of text.normalize("NFKC").toLowerCase().match(WORD_RUN) ?? []) {
    if (!CJK_CHAR.test(run)) { out.push(foldPlural(run)); continue; }
    for (const piece of run.match(CJK_OR_WORD) ?? []) out.push(foldPlural(piece));
  }
  return out;
}
// The ASCII alternative is the fast path; it only takes a run that no other letter continues.
const WORD_RUN = /[a-z0-9_]+(?![\p{L}\p{N}])|[\p{L}\p{N}_]+/gu;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const CJK_OR_WORD = /[\p{Script=Han}\p{Script=Hiragana}]|[[\p{L}\p{N}_]--[\p{Script=Han}\p{Script=Hiragana}]]+/gv;
