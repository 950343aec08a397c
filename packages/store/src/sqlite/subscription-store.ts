import type Database from "better-sqlite3";
import { hammingDistance, simhashBands, type Subscription } from "@regradar/shared";
import type { AlertRecord, DeliveryRecord, DeliveryStats, DeliveryUpdate, RecordOutcome, SubscriptionStore } from "../subscription-store.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subscriptions (id TEXT PRIMARY KEY, doc TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
  subscription_id TEXT NOT NULL,
  article_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  score REAL NOT NULL,
  matched_at TEXT NOT NULL,
  delivery_id TEXT,
  PRIMARY KEY (subscription_id, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts(subscription_id, delivery_id, matched_at);
CREATE TABLE IF NOT EXISTS alert_bands (subscription_id TEXT NOT NULL, band TEXT NOT NULL, article_id TEXT NOT NULL,
  PRIMARY KEY (subscription_id, band, article_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS deliveries (
  delivery_id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  article_ids TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_subscription ON deliveries(subscription_id, created_at);
`;

type AlertRow = { subscription_id: string; article_id: string; content_hash: string; score: number; matched_at: string; delivery_id: string | null };
type DeliveryRow = {
  delivery_id: string; subscription_id: string; kind: string; article_ids: string; status: string;
  attempts: number; last_error: string | null; created_at: string; sent_at: string | null;
};

const toAlert = (r: AlertRow): AlertRecord => ({
  subscriptionId: r.subscription_id, articleId: r.article_id, contentHash: r.content_hash, score: r.score, matchedAt: r.matched_at, deliveryId: r.delivery_id,
});
const toDelivery = (r: DeliveryRow): DeliveryRecord => ({
  deliveryId: r.delivery_id, subscriptionId: r.subscription_id, kind: r.kind as DeliveryRecord["kind"], articleIds: JSON.parse(r.article_ids) as string[],
  status: r.status as DeliveryRecord["status"], attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at,
});

/** Subscription tables in the SQLite file of the index. */
export class SqliteSubscriptionStore implements SubscriptionStore {
  readonly kind = "sqlite" as const;

  /** The database belongs to whoever opened it (the composition root), which closes it. */
  constructor(private readonly db: Database.Database) {}

  async init(): Promise<void> {
    this.db.exec(SCHEMA);
  }

  async putSubscription(sub: Subscription): Promise<void> {
    this.db.prepare("INSERT INTO subscriptions (id, doc, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")
      .run(sub.id, JSON.stringify(sub), sub.createdAt);
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const row = this.db.prepare<[string], { doc: string }>("SELECT doc FROM subscriptions WHERE id = ?").get(id);
    return row ? (JSON.parse(row.doc) as Subscription) : null;
  }

  async listSubscriptions(): Promise<Subscription[]> {
    return this.db.prepare<[], { doc: string }>("SELECT doc FROM subscriptions ORDER BY created_at, id").all().map((r) => JSON.parse(r.doc) as Subscription);
  }

  async removeSubscription(id: string): Promise<boolean> {
    return this.db.prepare("DELETE FROM subscriptions WHERE id = ?").run(id).changes > 0;
  }

  async getAlert(subscriptionId: string, articleId: string): Promise<AlertRecord | null> {
    const row = this.db.prepare<[string, string], AlertRow>("SELECT * FROM alerts WHERE subscription_id = ? AND article_id = ?").get(subscriptionId, articleId);
    return row ? toAlert(row) : null;
  }

  async recordAlert(a: AlertRecord, opts: { nearDuplicateBits?: number } = {}): Promise<RecordOutcome> {
    // One transaction: SQLite serialises writers, so two copies of a story racing in two workers
    // (or two processes) cannot both be recorded.
    const record = this.db.transaction((): RecordOutcome => {
      if (this.db.prepare("SELECT 1 FROM alerts WHERE subscription_id = ? AND article_id = ?").get(a.subscriptionId, a.articleId)) return "exists";
      if (opts.nearDuplicateBits !== undefined && this.nearDuplicates(a.subscriptionId, a.contentHash, opts.nearDuplicateBits).length > 0) return "near_duplicate";
      this.db.prepare(`INSERT INTO alerts (subscription_id, article_id, content_hash, score, matched_at, delivery_id)
        VALUES (?, ?, ?, ?, ?, ?)`).run(a.subscriptionId, a.articleId, a.contentHash, a.score, a.matchedAt, a.deliveryId);
      const band = this.db.prepare("INSERT OR IGNORE INTO alert_bands (subscription_id, band, article_id) VALUES (?, ?, ?)");
      for (const b of simhashBands(a.contentHash)) band.run(a.subscriptionId, b, a.articleId);
      return "recorded";
    });
    return record.immediate();
  }

  async findNearDuplicateAlerts(subscriptionId: string, contentHash: string, maxBits: number): Promise<string[]> {
    return this.nearDuplicates(subscriptionId, contentHash, maxBits);
  }

  private nearDuplicates(subscriptionId: string, contentHash: string, maxBits: number): string[] {
    const bands = simhashBands(contentHash);
    const rows = this.db.prepare<string[], { article_id: string; content_hash: string }>(
      `SELECT DISTINCT a.article_id, a.content_hash FROM alert_bands b JOIN alerts a ON a.subscription_id = b.subscription_id AND a.article_id = b.article_id
       WHERE b.subscription_id = ? AND b.band IN (${bands.map(() => "?").join(",")})`).all(subscriptionId, ...bands);
    return rows.filter((r) => hammingDistance(r.content_hash, contentHash) <= maxBits).map((r) => r.article_id);
  }

  async claimDigest(subscriptionId: string, deliveryId: string, before: string): Promise<string[]> {
    const claim = this.db.transaction(() => {
      this.db.prepare("UPDATE alerts SET delivery_id = ? WHERE subscription_id = ? AND delivery_id IS NULL AND matched_at < ?").run(deliveryId, subscriptionId, before);
      return this.db.prepare<[string, string], { article_id: string }>("SELECT article_id FROM alerts WHERE subscription_id = ? AND delivery_id = ? ORDER BY score DESC, matched_at")
        .all(subscriptionId, deliveryId).map((r) => r.article_id);
    });
    return claim.immediate();
  }

  async ensureDelivery(d: DeliveryRecord): Promise<DeliveryRecord> {
    this.db.prepare(`INSERT OR IGNORE INTO deliveries (delivery_id, subscription_id, kind, article_ids, status, attempts, last_error, created_at, sent_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(d.deliveryId, d.subscriptionId, d.kind, JSON.stringify(d.articleIds), d.status, d.attempts, d.lastError, d.createdAt, d.sentAt);
    return (await this.getDelivery(d.deliveryId))!;
  }

  async getDelivery(deliveryId: string): Promise<DeliveryRecord | null> {
    const row = this.db.prepare<[string], DeliveryRow>("SELECT * FROM deliveries WHERE delivery_id = ?").get(deliveryId);
    return row ? toDelivery(row) : null;
  }

  async updateDelivery(deliveryId: string, u: DeliveryUpdate): Promise<void> {
    // A delivery marked sent stays sent: a zombie attempt (its worker presumed dead) must not undo it.
    this.db.prepare("UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, sent_at = ? WHERE delivery_id = ? AND status <> 'sent'")
      .run(u.status, u.attempts, u.lastError, u.sentAt, deliveryId);
  }

  async listDeliveries(subscriptionId: string, limit: number): Promise<DeliveryRecord[]> {
    return this.db.prepare<[string, number], DeliveryRow>("SELECT * FROM deliveries WHERE subscription_id = ? ORDER BY created_at DESC, delivery_id LIMIT ?")
      .all(subscriptionId, limit).map(toDelivery);
  }

  async deliveryStats(): Promise<Map<string, DeliveryStats>> {
    const rows = this.db.prepare<[], { subscription_id: string; sent: number; failed: number; pending: number; last_at: string | null }>(
      `SELECT subscription_id, sum(status = 'sent') AS sent, sum(status = 'failed') AS failed, sum(status IN ('pending', 'retrying')) AS pending,
         max(coalesce(sent_at, created_at)) AS last_at FROM deliveries GROUP BY subscription_id`).all();
    const lastStatus = this.db.prepare<[string], { status: string }>(
      "SELECT status FROM deliveries WHERE subscription_id = ? ORDER BY coalesce(sent_at, created_at) DESC LIMIT 1");
    return new Map(rows.map((r) => [r.subscription_id, {
      sent: r.sent, failed: r.failed, pending: r.pending, lastDeliveryAt: r.last_at,
      lastStatus: (lastStatus.get(r.subscription_id)?.status ?? null) as DeliveryStats["lastStatus"],
    }]));
  }

  async close(): Promise<void> {}
}
