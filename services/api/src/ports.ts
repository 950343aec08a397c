import type { ApiKey, Logger, Queues } from "@regradar/shared";
import type { ArticleStore, SubscriptionStore } from "@regradar/store";
import type { SendAlert } from "@regradar/alerter";
import type { Queue } from "bullmq";
import type { RedisClient } from "@regradar/shared";

/**
 * What the HTTP app is built over: the same stores, queues and channels the CLI uses (one search,
 * two doors). main.ts opens the real ones; tests open them on their own Redis, index and database.
 */
export interface ApiPorts {
  articles: ArticleStore;
  subscriptions: SubscriptionStore;
  /** Producer connection: subscription cache versions, feed state, dead letters, rate-limit counters. */
  redis: RedisClient;
  queues: Queues;
  /** Raw queues for Bull Board only (see openQueuesForBoard); absent, the board is not mounted. */
  boardQueues?: Queue[];
  send: SendAlert;
  /** Signs and checks unsubscribe links (the alerter writes them). */
  linkSecret: string;
  log: Logger;
  now?: () => Date;
}

export interface ApiSettings {
  feedsFile: string;
  queuePrefix: string;
  /** Elasticsearch in use: status reports its reachability. */
  elasticsearch: boolean;
  keys: ApiKey[];
  publicRead: boolean;
  ratePerMinute: number;
  /** Where the built web app lives (dist/web); absent, `/` is not served. */
  webRoot?: string;
}
