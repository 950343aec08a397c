import type Database from "better-sqlite3";
import { hammingDistance, simhashBands, type StoredArticle } from "@regradar/shared";
import {
  analyzeTerms, parseSearchText, DEFAULT_SEARCH_LIMIT, FACET_FIELDS, FACET_SIZE,
  type FacetField, type QueryClause, type SearchQuery, type SearchResult,
} from "../search/query-language.js";
import { contentFingerprint, type ArticleStore, type UpsertDocument, type UpsertOutcome } from "../article-store.js";
import { highlightFragments, matcherFor } from "../search/highlight.js";

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
-- Title and text arrive pre-tokenised (CJK one character per token, as Elasticsearch's
-- standard analyzer does), so unicode61 finds Chinese words as phrases of characters.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS facets (field TEXT NOT NULL, value TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (field, value, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_rid ON facets(rid);
CREATE TABLE IF NOT EXISTS simhash_bands (band TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (band, rid)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS simhash_bands_rid ON simhash_bands(rid);
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

const FILTER_FIELDS: Array<[keyof SearchQuery, FacetField]> = [
  ["jurisdictions", "jurisdictions"], ["authorities", "authorities"], ["actions", "actions"],
  ["entities", "entities"], ["sources", "sources"], ["langs", "langs"],
];

const ftsPhrase = (c: QueryClause) => `"${c.terms.join(" ").replace(/"/g, '""')}"`;

const alternativesOf = (c: QueryClause) => [c, ...(c.alternatives ?? [])];
const ftsAny = (clauses: QueryClause[]) => clauses.flatMap(alternativesOf).map(ftsPhrase).join(" OR ");

/**
 * SQL conditions for the text part of a query: plain clauses in one FTS5 MATCH; a clause that
 * names an action matches its words or the extracted action; excluded clauses in one NOT IN.
 */
function textConditions(clauses: QueryClause[]): { where: string[]; params: unknown[]; rankMatch: string | null } {
  const where: string[] = [];
  const params: unknown[] = [];
  const positive = clauses.filter((c) => !c.negated);
  const plain = positive.filter((c) => !alternativesOf(c).some((a) => a.action));
  if (plain.length) {
    where.push("a.rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)");
    params.push(plain.map((c) => `(${alternativesOf(c).map(ftsPhrase).join(" OR ")})`).join(" AND "));
  }
  for (const c of positive.filter((x) => !plain.includes(x))) {
    const actions = alternativesOf(c).flatMap((a) => (a.action ? [a.action] : []));
    where.push(`(a.rid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)
      OR EXISTS (SELECT 1 FROM facets x WHERE x.rid = a.rid AND x.field = 'actions' AND x.value IN (${actions.map(() => "?").join(",")})))`);
    params.push(ftsAny([c]), ...actions);
  }
  const negative = clauses.filter((c) => c.negated);
  if (negative.length) {
    where.push("a.rid NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)");
    params.push(ftsAny(negative));
  }
  return { where, params, rankMatch: positive.length ? ftsAny(positive) : null };
}

const isBusy = (err: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((err as { code?: string }).code ?? "");

/** The embedded single-machine index: one SQLite file, WAL, FTS5. */
export class SqliteArticleStore implements ArticleStore {
  readonly kind = "sqlite" as const;

  /** The database belongs to whoever opened it (the composition root), which closes it. */
  constructor(private readonly db: Database.Database) {}

  async init(): Promise<void> {
    this.db.exec(SCHEMA);
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
    const delBands = this.db.prepare("DELETE FROM simhash_bands WHERE rid = ?");
    const insBand = this.db.prepare("INSERT OR IGNORE INTO simhash_bands (band, rid) VALUES (?, ?)");
    const now = new Date().toISOString();

    const write = this.db.transaction((batch: UpsertDocument[]) => {
      for (const doc of batch) {
        const fingerprint = contentFingerprint(doc);
        const existing = find.get(doc.id);
        if (existing && existing.fingerprint === fingerprint) { outcome.unchanged.push(doc.id); continue; }
        // The first copy of a story stays the original even if a later duplicate is re-indexed.
        const duplicateOf = existing ? existing.duplicate_of : doc.duplicateOf;
        const stored: StoredArticle = { ...doc, duplicateOf, indexedAt: now };
        const row = {
          id: doc.id, doc: JSON.stringify(stored), fingerprint, published_at: doc.publishedAt, indexed_at: now, source: doc.source,
          lang: doc.lang, relevant: doc.relevant ? 1 : 0, score: doc.score, content_hash: doc.contentHash, duplicate_of: duplicateOf,
        };
        let rid: number;
        if (existing) {
          rid = existing.rid;
          update.run({ ...row, rid });
          delFts.run(rid); delFacets.run(rid); delBands.run(rid);
          outcome.updated.push(doc.id);
        } else {
          rid = Number(insert.run(row).lastInsertRowid);
          outcome.created.push(doc.id);
        }
        insFts.run(rid, analyzeTerms(doc.title ?? "").join(" "), analyzeTerms(doc.text).join(" "));
        for (const [field, value] of facetValues(doc)) insFacet.run(field, value, rid);
        for (const band of simhashBands(doc.contentHash)) insBand.run(band, rid);
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
    const bands = simhashBands(contentHash);
    const rows = this.db.prepare<string[], { id: string; content_hash: string; indexed_at: string }>(
      `SELECT DISTINCT a.id, a.content_hash, a.indexed_at FROM simhash_bands b JOIN articles a ON a.rid = b.rid
       WHERE b.band IN (${bands.map(() => "?").join(",")}) ORDER BY a.indexed_at, a.rid`).all(...bands);
    return rows.filter((r) => hammingDistance(r.content_hash, contentHash) <= maxBits).map((r) => ({ id: r.id, indexedAt: r.indexed_at }));
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const clauses = parseSearchText(query.text ?? "");
    const text = textConditions(clauses);
    const where = [...text.where];
    const params: unknown[] = [...text.params];
    let from = "articles a";
    let rank = "0";
    if (text.rankMatch) {
      // Title matches weigh three times a body match, as the Elasticsearch query boosts title^3.
      // Documents matched only through an extracted action have no text score and rank last.
      from = "articles a LEFT JOIN (SELECT rowid, bm25(articles_fts, 3.0, 1.0) AS r FROM articles_fts WHERE articles_fts MATCH ?) rk ON rk.rowid = a.rid";
      params.unshift(text.rankMatch);
      rank = "coalesce(rk.r, 0)";
    }
    for (const [key, field] of FILTER_FIELDS) {
      const values = query[key] as string[] | undefined;
      if (!values?.length) continue;
      where.push(`EXISTS (SELECT 1 FROM facets x WHERE x.rid = a.rid AND x.field = ? AND x.value IN (${values.map(() => "?").join(",")}))`);
      params.push(field, ...values);
    }
    if (query.relevant !== undefined) { where.push("a.relevant = ?"); params.push(query.relevant ? 1 : 0); }
    if (query.since) { where.push("a.published_at >= ?"); params.push(new Date(query.since).toISOString()); }
    if (query.until) { where.push("a.published_at <= ?"); params.push(new Date(query.until).toISOString()); }
    if (query.collapseDuplicates) where.push("a.duplicate_of IS NULL");
    const whereSql = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const matched = `SELECT a.rid AS rid, ${rank} AS rank, a.published_at AS published_at FROM ${from} ${whereSql}`;

    this.db.exec("CREATE TEMP TABLE IF NOT EXISTS matched (rid INTEGER PRIMARY KEY, rank REAL, published_at TEXT)");
    this.db.exec("DELETE FROM temp.matched");
    this.db.prepare(`INSERT INTO temp.matched ${matched}`).run(...params);

    const total = (this.db.prepare("SELECT count(*) AS n FROM temp.matched").get() as { n: number }).n;
    const order = query.sort === "date" || !text.rankMatch
      ? "m.published_at IS NULL, m.published_at DESC, a.id"
      : "m.rank, m.published_at DESC, a.id";
    const limit = query.limit ?? DEFAULT_SEARCH_LIMIT;
    const rows = this.db.prepare<[number, number], { doc: string }>(
      `SELECT a.doc FROM temp.matched m JOIN articles a ON a.rid = m.rid ORDER BY ${order} LIMIT ? OFFSET ?`).all(limit, query.offset ?? 0);
    const matcher = matcherFor(clauses);
    const hits = rows.map((r) => {
      const d = JSON.parse(r.doc) as StoredArticle;
      return {
        id: d.id, title: d.title, url: d.url, source: d.source, publishedAt: d.publishedAt, relevant: d.relevant, score: d.score,
        jurisdictions: d.jurisdictions, authorities: d.authorities, actions: d.actions, entities: d.entities, duplicateOf: d.duplicateOf,
        highlights: [...highlightFragments(d.title ?? "", matcher, 1), ...highlightFragments(d.text, matcher, 3)],
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

  async scan(afterId: string | null, pageSize: number): Promise<StoredArticle[]> {
    const rows = this.db.prepare<[string, number], { doc: string }>("SELECT doc FROM articles WHERE id > ? ORDER BY id LIMIT ?").all(afterId ?? "", pageSize);
    return rows.map((r) => JSON.parse(r.doc) as StoredArticle);
  }

  async refresh(): Promise<void> {}

  async close(): Promise<void> {}
}
