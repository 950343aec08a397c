import type { Config } from "@regradar/shared";
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
    const client = createElasticsearchClient(config.elasticsearch.nodes);
    const articles = new ElasticsearchArticleStore(client, { index: config.elasticsearch.index });
    const subscriptions = new ElasticsearchSubscriptionStore(client, subscriptionIndicesFor(config.elasticsearch.index));
    stores = { articles, subscriptions, close: async () => { await closeAll([articles, subscriptions]); await client.close(); } };
  } else {
    const db = openSqliteDatabase(sqliteIndexFile(config.dataDir));
    const articles = new SqliteArticleStore(db);
    const subscriptions = new SqliteSubscriptionStore(db);
    stores = { articles, subscriptions, close: async () => { await closeAll([articles, subscriptions]); if (db.open) db.close(); } };
  }
  try {
    if (need.articles) await stores.articles.init();
    if (need.subscriptions) await stores.subscriptions.init();
  } catch (err) {
    await stores.close().catch(() => {});
    throw err;
  }
  return stores;
}

async function closeAll(stores: Array<{ close(): Promise<void> }>): Promise<void> {
  for (const s of stores) await s.close();
}
