import { createHash } from "node:crypto";
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
  // indexedAt belongs to the store (a StoredArticle handed back in keeps its own out of the content).
  const { fetchedAt: _fetched, duplicateOf: _dup, indexedAt: _indexed, ...content } = doc as UpsertDocument & { indexedAt?: string };
  return JSON.stringify(content);
}

/** A document as a store writes it, serialised, and its fingerprint. */
export interface SerialisedArticle {
  /** The StoredArticle's JSON, with the store's own extra fields at the end. */
  json: string;
  /** A hash of contentFingerprint's JSON: equal for a replay of unchanged content. */
  fingerprint: string;
  /** contentFingerprint's JSON itself (what the SQLite store kept as the fingerprint before it kept the hash). */
  content: string;
}

/**
 * Serialises the document once: contentFingerprint's JSON, which the fingerprint hashes, is also the
 * start of the stored document, followed by the fields written with it. Serialising for the fingerprint
 * and again for the write was a third of a store's own CPU (scripts/bench-index.mjs).
 */
export function serialiseArticle(doc: UpsertDocument, written: { duplicateOf: string | null; indexedAt: string }, extra: (fingerprint: string) => object = () => ({})): SerialisedArticle {
  const content = contentFingerprint(doc);
  const fingerprint = createHash("sha256").update(content).digest("base64url");
  const rest = { fetchedAt: doc.fetchedAt, duplicateOf: written.duplicateOf, indexedAt: written.indexedAt, ...extra(fingerprint) };
  return { json: `${content.slice(0, -1)},${JSON.stringify(rest).slice(1)}`, fingerprint, content };
}
