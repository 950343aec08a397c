import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Client } from "@elastic/elasticsearch";
import { afterAll, beforeAll } from "vitest";
import { NEAR_DUPLICATE_BITS } from "@regradar/shared";
import type { SearchQuery, SearchResult } from "@regradar/store";
import { validateSubscription } from "@regradar/alerter";
import { analyzeTerms, contentFingerprint, ElasticsearchArticleStore, ElasticsearchSubscriptionStore, indexedJson, indexedSource, openSqliteDatabase, SqliteArticleStore, type ArticleStore, type ElasticsearchStoreOptions, type UpsertDocument } from "@regradar/store";
import {
  ALL, ORIGINALS, articleDoc, binancePh, chinese, koreaBan, priceTalk, secEtf, seed, seedCopy, undated,
} from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";

// One prefix per test file: indices and templates of parallel or earlier runs never collide.
const PREFIX = `rr-test-${randomUUID().slice(0, 8)}`;
let esClient: Client;
let tmpRoot: string;
let serial = 0;
const opened: ArticleStore[] = [];

beforeAll(async () => {
  esClient = new Client({ node: inject("elasticsearchUrl") });
  tmpRoot = await mkdtemp(path.join(os.tmpdir(), "regradar-contract-"));
});

afterAll(async () => {
  for (const store of opened) {
    await store.close();
    if (store.kind === "elasticsearch") await (store as ElasticsearchArticleStore).destroy();
  }
  await esClient.close();
  await rm(tmpRoot, { recursive: true, force: true });
});

interface StoreCase {
  name: "sqlite" | "elasticsearch";
  open(): Promise<ArticleStore>;
  /** A second handle on the same index, as another process (the API) would hold. */
  reader(store: ArticleStore): Promise<ArticleStore>;
}

const sqliteFiles = new WeakMap<ArticleStore, string>();

const STORES: StoreCase[] = [
  {
    name: "sqlite",
    async open() {
      const file = path.join(tmpRoot, `store-${++serial}.db`);
      const store = new SqliteArticleStore(openSqliteDatabase(file));
      await store.init();
      opened.push(store);
      sqliteFiles.set(store, file);
      return store;
    },
    async reader(store) {
      const reader = new SqliteArticleStore(openSqliteDatabase(sqliteFiles.get(store)!));
      opened.push(reader);
      return reader;
    },
  },
  {
    name: "elasticsearch",
    async open() {
      const store = new ElasticsearchArticleStore(esClient, { index: `${PREFIX}-${++serial}` });
      await store.init();
      opened.push(store);
      return store;
    },
    async reader(store) {
      // Not pushed to `opened`: destroying the writer's index is enough.
      return new ElasticsearchArticleStore(esClient, { index: (store as ElasticsearchArticleStore).alias });
    },
  },
];

/** The fixture set as the indexer would leave it: originals first, then the copy that points at its original. */
async function loaded(open: () => Promise<ArticleStore>): Promise<ArticleStore> {
  const store = await open();
  expect((await store.upsertArticles(ORIGINALS)).created).toHaveLength(ORIGINALS.length);
  expect((await store.upsertArticles([seedCopy])).created).toEqual([seedCopy.id]);
  return store;
}

const ids = (r: SearchResult) => r.hits.map((h) => h.id);
const idSet = (r: SearchResult) => [...ids(r)].sort();
const sorted = (...docs: UpsertDocument[]) => docs.map((d) => d.id).sort();
const ALL_BY_DATE = [priceTalk, secEtf, binancePh, koreaBan, seedCopy, seed, chinese, undated].map((d) => d.id);

describe.each(STORES)("ArticleStore contract: $name", ({ name, open, reader }) => {
  let store: ArticleStore;
  beforeAll(async () => { store = await loaded(open); });

  const search = (q: SearchQuery) => store.search({ limit: 100, ...q });

  describe("full text", () => {
    test("a Chinese word finds the articles that contain it, in Chinese and in English text", async () => {
      expect(idSet(await search({ text: "火币" }))).toEqual(sorted(seed, chinese, seedCopy));
    });

    test("traditional and full-width forms find the simplified and ASCII ones", async () => {
      expect(idSet(await search({ text: "火幣" }))).toEqual(sorted(seed, chinese, seedCopy));
      // 比特幣 is also the Bitcoin entity: articles carrying it match besides the Chinese text.
      expect(idSet(await search({ text: "比特幣" }))).toEqual(sorted(chinese, secEtf, priceTalk));
      expect(idSet(await search({ text: "比特幣" }))).toEqual(idSet(await search({ text: "比特币" })));
      expect(idSet(await search({ text: "ＵＰＢＩＴ" }))).toEqual(sorted(koreaBan));
    });

    test("Chinese words match as bigrams; quoted phrases as runs of characters", async () => {
      expect(idSet(await search({ text: "监管" }))).toEqual(sorted(chinese));
      expect(idSet(await search({ text: "\"监管要求\"" }))).toEqual(sorted(chinese));
      expect(idSet(await search({ text: "\"要求监管\"" }))).toEqual([]);
    });

    test("words are OR-ed: a document missing one is still found, documents with more of them rank first", async () => {
      expect(idSet(await search({ text: "nosuchword upbit" }))).toEqual(sorted(koreaBan));
      const r = await search({ text: "spot bitcoin etf" });
      expect(ids(r)[0]).toBe(secEtf.id);
      expect(idSet(r)).toEqual(sorted(secEtf, priceTalk, seed, seedCopy, koreaBan));
      expect(ids(await search({ text: "wechat telegram exchanges" })).slice(0, 2).sort()).toEqual(sorted(seed, seedCopy));
    });

    test("English words are stemmed: plurals and inflections find each other", async () => {
      expect(idSet(await search({ text: "licences" }))).toEqual(idSet(await search({ text: "licence" })));
      expect(idSet(await search({ text: "registering" }))).toEqual(idSet(await search({ text: "registered" })));
      expect(ids(await search({ text: "regulators approving" }))[0]).toBe(secEtf.id);
    });

    test("\"quoted phrases\" are required, their words in order", async () => {
      expect(idSet(await search({ text: "\"spot bitcoin\"" }))).toEqual(sorted(secEtf));
      expect(idSet(await search({ text: "\"exchange-traded funds\"" }))).toEqual(sorted(secEtf));
      expect(idSet(await search({ text: "\"spot bitcoin\" upbit" }))).toEqual(sorted(secEtf));
    });

    test("-term excludes, a | b and a OR b accept either", async () => {
      expect(idSet(await search({ text: "bitcoin -etf" }))).toEqual(sorted(seed, seedCopy, priceTalk, koreaBan));
      expect(idSet(await search({ text: "bitcoin -\"spot bitcoin\" -telegram" }))).toEqual(sorted(priceTalk, koreaBan));
      expect(idSet(await search({ text: "binance | upbit" }))).toEqual(sorted(binancePh, koreaBan));
      expect(idSet(await search({ text: "binance OR upbit" }))).toEqual(sorted(binancePh, koreaBan));
    });

    test("only exclusions: everything else, newest first", async () => {
      const r = await search({ text: "-bitcoin" });
      expect(ids(r)).toEqual([binancePh, chinese, undated].map((d) => d.id));
    });

    test("what the query names through the taxonomy finds documents whose extracted fields carry it", async () => {
      // 美国证监会 is nowhere in the text: the authority it names is in secEtf's extracted fields.
      expect(idSet(await search({ text: "美国证监会" }))).toEqual(sorted(secEtf));
      const shut = await search({ text: "exchange ordered to shut down", explain: true });
      expect(ids(shut).slice(0, 2).sort()).toEqual(sorted(seed, seedCopy));
      // The Chinese article shares no word with the query: it is found by its extracted action.
      expect(shut.hits.find((h) => h.id === chinese.id)!.explanation!.concepts)
        .toEqual([expect.objectContaining({ field: "actions", value: "shutdown_order", surface: "ordered to shut down" })]);
      expect(idSet(await search({ text: "shutdown -wechat" }))).toEqual(sorted(chinese));
    });

    test("explain: the parts of each hit's score add up to it, in rank order", async () => {
      const r = await search({ text: "bitcoin exchanges 火币", explain: true });
      const scores = r.hits.map((h) => h.explanation!.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const h of r.hits) {
        const e = h.explanation!;
        expect(e.text + e.proximity + e.concepts.reduce((n, c) => n + c.bonus, 0) + e.relevance + e.recency).toBeCloseTo(e.score, 2);
      }
      expect(r.hits.find((h) => h.id === chinese.id)!.explanation!.concepts.map((c) => c.value)).toEqual(["Huobi"]);
      expect((await search({ text: "bitcoin" })).hits[0]).not.toHaveProperty("explanation");
    });

    test("diacritics fold", async () => {
      expect(idSet(await search({ text: "regulateur" }))).toEqual(sorted(undated));
    });

    test("title matches count more", async () => {
      const r = await search({ text: "binance" });
      expect(idSet(r)).toEqual(sorted(binancePh));
      const beijing = await search({ text: "beijing" });
      // Beijing names CN: the Chinese article (北京) matches through its jurisdiction, after the text matches.
      expect(ids(beijing).slice(0, 2).sort()).toEqual(sorted(seed, seedCopy));
      expect(idSet(beijing)).toEqual(sorted(seed, seedCopy, chinese));
    });
  });

  describe("filters", () => {
    test.each<[string, SearchQuery, UpsertDocument[]]>([
      ["jurisdictions", { jurisdictions: ["CN"] }, [seed, chinese, seedCopy]],
      ["jurisdictions (any of)", { jurisdictions: ["PH", "KR"] }, [binancePh, koreaBan]],
      ["authorities", { authorities: ["U.S. Securities and Exchange Commission"] }, [secEtf]],
      ["actions", { actions: ["licensing"] }, [secEtf, undated]],
      ["entities", { entities: ["Huobi"] }, [seed, chinese, seedCopy]],
      ["entities, in any case", { entities: ["huobi"] }, [seed, chinese, seedCopy]],
      ["authorities, in any case", { authorities: ["u.s. securities and exchange commission"] }, [secEtf]],
      ["sources", { sources: ["news.example.com"] }, [seed, binancePh, undated]],
      ["langs", { langs: ["zh"] }, [chinese]],
      ["relevant: false", { relevant: false }, [priceTalk]],
      ["relevant: true", { relevant: true }, ALL.filter((d) => d !== priceTalk)],
      ["since/until", { since: "2018-01-01", until: "2023-12-31T23:59:59Z" }, [koreaBan, binancePh]],
      ["since only", { since: "2024-01-11T00:00:00Z" }, [priceTalk]],
      ["filters and text together", { text: "exchanges", jurisdictions: ["CN"], actions: ["platform_liability"] }, [seed, seedCopy]],
    ])("%s", async (_label, query, expected) => {
      const r = await search(query);
      expect(idSet(r)).toEqual(sorted(...expected));
      expect(r.total).toBe(expected.length);
    });
  });

  test("sort by date: newest first, undated last", async () => {
    expect(ids(await search({ sort: "date" }))).toEqual(ALL_BY_DATE);
    expect(ids(await search({ text: "exchanges", sort: "date" }))).toEqual(ALL_BY_DATE.filter((id) => id !== chinese.id));
    expect(ids(await search({ text: "bitcoin", sort: "date" }))).toEqual([priceTalk, secEtf, koreaBan, seedCopy, seed].map((d) => d.id));
  });

  test("pagination: limit and offset over a stable order, total counts every match", async () => {
    const page = await store.search({ sort: "date", limit: 3, offset: 3 });
    expect(page.total).toBe(ALL.length);
    expect(ids(page)).toEqual(ALL_BY_DATE.slice(3, 6));
    expect(ids(await store.search({ sort: "date", limit: 3, offset: 6 }))).toEqual(ALL_BY_DATE.slice(6));
    expect(ids(await store.search({}))).toHaveLength(ALL.length);
    // Past the end, even far past Elasticsearch's default result window: empty page, same total.
    expect(await store.search({ offset: 50_000, limit: 1_000 })).toMatchObject({ total: ALL.length, hits: [] });
  });

  test("highlights wrap matches in <mark> and escape the rest", async () => {
    const r = await search({ text: "火币" });
    const hit = r.hits.find((h) => h.id === seed.id)!;
    expect(hit.highlights.join(" ")).toContain("<mark>火币</mark>");
    const etf = (await search({ text: "bitcoin" })).hits.find((h) => h.id === secEtf.id)!;
    expect(etf.highlights[0]).toBe("SEC approves spot <mark>bitcoin</mark> ETF applications");
    expect(etf.highlights.join(" ")).toContain("&amp; investors");
    expect(etf.highlights.join(" ")).toContain("&lt;they warned&gt;");
    expect((await search({ jurisdictions: ["US"] })).hits[0]!.highlights).toEqual([]);
  });

  test("hits carry the article's facets and its duplicate link", async () => {
    const r = await search({ text: "wechat", sort: "date" });
    expect(r.hits.map((h) => [h.id, h.duplicateOf])).toEqual([[seedCopy.id, seed.id], [seed.id, null]]);
    const hit = r.hits[1]!;
    expect(hit).toMatchObject({
      title: seed.title, url: seed.url, source: "news.example.com", publishedAt: seed.publishedAt, relevant: true, score: seed.score,
      jurisdictions: ["CN"], authorities: seed.authorities, actions: seed.actions, entities: seed.entities,
    });
  });

  test("facet counts over the matches, most frequent first", async () => {
    const all = await search({});
    expect(all.facets.jurisdictions).toEqual([
      { value: "CN", count: 3 }, { value: "JP", count: 1 }, { value: "KR", count: 1 }, { value: "PH", count: 1 }, { value: "US", count: 1 },
    ]);
    expect(all.facets.entities.slice(0, 4)).toEqual([
      { value: "Huobi", count: 3 }, { value: "OKCoin", count: 3 }, { value: "BTCChina", count: 2 }, { value: "Bitcoin", count: 2 },
    ]);
    expect(all.facets.sources).toEqual([
      { value: "news.example.com", count: 3 }, { value: "asia.example.net", count: 1 }, { value: "cn.example.cn", count: 1 },
      { value: "markets.example.com", count: 1 }, { value: "sec.example.org", count: 1 }, { value: "syndicate.example.net", count: 1 },
    ]);
    expect(all.facets.langs).toEqual([{ value: "en", count: 7 }, { value: "zh", count: 1 }]);
    const cn = await search({ text: "bitcoin", jurisdictions: ["CN"] });
    expect(cn.facets.actions).toEqual([{ value: "platform_liability", count: 2 }, { value: "shutdown_order", count: 2 }]);
    expect(cn.facets.authorities).toEqual([{ value: "People's Bank of China", count: 2 }]);
  });

  test("month histogram of publication, oldest first, undated left out", async () => {
    expect((await search({})).histogram).toEqual([
      { month: "2017-09", count: 3 }, { month: "2018-01", count: 1 }, { month: "2023-11", count: 1 }, { month: "2024-01", count: 2 },
    ]);
    expect((await search({ text: "bitcoin" })).histogram).toEqual([
      { month: "2017-09", count: 2 }, { month: "2018-01", count: 1 }, { month: "2024-01", count: 2 },
    ]);
  });

  test("collapseDuplicates hides the copies", async () => {
    expect(idSet(await search({ text: "wechat", collapseDuplicates: true }))).toEqual(sorted(seed));
    expect((await search({ collapseDuplicates: true })).total).toBe(ALL.length - 1);
  });

  test("count, getArticles round trip, scan in id order a page at a time", async () => {
    expect(await store.count()).toBe(ALL.length);
    const [stored] = await store.getArticles([seed.id]);
    expect(stored).toEqual({ ...seed, indexedAt: expect.any(String) });
    expect(await store.getArticles([])).toEqual([]);
    expect(await store.getArticles(["0".repeat(32)])).toEqual([]);

    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const batch = await store.scan(after, 3);
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(3);
      seen.push(...batch.map((d) => d.id));
      after = batch[batch.length - 1]!.id;
    }
    expect(seen).toEqual(ALL.map((d) => d.id).sort());
    const copy = (await store.scan(null, 100)).find((d) => d.id === seedCopy.id)!;
    expect(copy).toEqual({ ...seedCopy, indexedAt: expect.any(String) });
  });

  test("findNearDuplicates: key candidates confirmed by Hamming distance, oldest first", async () => {
    const near = await store.findNearDuplicates(seedCopy.contentHash, NEAR_DUPLICATE_BITS);
    expect(near.map((n) => n.id)).toEqual([seed.id, seedCopy.id]);
    expect(near[0]!.indexedAt <= near[1]!.indexedAt).toBe(true);
    expect(await store.findNearDuplicates(secEtf.contentHash, 0)).toEqual([{ id: secEtf.id, indexedAt: expect.any(String) }]);
    // Every bit flipped: meets no key of anything.
    const inverted = [...secEtf.contentHash].map((c) => (15 - parseInt(c, 16)).toString(16)).join("");
    expect(await store.findNearDuplicates(inverted, NEAR_DUPLICATE_BITS)).toEqual([]);
  });

  describe("upserts", () => {
    test("created, then unchanged on replay (nothing rewritten, indexedAt kept), then updated on a content change", async () => {
      const s = await open();
      const first = await s.upsertArticles([secEtf, priceTalk]);
      expect(first).toEqual({ created: [secEtf.id, priceTalk.id], updated: [], unchanged: [], rejected: [] });
      const [before] = await s.getArticles([secEtf.id]);

      // A replay, even one fetched again later, changes nothing.
      const replay = await s.upsertArticles([{ ...secEtf, fetchedAt: "2024-03-01T00:00:00.000Z" }, priceTalk]);
      expect(replay).toEqual({ created: [], updated: [], unchanged: [secEtf.id, priceTalk.id], rejected: [] });
      const [after] = await s.getArticles([secEtf.id]);
      expect(after).toEqual(before);

      const edited = { ...secEtf, title: "SEC approves eleven spot bitcoin ETFs" };
      const third = await s.upsertArticles([edited, binancePh]);
      expect(third).toEqual({ created: [binancePh.id], updated: [secEtf.id], unchanged: [], rejected: [] });
      expect((await s.getArticles([secEtf.id]))[0]!.title).toBe(edited.title);
      expect(ids(await s.search({ text: "eleven" }))).toEqual([secEtf.id]);
      expect(await s.count()).toBe(3);
    });

    test("an update keeps the duplicate link decided when the article was first stored", async () => {
      const s = await open();
      await s.upsertArticles([seed]);
      await s.upsertArticles([seedCopy]);
      const out = await s.upsertArticles([{ ...seedCopy, title: "China: exchanges told to stop trading", duplicateOf: null }]);
      expect(out.updated).toEqual([seedCopy.id]);
      expect((await s.getArticles([seedCopy.id]))[0]!.duplicateOf).toBe(seed.id);
    });

    test("an indexed article is searchable right away", async () => {
      const s = await open();
      await s.upsertArticles([koreaBan]);
      expect(ids(await s.search({ text: "upbit" }))).toEqual([koreaBan.id]);
      await s.refresh();
      expect(await s.count()).toBe(1);
    });

    test("another process sees a write within the node's refresh interval (1 s), without an explicit refresh", async () => {
      const s = await open();
      const other = await reader(s);
      await s.upsertArticles([binancePh]);
      const written = Date.now();
      let visible = 0;
      while (visible === 0 && Date.now() - written < 5_000) visible = (await other.search({ text: "binance" })).total;
      expect(visible).toBe(1);
      // The interval, plus the searches' round trips on a loaded test machine.
      expect(Date.now() - written).toBeLessThan(3_000);
    });

    test("a document the store cannot hold is reported in rejected with a reason, never dropped", async () => {
      const s = await open();
      const good = articleDoc({ url: "https://news.example.com/ok", title: "Fine", text: "A fine article about bitcoin.", publishedAt: "2024-01-01T00:00:00.000Z" });
      if (name === "elasticsearch") {
        // An impossible date from a lax feed parser violates the date mapping; a field the mapping does not
        // know (a newer writer than the index) violates `dynamic: strict`. Only those two are refused.
        const badDate = articleDoc({ url: "https://news.example.com/feb-30", title: "Bad date", text: "x", publishedAt: "2017-02-30T08:00:00Z" });
        const extraField = { ...articleDoc({ url: "https://news.example.com/extra", title: "Extra", text: "y", publishedAt: null }), sentiment: "negative" } as UpsertDocument;
        const out = await s.upsertArticles([badDate, good, extraField]);
        expect(out.created).toEqual([good.id]);
        expect(out.rejected.map((r) => r.id)).toEqual([badDate.id, extraField.id]);
        expect(out.rejected[0]!.reason).toMatch(/publishedAt.*date|date.*publishedAt/is);
        expect(out.rejected[1]!.reason).toMatch(/strict_dynamic_mapping_exception.*sentiment/);
        expect(await s.count()).toBe(1);
      } else {
        // SQLite stores dates and extra fields as text; what it refuses is a row breaking its constraints
        // (here a document without a source), and the transaction then fails the whole batch.
        const noSource = { ...articleDoc({ url: "https://news.example.com/nosource", title: "No source", text: "z", publishedAt: null }), source: null } as unknown as UpsertDocument;
        const out = await s.upsertArticles([good, noSource]);
        expect(out.created).toEqual([]);
        expect(out.rejected.map((r) => r.id)).toEqual([good.id, noSource.id]);
        expect(out.rejected[1]!.reason).toMatch(/NOT NULL.*source/);
        expect(await s.count()).toBe(0);
      }
    });
  });
});

describe("both stores find the same documents", () => {
  // Ranking differs in detail between the stores (Lucene scores BM25 per field, FTS5 over the row), so the
  // order of relevance-ranked hits is not compared; everything else is.
  const QUERIES: SearchQuery[] = [
    {}, { text: "火币" }, { text: "火幣" }, { text: "比特幣" }, { text: "监管" }, { text: "exchanges", sort: "date" }, { text: "bitcoin -etf", sort: "date" },
    { text: "binance | upbit", sort: "date" }, { text: "\"spot bitcoin\"" }, { jurisdictions: ["CN"], sort: "date", limit: 2, offset: 1 },
    { text: "trading", since: "2017-09-16", until: "2018-12-31", sort: "date" }, { relevant: true, collapseDuplicates: true, sort: "date" },
    { text: "-bitcoin" }, { text: "exchange licence", entities: ["Binance"], sort: "date" }, { text: "ban | shutdown", sort: "date" }, { text: "licence" },
    { text: "美国证监会" }, { text: "exchange ordered to shut down" }, { text: "crypto tax rules" }, { text: "regulators warn investors" },
    { text: "中国 比特币 监管" }, { text: "wechat telegram bitcoin" }, { text: "ＵＰＢＩＴ" }, { text: "regulateur" }, { text: "the" },
  ];

  test("for every query: totals, hits (date order; sets for relevance), highlights, facets, histogram", async () => {
    const [sqlite, es] = [await loaded(STORES[0]!.open), await loaded(STORES[1]!.open)];
    for (const q of QUERIES) {
      const [a, b] = [await sqlite.search({ limit: 100, ...q }), await es.search({ limit: 100, ...q })];
      const byId = (r: SearchResult) => (q.sort === "date" || !q.text ? r.hits : [...r.hits].sort((x, y) => x.id.localeCompare(y.id)));
      expect({ q, total: b.total, hits: byId(b), facets: b.facets, histogram: b.histogram })
        .toEqual({ q, total: a.total, hits: byId(a), facets: a.facets, histogram: a.histogram });
    }
  });
});

describe("SQLite specifics", () => {
  // As older versions left the file: 8-bit bands, or text keys without the hash; no current keys.
  test.each([
    ["8-bit simhash bands", "simhash_bands (band TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (band, rid)) WITHOUT ROWID"],
    ["text near-duplicate keys", "near_duplicate_keys (key TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID"],
  ])("a file keyed with %s is keyed anew at start-up, and finds its copies again", async (_format, legacyTable) => {
    const store = await STORES[0]!.open();
    await store.upsertArticles([seed, seedCopy, secEtf]);
    const db = openSqliteDatabase(sqliteFiles.get(store)!);
    db.exec(`DELETE FROM near_copy_keys; CREATE TABLE ${legacyTable}`);
    db.close();
    expect(await store.findNearDuplicates(seedCopy.contentHash, NEAR_DUPLICATE_BITS)).toEqual([]);
    const reopened = await STORES[0]!.reader(store);
    await reopened.init();
    expect((await reopened.findNearDuplicates(seedCopy.contentHash, NEAR_DUPLICATE_BITS)).map((n) => n.id)).toEqual([seed.id, seedCopy.id]);
    expect(await reopened.findNearDuplicates(secEtf.contentHash, NEAR_DUPLICATE_BITS)).toEqual([expect.objectContaining({ id: secEtf.id })]);
    const check = openSqliteDatabase(sqliteFiles.get(store)!);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = ?").get(legacyTable.split(" ")[0])).toBeUndefined();
    check.close();
  });

  test("rows from before fingerprints were hashes (the content itself) are still recognised: a replay is unchanged", async () => {
    const store = await STORES[0]!.open();
    await store.upsertArticles([seed]);
    const db = openSqliteDatabase(sqliteFiles.get(store)!);
    db.prepare("UPDATE articles SET fingerprint = ? WHERE id = ?").run(contentFingerprint(seed), seed.id);
    db.close();
    expect(await store.upsertArticles([seed])).toMatchObject({ unchanged: [seed.id], updated: [] });
    expect(await store.upsertArticles([{ ...seed, title: "Changed" }])).toMatchObject({ updated: [seed.id] });
  });

  test("a file indexed by an older analysis gets its full-text table rebuilt at start-up", async () => {
    const store = await STORES[0]!.open();
    await store.upsertArticles([seed, chinese, secEtf]);
    const db = openSqliteDatabase(sqliteFiles.get(store)!);
    db.exec("DELETE FROM articles_fts; PRAGMA user_version = 1");
    const indexedRows = () => (db.prepare("SELECT count(*) AS n FROM articles_fts").get() as { n: number }).n;
    expect(indexedRows()).toBe(0);
    const reopened = await STORES[0]!.reader(store);
    await reopened.init();
    expect(indexedRows()).toBe(3);
    db.close();
    expect(idSet(await reopened.search({ text: "比特幣" }))).toEqual(sorted(chinese, secEtf));
  });
});

describe("Elasticsearch specifics", () => {
  const url = () => inject("elasticsearchUrl");
  const fresh = (extra: Partial<ElasticsearchStoreOptions> = {}) => {
    const store = new ElasticsearchArticleStore(esClient, { index: `${PREFIX}-${++serial}`, ...extra });
    opened.push(store);
    return store;
  };
  const block = (store: ElasticsearchArticleStore, on: boolean) =>
    esClient.indices.putSettings({ index: store.alias, settings: { "index.blocks.read_only_allow_delete": on ? true : null } });

  test("init is idempotent and race-safe: one versioned index behind the alias, built from the template", async () => {
    const a = fresh();
    const b = new ElasticsearchArticleStore(esClient, { index: a.alias });
    await Promise.all([a.init(), b.init(), a.init()]);
    await a.init();
    const aliases = await esClient.indices.getAlias({ name: a.alias });
    expect(Object.keys(aliases)).toEqual([a.indexName]);
    const index = (await esClient.indices.get({ index: a.alias }))[a.indexName]!;
    expect(index.settings?.index?.number_of_replicas).toBe("0");
    expect(index.mappings?.dynamic).toBe("strict");
    // Title and text are analysed by Elasticsearch itself; no pre-analysed copy is stored.
    expect(index.mappings?.properties?.text).toMatchObject({ type: "text", analyzer: "regradar_text" });
    expect(index.mappings?.properties).not.toHaveProperty("searchText");
    expect((await esClient.indices.getIndexTemplate({ name: `${a.alias}-template` })).index_templates[0]!.index_template.index_patterns).toEqual([`${a.alias}-v*`]);
  });

  test("init brings existing indices to the configured replica count (REGRADAR_ES_REPLICAS changed)", async () => {
    const replicasOf = async (index: string | string[]) => Object.values(await esClient.indices.getSettings({ index, name: "index.number_of_replicas", flat_settings: true }))
      .map((s) => (s.settings as Record<string, unknown>)["index.number_of_replicas"]);
    const articles = fresh();
    await articles.init();
    // One node cannot place the replica: the index goes yellow, which init accepts.
    await new ElasticsearchArticleStore(esClient, { index: articles.alias, replicas: 1 }).init();
    expect(await replicasOf(articles.alias)).toEqual(["1"]);

    const indices = { subscriptionsIndex: `${PREFIX}-subs-${++serial}`, alertsIndex: `${PREFIX}-alerts-${serial}`, deliveriesIndex: `${PREFIX}-deliveries-${serial}` };
    const subs = new ElasticsearchSubscriptionStore(esClient, indices);
    await subs.init();
    try {
      await new ElasticsearchSubscriptionStore(esClient, { ...indices, replicas: 1 }).init();
      expect(await replicasOf(Object.values(indices))).toEqual(["1", "1", "1"]);
    } finally {
      await subs.drop();
    }
  });

  test("the node's analyzer and the Node-side analysis SQLite and the alerter use give the same tokens", async () => {
    const store = fresh();
    await store.init();
    const texts = [
      "The SEC's regulators banned crypto exchanges; Binance's licences were revoked by the régulateur.",
      "中國人民銀行要求比特幣交易平臺停止交易，火幣和OKCoin表示將遵守監管要求。",
      "ＢＩＴＣＯＩＮ ＥＴＦ 獲批 2024年1月10日 美国证监会批准现货比特币ETF",
      "Do Kwon's Terraform Labs agreed to pay $4.47 billion; investors were warned about on-chain staking yields.",
    ];
    for (const text of texts) {
      const res = await esClient.indices.analyze({ index: store.alias, analyzer: "regradar_text", text });
      expect({ text, tokens: (res.tokens ?? []).map((t) => t.token) }).toEqual({ text, tokens: analyzeTerms(text) });
    }
  });

  test("init refuses, with a clear message, a plain index where the alias should be", async () => {
    const store = fresh();
    await esClient.indices.create({ index: store.alias });
    try {
      await expect(store.init()).rejects.toThrow(`${store.alias} exists as a plain index, not an alias`);
    } finally {
      await esClient.indices.delete({ index: store.alias });
    }
  });

  test("items refused as 429 fail the batch (transient: the queue retries it); a replay then completes it", async () => {
    // The flood-stage disk block answers every write with 429, like a full write queue.
    const store = fresh();
    await store.init();
    await block(store, true);
    await expect(store.upsertArticles([seed, chinese])).rejects.toThrow(/refused 2 document\(s\): status 429/);
    await block(store, false);
    expect(await store.upsertArticles([seed, chinese])).toEqual({ created: [seed.id, chinese.id], updated: [], unchanged: [], rejected: [] });
  });

  test("an index deleted under a running writer is recreated (template, index, alias) and writes continue", async () => {
    const store = fresh();
    await store.init();
    expect((await store.upsertArticles([seed])).created).toEqual([seed.id]);
    await esClient.indices.delete({ index: store.indexName });
    await esClient.indices.deleteIndexTemplate({ name: `${store.alias}-template` });
    expect((await store.upsertArticles([chinese, secEtf])).created).toEqual([chinese.id, secEtf.id]);
    expect(Object.keys(await esClient.indices.getAlias({ name: store.alias }))).toEqual([store.indexName]);
    expect((await esClient.indices.get({ index: store.indexName }))[store.indexName]!.mappings?.dynamic).toBe("strict");
    expect(idSet(await store.search({ text: "比特幣" }))).toEqual(sorted(chinese, secEtf));
    // The index came back as the template shapes it, so the analysis is the distribution's again.
    await expect(esClient.indices.getIndexTemplate({ name: `${store.alias}-template` })).resolves.toBeTruthy();
  });

  test("each document is serialised once: its JSON holds what indexedSource holds, its fingerprint is the one older writes stored", () => {
    const written = { duplicateOf: seed.id, indexedAt: "2024-03-01T00:00:00.000Z" };
    const { json, fingerprint } = indexedJson(seedCopy, written);
    // The same hash of the same content as before, so replaying an article indexed earlier finds it unchanged.
    expect(fingerprint).toBe(createHash("sha256").update(contentFingerprint(seedCopy)).digest("base64url"));
    expect(JSON.parse(json)).toEqual(indexedSource({ ...seedCopy, ...written }, fingerprint));
    // A stored article handed back in as it is (its own indexedAt on it) still makes one indexedAt, the new one.
    const again = indexedJson({ ...seedCopy, indexedAt: "2020-01-01T00:00:00.000Z" } as UpsertDocument, written);
    expect(again.json.match(/"indexedAt"/g)).toHaveLength(1);
    expect(again.fingerprint).toBe(fingerprint);
  });

  test("an index of an older version behind the alias is upgraded: new index from the template, documents copied, alias moved", async () => {
    const store = fresh();
    const old = `${store.alias}-v1`;
    // As version 1 left it: the standard analyzer, ids as keywords, the document and that version's derived
    // fields in _source (8-bit simhash bands and a pre-analysed copy of the text, where this version has keys).
    await esClient.indices.create({ index: old, aliases: { [store.alias]: { is_write_index: true } }, mappings: { properties: { id: { type: "keyword" } } } });
    const { nearDuplicateKeys: _keys, ...current } = indexedSource({ ...chinese, indexedAt: "2024-02-01T00:00:00.000Z" }, "fp");
    await esClient.index({ index: old, id: chinese.id, document: { ...current, simhashBands: ["0:ab"], searchText: "比特 特币" }, refresh: true });
    await store.init();
    expect(Object.keys(await esClient.indices.getAlias({ name: store.alias }))).toEqual([store.indexName]);
    expect(idSet(await store.search({ text: "比特幣" }))).toEqual([chinese.id]);
    expect(await store.getArticles([chinese.id])).toEqual([{ ...chinese, indexedAt: "2024-02-01T00:00:00.000Z" }]);
    // The copied document carries this version's near-duplicate keys.
    expect(await store.findNearDuplicates(chinese.contentHash, NEAR_DUPLICATE_BITS)).toEqual([{ id: chinese.id, indexedAt: "2024-02-01T00:00:00.000Z" }]);
    await esClient.indices.delete({ index: old });
  });

  test("a subscriptions index deleted under a running alerter comes back with its mappings on the next write", async () => {
    const subs = new ElasticsearchSubscriptionStore(esClient, {
      subscriptionsIndex: `${PREFIX}-subs-${++serial}`, alertsIndex: `${PREFIX}-alerts-${serial}`, deliveriesIndex: `${PREFIX}-deliveries-${serial}`,
    });
    await subs.init();
    try {
      const sub = validateSubscription({ name: "sec", channel: "webhook", target: "https://hooks.example.com/x", query: "美国证监会" });
      await subs.putSubscription(sub);
      await esClient.indices.delete({ index: [subs.subscriptionsIndex, subs.alertsIndex] });
      // Reads answer (nothing is there any more) instead of failing the alerter's reload.
      expect(await subs.listSubscriptions()).toEqual([]);
      await subs.putSubscription(sub);
      expect(await subs.listSubscriptions()).toEqual([sub]);
      const mapping = await esClient.indices.getMapping({ index: subs.subscriptionsIndex });
      expect(mapping[subs.subscriptionsIndex]!.mappings).toMatchObject({ dynamic: "strict", properties: { doc: { type: "object", enabled: false } } });
      const alert = { subscriptionId: sub.id, articleId: seed.id, contentHash: seed.contentHash, score: 0.9, matchedAt: new Date().toISOString(), deliveryId: null };
      expect(await subs.recordAlert(alert)).toBe("recorded");
      expect(await subs.getAlert(sub.id, seed.id)).toEqual(alert);
    } finally {
      await subs.drop();
    }
  });

  test("large batches go out in several bulk requests; every document is accounted for", async () => {
    const store = fresh();
    await store.init();
    const docs = Array.from({ length: 2_300 }, (_, i) => articleDoc({
      url: `https://bulk.example.com/a/${i}`, title: `Article ${i}`, text: `Text of article ${i} about bitcoin exchanges.`,
      publishedAt: "2024-01-01T00:00:00.000Z",
    }));
    const out = await store.upsertArticles(docs);
    expect(out.created).toHaveLength(docs.length);
    expect(await store.count()).toBe(docs.length);
    expect((await store.upsertArticles(docs)).unchanged).toHaveLength(docs.length);
  });
});
