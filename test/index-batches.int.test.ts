import { replayDeadLetters } from "@regradar/api";
import { articleIdsOf, documentsOf, indexJobId, listDeadLetters, loadConfig, type ArticleDocument } from "@regradar/shared";
import { openPipeline } from "../packages/cli/src/pipeline.js";
import { waitForDrain } from "../packages/cli/src/drain.js";
import { indexingBatches } from "@regradar/extractor";
import { koreaBan, secEtf, wireStory } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";

// Longer than the longest term Lucene keeps (32,766 bytes): Elasticsearch refuses the document itself.
const refused: ArticleDocument = { ...wireStory(1), feedId: "f".repeat(40_000) };

describe("index jobs carry batches", () => {
  test("the extractor queues the documents finished together as one job, and a lone one after a short wait", async ({ prefix, tmpDir }) => {
    const rt = await openPipeline(loadConfig({ REDIS_URL: inject("redisUrl"), REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix }));
    try {
      const batches = indexingBatches(rt.queues.index, 4);
      const full = [2, 3, 4, 5].map(wireStory);
      await Promise.all(full.map((d) => batches.add(d)));
      const lone = wireStory(6);
      const started = Date.now();
      await batches.add(lone);
      expect(Date.now() - started).toBeLessThan(1000);
      const jobs = await rt.queues.index.jobs(["waiting"]);
      expect(jobs.map((j) => ({ id: j.id, documents: documentsOf(j.data).map((d) => d.id) })).sort((a, b) => b.documents.length - a.documents.length)).toEqual([
        { id: indexJobId(full), documents: full.map((d) => d.id) },
        { id: indexJobId([lone]), documents: [lone.id] },
      ]);
      // The same documents queued again are the same job: a no-op.
      await Promise.all(full.map((d) => batches.add(d)));
      expect(await rt.queues.index.counts("waiting")).toEqual({ waiting: 2 });
    } finally {
      await rt.close();
    }
  });

  test("a document Elasticsearch refuses is dead-lettered alone; the rest of its batch is indexed and goes on to alerts", async ({ prefix, tmpDir }) => {
    const rt = await openPipeline(loadConfig({
      REDIS_URL: inject("redisUrl"), REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_LOG_LEVEL: "silent",
      ELASTICSEARCH_URL: inject("elasticsearchUrl"), REGRADAR_ES_INDEX: `${prefix}-articles`,
    }));
    const running = await rt.start(["indexer"]);
    try {
      const documents = [secEtf, refused, koreaBan];
      await rt.queues.index.enqueue({ name: "index", data: { documents }, jobId: indexJobId(documents) });
      await waitForDrain(rt.queues, ["index"], 30_000);

      expect((await rt.store.getArticles(documents.map((d) => d.id))).map((a) => a.id).sort()).toEqual([secEtf.id, koreaBan.id].sort());
      const [job] = await rt.queues.index.jobs(["completed"]);
      expect(job?.returnValue).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 1 });
      expect(await rt.queues.index.counts("failed")).toEqual({ failed: 0 });
      const alerts = await rt.queues.alerts.jobs(["waiting"]);
      expect(alerts.map((j) => articleIdsOf(j.data))).toEqual([[secEtf.id, koreaBan.id]]);

      const [letter, ...others] = await listDeadLetters(rt.redis, prefix);
      expect(others).toEqual([]);
      expect(letter).toMatchObject({ queue: "index", jobId: indexJobId([refused]), reason: expect.stringMatching(/^rejected_by_store: store rejected article [0-9a-f]{32}: .*immense term/) });
      expect((letter!.data as { documents: ArticleDocument[] }).documents.map((d) => d.id)).toEqual([refused.id]);

      // Replayed, exactly that document is tried again, alone, and refused again: one letter, as before.
      expect(await replayDeadLetters(rt.redis, rt.queues, prefix, { queue: "index" })).toMatchObject({ replayed: [{ jobId: indexJobId([refused]), how: "re-enqueued" }] });
      await waitForDrain(rt.queues, ["index"], 30_000);
      expect(await rt.queues.index.counts("failed")).toEqual({ failed: 1 });
      expect((await listDeadLetters(rt.redis, prefix)).map((l) => l.jobId)).toEqual([indexJobId([refused])]);
      expect(await rt.store.count()).toBe(2);
    } finally {
      await running.close();
      await rt.close();
    }
  });
});
