import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { inject, test as base } from "vitest";

export interface PipelineFixtures {
  /** A Redis connection for the test; closed afterwards. */
  redis: Redis;
  /** A queue prefix no other test uses. */
  prefix: string;
  /** A temporary directory, removed afterwards. */
  tmpDir: string;
}

/** Integration-test fixtures: each test gets its own queue prefix and directory on the shared servers. */
export const test = base.extend<PipelineFixtures>({
  redis: async ({}, use) => {
    const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
    await use(redis);
    redis.disconnect();
  },
  prefix: async ({}, use) => {
    await use(`t-${randomUUID().slice(0, 8)}`);
  },
  tmpDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-test-"));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
});

export { expect, describe, inject } from "vitest";
