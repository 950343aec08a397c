import type { Subscription } from "@regradar/shared";

/** One (subscription, article) pair that alerted: recorded once, ever. */
export interface AlertRecord {
  subscriptionId: string;
  articleId: string;
  /** SimHash of the article, to recognise near-duplicates of an alerted story. */
  contentHash: string;
  score: number;
  matchedAt: string;
  /** The delivery carrying it: set at once for instant alerts, when its window closes for digests. */
  deliveryId: string | null;
}

export type RecordOutcome = "recorded" | "exists" | "near_duplicate";

export type DeliveryStatus = "pending" | "retrying" | "sent" | "failed" | "skipped";

/** The delivery log: one message to one subscriber and what became of it. */
export interface DeliveryRecord {
  deliveryId: string;
  subscriptionId: string;
  kind: "instant" | "digest";
  articleIds: string[];
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export type DeliveryUpdate = Pick<DeliveryRecord, "status" | "attempts" | "lastError" | "sentAt">;

export interface DeliveryStats {
  sent: number;
  failed: number;
  pending: number;
  lastDeliveryAt: string | null;
  lastStatus: DeliveryStatus | null;
}

/** Subscriptions, alert records and the delivery log, kept beside the article index. */
export interface SubscriptionStore {
  readonly kind: "sqlite" | "elasticsearch";
  /** Creates tables / indices when missing. Idempotent. */
  init(): Promise<void>;
  putSubscription(sub: Subscription): Promise<void>;
  getSubscription(id: string): Promise<Subscription | null>;
  listSubscriptions(): Promise<Subscription[]>;
  /** Removes the subscription (its alert records and deliveries stay, as history). */
  removeSubscription(id: string): Promise<boolean>;

  getAlert(subscriptionId: string, articleId: string): Promise<AlertRecord | null>;
  /**
   * Insert-if-absent: `exists` when the pair was already recorded. With `nearDuplicateBits`, an
   * alert whose content hash lies within that many bits of one already recorded for the subscription
   * is not recorded (`near_duplicate`): atomically in SQLite; in Elasticsearch by a check after the
   * write in which the earlier of two racing copies (matchedAt, then article id) wins.
   */
  recordAlert(alert: AlertRecord, opts?: { nearDuplicateBits?: number }): Promise<RecordOutcome>;
  /** Articles already alerted to the subscription whose content hash lies within `maxBits` bits. */
  findNearDuplicateAlerts(subscriptionId: string, contentHash: string, maxBits: number): Promise<string[]>;
  /**
   * Assigns the subscription's unassigned alerts matched before `before` to `deliveryId`, and
   * returns every article assigned to it (so a repeat after a crash returns the same window).
   */
  claimDigest(subscriptionId: string, deliveryId: string, before: string): Promise<string[]>;

  /** Atomic insert-if-absent; returns the stored record (the existing one if there was one). */
  ensureDelivery(record: DeliveryRecord): Promise<DeliveryRecord>;
  getDelivery(deliveryId: string): Promise<DeliveryRecord | null>;
  /** Never changes a delivery already marked `sent`. */
  updateDelivery(deliveryId: string, update: DeliveryUpdate): Promise<void>;
  listDeliveries(subscriptionId: string, limit: number): Promise<DeliveryRecord[]>;
  deliveryStats(): Promise<Map<string, DeliveryStats>>;
  close(): Promise<void>;
}
