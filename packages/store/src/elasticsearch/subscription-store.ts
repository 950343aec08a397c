import { Client, errors, type estypes } from "@elastic/elasticsearch";
import { hammingDistance, simhashBands, type Subscription } from "@regradar/shared";
import type { AlertRecord, DeliveryRecord, DeliveryStats, DeliveryUpdate, RecordOutcome, SubscriptionStore } from "../subscription-store.js";
import { matchReplicas } from "./replicas.js";

/** Index names; tests pass unique ones. */
export interface SubscriptionIndices {
  subscriptionsIndex: string;
  alertsIndex: string;
  deliveriesIndex: string;
}

export interface ElasticsearchSubscriptionStoreOptions extends Partial<SubscriptionIndices> {
  /** Copies of each shard on other nodes (default 0, what a single node can hold). */
  replicas?: number;
}

const kw = { type: "keyword" } as const;
const date = { type: "date" } as const;

// Subscriptions are read whole and never searched by content: the document is stored, not indexed.
const SUBSCRIPTION_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: "strict",
  properties: { id: kw, createdAt: date, doc: { type: "object", enabled: false } },
};
const ALERT_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: "strict",
  properties: {
    subscriptionId: kw, articleId: kw, contentHash: kw, bands: kw, score: { type: "double" }, matchedAt: date, deliveryId: kw,
  },
};
const DELIVERY_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: "strict",
  properties: {
    deliveryId: kw, subscriptionId: kw, kind: kw, articleIds: kw, status: kw, attempts: { type: "integer" },
    lastError: { type: "text", index: false }, createdAt: date, sentAt: date,
  },
};

const MAX_DIGEST_ARTICLES = 1_000;
const MAX_CANDIDATES = 1_000;
const MAX_SUBSCRIPTIONS = 10_000;
const PAGE_SIZE = 1_000;

const isStatus = (err: unknown, status: number) => err instanceof errors.ResponseError && err.statusCode === status;
const alertId = (subscriptionId: string, articleId: string) => `${subscriptionId}-${articleId}`;

/**
 * Subscriptions, alert records and the delivery log as three Elasticsearch indices. Insert-if-absent
 * is `op_type: create` with a deterministic id (409 = already there). Alert records become
 * searchable on refresh: the near-duplicate check refreshes first when this process has written
 * alerts since, so a copy alerted by another alerter less than a second ago can slip through.
 * Only plain-server APIs (no update-by-query, no scripts): compare-and-set on sequence numbers.
 */
export class ElasticsearchSubscriptionStore implements SubscriptionStore {
  readonly kind = "elasticsearch" as const;
  readonly subscriptionsIndex: string;
  readonly alertsIndex: string;
  readonly deliveriesIndex: string;
  /** Alert records written by this process since the last refresh (others' become visible within a second). */
  private alertsWritten = false;
  private readonly replicas: number;

  /** The client belongs to the composition root, which closes it. */
  constructor(private readonly client: Client, opts: ElasticsearchSubscriptionStoreOptions = {}) {
    this.subscriptionsIndex = opts.subscriptionsIndex ?? "regradar-subscriptions";
    this.alertsIndex = opts.alertsIndex ?? "regradar-alerts";
    this.deliveriesIndex = opts.deliveriesIndex ?? "regradar-deliveries";
    this.replicas = opts.replicas ?? 0;
  }

  /**
   * A template per index, then the index; existing ones get the configured replica count. The templates
   * are what brings a deleted index back right: the next write auto-creates it with these mappings (not
   * guessed ones), so a running alerter carries on.
   */
  async init(): Promise<void> {
    const indices = [this.subscriptionsIndex, this.alertsIndex, this.deliveriesIndex];
    const settings = { number_of_shards: 1, number_of_replicas: this.replicas };
    for (const [index, mappings] of [
      [this.subscriptionsIndex, SUBSCRIPTION_MAPPINGS], [this.alertsIndex, ALERT_MAPPINGS], [this.deliveriesIndex, DELIVERY_MAPPINGS],
    ] as const) {
      await this.client.indices.putIndexTemplate({
        name: `${index}-template`, index_patterns: [index], priority: 500, template: { settings, mappings },
      });
      if (await this.client.indices.exists({ index })) continue;
      try {
        await this.client.indices.create({ index });
      } catch (err) {
        if (!(err instanceof errors.ResponseError && err.body?.error?.type === "resource_already_exists_exception")) throw err;
      }
    }
    await matchReplicas(this.client, indices, this.replicas);
    await this.client.cluster.health({ index: indices, wait_for_status: "yellow", timeout: "30s" });
  }

  async putSubscription(sub: Subscription): Promise<void> {
    // Subscription writes are rare and must be visible to the next list (the matchers' reload).
    await this.client.index({ index: this.subscriptionsIndex, id: sub.id, document: { id: sub.id, createdAt: sub.createdAt, doc: sub }, refresh: "wait_for" });
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    try {
      const res = await this.client.get<{ doc: Subscription }>({ index: this.subscriptionsIndex, id });
      return res._source?.doc ?? null;
    } catch (err) {
      if (isStatus(err, 404)) return null;
      throw err;
    }
  }

  async listSubscriptions(): Promise<Subscription[]> {
    // Paged with search_after: a result window is capped at 10,000 documents.
    const out: Subscription[] = [];
    let after: estypes.SortResults | undefined;
    for (;;) {
      const res = await this.client.search<{ doc: Subscription }>({
        index: this.subscriptionsIndex, ignore_unavailable: true, size: PAGE_SIZE, query: { match_all: {} }, sort: [{ createdAt: "asc" }, { id: "asc" }],
        ...(after ? { search_after: after } : {}),
      });
      const hits = res.hits.hits;
      out.push(...hits.map((h) => h._source!.doc));
      if (hits.length < PAGE_SIZE) return out;
      after = hits[hits.length - 1]!.sort;
    }
  }

  async removeSubscription(id: string): Promise<boolean> {
    try {
      await this.client.delete({ index: this.subscriptionsIndex, id, refresh: "wait_for" });
      return true;
    } catch (err) {
      if (isStatus(err, 404)) return false;
      throw err;
    }
  }

  async getAlert(subscriptionId: string, articleId: string): Promise<AlertRecord | null> {
    try {
      const res = await this.client.get<AlertRecord & { bands: string[] }>({ index: this.alertsIndex, id: alertId(subscriptionId, articleId) });
      if (!res._source) return null;
      const { bands: _bands, ...alert } = res._source;
      return alert;
    } catch (err) {
      if (isStatus(err, 404)) return null;
      throw err;
    }
  }

  async recordAlert(a: AlertRecord, opts: { nearDuplicateBits?: number } = {}): Promise<RecordOutcome> {
    const id = alertId(a.subscriptionId, a.articleId);
    try {
      await this.client.create({ index: this.alertsIndex, id, document: { ...a, bands: simhashBands(a.contentHash) } });
    } catch (err) {
      if (isStatus(err, 409)) return "exists";
      throw err;
    }
    this.alertsWritten = true;
    if (opts.nearDuplicateBits === undefined) return "recorded";
    // Written first, then checked: of two copies racing, each sees the other (after the refresh) and
    // the earlier one (matchedAt, then article id) stays; the later one withdraws its record.
    const near = await this.nearDuplicates(a.subscriptionId, a.contentHash, opts.nearDuplicateBits);
    const earlier = near.some((o) => o.articleId !== a.articleId && (o.matchedAt < a.matchedAt || (o.matchedAt === a.matchedAt && o.articleId < a.articleId)));
    if (!earlier) return "recorded";
    await this.client.delete({ index: this.alertsIndex, id, refresh: true }, { ignore: [404] });
    return "near_duplicate";
  }

  async findNearDuplicateAlerts(subscriptionId: string, contentHash: string, maxBits: number): Promise<string[]> {
    return (await this.nearDuplicates(subscriptionId, contentHash, maxBits)).map((n) => n.articleId);
  }

  private async nearDuplicates(subscriptionId: string, contentHash: string, maxBits: number): Promise<Array<{ articleId: string; matchedAt: string }>> {
    if (this.alertsWritten) {
      this.alertsWritten = false;
      await this.client.indices.refresh({ index: this.alertsIndex, ignore_unavailable: true });
    }
    const bands = simhashBands(contentHash);
    const res = await this.client.search<{ articleId: string; contentHash: string; matchedAt: string }>({
      index: this.alertsIndex, ignore_unavailable: true, size: MAX_CANDIDATES, _source: ["articleId", "contentHash", "matchedAt"],
      query: { bool: { filter: [
        { term: { subscriptionId } },
        // Within maxBits bits, two hashes share at least 8 - maxBits of the 8 bands.
        { bool: { should: bands.map((b) => ({ term: { bands: b } })), minimum_should_match: Math.max(1, bands.length - maxBits) } },
      ] } },
    });
    return res.hits.hits.map((h) => h._source!).filter((s) => hammingDistance(s.contentHash, contentHash) <= maxBits)
      .map((s) => ({ articleId: s.articleId, matchedAt: s.matchedAt }));
  }

  async claimDigest(subscriptionId: string, deliveryId: string, before: string): Promise<string[]> {
    // Plain-server APIs only (no update-by-query, no scripts): find the pending alerts, then claim each
    // with a compare-and-set on its sequence number so that a concurrent claim never takes it twice.
    await this.client.indices.refresh({ index: this.alertsIndex, ignore_unavailable: true });
    const pending = await this.client.search({
      index: this.alertsIndex, ignore_unavailable: true, size: MAX_DIGEST_ARTICLES, _source: false, seq_no_primary_term: true,
      query: { bool: { filter: [{ term: { subscriptionId } }, { range: { matchedAt: { lt: before } } }], must_not: [{ exists: { field: "deliveryId" } }] } },
    });
    if (pending.hits.hits.length > 0) {
      await this.client.bulk({
        refresh: true,
        operations: pending.hits.hits.flatMap((h) => [
          { update: { _index: this.alertsIndex, _id: h._id!, if_seq_no: h._seq_no!, if_primary_term: h._primary_term! } },
          { doc: { deliveryId } },
        ]),
      });
    }
    const res = await this.client.search<{ articleId: string }>({
      index: this.alertsIndex, ignore_unavailable: true, size: MAX_DIGEST_ARTICLES, _source: ["articleId"],
      query: { bool: { filter: [{ term: { subscriptionId } }, { term: { deliveryId } }] } },
      sort: [{ score: "desc" }, { matchedAt: "asc" }],
    });
    return res.hits.hits.map((h) => h._source!.articleId);
  }

  async ensureDelivery(d: DeliveryRecord): Promise<DeliveryRecord> {
    try {
      await this.client.create({ index: this.deliveriesIndex, id: d.deliveryId, document: d });
      return d;
    } catch (err) {
      if (!isStatus(err, 409)) throw err;
    }
    return (await this.getDelivery(d.deliveryId))!;
  }

  async getDelivery(deliveryId: string): Promise<DeliveryRecord | null> {
    try {
      const res = await this.client.get<DeliveryRecord>({ index: this.deliveriesIndex, id: deliveryId });
      return res._source ?? null;
    } catch (err) {
      if (isStatus(err, 404)) return null;
      throw err;
    }
  }

  async updateDelivery(deliveryId: string, u: DeliveryUpdate): Promise<void> {
    // A delivery marked sent stays sent: a zombie attempt (its worker presumed dead) must not undo it.
    // Compare-and-set on the sequence number instead of a script (plain-server APIs only).
    for (let attempt = 0; ; attempt++) {
      let current: estypes.GetResponse<DeliveryRecord>;
      try {
        current = await this.client.get<DeliveryRecord>({ index: this.deliveriesIndex, id: deliveryId });
      } catch (err) {
        if (isStatus(err, 404)) return;
        throw err;
      }
      if (!current._source || current._source.status === "sent") return;
      try {
        await this.client.index({
          index: this.deliveriesIndex, id: deliveryId, document: { ...current._source, ...u },
          if_seq_no: current._seq_no!, if_primary_term: current._primary_term!,
        });
        return;
      } catch (err) {
        if (!isStatus(err, 409) || attempt >= 5) throw err;
      }
    }
  }

  async listDeliveries(subscriptionId: string, limit: number): Promise<DeliveryRecord[]> {
    await this.client.indices.refresh({ index: this.deliveriesIndex, ignore_unavailable: true });
    const res = await this.client.search<DeliveryRecord>({
      index: this.deliveriesIndex, ignore_unavailable: true, size: limit, query: { term: { subscriptionId } }, sort: [{ createdAt: "desc" }, { deliveryId: "asc" }],
    });
    return res.hits.hits.map((h) => h._source!);
  }

  async deliveryStats(): Promise<Map<string, DeliveryStats>> {
    await this.client.indices.refresh({ index: this.deliveriesIndex, ignore_unavailable: true });
    const res = await this.client.search({
      index: this.deliveriesIndex, ignore_unavailable: true, size: 0,
      aggs: {
        subs: {
          terms: { field: "subscriptionId", size: MAX_SUBSCRIPTIONS },
          aggs: {
            status: { terms: { field: "status", size: 10 } },
            last: { top_hits: { size: 1, sort: [{ createdAt: "desc" }], _source: ["status", "sentAt", "createdAt"] } },
          },
        },
      },
    });
    type Bucket = { key: string; status: { buckets: Array<{ key: string; doc_count: number }> }; last: { hits: { hits: Array<{ _source: DeliveryRecord }> } } };
    const buckets = ((res.aggregations?.subs as { buckets?: Bucket[] } | undefined)?.buckets) ?? [];
    return new Map(buckets.map((b) => {
      const count = (s: string) => b.status.buckets.find((x) => x.key === s)?.doc_count ?? 0;
      const last = b.last.hits.hits[0]?._source;
      return [b.key, {
        sent: count("sent"), failed: count("failed"), pending: count("pending") + count("retrying"),
        lastDeliveryAt: last ? last.sentAt ?? last.createdAt : null, lastStatus: last?.status ?? null,
      }];
    }));
  }

  async close(): Promise<void> {}

  /** Deletes the three indices and their templates (tests). */
  async drop(): Promise<void> {
    const indices = [this.subscriptionsIndex, this.alertsIndex, this.deliveriesIndex];
    await this.client.indices.delete({ index: indices, ignore_unavailable: true });
    for (const index of indices) await this.client.indices.deleteIndexTemplate({ name: `${index}-template` }, { ignore: [404] });
  }
}

/**
 * The indices beside an article index: `regradar-articles` -> `regradar-subscriptions`,
 * `regradar-alerts`, `regradar-deliveries` (any other name gets the suffixes appended).
 */
export function subscriptionIndicesFor(articleIndex: string): SubscriptionIndices {
  const base = articleIndex.replace(/-articles$/, "");
  return { subscriptionsIndex: `${base}-subscriptions`, alertsIndex: `${base}-alerts`, deliveriesIndex: `${base}-deliveries` };
}
