import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { articleIdsOf, createRedisConnection, indexJobId, openQueues } from "@regradar/shared";
import { openSqliteDatabase, SqliteArticleStore } from "@regradar/store";
import { wireStory } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";

const CLI = fileURLToPath(new URL("../packages/cli/dist/main.js", import.meta.url));
const TOTAL = 1500;
// Documents per index job, as the extractor queues them.
const PER_JOB = 10;
const JOBS = TOTAL / PER_JOB;

function startIndexer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, "worker", "indexer"], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
}

const until = async (what: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("crash recovery", () => {
  test("an indexer killed mid-batch and restarted loses and duplicates nothing", async ({ prefix, tmpDir }) => {
    const redis = createRedisConnection(inject("redisUrl"), "worker");
    const queues = openQueues(redis, prefix);
    const env = {
      REDIS_URL: inject("redisUrl"), REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_DATA_DIR: tmpDir, REGRADAR_LOG_LEVEL: "silent",
      REGRADAR_INDEX_BATCH: "50", REGRADAR_LOCK_MS: "2000",
    };
    const docs = Array.from({ length: TOTAL }, (_, i) => wireStory(i));
    const batches = Array.from({ length: JOBS }, (_, j) => docs.slice(j * PER_JOB, (j + 1) * PER_JOB));
    await queues.index.enqueueMany(batches.map((documents) => ({ name: "index", data: { documents }, jobId: indexJobId(documents) })));
    const db = openSqliteDatabase(`${tmpDir}/regradar.db`);
    const store = new SqliteArticleStore(db);
    try {
      const first = startIndexer(env);
      await until(async () => (await queues.index.counts("completed")).completed! >= 20, 30_000);
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      const afterKill = await queues.index.counts("completed", "active", "waiting");
      expect(afterKill.completed).toBeLessThan(JOBS);

      const second = startIndexer(env);
      await until(async () => (await queues.index.counts("completed")).completed === JOBS, 60_000);
      second.kill("SIGTERM");
      expect(await new Promise((r) => second.once("exit", (code) => r(code)))).toBe(0);

      await store.init();
      expect(await store.count()).toBe(TOTAL);
      const stored = await store.scan(null, TOTAL + 10);
      expect(new Set(stored.map((d) => d.id))).toEqual(new Set(docs.map((d) => d.id)));
      expect(await queues.index.counts("failed")).toEqual({ failed: 0 });
      // Every article reached alert matching exactly once (the job id dedups a batch's repeats).
      const matching = (await queues.alerts.jobs(["waiting", "active", "completed", "delayed"])).flatMap((j) => articleIdsOf(j.data));
      expect([matching.length, new Set(matching).size]).toEqual([TOTAL, TOTAL]);
    } finally {
      db.close();
      await queues.close();
      redis.disconnect();
    }
  });
});
