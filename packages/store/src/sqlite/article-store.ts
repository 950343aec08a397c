import type Database from "better-sqlite3";
import { nearDuplicateKeyNumbers, nearDuplicateProbeNumbers, simhashWords, wordsDistance, type StoredArticle } from "@regradar/shared";
import { analyzeTerms } from "../search/analysis.js";
import { highlighterFor } from "../search/highlight.js";
import { searchHit } from "../search/hits.js";
import { DEFAULT_SEARCH_LIMIT, FACET_FIELDS, FACET_SIZE, type FacetField, type SearchQuery, type SearchResult } from "../search/query-language.js";
import { explainRank, planQuery, recencyBonus } from "../search/ranking.js";
import { serialiseArticle, type ArticleStore, type UpsertDocument, type UpsertOutcome } from "../article-store.js";
import { matchedSql } from "./search-query.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS articles (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  published_at TEXT,
  indexed_at TEXT NOT NULL,
  source TEXT NOT NULL,
  lang TEXT,
  relevant INTEGER NOT NULL,
  score REAL NOT NULL,
  content_hash TEXT NOT NULL,
  duplicate_of TEXT
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_at);
-- Title and text arrive analysed by search/analysis.ts (stems, CJK bigrams, folded forms), as the
-- Elasticsearch analyzer would leave them; unicode61 only splits them on the spaces between.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS facets (field TEXT NOT NULL, value TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (field, value, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_rid ON facets(rid);
-- Each key row carries its article's hash (two 32-bit halves), so a lookup rules out the chance
-- matches (one article in ~960 of the index) in the key index itself, without reading their rows.
CREATE TABLE IF NOT EXISTS near_copy_keys (key INTEGER NOT NULL, rid INTEGER NOT NULL, hash_hi INTEGER NOT NULL, hash_lo INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS near_copy_keys_rid ON near_copy_keys(rid);
`;

type Row = { rid: number; id: string; doc: string; fingerprint: string; indexed_at: string; duplicate_of: string | null };

const facetValues = (doc: UpsertDocument): Array<[FacetField, string]> => [
  ...doc.jurisdictions.map((v) => ["jurisdictions", v] as [FacetField, string]),
  ...doc.authorities.map((v) => ["authorities", v] as [FacetField, string]),
  ...doc.actions.map((v) => ["actions", v] as [FacetField, string]),
  ...doc.entities.map((e) => ["entities", e.name] as [FacetField, string]),
  ["sources", doc.source],
  ...(doc.lang ? [["langs", doc.lang] as [FacetField, string]] : []),
];

// Near-copy keys as older versions wrote them: 8-bit bands, then text keys without the hash.
const LEGACY_KEY_TABLES = ["simhash_bands", "near_duplicate_keys"];

/** The near-copy key rows of an article: (key, hash_hi, hash_lo), see nearDuplicateKeyNumbers. */
const copyKeyRows = (contentHash: string) => {
  const [hi, lo] = simhashWords(contentHash);
  return nearDuplicateKeyNumbers(contentHash).map((key) => [key, hi, lo] as const);
};

/** Bumped when analysis.ts changes what is indexed: init then rebuilds the full-text table. */
const ANALYSIS_VERSION = 2;

const ftsColumns = (d: Pick<StoredArticle, "title" | "text">): [string, string] => [analyzeTerms(d.title ?? "").join(" "), analyzeTerms(d.text).join(" ")];

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? "");

/** The embedded single-machine index: one SQLite file, WAL, FTS5. */
export class SqliteArticleStore implements ArticleStore {
  readonly kind = "sqlite" as const;

  /** The database belongs to whoever opened it (the composition root), which closes it. */
  constructor(private readonly db: Database.Database) {
    // The recency signal of search/ranking.ts, computed by the same function for SQL ranking and explanations.
    db.function("regradar_recency", { deterministic: true }, (publishedAt: unknown, now: unknown) => recencyBonus(publishedAt as string | null, Number(now)));
    db.function("regradar_hash_distance", { deterministic: true }, (aHi: unknown, aLo: unknown, bHi: unknown, bLo: unknown) =>
      wordsDistance(aHi as number, aLo as number, bHi as number, bLo as number));
  }

  // Prepared once (after init, when the tables exist): the indexer asks for every document it writes.
  // Candidates meet a probe (about one unrelated article in 960 does, so their number grows with the
  // index); the distance is checked on the key rows, so only true copies' articles are read and sorted
  // (with the check on the articles' rows, a lookup took 113 µs at 20,000 articles and 3.2 ms at a
  // million; now 55 µs and 0.55 ms).
  private nearDuplicatesStatement: Database.Statement<unknown[], { id: string; indexed_at: string }> | null = null;
  private nearDuplicatesOf() {
    return this.nearDuplicatesStatement ??= this.db.prepare(
      `SELECT a.id, a.indexed_at FROM articles a
       WHERE a.rid IN (SELECT rid FROM near_copy_keys WHERE key IN (${nearDuplicateProbeNumbers("0".repeat(16)).map(() => "?").join(",")})
         AND regradar_hash_distance(hash_hi, hash_lo, ?, ?) <= ?)
       ORDER BY a.indexed_at, a.rid`);
  }

  async init(): Promise<void> {
    this.db.exec(SCHEMA);
    // Indexes written by an older analysis get their full-text table rebuilt from the stored documents.
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version < ANALYSIS_VERSION) {
      this.db.transaction(() => {
        this.db.exec("DELETE FROM articles_fts");
        const insert = this.db.prepare("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)");
        // In pages, not iterate(): the connection cannot write while a read is open on it.
        const page = this.db.prepare<[number], { rid: number; doc: string }>("SELECT rid, doc FROM articles WHERE rid > ? ORDER BY rid LIMIT 500");
        for (let rows = page.all(0); rows.length > 0; rows = page.all(rows.at(-1)!.rid)) {
          for (const row of rows) insert.run(row.rid, ...ftsColumns(JSON.parse(row.doc) as StoredArticle));
        }
        this.db.pragma(`user_version = ${ANALYSIS_VERSION}`);
      })();
    }
    // Files keyed by an older version: key every stored article anew, drop the old keys. Checked under
    // the write lock, so two processes starting together convert the file once.
    this.db.transaction(() => {
      const legacy = LEGACY_KEY_TABLES.filter((name) => this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name));
      if (legacy.length === 0) return;
      const insert = this.db.prepare("INSERT OR IGNORE INTO near_copy_keys (key, rid, hash_hi, hash_lo) VALUES (?, ?, ?, ?)");
      // all(), not iterate(): the connection cannot write while a read is open on it. Two short columns per row.
      for (const row of this.db.prepare<[], { rid: number; content_hash: string }>("SELECT rid, content_hash FROM articles").all()) {
        for (const [key, hi, lo] of copyKeyRows(row.content_hash)) insert.run(key, row.rid, hi, lo);
      }
      for (const name of legacy) this.db.exec(`DROP TABLE ${name}`);
    }).immediate();
  }

  async upsertArticles(docs: UpsertDocument[]): Promise<UpsertOutcome> {
    const outcome: UpsertOutcome = { created: [], updated: [], unchanged: [], rejected: [] };
    const find = this.db.prepare<[string], Row>("SELECT rid, id, fingerprint, indexed_at, duplicate_of FROM articles WHERE id = ?");
    const insert = this.db.prepare(`INSERT INTO articles (id, doc, fingerprint, published_at, indexed_at, source, lang, relevant, score, content_hash, duplicate_of)
      VALUES (@id, @doc, @fingerprint, @published_at, @indexed_at, @source, @lang, @relevant, @score, @content_hash, @duplicate_of)`);
    const update = this.db.prepare(`UPDATE articles SET doc=@doc, fingerprint=@fingerprint, published_at=@published_at, indexed_at=@indexed_at, source=@source,
      lang=@lang, relevant=@relevant, score=@score, content_hash=@content_hash, duplicate_of=@duplicate_of WHERE rid=@rid`);
    const delFts = this.db.prepare("DELETE FROM articles_fts WHERE rowid = ?");
    const insFts = this.db.prepare("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)");
    const delFacets = this.db.prepare("DELETE FROM facets WHERE rid = ?");
    const insFacet = this.db.prepare("INSERT OR IGNORE INTO facets (field, value, rid) VALUES (?, ?, ?)");
    const delKeys = this.db.prepare("DELETE FROM near_copy_keys WHERE rid = ?");
    const insKey = this.db.prepare("INSERT OR IGNORE INTO near_copy_keys (key, rid, hash_hi, hash_lo) VALUES (?, ?, ?, ?)");
    const now = new Date().toISOString();

    const write = this.db.transaction((batch: UpsertDocument[]) => {
      for (const doc of batch) {
        const existing = find.get(doc.id);
        // The first copy of a story stays the original even if a later duplicate is re-indexed.
        const duplicateOf = existing ? existing.duplicate_of : doc.duplicateOf;
        const { json, fingerprint, content } = serialiseArticle(doc, { duplicateOf, indexedAt: now });
        // Rows written before the fingerprint was a hash hold the content itself.
        if (existing && (existing.fingerprint === fingerprint || existing.fingerprint === content)) { outcome.unchanged.push(doc.id); continue; }
        const row = {
          id: doc.id, doc: json, fingerprint, published_at: doc.publishedAt, indexed_at: now, source: doc.source,
          lang: doc.lang, relevant: doc.relevant ? 1 : 0, score: doc.score, content_hash: doc.contentHash, duplicate_of: duplicateOf,
        };
        let rid: number;
        if (existing) {
          rid = existing.rid;
          update.run({ ...row, rid });
          delFts.run(rid); delFacets.run(rid); delKeys.run(rid);
          outcome.updated.push(doc.id);
        } else {
          rid = Number(insert.run(row).lastInsertRowid);
          outcome.created.push(doc.id);
        }
        insFts.run(rid, ...ftsColumns(doc));
        for (const [field, value] of facetValues(doc)) insFacet.run(field, value, rid);
        for (const [key, hi, lo] of copyKeyRows(doc.contentHash)) insKey.run(key, rid, hi, lo);
      }
    });
    try {
      // IMMEDIATE takes the write lock before the first read: two processes upserting at once then wait
      // their turn (busy_timeout) instead of one failing at once when its read lock cannot be upgraded.
      write.immediate(docs);
    } catch (err) {
      // Another writer held the file past the busy timeout: transient, the queue retries the batch.
      if (isBusy(err)) throw err;
      // A failed transaction wrote nothing: report every document of the batch, never drop them.
      return { created: [], updated: [], unchanged: [], rejected: docs.map((d) => ({ id: d.id, reason: (err as Error).message })) };
    }
    return outcome;
  }

  async getArticles(ids: string[]): Promise<StoredArticle[]> {
    if (ids.length === 0) return [];
    const rows = this.db.prepare<string[], { doc: string }>(`SELECT doc FROM articles WHERE id IN (${ids.map(() => "?").join(",")})`).all(...ids);
    return rows.map((r) => JSON.parse(r.doc) as StoredArticle);
  }

  async findNearDuplicates(contentHash: string, maxBits: number): Promise<Array<{ id: string; indexedAt: string }>> {
    return this.nearDuplicatesOf().all(...nearDuplicateProbeNumbers(contentHash), ...simhashWords(contentHash), maxBits).map((r) => ({ id: r.id, indexedAt: r.indexed_at }));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const plan = planQuery(query.text ?? "");
    const now = Date.now();
    const matched = matchedSql(plan, query, now);
    this.db.exec("CREATE TEMP TABLE IF NOT EXISTS matched (rid INTEGER PRIMARY KEY, rank REAL, text_score REAL, proximity REAL, published_at TEXT)");
    this.db.exec("DELETE FROM temp.matched");
    this.db.prepare(matched.sql).run(...matched.params);

    const total = (this.db.prepare("SELECT count(*) AS n FROM temp.matched").get() as { n: number }).n;
    const order = query.sort === "date" || !plan.positive
      ? "m.published_at IS NULL, m.published_at DESC, a.id"
      : "m.rank DESC, m.published_at IS NULL, m.published_at DESC, a.id";
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    const rows = this.db.prepare<[number, number], { doc: string; text_score: number; proximity: number }>(
      `SELECT a.doc, m.text_score, m.proximity FROM temp.matched m JOIN articles a ON a.rid = m.rid ORDER BY ${order} LIMIT ? OFFSET ?`).all(limit, query.offset ?? 0);
    const highlighter = highlighterFor(plan);
    const hits = rows.map((r) => {
      const d = JSON.parse(r.doc) as StoredArticle;
      return {
        ...searchHit(d, highlighter),
        ...(query.explain && plan.positive ? { explanation: explainRank(plan, d, { text: r.text_score, proximity: r.proximity }, now) } : {}),
      };
    });

    const facets = Object.fromEntries(FACET_FIELDS.map((f) => [f, [] as Array<{ value: string; count: number }>])) as SearchResult["facets"];
    const facetRows = this.db.prepare<[], { field: FacetField; value: string; count: number }>(
      `SELECT x.field, x.value, count(*) AS count FROM temp.matched m JOIN facets x ON x.rid = m.rid GROUP BY x.field, x.value ORDER BY count DESC, x.value`).all();
    for (const r of facetRows) if (facets[r.field].length < FACET_SIZE) facets[r.field].push({ value: r.value, count: r.count });
    const histogram = this.db.prepare<[], { month: string; count: number }>(
      `SELECT substr(published_at, 1, 7) AS month, count(*) AS count FROM temp.matched WHERE published_at IS NOT NULL GROUP BY month ORDER BY month`).all();
    return { total, hits, facets, histogram };
  }

  async count(): Promise<number> {
    return (this.db.prepare("SELECT count(*) AS n FROM articles").get() as { n: number }).n;
  }

  async lastIndexedAt(): Promise<string | null> {
    return (this.db.prepare("SELECT max(indexed_at) AS t FROM articles").get() as { t: string | null }).t;
  }

  async scan(afterId: string | null, pageSize: number): Promise<StoredArticle[]> {
    const rows = this.db.prepare<[string, number], { doc: string }>("SELECT doc FROM articles WHERE id > ? ORDER BY id LIMIT ?").all(afterId ?? "", pageSize);
    return rows.map((r) => JSON.parse(r.doc) as StoredArticle);
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {}
}
