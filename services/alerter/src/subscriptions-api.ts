import type { RedisClient } from "@regradar/shared";
import type { AlertMessage } from "./alert-message.js";
import type { SendAlert } from "./channels/index.js";
import { bumpSubscriptionsVersion } from "./subscription-cache.js";
import type { Subscription } from "@regradar/shared";
import { redactSubscription, validateSubscription } from "./subscription.js";
import type { DeliveryStats, SubscriptionStore } from "@regradar/store";

/**
 * The subscription operations the CLI and the HTTP API share. Every write bumps the version
 * in Redis after the store write, so running matchers recompile before their next article.
 */
export interface SubscriptionsContext {
  subscriptions: SubscriptionStore;
  redis: RedisClient;
  prefix: string;
}

export type SubscriptionSummary = Subscription & { deliveries: DeliveryStats };

const NO_DELIVERIES: DeliveryStats = { sent: 0, failed: 0, pending: 0, lastDeliveryAt: null, lastStatus: null };

/** Validates (throws SubscriptionValidationError listing every problem) and stores. Returns it with its secret. */
export async function createSubscription(ctx: SubscriptionsContext, input: unknown): Promise<Subscription> {
  const sub = validateSubscription(input);
  await ctx.subscriptions.putSubscription(sub);
  await bumpSubscriptionsVersion(ctx.redis, ctx.prefix);
  return sub;
}

/** Applies a partial change (e.g. `{ active: false }`) and validates the result as a whole. */
export async function updateSubscription(ctx: SubscriptionsContext, id: string, patch: Record<string, unknown>): Promise<Subscription | null> {
  const existing = await ctx.subscriptions.getSubscription(id);
  if (!existing) return null;
  const { filters, ...rest } = existing;
  const sub = validateSubscription({ ...rest, ...filters, ...patch }, { existing });
  await ctx.subscriptions.putSubscription(sub);
  await bumpSubscriptionsVersion(ctx.redis, ctx.prefix);
  return sub;
}

export async function removeSubscription(ctx: SubscriptionsContext, id: string): Promise<boolean> {
  const removed = await ctx.subscriptions.removeSubscription(id);
  if (removed) await bumpSubscriptionsVersion(ctx.redis, ctx.prefix);
  return removed;
}

/** Every subscription (secrets redacted) with its delivery-log summary. */
export async function listSubscriptions(ctx: Pick<SubscriptionsContext, "subscriptions">): Promise<SubscriptionSummary[]> {
  const [subs, stats] = await Promise.all([ctx.subscriptions.listSubscriptions(), ctx.subscriptions.deliveryStats()]);
  return subs.map((s) => ({ ...redactSubscription(s), deliveries: stats.get(s.id) ?? NO_DELIVERIES }));
}

export async function getSubscription(ctx: Pick<SubscriptionsContext, "subscriptions">, id: string): Promise<SubscriptionSummary | null> {
  const sub = await ctx.subscriptions.getSubscription(id);
  if (!sub) return null;
  const stats = await ctx.subscriptions.deliveryStats();
  return { ...redactSubscription(sub), deliveries: stats.get(sub.id) ?? NO_DELIVERIES };
}

export interface TestOutcome { ok: boolean; subscriptionId: string; channel: string; deliveryId: string; error: string | null }

/** A sample alert through the subscription's real channel; not recorded in the delivery log. */
export async function testSubscription(ctx: Pick<SubscriptionsContext, "subscriptions"> & { send: SendAlert; now?: () => Date }, id: string): Promise<TestOutcome | null> {
  const sub = await ctx.subscriptions.getSubscription(id);
  if (!sub) return null;
  const now = (ctx.now ?? (() => new Date()))();
  const deliveryId = `test-${sub.id}-${now.getTime()}`;
  const message: AlertMessage = {
    deliveryId, subscription: { id: sub.id, name: sub.name }, kind: "instant", sentAt: now.toISOString(),
    articles: [{
      id: "0".repeat(32),
      title: "RegRadar test alert: Beijing regulators order crypto exchanges to stop trading",
      url: "https://example.com/regradar-test-alert",
      publishedAt: now.toISOString(),
      jurisdictions: ["CN"], authorities: ["People's Bank of China"], actions: ["shutdown_order"],
      entities: [{ name: "Huobi", type: "exchange" }, { name: "OKCoin", type: "exchange" }],
      score: 1,
      snippet: "This is a test message sent by `regradar subscriptions test` to check that alerts reach you.",
    }],
  };
  try {
    await ctx.send(sub, message);
    return { ok: true, subscriptionId: sub.id, channel: sub.channel, deliveryId, error: null };
  } catch (err) {
    return { ok: false, subscriptionId: sub.id, channel: sub.channel, deliveryId, error: err instanceof Error ? err.message : String(err) };
  }
}
