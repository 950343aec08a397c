import type { ArticleDocument, StoredArticle } from "@regradar/shared";
import type { SearchQuery, SearchResult } from "./search/query-language.js";

/** Filters on names people type (Huobi, huobi, SEC): matched regardless of case, in both stores. */
export const CASE_INSENSITIVE_FILTERS: ReadonlySet<string> = new Set(["authorities", "entities"]);

export interface UpsertOutcome {
  /** Ids stored for the first time. */
  created: string[];
  /** Ids whose content changed and were rewritten. */
  updated: string[];
  /** Ids already stored with the same content: a replay, nothing written. */
  unchanged: string[];
  /** Documents the store refused, with its reason; never dropped silently. */
  rejected: Array<{ id: string; reason: string }>;
}

export type UpsertDocument = ArticleDocument & { duplicateOf: string | null };

/** The search index, whichever engine holds it. */
export interface ArticleStore {
  readonly kind: "sqlite" | "elasticsearch";
  /** Creates tables / index template / alias when missing. Idempotent. */
  init(): Promise<void>;
  upsertArticles(docs: UpsertDocument[]): Promise<UpsertOutcome>;
  getArticles(ids: string[]): Promise<StoredArticle[]>;
  /** Earlier articles whose content hash lies within `maxBits` (at most NEAR_DUPLICATE_BITS) bits of `contentHash`, oldest first. */
  findNearDuplicates(contentHash: string, maxBits: number): Promise<Array<{ id: string; indexedAt: string }>>;
  search(query: SearchQuery): Promise<SearchResult>;
  count(): Promise<number>;
  /** When the most recent write happened (status pages), null for an empty store. */
  lastIndexedAt(): Promise<string | null>;
  /** Every stored article in id order, a page at a time, for reindexing. */
  scan(afterId: string | null, pageSize: number): Promise<StoredArticle[]>;
  /** Makes writes so far visible to search (no-op where they already are). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** Content fields that decide whether a re-indexed document changed (timestamps excluded). */
export function contentFingerprint(doc: UpsertDocument): string {
  // duplicateOf is decided once, when the article is first stored; a replay may see later copies.
  const { fetchedAt: _fetched, duplicateOf: _dup, ...content } = doc;
  return JSON.stringify(content);
}
