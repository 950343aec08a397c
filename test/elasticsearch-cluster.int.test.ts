import { Writable } from "node:stream";
import { Client } from "@elastic/elasticsearch";
import { pino } from "pino";
import { afterAll, beforeAll } from "vitest";
import { articleJobId, countDeadLetters, createRedisConnection, loadConfig, openQueues } from "@regradar/shared";
import { startIndexer } from "@regradar/indexer";
// @ts-expect-error plain ESM helper shared with `npm run es:local`, no type declarations
import { startElasticsearch } from "../scripts/lib/elasticsearch-local.mjs";
import { until } from "./support/alert-receivers.js";
import { wireStory } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";

// The launcher's 2-node cluster is what replica and fail-over tests stand on: a data node can die
// (SIGKILL, no goodbye) while writes go on, and come back on its data folder and URL to catch up.

interface LocalNode { name: string; url: string; kill(signal?: string): Promise<unknown>; restart(): Promise<void> }
interface LocalCluster { urls: string[]; nodes: LocalNode[]; stop(): Promise<void> }

let cluster: LocalCluster;
let client: Client;

beforeAll(async () => {
  cluster = await startElasticsearch({ nodes: 2, heap: "256m", log: (m: string) => process.stderr.write(`[es-cluster] ${m}\n`) }) as LocalCluster;
  client = new Client({ nodes: cluster.urls, requestTimeout: 60_000 });
}, 300_000);
afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

/** The indexer's log lines, parsed, as an operator's collector would get them. */
function capturedLog() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { log: pino({ level: "info" }, sink), lines };
}

const BATCH = 150;
const WARN = 40;

describe("the indexer on a 2-node cluster with 1 replica", () => {
  test("rides through a node killed and restarted: nothing lost, nothing doubled, at most one warning per state change", async ({ prefix, tmpDir }) => {
    const alias = `${prefix}-articles`;
    const config = loadConfig({
      REDIS_URL: inject("redisUrl"), ELASTICSEARCH_URL: cluster.urls.join(","), REGRADAR_ES_REPLICAS: "1", REGRADAR_ES_INDEX: alias,
      REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_DATA_DIR: tmpDir, REGRADAR_INDEX_BATCH: "25",
    });
    const { log, lines } = capturedLog();
    const redis = createRedisConnection(inject("redisUrl"), "worker");
    const queues = openQueues(redis, prefix);
    const indexer = await startIndexer(config, log);
    await indexer.start();
    let enqueued = 0;
    const enqueueBatch = async (size = BATCH) => {
      const docs = Array.from({ length: size }, (_, i) => wireStory(enqueued + i));
      enqueued += size;
      await queues.index.enqueueMany(docs.map((d) => ({ name: "index", data: d, jobId: articleJobId(d.id) })));
    };
    // Jobs not yet done (retries wait as delayed): completed ones are only kept up to the queue's retention.
    const pending = async () => Object.values(await queues.index.counts("waiting", "active", "delayed", "prioritized")).reduce((a, b) => a + b, 0);
    try {
      await client.cluster.health({ index: alias, wait_for_status: "green", timeout: "120s" });

      // Enough that the node dies with writes in flight and jobs still queued.
      await enqueueBatch(4 * BATCH);
      await until(async () => (await client.count({ index: alias })).count >= BATCH / 2, 60_000, "first documents searchable");
      const [, dataNode] = cluster.nodes;
      await dataNode!.kill("SIGKILL");
      expect(await pending()).toBeGreaterThan(0);

      // Writes go on against the survivor: its replicas are promoted to primaries.
      for (let i = 0; i < 2; i++) {
        await enqueueBatch();
        await until(async () => (await pending()) === 0, 180_000, `${enqueued} documents indexed with a node down`);
      }
      await dataNode!.restart();
      await enqueueBatch();
      await until(async () => (await pending()) === 0, 180_000, `${enqueued} documents indexed after the restart`);
      const healed = await client.cluster.health({ index: alias, wait_for_status: "green", wait_for_no_initializing_shards: true, timeout: "120s" });
      expect(healed.status).toBe("green");
      await client.indices.refresh({ index: alias });

      const expected = Array.from({ length: enqueued }, (_, i) => wireStory(i).id).sort();
      const all = await client.search({ index: alias, size: enqueued + 100, _source: false, sort: ["_doc"] });
      expect(all.hits.hits.map((h) => h._id).sort()).toEqual(expected);
      // The restarted node holds a full copy again, including what was written without it.
      const local = new Client({ node: dataNode!.url });
      try {
        expect((await local.count({ index: alias, preference: "_only_local" })).count).toBe(enqueued);
      } finally {
        await local.close();
      }
      expect(await countDeadLetters(redis, prefix)).toBe(0);
      expect(await queues.index.counts("failed")).toEqual({ failed: 0 });

      // The client fails over by itself; should writes fail or stall meanwhile, the indexer says so once when
      // it starts and once when it ends (store-writes.ts), never once per job or per retry.
      const warnings = lines.filter((l) => l.level >= WARN).map((l) => l.msg);
      expect(warnings.length, warnings.join("\n")).toBeLessThanOrEqual(2);
    } finally {
      await indexer.close();
      await queues.close();
      redis.disconnect();
    }
  }, 600_000);
});
