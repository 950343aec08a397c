import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startRedisServer } from "../packages/shared/src/redis.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
    elasticsearchUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once("error", reject);
  });
}

/** Real servers, started once per run: a private redis-server (and Elasticsearch, see below). */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-test-redis-"));
  const redis = await startRedisServer({ port: await freePort(), dir, appendOnly: false });
  project.provide("redisUrl", redis.url);
  return async () => {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
