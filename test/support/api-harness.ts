import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { Client } from "@elastic/elasticsearch";
import { pino } from "pino";
import { createRedisConnection, loadConfig, openHttpClient, openQueues, openQueuesForBoard, type ApiKey, type Queues } from "@regradar/shared";
import { openChannels } from "@regradar/alerter";
import {
  ElasticsearchArticleStore, ElasticsearchSubscriptionStore, openSqliteDatabase, SqliteArticleStore, SqliteSubscriptionStore,
  sqliteIndexFile, subscriptionIndicesFor, type ArticleStore, type SubscriptionStore,
} from "@regradar/store";
import { buildApp, type ApiSettings } from "@regradar/api";
import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { ALL } from "./article-fixtures.js";

export type StoreKind = "sqlite" | "elasticsearch";

export const KEYS: Record<"reader" | "writer" | "admin", ApiKey> = {
  reader: { name: "reader", scope: "read", secret: "read-secret-0123456789" },
  writer: { name: "writer", scope: "write", secret: "write-secret-0123456789" },
  admin: { name: "admin", scope: "admin", secret: "admin-secret-0123456789" },
};
export const bearer = (k: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[k].secret}` });
export const LINK_SECRET = "test-link-secret-0123456789";

export interface ApiHarness {
  app: FastifyInstance;
  articles: ArticleStore;
  subscriptions: SubscriptionStore;
  redis: Redis;
  queues: Queues;
  prefix: string;
  feedsFile: string;
  /** Where the store lives, as the CLI's environment names it (for `regradar search` on the same index). */
  env: Record<string, string>;
  /** Every log line the app wrote. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The API over real stores (a fresh SQLite file or Elasticsearch index holding the fixture
 * articles), a real Redis with its own prefix, and the real alert channels (127.0.0.1 allowed).
 */
export async function openApiHarness(opts: {
  kind: StoreKind; redisUrl: string; elasticsearchUrl: string; tmpDir: string; settings?: Partial<ApiSettings>; webRoot?: string;
}): Promise<ApiHarness> {
  const prefix = `t-${randomUUID().slice(0, 8)}`;
  let articles: ArticleStore;
  let subscriptions: SubscriptionStore;
  let env: Record<string, string>;
  let closeStores: () => Promise<void>;
  if (opts.kind === "sqlite") {
    const db = openSqliteDatabase(sqliteIndexFile(opts.tmpDir));
    articles = new SqliteArticleStore(db);
    subscriptions = new SqliteSubscriptionStore(db);
    env = { REGRADAR_DATA_DIR: opts.tmpDir, ELASTICSEARCH_URL: "" };
    closeStores = async () => { await articles.close(); await subscriptions.close(); db.close(); };
  } else {
    const client = new Client({ node: opts.elasticsearchUrl });
    const index = `rr-api-${prefix}`;
    const es = new ElasticsearchArticleStore(client, { index });
    articles = es;
    subscriptions = new ElasticsearchSubscriptionStore(client, subscriptionIndicesFor(index));
    env = { ELASTICSEARCH_URL: opts.elasticsearchUrl, REGRADAR_ES_INDEX: index };
    closeStores = async () => { await articles.close(); await subscriptions.close(); await es.destroy(); await client.close(); };
  }
  await articles.init();
  await subscriptions.init();
  await articles.upsertArticles(ALL);
  await articles.refresh();

  const redis = createRedisConnection(opts.redisUrl, "producer");
  const queues = openQueues(redis, prefix);
  const board = openQueuesForBoard(redis, prefix);
  const http = openHttpClient(loadConfig({ REGRADAR_ALLOW_HOSTS: "127.0.0.1" }));
  const channels = openChannels(loadConfig({}), http, LINK_SECRET);
  const feedsFile = path.join(opts.tmpDir, "feeds.yaml");
  await writeFile(feedsFile, "feeds: []\n");
  const logs: string[] = [];
  const log = pino({ level: "info" }, new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }));
  const app = await buildApp(
    { articles, subscriptions, redis, queues, boardQueues: board.queues, send: channels.send, linkSecret: LINK_SECRET, log },
    {
      feedsFile, queuePrefix: prefix, elasticsearch: opts.kind === "elasticsearch", keys: Object.values(KEYS), publicRead: false,
      ratePerMinute: 10_000, webRoot: opts.webRoot, ...opts.settings,
    },
  );
  await app.ready();
  return {
    app, articles, subscriptions, redis, queues, prefix, feedsFile, env, logs,
    async close() {
      await app.close();
      channels.close();
      await http.close();
      await board.close();
      await queues.close();
      redis.disconnect();
      await closeStores();
    },
  };
}
