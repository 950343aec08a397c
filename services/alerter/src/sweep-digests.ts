import { lastWindowEnd } from "./digest-schedule.js";
import { digestScheduleOf } from "./subscription.js";
import type { DeliveryRecord, SubscriptionStore } from "@regradar/store";
import { digestDeliveryId } from "./delivery-ids.js";

export interface SweepDeps {
  subscriptions: SubscriptionStore;
  enqueueDelivery(d: Pick<DeliveryRecord, "deliveryId" | "subscriptionId" | "articleIds">): Promise<void>;
  now(): Date;
}

/**
 * Closes every digest window that has ended: the subscription's pending alerts matched before
 * the window's end become one delivery, whose id names the window (`digest-<sub>-<end>`), so a
 * sweep repeated by another process or after a crash finds the same delivery and adds nothing.
 */
export async function sweepDigests(deps: SweepDeps): Promise<{ deliveries: number; articles: number }> {
  const now = deps.now();
  let deliveries = 0, articles = 0;
  for (const sub of await deps.subscriptions.listSubscriptions()) {
    if (!sub.active || sub.mode !== "digest") continue;
    const end = lastWindowEnd(digestScheduleOf(sub), now);
    const deliveryId = digestDeliveryId(sub.id, end);
    const existing = await deps.subscriptions.getDelivery(deliveryId);
    if (existing) {
      if (existing.status === "pending") await deps.enqueueDelivery(existing);
      continue;
    }
    const ids = await deps.subscriptions.claimDigest(sub.id, deliveryId, end.toISOString());
    if (ids.length === 0) continue;
    const record = await deps.subscriptions.ensureDelivery({
      deliveryId, subscriptionId: sub.id, kind: "digest", articleIds: ids, status: "pending", attempts: 0, lastError: null,
      createdAt: now.toISOString(), sentAt: null,
    });
    await deps.enqueueDelivery(record);
    deliveries++;
    articles += ids.length;
  }
  return { deliveries, articles };
}
