import { redactUrl, type Config } from "@regradar/shared";
import type { ArticleStore } from "./article-store.js";
import { ElasticsearchArticleStore } from "./elasticsearch/article-store.js";
import { createElasticsearchClient } from "./elasticsearch/client.js";
import { ElasticsearchSubscriptionStore, subscriptionIndicesFor } from "./elasticsearch/subscription-store.js";
import { SqliteArticleStore } from "./sqlite/article-store.js";
import { openSqliteDatabase, sqliteIndexFile } from "./sqlite/database.js";
import { SqliteSubscriptionStore } from "./sqlite/subscription-store.js";
import type { SubscriptionStore } from "./subscription-store.js";

/** The configured engine's stores over one client (Elasticsearch) or one database file (SQLite). */
export interface Stores {
  articles: ArticleStore;
  subscriptions: SubscriptionStore;
  /** Flushes the stores, then closes the client or database they share. */
  close(): Promise<void>;
}

/**
 * Elasticsearch when ELASTICSEARCH_URL is set, else the embedded SQLite index. Only the stores a
 * process asks for are initialised (tables, templates, indices); a failed init closes what was opened.
 */
export async function openStores(config: Pick<Config, "elasticsearch" | "dataDir">, need: { articles?: boolean; subscriptions?: boolean } = { articles: true, subscriptions: true }): Promise<Stores> {
  let stores: Stores;
  if (config.elasticsearch) {
    const { nodes, index, replicas } = config.elasticsearch;
    const client = createElasticsearchClient(nodes);
    const articles = new ElasticsearchArticleStore(client, { index, replicas });
    const subscriptions = new ElasticsearchSubscriptionStore(client, { ...subscriptionIndicesFor(index), replicas });
    stores = { articles, subscriptions, close: async () => { await closeAll([articles, subscriptions]); await client.close(); } };
  } else {
    const db = openSqliteAt(config.dataDir);
    const articles = new SqliteArticleStore(db);
    const subscriptions = new SqliteSubscriptionStore(db);
    stores = { articles, subscriptions, close: async () => { await closeAll([articles, subscriptions]); if (db.open) db.close(); } };
  }
  try {
    if (need.articles) await stores.articles.init();
    if (need.subscriptions) await stores.subscriptions.init();
  } catch (err) {
    await stores.close().catch(() => {});
    // The one-line answer an operator needs: which engine, where, and why.
    const name = (err as Error).name;
    if (config.elasticsearch && (name === "ConnectionError" || name === "TimeoutError")) {
      throw new Error(`cannot reach Elasticsearch at ${redactUrl(config.elasticsearch.url)}: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  return stores;
}

function openSqliteAt(dataDir: string) {
  try {
    return openSqliteDatabase(sqliteIndexFile(dataDir));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`cannot open the SQLite index in REGRADAR_DATA_DIR (${dataDir}): ${reason}`, { cause: err });
  }
}

async function closeAll(stores: Array<{ close(): Promise<void> }>): Promise<void> {
  for (const s of stores) await s.close();
}
