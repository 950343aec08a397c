import path from "node:path";
import type { Redis } from "ioredis";
import {
  createHttpClient, createLogger, createRedisConnection, ensureRedis, openQueues,
  type Config, type HttpClient, type Logger, type QueueSet,
} from "@regradar/shared";
import { openElasticsearchStore, SqliteArticleStore, type ArticleStore } from "@regradar/indexer";

/**
 * The composition root: the only place that constructs Redis, store and HTTP clients.
 * Commands take what they need from here and close it on the way out, in reverse order.
 */
export interface Runtime {
  config: Config;
  log: Logger;
  redis: Redis;
  queues: QueueSet;
  store: ArticleStore;
  http: HttpClient;
  close(): Promise<void>;
}

export function sqlitePath(config: Config): string {
  return path.join(config.dataDir, "regradar.db");
}

/** Elasticsearch when ELASTICSEARCH_URL is set, else the embedded SQLite index. */
export async function openStore(config: Config): Promise<ArticleStore> {
  return initialised(config.elasticsearch ? openElasticsearchStore(config.elasticsearch) : new SqliteArticleStore(sqlitePath(config)));
}

/** Runs a store's init(), closing the store if that fails, so no connection outlives the error. */
export async function initialised<S extends { init(): Promise<void>; close(): Promise<void> }>(store: S): Promise<S> {
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}

export function openHttpClient(config: Config): HttpClient {
  return createHttpClient({
    allowHosts: config.allowHosts,
    userAgent: config.http.userAgent,
    maxBodyBytes: config.http.maxBodyBytes,
    totalTimeoutMs: config.http.timeoutMs,
  });
}

export async function openRuntime(config: Config, log = createLogger(config.logLevel)): Promise<Runtime> {
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const endpoint = await ensureRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, log });
    closers.push(() => endpoint.stop());
    const redis = createRedisConnection(endpoint.url, "worker");
    closers.push(() => redis.quit());
    await redis.ping();
    const queues = openQueues(redis, config.queuePrefix);
    closers.push(() => queues.close());
    const store = await openStore(config);
    closers.push(() => store.close());
    const http = openHttpClient(config);
    closers.push(() => http.close());
    return {
      config, log, redis, queues, store, http,
      async close() {
        for (const close of closers.reverse()) await close().catch((err) => log.warn({ err }, "error while closing"));
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw err;
  }
}
