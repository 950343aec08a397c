import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { Redis } from "ioredis";
import { Client } from "@elastic/elasticsearch";
import {
  ElasticsearchSubscriptionStore, openSqliteDatabase, SqliteSubscriptionStore, subscriptionIndicesFor,
  type AlertRecord, type DeliveryRecord, type SubscriptionStore,
} from "@regradar/store";
import { redisChannelThrottle } from "./rate-limit.js";
import { compiledSubscriptionsCache } from "./subscription-cache.js";
import { createSubscription, removeSubscription, updateSubscription } from "./subscriptions-api.js";
import { validateSubscription } from "./subscription.js";

interface Harness { store: SubscriptionStore; cleanup(): Promise<void> }

const harnesses: Record<string, () => Promise<Harness>> = {
  sqlite: async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "regradar-subs-"));
    const db = openSqliteDatabase(path.join(dir, "regradar.db"));
    const store = new SqliteSubscriptionStore(db);
    await store.init();
    return { store, async cleanup() { db.close(); await rm(dir, { recursive: true, force: true }); } };
  },
  elasticsearch: async () => {
    const client = new Client({ node: inject("elasticsearchUrl") });
    const store = new ElasticsearchSubscriptionStore(client, subscriptionIndicesFor(`t-${randomUUID().slice(0, 8)}-articles`));
    await store.init();
    return { store, async cleanup() { await store.drop(); await client.close(); } };
  },
};

const sub = (name: string, over: Record<string, unknown> = {}) => validateSubscription({ name, channel: "webhook", target: "https://hooks.example.com/x", ...over });
const alert = (subscriptionId: string, articleId: string, over: Partial<AlertRecord> = {}): AlertRecord => ({
  subscriptionId, articleId, contentHash: "0123456789abcdef", score: 0.5, matchedAt: "2026-01-01T10:00:00.000Z", deliveryId: null, ...over,
});
const delivery = (deliveryId: string, subscriptionId: string, over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  deliveryId, subscriptionId, kind: "instant", articleIds: ["a".repeat(32)], status: "pending", attempts: 0, lastError: null,
  createdAt: "2026-01-01T10:00:00.000Z", sentAt: null, ...over,
});

for (const [kind, open] of Object.entries(harnesses)) {
  describe(`${kind} subscription store`, () => {
    let h: Harness;
    beforeAll(async () => { h = await open(); });
    afterAll(async () => { await h.cleanup(); });

    test("subscriptions: put, get, list in creation order, remove", async () => {
      const a = sub("a", { jurisdictions: ["CN"] });
      const b = { ...sub("b"), createdAt: "2099-01-01T00:00:00.000Z" };
      await h.store.putSubscription(b);
      await h.store.putSubscription(a);
      expect(await h.store.getSubscription(a.id)).toEqual(a);
      expect((await h.store.listSubscriptions()).map((s) => s.name)).toEqual(["a", "b"]);
      await h.store.putSubscription({ ...a, active: false });
      expect((await h.store.getSubscription(a.id))?.active).toBe(false);
      expect(await h.store.removeSubscription(b.id)).toBe(true);
      expect(await h.store.removeSubscription(b.id)).toBe(false);
      expect(await h.store.getSubscription(b.id)).toBeNull();
    });

    test("alert records are insert-if-absent, even when raced", async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => h.store.recordAlert(alert("s1", "1".repeat(32)))));
      expect(results.filter((r) => r === "recorded")).toHaveLength(1);
      expect(results.filter((r) => r === "exists")).toHaveLength(7);
      expect(await h.store.getAlert("s1", "1".repeat(32))).toEqual(alert("s1", "1".repeat(32)));
      expect(await h.store.getAlert("s2", "1".repeat(32))).toBeNull();
    });

    test("near-duplicate alerts: within the bit budget, per subscription", async () => {
      await h.store.recordAlert(alert("nd", "2".repeat(32), { contentHash: "ffff0000ffff0000" }));
      expect(await h.store.findNearDuplicateAlerts("nd", "ffff0000ffff0003", 6)).toEqual(["2".repeat(32)]);
      expect(await h.store.findNearDuplicateAlerts("nd", "0000ffff0000ffff", 6)).toEqual([]);
      expect(await h.store.findNearDuplicateAlerts("other", "ffff0000ffff0000", 6)).toEqual([]);
      expect(await h.store.recordAlert(alert("nd", "7".repeat(32), { contentHash: "ffff0000ffff0001" }), { nearDuplicateBits: 6 })).toBe("near_duplicate");
      expect(await h.store.getAlert("nd", "7".repeat(32))).toBeNull();
      expect(await h.store.recordAlert(alert("nd", "8".repeat(32), { contentHash: "0000ffff0000ffff" }), { nearDuplicateBits: 6 })).toBe("recorded");
    });

    test("copies of one story racing: the earliest is recorded" + (kind === "sqlite" ? ", and only it" : ""), async () => {
      const copies = Array.from({ length: 6 }, (_, i) => alert("race", `${i + 1}`.repeat(32), { contentHash: `abcdabcdabcdabc${i}` }));
      const results = await Promise.all(copies.map((c) => h.store.recordAlert(c, { nearDuplicateBits: 6 })));
      const recorded = copies.filter((_, i) => results[i] === "recorded").map((c) => c.articleId);
      expect(recorded).toContain("1".repeat(32));
      // Elasticsearch sees a racing copy only after a refresh: two may slip through, never none.
      if (kind === "sqlite") expect(recorded).toEqual(["1".repeat(32)]);
    });

    test("claiming a digest window takes the pending alerts before its end, once; a repeat returns the same set", async () => {
      await h.store.recordAlert(alert("dg", "3".repeat(32), { score: 0.2, matchedAt: "2026-01-01T07:00:00.000Z" }));
      await h.store.recordAlert(alert("dg", "4".repeat(32), { score: 0.9, matchedAt: "2026-01-01T07:30:00.000Z" }));
      await h.store.recordAlert(alert("dg", "5".repeat(32), { score: 0.5, matchedAt: "2026-01-01T08:30:00.000Z" }));
      await h.store.recordAlert(alert("dg", "6".repeat(32), { score: 0.5, matchedAt: "2026-01-01T07:00:00.000Z", deliveryId: "instant-x" }));
      expect(await h.store.claimDigest("dg", "digest-dg-1", "2026-01-01T08:00:00.000Z")).toEqual(["4".repeat(32), "3".repeat(32)]);
      expect(await h.store.claimDigest("dg", "digest-dg-1", "2026-01-01T08:00:00.000Z")).toEqual(["4".repeat(32), "3".repeat(32)]);
      expect(await h.store.claimDigest("dg", "digest-dg-2", "2026-01-01T09:00:00.000Z")).toEqual(["5".repeat(32)]);
      expect((await h.store.getAlert("dg", "3".repeat(32)))?.deliveryId).toBe("digest-dg-1");
    });

    test("the delivery log: insert-if-absent, updates never undo sent, stats per subscription", async () => {
      const first = await h.store.ensureDelivery(delivery("d1", "ds"));
      expect(first.status).toBe("pending");
      expect((await h.store.ensureDelivery(delivery("d1", "ds", { status: "failed" }))).status).toBe("pending");
      await h.store.updateDelivery("d1", { status: "sent", attempts: 2, lastError: null, sentAt: "2026-01-01T10:00:05.000Z" });
      await h.store.updateDelivery("d1", { status: "retrying", attempts: 3, lastError: "zombie", sentAt: null });
      expect(await h.store.getDelivery("d1")).toMatchObject({ status: "sent", attempts: 2, lastError: null, sentAt: "2026-01-01T10:00:05.000Z" });
      await h.store.ensureDelivery(delivery("d2", "ds", { createdAt: "2026-01-01T11:00:00.000Z" }));
      await h.store.updateDelivery("d2", { status: "failed", attempts: 8, lastError: "HTTP 503", sentAt: null });
      await h.store.ensureDelivery(delivery("d3", "ds", { createdAt: "2026-01-01T09:00:00.000Z" }));
      const stats = (await h.store.deliveryStats()).get("ds");
      expect(stats).toEqual({ sent: 1, failed: 1, pending: 1, lastDeliveryAt: "2026-01-01T11:00:00.000Z", lastStatus: "failed" });
      expect((await h.store.listDeliveries("ds", 10)).map((d) => d.deliveryId)).toEqual(["d2", "d1", "d3"]);
      expect(await h.store.getDelivery("nope")).toBeNull();
    });
  });
}

describe("channel rate limit (Redis token bucket)", () => {
  test("a burst of one second's worth passes, then callers are told how long to wait; channels are independent", async () => {
    const redis = new Redis(inject("redisUrl"));
    try {
      const throttle = redisChannelThrottle(redis, `t-${randomUUID().slice(0, 8)}`, { webhook: 5, email: 1, slack: 1, telegram: 1 });
      const waits = [];
      for (let i = 0; i < 6; i++) waits.push(await throttle.take("webhook"));
      expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
      expect(waits[5]).toBeGreaterThan(0);
      expect(waits[5]).toBeLessThanOrEqual(200);
      expect(await throttle.take("slack")).toBe(0);
      expect(await throttle.take("slack")).toBeGreaterThan(500);
    } finally {
      redis.disconnect();
    }
  });
});

describe("compiled subscriptions follow writes through the version counter in Redis", () => {
  test("recompiled after create/update/remove, reused while unchanged", async () => {
    const redis = new Redis(inject("redisUrl"));
    const h = await harnesses.sqlite!();
    try {
      const ctx = { subscriptions: h.store, redis, prefix: `t-${randomUUID().slice(0, 8)}` };
      const cache = compiledSubscriptionsCache(ctx);
      const empty = await cache.get();
      expect(empty.size).toBe(0);
      expect(await cache.get()).toBe(empty);
      const s = await createSubscription(ctx, { name: "cn", channel: "webhook", target: "https://hooks.example.com/x", jurisdictions: ["CN"] });
      expect((await cache.get()).size).toBe(1);
      await updateSubscription(ctx, s.id, { active: false });
      expect((await cache.get()).size).toBe(0);
      await updateSubscription(ctx, s.id, { active: true });
      expect((await cache.get()).size).toBe(1);
      await removeSubscription(ctx, s.id);
      expect((await cache.get()).size).toBe(0);
    } finally {
      await h.cleanup();
      redis.disconnect();
    }
  });
});
