import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "./support/free-port.js";
import { startRedisServer } from "../packages/cli/src/redis-server.js";
// @ts-expect-error plain ESM helper shared with `npm run es:local`, no type declarations
import { startElasticsearch } from "../scripts/lib/elasticsearch-local.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    elasticsearchUrl: string;
  }
}

/**
 * Real servers, started once per run: a private redis-server, and a local Elasticsearch node
 * unless ELASTICSEARCH_URL points at an existing cluster. Both start in parallel.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-test-redis-"));
  const external = process.env.ELASTICSEARCH_URL;
  const [redis, es] = await Promise.all([
    freePort().then((port) => startRedisServer({ port, dir, appendOnly: false })),
    external ? Promise.resolve({ url: external, stop: async () => {} })
      : startElasticsearch({ log: (m: string) => process.stderr.write(`[es] ${m}\n`) }) as Promise<{ url: string; stop(): Promise<void> }>,
  ]);
  project.provide("redisUrl", redis.url);
  project.provide("elasticsearchUrl", es.url);
  return async () => {
    await Promise.all([redis.stop(), es.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
}
