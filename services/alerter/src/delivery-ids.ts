/** Deterministic delivery ids: the job id of the delivery, so a repeated enqueue is a no-op. */
export const instantDeliveryId = (subscriptionId: string, articleId: string) => `instant-${subscriptionId}-${articleId}`;
export const digestDeliveryId = (subscriptionId: string, windowEnd: Date) => `digest-${subscriptionId}-${Math.floor(windowEnd.getTime() / 1000)}`;
