import {
  createChannels, createEmailSender, openElasticsearchSubscriptionStore, redisChannelThrottle, SqliteSubscriptionStore, subscriptionIndicesFor,
  type EmailSender, type SendAlert, type SubscriptionStore, type SubscriptionsContext,
} from "@regradar/alerter";
import { SqliteArticleStore } from "@regradar/indexer";
import { initialised, type Runtime } from "./runtime.js";

/**
 * Alerting's part of the composition root: the subscription store beside the configured
 * article store (SQLite tables in the index file, or Elasticsearch indices), and the channels.
 */
export function createSubscriptionStore(rt: Runtime): SubscriptionStore {
  if (rt.store instanceof SqliteArticleStore) return new SqliteSubscriptionStore(rt.store.database);
  if (rt.config.elasticsearch) {
    return openElasticsearchSubscriptionStore({ url: rt.config.elasticsearch.url, ...subscriptionIndicesFor(rt.config.elasticsearch.index) });
  }
  throw new Error(`no subscription store for a ${rt.store.kind} article store`);
}

export async function openSubscriptionStore(rt: Runtime): Promise<SubscriptionStore> {
  return initialised(createSubscriptionStore(rt));
}

export interface AlertChannels { send: SendAlert; email: EmailSender }

export function openAlertChannels(rt: Runtime): AlertChannels {
  const a = rt.config.alerts;
  const email = createEmailSender({ smtpUrl: a.smtpUrl, from: a.smtpFrom, publicUrl: a.publicUrl });
  const send = createChannels({ http: rt.http, email, telegram: { apiBase: a.telegramApiBase, botToken: a.telegramBotToken } });
  return { send, email };
}

export const subscriptionsContext = (rt: Runtime, subscriptions: SubscriptionStore): SubscriptionsContext =>
  ({ subscriptions, redis: rt.redis, prefix: rt.config.queuePrefix });

export const channelThrottle = (rt: Runtime) => redisChannelThrottle(rt.redis, rt.config.queuePrefix, rt.config.alerts.ratePerSecond);
