import { Client, errors, type estypes } from "@elastic/elasticsearch";
import { hammingDistance, nearDuplicateKeys, nearDuplicateProbes, type StoredArticle } from "@regradar/shared";
import { serialiseArticle, type ArticleStore, type UpsertDocument, type UpsertOutcome } from "../article-store.js";
import { highlighterFor } from "../search/highlight.js";
import { HIT_FIELDS, searchHit } from "../search/hits.js";
import { DEFAULT_SEARCH_LIMIT, FACET_FIELDS, type SearchQuery, type SearchResult } from "../search/query-language.js";
import { explainRank, planQuery } from "../search/ranking.js";
import { writeBulk, type BulkItem, type BulkResult } from "./bulk-writer.js";
import { ARTICLE_MAPPINGS, articleSettings, INDEX_VERSION } from "./mappings.js";
import { matchReplicas } from "./replicas.js";
import { ARTICLE_AGGREGATIONS, articleQuery, scoreParts } from "./search-query.js";

export interface ElasticsearchStoreOptions {
  /** The alias every read and write goes through; the index behind it is `<alias>-v<N>`. */
  index: string;
  /** Bytes per bulk request (default: the bulk helper's 5 MB). */
  flushBytes?: number;
  /** Copies of the shard on other nodes (default 0, what a single node can hold). */
  replicas?: number;
}

const NEAR_DUPLICATE_MAX_CANDIDATES = 10_000;
const UPGRADE_PAGE = 1_000;

/** Fields this store adds to each document; never part of what readers get back. */
const DERIVED_FIELDS = ["fingerprint", "entityNames", "nearDuplicateKeys"] as const;
/** Derived fields older index versions wrote, dropped when their documents are copied forward. */
const RETIRED_FIELDS = ["simhashBands", "searchTitle", "searchText"] as const;

/** What facets and near-copy lookups read, derived from the article. */
const derivedFields = (article: Pick<StoredArticle, "entities" | "contentHash">) =>
  ({ entityNames: [...new Set(article.entities.map((e) => e.name))], nearDuplicateKeys: nearDuplicateKeys(article.contentHash) });

/** The document as this store writes it: the article plus the fields facets and dedup read. */
export function indexedSource(article: StoredArticle, fingerprint: string): StoredArticle & Record<(typeof DERIVED_FIELDS)[number], unknown> {
  return { ...article, fingerprint, ...derivedFields(article) };
}

/** indexedSource, serialised once, with the content fingerprint it holds. */
export const indexedJson = (doc: UpsertDocument, written: { duplicateOf: string | null; indexedAt: string }) =>
  serialiseArticle(doc, written, (fingerprint) => ({ fingerprint, ...derivedFields(doc) }));

/** A document as an older index version stored it, with this version's derived fields instead. */
function upgradedSource(source: Record<string, unknown>): object {
  const article = { ...source };
  for (const field of [...DERIVED_FIELDS, ...RETIRED_FIELDS]) delete article[field];
  return indexedSource(article as unknown as StoredArticle, source.fingerprint as string);
}

type ExistingState = { fingerprint: string; indexedAt: string; duplicateOf: string | null };
type Refreshable = { written: number; refreshed: number };

const errorType = (err: unknown) => (err instanceof errors.ResponseError ? (err.body as { error?: { type?: string } } | undefined)?.error?.type : undefined);

/** The Elasticsearch index: a versioned index behind an alias, bulk writes, the shared search contract. */
export class ElasticsearchArticleStore implements ArticleStore {
  readonly kind = "elasticsearch" as const;
  readonly alias: string;
  private readonly writes: Refreshable = { written: 0, refreshed: 0 };
  private refreshing: Promise<void> | null = null;
  constructor(
    private readonly client: Client,
    private readonly opts: ElasticsearchStoreOptions,
  ) {
    this.alias = opts.index;
  }

  get indexName(): string {
    return `${this.alias}-v${INDEX_VERSION}`;
  }

  /**
   * Creates the template, then the index with its alias, unless the alias exists; an existing index gets
   * the configured replica count. Also how a deleted index comes back.
   */
  async init(): Promise<void> {
    const replicas = this.opts.replicas ?? 0;
    await this.client.indices.putIndexTemplate({
      name: `${this.alias}-template`,
      index_patterns: [`${this.alias}-v*`],
      // Above the built-in templates' 100, so nothing else shapes our indices.
      priority: 500,
      template: { settings: articleSettings(replicas), mappings: ARTICLE_MAPPINGS },
    });
    await this.ensureIndex();
    await matchReplicas(this.client, [this.indexName], replicas);
  }

  private async ensureIndex(): Promise<void> {
    const behind = await this.indicesBehindAlias();
    if (behind.includes(this.indexName)) return;
    if (behind.length) { await this.upgradeFrom(behind); return; }
    try {
      await this.client.indices.create({ index: this.indexName, aliases: { [this.alias]: { is_write_index: true } } });
    } catch (err) {
      const type = errorType(err);
      if (type === "invalid_alias_name_exception") {
        throw new Error(`${this.alias} exists as a plain index, not an alias: copy it elsewhere and delete it, or set another REGRADAR_ES_INDEX`, { cause: err });
      }
      // Another process created it first (the alias comes with the index, atomically).
      if (type !== "resource_already_exists_exception") throw err;
    }
    await this.client.cluster.health({ index: this.indexName, wait_for_status: "yellow", timeout: "30s" });
  }

  private async indicesBehindAlias(): Promise<string[]> {
    try {
      return Object.keys(await this.client.indices.getAlias({ name: this.alias }));
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 404) return [];
      throw err;
    }
  }

  /**
   * The alias points at an older version's index (INDEX_VERSION was bumped): builds the new index from the
   * template, copies every document into it (the node analyses them anew) and moves the alias in one step.
   * The old index is left for the operator to delete. Writers still running the old version while this
   * runs may write to the old index after it was copied: upgrade with the indexers stopped.
   */
  private async upgradeFrom(old: string[]): Promise<void> {
    try {
      await this.client.indices.create({ index: this.indexName });
    } catch (err) {
      if (errorType(err) !== "resource_already_exists_exception") throw err;
    }
    await this.client.cluster.health({ index: this.indexName, wait_for_status: "yellow", timeout: "30s" });
    let after: estypes.SortResults | undefined;
    for (;;) {
      const page = await this.client.search<Record<string, unknown>>({
        index: old, size: UPGRADE_PAGE, sort: [{ id: "asc" }], ...(after ? { search_after: after } : {}), track_total_hits: false,
      });
      const hits = page.hits.hits;
      if (hits.length === 0) break;
      const written = await writeBulk(this.client, this.indexName, hits.map((h) => ({ id: h._id!, source: upgradedSource(h._source!), outcome: "created" as const })), { inOrder: false, requireAlias: false });
      const failed = written.rejected.length + (written.transient?.count ?? 0);
      if (failed) throw new Error(`upgrading ${old.join(",")} to ${this.indexName}: ${failed} document(s) refused: ${written.rejected[0]?.reason ?? written.transient?.reason}`);
      after = hits[hits.length - 1]!.sort;
    }
    await this.client.indices.refresh({ index: this.indexName });
    try {
      await this.client.indices.updateAliases({ actions: [
        ...old.map((index) => ({ remove: { index, alias: this.alias } })),
        { add: { index: this.indexName, alias: this.alias, is_write_index: true } },
      ] });
    } catch (err) {
      // Another process moved it first.
      if (!(await this.indicesBehindAlias()).includes(this.indexName)) throw err;
    }
  }

  /**
   * New articles are the common case, so every first version of an id is written with `create`, which
   * Elasticsearch refuses (409) for an id it has. Only those refused, and repeats within the batch, are
   * read back and compared by fingerprint: reading every batch first (a realtime read, which refreshes
   * the shard when it holds unrefreshed writes) halved the indexing speed (scripts/bench-index.mjs).
   */
  async upsertArticles(docs: UpsertDocument[]): Promise<UpsertOutcome> {
    const outcome: UpsertOutcome = { created: [], updated: [], unchanged: [], rejected: [] };
    if (docs.length === 0) return outcome;
    const now = new Date().toISOString();
    const ids = new Set<string>();
    const firstVersions = new Set(docs.filter((d) => !ids.has(d.id) && ids.add(d.id)));
    const created = await this.writeRecreatingIndex([...firstVersions].map((doc) => (
      { id: doc.id, op: "create", outcome: "created", source: indexedJson(doc, { duplicateOf: doc.duplicateOf, indexedAt: now }).json })), false);
    outcome.created.push(...created.created);
    outcome.rejected.push(...created.rejected);

    const exists = new Set(created.conflicts.map((i) => i.id));
    const rest = docs.filter((d) => (firstVersions.has(d) ? exists.has(d.id) : true));
    if (rest.length === 0) return outcome;
    const known = await this.existingStates([...new Set(rest.map((d) => d.id))]);
    const items: BulkItem[] = [];
    for (const doc of rest) {
      const existing = known.get(doc.id);
      // The first copy of a story stays the original even if a later duplicate is re-indexed.
      const duplicateOf = existing ? existing.duplicateOf : doc.duplicateOf;
      const { json, fingerprint } = indexedJson(doc, { duplicateOf, indexedAt: now });
      if (existing && existing.fingerprint === fingerprint) { outcome.unchanged.push(doc.id); continue; }
      items.push({ id: doc.id, source: json, outcome: existing ? "updated" : "created" });
      known.set(doc.id, { fingerprint, indexedAt: now, duplicateOf });
    }
    // Two versions of one id in a batch must reach the index in order.
    const written = await this.writeRecreatingIndex(items, new Set(items.map((i) => i.id)).size < items.length);
    outcome.created.push(...written.created);
    outcome.updated.push(...written.updated);
    outcome.rejected.push(...written.rejected);
    return outcome;
  }

  /**
   * One bulk write. An index deleted under us is built again (template, index, alias) and what it
   * refused is written again; refusals for a passing reason throw, so the queue retries the batch
   * (replays of what was written are no-ops).
   */
  private async writeRecreatingIndex(items: BulkItem[], inOrder: boolean): Promise<BulkResult> {
    const write = (batch: BulkItem[]) => writeBulk(this.client, this.alias, batch, { inOrder, flushBytes: this.opts.flushBytes, requireAlias: true });
    let written = await write(items);
    if (written.missingIndex.length) {
      await this.init();
      const retried = await write(written.missingIndex);
      const transient = [written.transient, retried.transient].filter((t) => t !== null);
      written = {
        created: [...written.created, ...retried.created], updated: [...written.updated, ...retried.updated],
        rejected: [...written.rejected, ...retried.rejected], conflicts: [...written.conflicts, ...retried.conflicts],
        missingIndex: retried.missingIndex,
        transient: transient.length ? { count: transient.reduce((n, t) => n + t.count, 0), reason: transient[0]!.reason } : null,
      };
    }
    if (items.length) this.markWritten();
    if (written.transient) throw new Error(`Elasticsearch refused ${written.transient.count} document(s): ${written.transient.reason}`);
    if (written.missingIndex.length) throw new Error(`Elasticsearch index ${this.alias} disappeared again while writing`);
    return written;
  }

  private async existingStates(ids: string[]): Promise<Map<string, ExistingState>> {
    const out = new Map<string, ExistingState>();
    try {
      const res = await this.client.mget<ExistingState>({ index: this.alias, ids, _source_includes: ["fingerprint", "indexedAt", "duplicateOf"] });
      for (const d of res.docs) {
        if ("found" in d && d.found && d._source) out.set(d._id, d._source);
      }
    } catch (err) {
      // No index behind the alias (deleted under a running indexer): nothing exists; the write recreates it.
      if (errorType(err) !== "index_not_found_exception") throw err;
    }
    return out;
  }

  async getArticles(ids: string[]): Promise<StoredArticle[]> {
    if (ids.length === 0) return [];
    const res = await this.client.mget<StoredArticle>({ index: this.alias, ids, _source_excludes: [...DERIVED_FIELDS] });
    return res.docs.flatMap((d) => ("found" in d && d.found && d._source ? [d._source] : []));
  }

  async findNearDuplicates(contentHash: string, maxBits: number): Promise<Array<{ id: string; indexedAt: string }>> {
    await this.refreshIfStale();
    // Hashes within NEAR_DUPLICATE_BITS meet one of the probes (see nearDuplicateKeys).
    const res = await this.client.search<{ id: string; contentHash: string; indexedAt: string }>({
      index: this.alias,
      size: NEAR_DUPLICATE_MAX_CANDIDATES,
      query: { bool: { filter: [{ terms: { nearDuplicateKeys: nearDuplicateProbes(contentHash) } }] } },
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
    const plan = planQuery(query.text ?? "");
    const now = Date.now();
    const highlighter = highlighterFor(plan);
    const byRelevance = query.sort !== "date" && plan.positive;
    const res = await this.client.search<StoredArticle>({
      index: this.alias,
      query: articleQuery(plan, query, now),
      from: query.offset ?? 0,
      size: query.limit ?? DEFAULT_SEARCH_LIMIT,
      track_total_hits: true,
      ...(query.explain && byRelevance ? { include_named_queries_score: true } : {}),
      sort: [
        ...(byRelevance ? [{ _score: { order: "desc" as const } }] : []),
        { publishedAt: { order: "desc", missing: "_last" } },
        { id: { order: "asc" } },
      ],
      _source: highlighter ? [...HIT_FIELDS, "text"] : [...HIT_FIELDS],
      aggs: ARTICLE_AGGREGATIONS,
    });
    const hits = res.hits.hits.map((h) => ({
      ...searchHit(h._source!, highlighter),
      ...(query.explain && plan.positive ? { explanation: explainRank(plan, h._source!, scoreParts(h.matched_queries), now) } : {}),
    }));
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

  /**
   * Reads see this process's own writes, as they do in SQLite. Other processes see them after the node's
   * own periodic refresh (1 s by default; a shard nobody searched for 30 s refreshes when searched): a
   * refresh forced after every write made bulk indexing several times slower (scripts/bench-index.mjs).
   */
  private async refreshIfStale(): Promise<void> {
    if (this.writes.refreshed < this.writes.written || this.refreshing) await this.refresh();
  }

  private markWritten(): void {
    this.writes.written++;
  }

  async close(): Promise<void> {
    await this.refresh();
  }

  /** Deletes the index and template behind this alias: for tests and benchmarks. */
  async destroy(): Promise<void> {
    // By name: servers with action.destructive_requires_name refuse wildcard deletes.
    const indices = Object.keys(await this.client.indices.get({ index: `${this.alias}-v*`, allow_no_indices: true, ignore_unavailable: true }));
    if (indices.length > 0) await this.client.indices.delete({ index: indices });
    await this.client.indices.deleteIndexTemplate({ name: `${this.alias}-template` }, { ignore: [404] });
    this.writes.refreshed = this.writes.written;
  }
}
