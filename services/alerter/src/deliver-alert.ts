import { PermanentError } from "@regradar/shared";
import type { ArticleStore } from "@regradar/store";
import { byScore, toAlertArticle, type AlertMessage } from "./alert-message.js";
import { DeliveryFailure, type SendAlert } from "./channels/index.js";
import type { ChannelThrottle } from "./rate-limit.js";
import type { DeliveryRecord, SubscriptionStore } from "@regradar/store";

export interface DeliverDeps {
  articles: Pick<ArticleStore, "getArticles">;
  subscriptions: SubscriptionStore;
  send: SendAlert;
  throttle: ChannelThrottle;
  now(): Date;
}

export interface DeliveryJob { deliveryId: string; subscriptionId: string; articleIds: string[] }

export type DeliverOutcome =
  | { status: "sent" | "already_sent" | "skipped"; articles: number }
  /** The channel's rate limit is spent: the adapter puts the job back for `waitMs`, no attempt used. */
  | { status: "throttled"; waitMs: number };

/**
 * Sends one delivery through its subscription's channel, at most once as far as we can tell:
 * a delivery marked `sent` is never sent again, and it is marked right after the receiver's 2xx.
 * A crash between the receiver's 2xx and the mark repeats it once; receivers dedupe on the
 * delivery id (X-RegRadar-Delivery), which is the same on every attempt.
 *
 * Failures: DeliveryFailure.permanent (4xx other than 408/429, blocked address, no config)
 * -> PermanentError, no retry; anything else is thrown for the queue's backoff to retry.
 */
export async function deliverAlert(job: DeliveryJob, attempt: { number: number; final: boolean }, deps: DeliverDeps): Promise<DeliverOutcome> {
  const subs = deps.subscriptions;
  const record = await subs.ensureDelivery({
    deliveryId: job.deliveryId, subscriptionId: job.subscriptionId, kind: job.deliveryId.startsWith("digest-") ? "digest" : "instant",
    articleIds: job.articleIds, status: "pending", attempts: 0, lastError: null, createdAt: deps.now().toISOString(), sentAt: null,
  });
  if (record.status === "sent") return { status: "already_sent", articles: record.articleIds.length };
  const finish = (u: Partial<DeliveryRecord>) => subs.updateDelivery(job.deliveryId, {
    status: record.status, attempts: attempt.number, lastError: record.lastError, sentAt: null, ...u,
  });

  const sub = await subs.getSubscription(job.subscriptionId);
  if (!sub || !sub.active) {
    await finish({ status: "skipped", lastError: sub ? "subscription inactive" : "subscription removed" });
    return { status: "skipped", articles: 0 };
  }
  const stored = await deps.articles.getArticles(record.articleIds);
  if (stored.length === 0) {
    await finish({ status: "failed", lastError: "none of the articles is in the store" });
    throw new PermanentError(`delivery ${job.deliveryId}: none of its articles is in the store`, "articles_missing");
  }
  const waitMs = await deps.throttle.take(sub.channel);
  if (waitMs > 0) return { status: "throttled", waitMs };

  const message: AlertMessage = {
    deliveryId: job.deliveryId,
    subscription: { id: sub.id, name: sub.name },
    kind: record.kind,
    articles: stored.map(toAlertArticle).sort(byScore),
    sentAt: deps.now().toISOString(),
  };
  try {
    await deps.send(sub, message);
  } catch (err) {
    const permanent = err instanceof DeliveryFailure && err.permanent;
    const reason = err instanceof Error ? err.message : String(err);
    await finish({ status: permanent || attempt.final ? "failed" : "retrying", lastError: reason });
    if (permanent) throw new PermanentError(`delivery ${job.deliveryId}: ${reason}`, "delivery_refused");
    throw err;
  }
  await finish({ status: "sent", lastError: null, sentAt: deps.now().toISOString() });
  return { status: "sent", articles: message.articles.length };
}
