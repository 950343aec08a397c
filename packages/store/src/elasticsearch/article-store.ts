import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Client, errors, type estypes } from "@elastic/elasticsearch";
import { hammingDistance, simhashBands, type StoredArticle } from "@regradar/shared";
import {
  analyzeTerms, parseSearchText, DEFAULT_SEARCH_LIMIT, FACET_FIELDS, FACET_SIZE,
  type FacetField, type QueryClause, type SearchQuery, type SearchResult,
} from "../search/query-language.js";
import { contentFingerprint, type ArticleStore, type UpsertDocument, type UpsertOutcome } from "../article-store.js";
import { highlightFragments, matcherFor } from "../search/highlight.js";

export interface ElasticsearchStoreOptions {
  /** The alias every read and write goes through; the index behind it is `<alias>-v<N>`. */
  index: string;
  /** Retries of 429/5xx bulk items and requests (default 4), after baseDelayMs, doubling (default 200). */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** Bulk request limits; the defaults suit a small node. */
  bulk?: { maxDocs?: number; maxBytes?: number; concurrency?: number };
  /** How soon after a write the store refreshes the index, making it searchable (default 500 ms). */
  refreshDelayMs?: number;
  /** Told about every retry, e.g. to log it: the store has no logger of its own. */
  onRetry?: (info: { attempt: number; delayMs: number; documents: number; reason: string }) => void;
}

/** Bumped when the mapping changes incompatibly: a new index is built beside the old one and the alias moved. */
const INDEX_VERSION = 1;
// A shard works through one bulk request on one write thread, so a batch goes out as ~1 MB requests, two in
// flight, each leaving as soon as it is serialised: the node indexes while we analyse the next documents.
// (On the 2-core dev machine 1-4 in flight and 1-2 MB measured within noise; see scripts/bench-index.mjs.)
const BULK_MAX_DOCS = 1_000;
const BULK_MAX_BYTES = 5 * 1024 * 1024;
const BULK_CONCURRENCY = 2;
// 429 (queue full) and 5xx items are retried after 200, 400, 800, 1600 ms; then the batch fails as a whole.
const DEFAULT_RETRIES = 4;
const DEFAULT_BACKOFF_MS = 200;
// Writes become searchable within a second without a refresh per request (refreshes are costly).
const REFRESH_DELAY_MS = 500;
const NEAR_DUPLICATE_MAX_CANDIDATES = 10_000;

/** Fields this store adds to each document; never part of what readers get back. */
const DERIVED_FIELDS = ["fingerprint", "entityNames", "simhashBands", "searchTitle", "searchText"] as const;
/** Pre-analysed search fields; indexed, not kept in _source (they are recomputed from title/text). */
const SEARCH_FIELDS = ["searchTitle", "searchText"];

const FILTER_FIELDS: Array<[keyof SearchQuery, FacetField, string]> = [
  ["jurisdictions", "jurisdictions", "jurisdictions"], ["authorities", "authorities", "authorities"], ["actions", "actions", "actions"],
  ["entities", "entities", "entityNames"], ["sources", "sources", "source"], ["langs", "langs", "lang"],
];

const HIT_FIELDS = ["id", "title", "url", "source", "publishedAt", "relevant", "score", "jurisdictions", "authorities", "actions", "entities", "duplicateOf"];

const keyword = (ignoreAbove?: number) => ({ type: "keyword" as const, ...(ignoreAbove ? { ignore_above: ignoreAbove } : {}) });

/**
 * Core types and analyzers only (no analysis-common or mapper-extras on a plain server). `dynamic: strict`
 * makes the mapping the contract: a field the code and the index disagree about is a rejected document
 * with a reason, not a silently guessed mapping.
 */
export const ARTICLE_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: "strict",
  _source: { excludes: SEARCH_FIELDS },
  properties: {
    id: keyword(),
    url: keyword(4096),
    canonicalUrl: keyword(4096),
    feedId: keyword(),
    feedTitle: keyword(512),
    source: keyword(),
    title: { type: "text", analyzer: "standard", fields: { keyword: keyword(512) } },
    summary: { type: "text", analyzer: "standard" },
    text: { type: "text", analyzer: "standard" },
    lang: keyword(),
    publishedAt: { type: "date" },
    fetchedAt: { type: "date" },
    indexedAt: { type: "date" },
    authors: keyword(512),
    categories: keyword(512),
    relevant: { type: "boolean" },
    score: { type: "float" },
    jurisdictions: keyword(),
    authorities: keyword(),
    actions: keyword(),
    entities: { type: "object", properties: { name: keyword(), type: keyword() } },
    entityNames: keyword(),
    mentions: { type: "object", enabled: false },
    contentHash: keyword(),
    simhashBands: keyword(),
    textSource: keyword(),
    pageError: keyword(1024),
    duplicateOf: keyword(),
    fingerprint: { type: "keyword", index: false, doc_values: false },
    // The output of analyzeTerms, the analysis SQLite indexes too: identical matching in both stores.
    searchTitle: { type: "text", analyzer: "whitespace" },
    searchText: { type: "text", analyzer: "whitespace" },
  },
};

/**
 * The FTS5 tokenizer the SQLite store feeds analyzeTerms' output through (unicode61, remove_diacritics 2)
 * splits on `_` and folds diacritics; doing the same here keeps both stores' matches identical.
 */
function searchTokens(text: string): string {
  // On the joined string, not per token: character-local either way, and several times faster.
  let joined = analyzeTerms(text).join(" ");
  if (joined.includes("_")) joined = joined.replace(/_+/g, " ");
  // Only letters that can carry a diacritic need the (slow) decomposition.
  if (/[\u00c0-\u024f\u1e00-\u1eff]/.test(joined)) joined = joined.normalize("NFD").replace(/\p{Mn}+/gu, "").normalize("NFC");
  return joined;
}

/** The document as this store writes it: the article plus the fields search, facets and dedup read. */
export function indexedSource(article: StoredArticle, fingerprint: string): StoredArticle & Record<(typeof DERIVED_FIELDS)[number], unknown> {
  return {
    ...article, fingerprint,
    entityNames: [...new Set(article.entities.map((e) => e.name))],
    simhashBands: simhashBands(article.contentHash),
    searchTitle: searchTokens(article.title ?? ""), searchText: searchTokens(article.text),
  };
}

type ExistingState = { fingerprint: string; indexedAt: string; duplicateOf: string | null };
type Pending = { id: string; action: string; source: string; outcome: "created" | "updated" };
type Refreshable = { written: number; refreshed: number };

const isTransientStatus = (status: number) => status === 429 || status >= 500;

function isTransientError(err: unknown): boolean {
  if (err instanceof errors.ResponseError) return isTransientStatus(err.statusCode ?? 0);
  return err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError;
}

function errorReason(error: estypes.ErrorCause | undefined, status: number): string {
  if (!error) return `status ${status}`;
  const cause = error.caused_by ? ` (${error.caused_by.type}: ${error.caused_by.reason ?? ""})` : "";
  return `${error.type}: ${error.reason ?? ""}${cause}`;
}

/** The Elasticsearch index: a versioned index behind an alias, bulk writes, the shared search contract. */
export class ElasticsearchArticleStore implements ArticleStore {
  readonly kind = "elasticsearch" as const;
  readonly alias: string;
  private readonly writes: Refreshable = { written: 0, refreshed: 0 };
  private refreshing: Promise<void> | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(
    private readonly client: Client,
    private readonly opts: ElasticsearchStoreOptions,
  ) {
    this.alias = opts.index;
    this.retries = opts.retry?.attempts ?? DEFAULT_RETRIES;
    this.backoffMs = opts.retry?.baseDelayMs ?? DEFAULT_BACKOFF_MS;
  }

  get indexName(): string {
    return `${this.alias}-v${INDEX_VERSION}`;
  }

  async init(): Promise<void> {
    await this.client.indices.putIndexTemplate({
      name: `${this.alias}-template`,
      index_patterns: [`${this.alias}-v*`],
      // Above the built-in templates' 100, so nothing else shapes our indices.
      priority: 500,
      template: {
        // One shard: a few million articles fit, and relevance statistics stay exact. The result window
        // covers the deepest page the CLI and API allow (offset 100000 + limit 1000), as SQLite does.
        settings: { number_of_shards: 1, number_of_replicas: 0, max_result_window: 101_000 },
        mappings: ARTICLE_MAPPINGS,
      },
    });
    if (await this.client.indices.existsAlias({ name: this.alias })) return;
    try {
      await this.client.indices.create({ index: this.indexName, aliases: { [this.alias]: { is_write_index: true } } });
    } catch (err) {
      const type = err instanceof errors.ResponseError ? err.body?.error?.type : undefined;
      if (type === "invalid_alias_name_exception") {
        throw new Error(`${this.alias} exists as a plain index, not an alias: copy it elsewhere and delete it, or set another REGRADAR_ES_INDEX`, { cause: err });
      }
      // Another process created it first (the alias comes with the index, atomically).
      if (type !== "resource_already_exists_exception") throw err;
    }
    await this.client.cluster.health({ index: this.indexName, wait_for_status: "yellow", timeout: "30s" });
  }

  async upsertArticles(docs: UpsertDocument[]): Promise<UpsertOutcome> {
    const outcome: UpsertOutcome = { created: [], updated: [], unchanged: [], rejected: [] };
    if (docs.length === 0) return outcome;
    const known = await this.existingStates([...new Set(docs.map((d) => d.id))]);
    const now = new Date().toISOString();
    const maxDocs = this.opts.bulk?.maxDocs ?? BULK_MAX_DOCS;
    const maxBytes = this.opts.bulk?.maxBytes ?? BULK_MAX_BYTES;
    // Two versions of one id in a batch must reach the index in order: then the requests go one at a time.
    const repeats = new Set(docs.map((d) => d.id)).size < docs.length;
    const concurrency = repeats ? 1 : this.opts.bulk?.concurrency ?? BULK_CONCURRENCY;

    // Each request leaves as soon as its documents are serialised, so the node indexes while we prepare the next.
    type ChunkOutcome = Pick<UpsertOutcome, "created" | "updated" | "rejected">;
    const results: ChunkOutcome[] = [];
    const inflight = new Set<Promise<void>>();
    let failure: { err: unknown } | null = null;
    let chunk: Pending[] = [];
    let bytes = 0;
    const send = async () => {
      const result: ChunkOutcome = { created: [], updated: [], rejected: [] };
      results.push(result);
      const request = this.bulkWrite(chunk, result)
        .catch((err: unknown) => { failure ??= { err }; })
        .finally(() => inflight.delete(request));
      inflight.add(request);
      chunk = [];
      bytes = 0;
      if (inflight.size >= concurrency) await Promise.race(inflight);
    };

    for (const doc of docs) {
      if (failure) break;
      const fingerprint = createHash("sha256").update(contentFingerprint(doc)).digest("base64url");
      const existing = known.get(doc.id);
      if (existing && existing.fingerprint === fingerprint) { outcome.unchanged.push(doc.id); continue; }
      // The first copy of a story stays the original even if a later duplicate is re-indexed.
      const duplicateOf = existing ? existing.duplicateOf : doc.duplicateOf;
      let source: string;
      try {
        source = JSON.stringify(indexedSource({ ...doc, duplicateOf, indexedAt: now }, fingerprint));
      } catch (err) {
        outcome.rejected.push({ id: doc.id, reason: `not indexable: ${(err as Error).message}` });
        continue;
      }
      const action = JSON.stringify({ index: { _id: doc.id } });
      const size = Buffer.byteLength(action) + Buffer.byteLength(source) + 2;
      if (chunk.length > 0 && (chunk.length >= maxDocs || bytes + size > maxBytes)) await send();
      chunk.push({ id: doc.id, action, source, outcome: existing ? "updated" : "created" });
      bytes += size;
      known.set(doc.id, { fingerprint, indexedAt: now, duplicateOf });
    }
    if (chunk.length > 0 && !failure) await send();
    while (inflight.size > 0) await Promise.race(inflight);
    if (failure) throw (failure as { err: unknown }).err;
    // Reported in input order whatever order the requests finished in.
    for (const r of results) {
      outcome.created.push(...r.created);
      outcome.updated.push(...r.updated);
      outcome.rejected.push(...r.rejected);
    }
    return outcome;
  }

  private async existingStates(ids: string[]): Promise<Map<string, ExistingState>> {
    const res = await this.client.mget<ExistingState>({ index: this.alias, ids, _source_includes: ["fingerprint", "indexedAt", "duplicateOf"] });
    const out = new Map<string, ExistingState>();
    for (const d of res.docs) {
      if ("found" in d && d.found && d._source) out.set(d._id, d._source);
    }
    return out;
  }

  /** Writes one chunk; 429/5xx items are retried with backoff, other failures reported as rejected. */
  private async bulkWrite(chunk: Pending[], outcome: Pick<UpsertOutcome, "created" | "updated" | "rejected">): Promise<void> {
    let todo = chunk;
    for (let attempt = 0; ; attempt++) {
      let res: estypes.BulkResponse;
      try {
        res = await this.client.bulk({
          index: this.alias,
          operations: todo.flatMap((p) => [p.action, p.source]),
          filter_path: ["errors", "items.*._id", "items.*.status", "items.*.error"],
        });
      } catch (err) {
        if (!isTransientError(err) || attempt >= this.retries) throw err;
        await this.backoff(attempt, todo.length, (err as Error).message);
        continue;
      }
      this.markWritten();
      const retry: Pending[] = [];
      todo.forEach((p, i) => {
        const item = Object.values(res.items?.[i] ?? {})[0];
        const status = item?.status ?? 0;
        if (item && status >= 200 && status < 300) outcome[p.outcome].push(p.id);
        else if (!item || isTransientStatus(status)) retry.push(p);
        else outcome.rejected.push({ id: p.id, reason: errorReason(item.error, status) });
      });
      if (retry.length === 0) return;
      const first = Object.values(res.items?.[todo.indexOf(retry[0]!)] ?? {})[0];
      const reason = first ? errorReason(first.error, first.status) : "no item result";
      if (attempt >= this.retries) {
        // Transient by nature: throw so the caller's queue retries the batch; replays of what was written are no-ops.
        throw new Error(`Elasticsearch refused ${retry.length} document(s) after ${attempt + 1} attempts: ${reason}`);
      }
      todo = retry;
      await this.backoff(attempt, todo.length, reason);
    }
  }

  private async backoff(attempt: number, documents: number, reason: string): Promise<void> {
    const delayMs = this.backoffMs * 2 ** attempt;
    this.opts.onRetry?.({ attempt: attempt + 1, delayMs, documents, reason });
    await sleep(delayMs);
  }

  async getArticles(ids: string[]): Promise<StoredArticle[]> {
    if (ids.length === 0) return [];
    const res = await this.client.mget<StoredArticle>({ index: this.alias, ids, _source_excludes: [...DERIVED_FIELDS] });
    return res.docs.flatMap((d) => ("found" in d && d.found && d._source ? [d._source] : []));
  }

  async findNearDuplicates(contentHash: string, maxBits: number): Promise<Array<{ id: string; indexedAt: string }>> {
    await this.refreshIfStale();
    const bands = simhashBands(contentHash);
    // Hashes within maxBits differ in at most maxBits of the 8 bands, so they share at least 8 - maxBits:
    // requiring that many keeps the candidate list short without losing a true match.
    const res = await this.client.search<{ id: string; contentHash: string; indexedAt: string }>({
      index: this.alias,
      size: NEAR_DUPLICATE_MAX_CANDIDATES,
      query: { bool: { filter: [{ bool: { should: bands.map((b) => ({ term: { simhashBands: b } })), minimum_should_match: Math.max(1, bands.length - maxBits) } }] } },
      sort: [{ indexedAt: "asc" }, { _seq_no: "asc" }],
      _source: ["id", "contentHash", "indexedAt"],
    });
    return res.hits.hits
      .map((h) => h._source!)
      .filter((s) => hammingDistance(s.contentHash, contentHash) <= maxBits)
      .map((s) => ({ id: s.id, indexedAt: s.indexedAt }));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    await this.refreshIfStale();
    const clauses = parseSearchText(query.text ?? "");
    const positive = clauses.filter((c) => !c.negated);
    const filter: estypes.QueryDslQueryContainer[] = [];
    for (const [key, , field] of FILTER_FIELDS) {
      const values = query[key] as string[] | undefined;
      if (values?.length) filter.push({ terms: { [field]: values } });
    }
    if (query.relevant !== undefined) filter.push({ term: { relevant: query.relevant } });
    if (query.since || query.until) {
      filter.push({ range: { publishedAt: {
        ...(query.since ? { gte: new Date(query.since).toISOString() } : {}),
        ...(query.until ? { lte: new Date(query.until).toISOString() } : {}),
      } } });
    }
    const mustNot: estypes.QueryDslQueryContainer[] = clauses.filter((c) => c.negated).map(clauseQuery);
    if (query.collapseDuplicates) mustNot.push({ exists: { field: "duplicateOf" } });
    const byRelevance = query.sort !== "date" && positive.length > 0;
    const matcher = matcherFor(clauses);
    const res = await this.client.search<StoredArticle>({
      index: this.alias,
      query: { bool: { must: positive.map(clauseQuery), filter, must_not: mustNot } },
      from: query.offset ?? 0,
      size: query.limit ?? DEFAULT_SEARCH_LIMIT,
      track_total_hits: true,
      sort: [
        ...(byRelevance ? [{ _score: { order: "desc" as const } }] : []),
        { publishedAt: { order: "desc", missing: "_last" } },
        { id: { order: "asc" } },
      ],
      _source: matcher ? [...HIT_FIELDS, "text"] : HIT_FIELDS,
      aggs: {
        ...Object.fromEntries(FILTER_FIELDS.map(([, facet, field]) => [facet, { terms: { field, size: FACET_SIZE } }])),
        months: { date_histogram: { field: "publishedAt", calendar_interval: "month", format: "yyyy-MM", min_doc_count: 1 } },
      },
    });
    const hits = res.hits.hits.map((h) => {
      const d = h._source!;
      return {
        id: d.id, title: d.title, url: d.url, source: d.source, publishedAt: d.publishedAt, relevant: d.relevant, score: d.score,
        jurisdictions: d.jurisdictions, authorities: d.authorities, actions: d.actions, entities: d.entities, duplicateOf: d.duplicateOf ?? null,
        highlights: [...highlightFragments(d.title ?? "", matcher, 1), ...highlightFragments(d.text ?? "", matcher, 3)],
      };
    });
    const aggs = (res.aggregations ?? {}) as Record<string, { buckets: Array<{ key: string; key_as_string?: string; doc_count: number }> }>;
    const facets = Object.fromEntries(FACET_FIELDS.map((f) => [f, (aggs[f]?.buckets ?? []).map((b) => ({ value: String(b.key), count: b.doc_count }))])) as SearchResult["facets"];
    const histogram = (aggs.months?.buckets ?? []).map((b) => ({ month: b.key_as_string!, count: b.doc_count }));
    const total = typeof res.hits.total === "number" ? res.hits.total : res.hits.total?.value ?? 0;
    return { total, hits, facets, histogram };
  }

  async count(): Promise<number> {
    await this.refreshIfStale();
    return (await this.client.count({ index: this.alias })).count;
  }

  async lastIndexedAt(): Promise<string | null> {
    await this.refreshIfStale();
    const res = await this.client.search({ index: this.alias, size: 0, aggs: { last: { max: { field: "indexedAt" } } } });
    const last = (res.aggregations?.last as { value_as_string?: string } | undefined)?.value_as_string;
    return last ?? null;
  }

  async scan(afterId: string | null, pageSize: number): Promise<StoredArticle[]> {
    await this.refreshIfStale();
    const res = await this.client.search<StoredArticle>({
      index: this.alias,
      size: pageSize,
      sort: [{ id: "asc" }],
      ...(afterId !== null ? { search_after: [afterId] } : {}),
      _source: { excludes: [...DERIVED_FIELDS] },
      track_total_hits: false,
    });
    return res.hits.hits.map((h) => h._source!);
  }

  /** Makes every write so far searchable. Concurrent callers share one refresh. */
  async refresh(): Promise<void> {
    if (this.refreshing) await this.refreshing;
    if (this.writes.refreshed >= this.writes.written) return;
    const target = this.writes.written;
    this.refreshing = this.client.indices.refresh({ index: this.alias }).then(() => {
      this.writes.refreshed = Math.max(this.writes.refreshed, target);
    }).finally(() => { this.refreshing = null; });
    await this.refreshing;
  }

  /** Reads see this process's own writes, as they do in SQLite; other processes within REFRESH_DELAY_MS. */
  private async refreshIfStale(): Promise<void> {
    if (this.writes.refreshed < this.writes.written || this.refreshing) await this.refresh();
  }

  private markWritten(): void {
    this.writes.written++;
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      // A failed background refresh leaves the store stale: the next read refreshes and reports the error.
      this.refresh().catch(() => {});
    }, this.opts.refreshDelayMs ?? REFRESH_DELAY_MS);
    this.refreshTimer.unref();
  }

  async close(): Promise<void> {
    if (this.refreshTimer) { clearTimeout(this.refreshTimer); this.refreshTimer = null; }
    await this.refresh();
  }

  /** Deletes the index and template behind this alias: for tests and benchmarks. */
  async destroy(): Promise<void> {
    if (this.refreshTimer) { clearTimeout(this.refreshTimer); this.refreshTimer = null; }
    // By name: servers with action.destructive_requires_name refuse wildcard deletes.
    const indices = Object.keys(await this.client.indices.get({ index: `${this.alias}-v*`, allow_no_indices: true, ignore_unavailable: true }));
    if (indices.length > 0) await this.client.indices.delete({ index: indices });
    await this.client.indices.deleteIndexTemplate({ name: `${this.alias}-template` }, { ignore: [404] });
    this.writes.refreshed = this.writes.written;
  }
}

/**
 * One clause of the shared query language: its phrase in the title (weighted 3, as SQLite's bm25) or the
 * text; a clause naming an action also matches documents with that extracted action, at score 0 so that,
 * as in SQLite, they rank after every text match.
 */
function clauseQuery(c: QueryClause): estypes.QueryDslQueryContainer {
  const alternatives = [c, ...(c.alternatives ?? [])];
  const phrases = alternatives.flatMap((x) => {
    const phrase = searchTokens(x.terms.join(" "));
    return [{ match_phrase: { searchTitle: { query: phrase, boost: 3 } } }, { match_phrase: { searchText: { query: phrase } } }];
  });
  const actions = [...new Set(alternatives.flatMap((x) => (x.action ? [x.action] : [])))];
  const byAction = actions.length ? [{ constant_score: { filter: { terms: { actions } }, boost: 0 } }] : [];
  return { bool: { should: [...phrases, ...byAction], minimum_should_match: 1 } };
}
