import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "@elastic/elasticsearch";
import { afterAll, beforeAll } from "vitest";
import { loadConfig } from "@regradar/shared";
import { ElasticsearchArticleStore, openSqliteDatabase, SqliteArticleStore, type SearchQuery, type UpsertDocument } from "@regradar/store";
import { checkpointPath, copyArticles, runReindex, type ReindexIo } from "../packages/cli/src/commands/reindex.js";
import { ALL, articleDoc } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";

const PREFIX = `rr-test-${randomUUID().slice(0, 8)}`;
let esClient: Client;
const aliases: string[] = [];

beforeAll(() => { esClient = new Client({ node: inject("elasticsearchUrl") }); });
afterAll(async () => {
  for (const alias of aliases) await new ElasticsearchArticleStore(esClient, { index: alias }).destroy();
  await esClient.close();
});

/** The fixture stories plus enough filler that a copy takes several batches. */
const DOCS: UpsertDocument[] = [
  ...ALL,
  ...Array.from({ length: 45 }, (_, i) => articleDoc({
    url: `https://filler.example.org/story/${i}`, title: `Regulators discuss stablecoin rules, part ${i}`,
    text: `Part ${i}: lawmakers debated reserve requirements for stablecoin issuers and licensing for exchanges.`,
    publishedAt: new Date(Date.UTC(2024, i % 12, 1 + (i % 27))).toISOString(),
    jurisdictions: [i % 2 ? "EU" : "GB"], actions: ["legislation"],
  })),
];

function capture(): ReindexIo & { out: () => string; err: () => string } {
  let out = "", err = "";
  return {
    stdout: { write: (s: string) => { out += s; } },
    stderr: { write: (s: string) => { err += s; }, isTTY: false },
    out: () => out, err: () => err,
  };
}

function envFor(dataDir: string, alias: string) {
  return { REGRADAR_DATA_DIR: dataDir, ELASTICSEARCH_URL: inject("elasticsearchUrl"), REGRADAR_ES_INDEX: alias, REGRADAR_LOG_LEVEL: "silent" };
}

const QUERIES: SearchQuery[] = [
  // Relevance order differs in detail between the stores: relevance queries compare sets, all of them.
  { text: "火币", limit: 100 }, { text: "stablecoin rules", sort: "date", limit: 100 }, { jurisdictions: ["CN"], sort: "date" },
  { text: "exchanges -bitcoin", sort: "date", limit: 50, collapseDuplicates: true }, {},
];

describe("regradar reindex", () => {
  test("SQLite -> Elasticsearch -> a new SQLite file: same documents, same search results; a second run copies nothing", async ({ tmpDir }) => {
    const alias = `${PREFIX}-roundtrip`;
    aliases.push(alias);
    const srcDir = path.join(tmpDir, "src"), dstDir = path.join(tmpDir, "dst");
    const original = new SqliteArticleStore(openSqliteDatabase(path.join(srcDir, "regradar.db")));
    await original.init();
    await original.upsertArticles(DOCS);

    const first = capture();
    expect(await runReindex(["--from", "sqlite", "--to", "elasticsearch", "--batch", "7"], envFor(srcDir, alias), first))
      .toEqual({ copied: DOCS.length, unchanged: 0, rejected: 0, total: DOCS.length });
    expect(JSON.parse(first.out())).toEqual({ copied: DOCS.length, unchanged: 0, rejected: 0, total: DOCS.length });
    expect(first.err()).toContain(`${DOCS.length}/${DOCS.length} (100%`);
    expect(existsSync(checkpointPath(loadConfig(envFor(srcDir, alias)), "sqlite", "elasticsearch"))).toBe(false);

    const again = capture();
    await runReindex(["--from", "sqlite", "--to", "elasticsearch"], envFor(srcDir, alias), again);
    expect(JSON.parse(again.out())).toEqual({ copied: 0, unchanged: DOCS.length, rejected: 0, total: DOCS.length });

    const back = capture();
    await runReindex(["--from", "elasticsearch", "--to", "sqlite", "--batch", "10"], envFor(dstDir, alias), back);
    expect(JSON.parse(back.out())).toEqual({ copied: DOCS.length, unchanged: 0, rejected: 0, total: DOCS.length });

    const es = new ElasticsearchArticleStore(esClient, { index: alias });
    const copy = new SqliteArticleStore(openSqliteDatabase(path.join(dstDir, "regradar.db")));
    try {
      expect(await es.count()).toBe(DOCS.length);
      expect(await copy.count()).toBe(DOCS.length);
      const strip = ({ indexedAt: _i, ...d }: { indexedAt: string }) => d;
      expect((await copy.scan(null, 1000)).map(strip)).toEqual((await original.scan(null, 1000)).map(strip));
      for (const q of QUERIES) {
        const [a, b, c] = [await original.search(q), await es.search(q), await copy.search(q)];
        const ids = (r: typeof a) => (q.sort === "date" || !q.text ? r.hits.map((h) => h.id) : r.hits.map((h) => h.id).sort());
        expect({ q, total: b.total, ids: ids(b), facets: b.facets }).toEqual({ q, total: a.total, ids: ids(a), facets: a.facets });
        expect({ q, total: c.total, ids: ids(c), facets: c.facets, histogram: c.histogram }).toEqual({ q, total: a.total, ids: ids(a), facets: a.facets, histogram: a.histogram });
      }
    } finally {
      await Promise.all([es.close(), copy.close(), original.close()]);
    }
  });

  test("an interrupted copy resumes after the last copied document; --restart starts over", async ({ tmpDir }) => {
    const alias = `${PREFIX}-resume`;
    aliases.push(alias);
    const env = envFor(tmpDir, alias);
    const config = loadConfig(env);
    const file = checkpointPath(config, "sqlite", "elasticsearch");
    const source = new SqliteArticleStore(openSqliteDatabase(path.join(tmpDir, "regradar.db")));
    await source.init();
    await source.upsertArticles(DOCS);
    const target = new ElasticsearchArticleStore(esClient, config.elasticsearch!);
    await target.init();
    try {
      // The first run stops after two batches of 8, as a crash or Ctrl-C would.
      const partial = await copyArticles(source, target, { batch: 8, checkpointFile: file, limit: 16 });
      expect(partial).toMatchObject({ copied: 16, unchanged: 0, rejected: 0, complete: false });
      const cp = JSON.parse(await readFile(file, "utf8")) as { lastId: string; copied: number };
      const ids = DOCS.map((d) => d.id).sort();
      expect(cp).toMatchObject({ lastId: ids[15], copied: 16 });
      expect(await target.count()).toBe(16);

      // Ctrl-C: stops before the next batch, the checkpoint stays.
      const stop = new AbortController();
      stop.abort();
      await expect(runReindex(["--from", "sqlite", "--to", "elasticsearch"], env, capture(), stop.signal)).rejects.toThrow(`interrupted after 16 of ${DOCS.length} documents`);
      expect(existsSync(file)).toBe(true);

      const resumed = capture();
      await runReindex(["--from", "sqlite", "--to", "elasticsearch", "--batch", "5"], env, resumed);
      // Counts cover the whole copy; nothing of the first run was written twice.
      expect(JSON.parse(resumed.out())).toEqual({ copied: DOCS.length, unchanged: 0, rejected: 0, total: DOCS.length });
      expect(existsSync(file)).toBe(false);
      expect(await target.count()).toBe(DOCS.length);

      await copyArticles(source, target, { batch: 8, checkpointFile: file, limit: 8 });
      const restarted = capture();
      await runReindex(["--from", "sqlite", "--to", "elasticsearch", "--restart"], env, restarted);
      expect(JSON.parse(restarted.out())).toEqual({ copied: 0, unchanged: DOCS.length, rejected: 0, total: DOCS.length });
    } finally {
      await Promise.all([target.close(), source.close()]);
    }
  });

  test("bad arguments and a missing ELASTICSEARCH_URL are one-line errors", async ({ tmpDir }) => {
    const env = { REGRADAR_DATA_DIR: tmpDir };
    await expect(runReindex(["--from", "sqlite", "--to", "sqlite"], env, capture())).rejects.toThrow(/both sqlite/);
    await expect(runReindex(["--from", "mysql", "--to", "sqlite"], env, capture())).rejects.toThrow(/--from: sqlite or elasticsearch/);
    await expect(runReindex(["--from", "sqlite", "--to", "elasticsearch", "--batch", "0"], env, capture())).rejects.toThrow(/--batch/);
    await expect(runReindex(["--from", "sqlite", "--to", "elasticsearch"], env, capture())).rejects.toThrow(/ELASTICSEARCH_URL/);
  });
});
