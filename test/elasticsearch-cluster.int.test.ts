import { Client } from "@elastic/elasticsearch";
import { afterAll, beforeAll } from "vitest";
// @ts-expect-error plain ESM helper shared with `npm run es:local`, no type declarations
import { startElasticsearch } from "../scripts/lib/elasticsearch-local.mjs";
import { describe, expect, test } from "./support/fixtures.js";

// The launcher's 2-node cluster is what replica and fail-over tests stand on: a data node can die
// (SIGKILL, no goodbye) while writes go on, and come back on its data folder and URL to catch up.

interface LocalNode { name: string; url: string; kill(signal?: string): Promise<unknown>; restart(): Promise<void> }
interface LocalCluster { urls: string[]; nodes: LocalNode[]; stop(): Promise<void> }

const INDEX = "rr-replicas";
let cluster: LocalCluster;
let client: Client;

beforeAll(async () => {
  cluster = await startElasticsearch({ nodes: 2, heap: "256m", log: (m: string) => process.stderr.write(`[es-cluster] ${m}\n`) }) as LocalCluster;
  // The client knows both nodes, as an operator's ELASTICSEARCH_URL list would; it fails over by itself.
  client = new Client({ nodes: cluster.urls, maxRetries: 5, requestTimeout: 60_000 });
}, 300_000);
afterAll(async () => {
  await client?.close();
  await cluster?.stop();
});

const docs = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `doc-${from + i}`, title: `Story ${from + i}` }));

async function indexAll(batch: { id: string; title: string }[]) {
  const res = await client.bulk({ index: INDEX, operations: batch.flatMap((d) => [{ index: { _id: d.id } }, { title: d.title }]) });
  expect(res.errors).toBe(false);
}

describe("a 2-node local cluster", () => {
  test("with 1 replica, no write is lost while a node is killed, stays down and comes back", async () => {
    expect(cluster.urls).toHaveLength(2);
    await client.indices.create({ index: INDEX, settings: { number_of_shards: 2, number_of_replicas: 1 } });
    await client.cluster.health({ index: INDEX, wait_for_status: "green", timeout: "60s" });

    await indexAll(docs(0, 300));
    const [, dataNode] = cluster.nodes;
    await dataNode.kill("SIGKILL");

    // Writes go on against the survivor: the replicas there are promoted to primaries.
    for (let i = 0; i < 3; i++) await indexAll(docs(300 + i * 100, 100));
    const degraded = await client.cluster.health({ index: INDEX });
    expect(degraded.number_of_nodes).toBe(1);
    expect(degraded.status).toBe("yellow");

    await dataNode.restart();
    await indexAll(docs(600, 100));
    const healed = await client.cluster.health({ index: INDEX, wait_for_status: "green", wait_for_no_initializing_shards: true, timeout: "120s" });
    expect(healed.status).toBe("green");
    await client.indices.refresh({ index: INDEX });

    const expected = docs(0, 700).map((d) => d.id).sort();
    const all = await client.search({ index: INDEX, size: 1000, _source: false, sort: ["_doc"] });
    expect(all.hits.hits.map((h) => h._id).sort()).toEqual(expected);
    // The restarted node holds a full copy of every shard again, including what was written without it.
    const local = new Client({ node: dataNode.url });
    try {
      expect((await local.count({ index: INDEX, preference: "_only_local" })).count).toBe(700);
    } finally {
      await local.close();
    }
  });
});
