import { describe, expect, test } from "vitest";
import { PermanentError, simhash } from "@regradar/shared";
import { openSqliteDatabase, SqliteArticleStore, SqliteSubscriptionStore, type UpsertDocument } from "@regradar/store";
import type { AlertMessage } from "./alert-message.js";
import { DeliveryFailure } from "./channels/delivery-failure.js";
import { deliverAlert, type DeliverDeps } from "./deliver-alert.js";
import { matchArticles, type MatchDeps } from "./match-articles.js";
import { compileSubscriptions } from "./match-subscriptions.js";
import type { Subscription } from "@regradar/shared";
import { validateSubscription } from "./subscription.js";
import { instantDeliveryId } from "./delivery-ids.js";

const TEXT = "Chinese regulators ordered Beijing bitcoin exchanges OKCoin, Huobi and BTCChina to stop trading and stop registering new users by the end of the month, people familiar with the matter said.";

function doc(n: number, over: Partial<UpsertDocument> = {}): UpsertDocument {
  const id = n.toString(16).padStart(32, "0");
  const text = over.text ?? TEXT;
  return {
    id, url: `https://news.example.com/${n}`, canonicalUrl: `https://news.example.com/${n}`, feedId: "f", feedTitle: null, source: "news.example.com",
    title: `Story ${n}`, summary: null, text, lang: "en", publishedAt: null, fetchedAt: "2024-01-01T00:00:00.000Z", authors: [], categories: [],
    relevant: true, score: 0.5, jurisdictions: ["CN"], authorities: [], actions: ["shutdown_order"], entities: [], mentions: [],
    contentHash: simhash(text), textSource: "page", pageError: null, duplicateOf: null, ...over,
  };
}

async function setup(subs: Subscription[]) {
  const db = openSqliteDatabase(":memory:");
  const articles = new SqliteArticleStore(db);
  await articles.init();
  const store = new SqliteSubscriptionStore(db);
  await store.init();
  for (const s of subs) await store.putSubscription(s);
  const queued: string[] = [];
  const compiled = compileSubscriptions(subs);
  const match: MatchDeps = {
    articles, subscriptions: store, compiled: { get: async () => compiled }, now: () => new Date("2024-01-01T12:00:00Z"),
    enqueueDelivery: async (d) => { queued.push(d.deliveryId); },
  };
  return { articles, store, queued, match };
}

const instant = validateSubscription({ name: "instant", channel: "webhook", target: "https://hooks.example.com/i", jurisdictions: ["CN"] });
const digest = validateSubscription({ name: "digest", channel: "email", target: "a@example.org", mode: "digest", every: "1h", actions: ["shutdown_order"] });

describe("matchArticles", () => {
  test("records each pair once; a replay re-queues only an unfinished instant delivery", async () => {
    const { articles, store, queued, match } = await setup([instant, digest]);
    await articles.upsertArticles([doc(1)]);
    expect(await matchArticles([doc(1).id], match)).toEqual({ matched: 2, instant: 1, digest: 1, repeats: 0, duplicates: 0 });
    expect(queued).toEqual([instantDeliveryId(instant.id, doc(1).id)]);
    expect((await store.getAlert(digest.id, doc(1).id))?.deliveryId).toBeNull();

    // Crash after recording, before the job was taken: the replay queues it again (the job id dedups).
    expect(await matchArticles([doc(1).id], match)).toMatchObject({ instant: 0, digest: 0, repeats: 2 });
    expect(queued).toHaveLength(2);
    // Once sent, a replay queues nothing.
    await store.updateDelivery(instantDeliveryId(instant.id, doc(1).id), { status: "sent", attempts: 1, lastError: null, sentAt: "2024-01-01T12:00:01Z" });
    await matchArticles([doc(1).id], match);
    expect(queued).toHaveLength(2);
  });

  test("near-duplicates of an alerted story do not alert: by duplicateOf, or by content hash", async () => {
    const { articles, queued, match } = await setup([instant]);
    const copy = doc(2, { duplicateOf: doc(1).id, text: `${TEXT} Updated.` });
    const lookalike = doc(3, { text: `${TEXT} (Reuters)` });
    const different = doc(4, { text: "The People's Bank of China said on Friday it would keep a close watch on initial coin offerings and token sales." });
    await articles.upsertArticles([doc(1), copy, lookalike, different]);
    await matchArticles([doc(1).id], match);
    expect(await matchArticles([copy.id], match)).toMatchObject({ duplicates: 1, instant: 0 });
    expect(await matchArticles([lookalike.id], match)).toMatchObject({ duplicates: 1, instant: 0 });
    expect(await matchArticles([different.id], match)).toMatchObject({ duplicates: 0, instant: 1 });
    expect(queued).toHaveLength(2);
  });

  test("a batch is matched in its order: a copy after its original in the same job does not alert", async () => {
    const { articles, queued, match } = await setup([instant]);
    const copy = doc(2, { text: `${TEXT} (Reuters)` });
    const different = doc(4, { text: "The People's Bank of China said on Friday it would keep a close watch on initial coin offerings and token sales." });
    await articles.upsertArticles([doc(1), copy, different]);
    expect(await matchArticles([doc(1).id, copy.id, different.id], match)).toEqual({ matched: 3, instant: 2, digest: 0, repeats: 0, duplicates: 1 });
    expect(queued).toEqual([instantDeliveryId(instant.id, doc(1).id), instantDeliveryId(instant.id, different.id)]);
  });

  test("an article not (yet) in the store is retried, not dropped, and the batch with it", async () => {
    const { articles, store, match } = await setup([instant]);
    await articles.upsertArticles([doc(1)]);
    await expect(matchArticles([doc(1).id, "f".repeat(32)], match)).rejects.toThrow(/article f{32} is not in the store/);
    // Nothing of the batch was recorded: the retry matches it whole.
    expect(await store.getAlert(instant.id, doc(1).id)).toBeNull();
  });
});

describe("deliverAlert", () => {
  async function deliverSetup(send: DeliverDeps["send"], waits: number[] = []) {
    const s = await setup([instant]);
    await s.articles.upsertArticles([doc(1), doc(2, { score: 0.9 })]);
    const deps: DeliverDeps = {
      articles: s.articles, subscriptions: s.store, send, now: () => new Date("2024-01-01T12:00:00Z"),
      throttle: { take: async () => waits.shift() ?? 0 },
    };
    return { ...s, deps };
  }
  const job = { deliveryId: "digest-x-1", subscriptionId: instant.id, articleIds: [doc(1).id, doc(2).id] };

  test("sends once, articles by score; a delivery already sent is skipped", async () => {
    const sent: AlertMessage[] = [];
    const { store, deps } = await deliverSetup(async (_sub, m) => { sent.push(m); });
    expect(await deliverAlert(job, { number: 1, final: false }, deps)).toEqual({ status: "sent", articles: 2 });
    expect(sent[0]!.articles.map((a) => a.id)).toEqual([doc(2).id, doc(1).id]);
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "sent", kind: "digest", attempts: 1, sentAt: "2024-01-01T12:00:00.000Z" });
    expect(await deliverAlert(job, { number: 2, final: false }, deps)).toEqual({ status: "already_sent", articles: 2 });
    expect(sent).toHaveLength(1);
  });

  test("transient failures are thrown for a retry and recorded; the last attempt marks it failed", async () => {
    const { store, deps } = await deliverSetup(async () => { throw new DeliveryFailure("webhook receiver answered HTTP 503", false); });
    await expect(deliverAlert(job, { number: 1, final: false }, deps)).rejects.toThrow(/503/);
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "retrying", attempts: 1, lastError: "webhook receiver answered HTTP 503" });
    await expect(deliverAlert(job, { number: 8, final: true }, deps)).rejects.toThrow(/503/);
    expect(await store.getDelivery(job.deliveryId)).toMatchObject({ status: "failed", attempts: 8 });
  });

  test("permanent failures stop at once; a removed subscription is skipped; a spent rate limit sends nothing", async () => {
    const refused = await deliverSetup(async () => { throw new DeliveryFailure("webhook receiver answered HTTP 410", true); });
    await expect(deliverAlert(job, { number: 1, final: false }, refused.deps)).rejects.toBeInstanceOf(PermanentError);
    expect(await refused.store.getDelivery(job.deliveryId)).toMatchObject({ status: "failed" });

    let calls = 0;
    const throttled = await deliverSetup(async () => { calls++; }, [750]);
    expect(await deliverAlert(job, { number: 1, final: false }, throttled.deps)).toEqual({ status: "throttled", waitMs: 750 });
    expect(calls).toBe(0);
    expect(await deliverAlert(job, { number: 1, final: false }, throttled.deps)).toMatchObject({ status: "sent" });

    const removed = await deliverSetup(async () => { calls++; });
    await removed.store.removeSubscription(instant.id);
    expect(await deliverAlert(job, { number: 1, final: false }, removed.deps)).toEqual({ status: "skipped", articles: 0 });
    expect(await removed.store.getDelivery(job.deliveryId)).toMatchObject({ status: "skipped", lastError: "subscription removed" });
  });
});
