import { NEAR_DUPLICATE_BITS, type StoredArticle } from "@regradar/shared";
import type { ArticleStore } from "@regradar/store";
import type { CompiledSubscriptions } from "./match-subscriptions.js";
import type { CompiledSubscriptionsCache } from "./subscription-cache.js";
import type { Subscription } from "@regradar/shared";
import type { DeliveryRecord, SubscriptionStore } from "@regradar/store";
import { instantDeliveryId } from "./delivery-ids.js";

export interface MatchDeps {
  articles: Pick<ArticleStore, "getArticles">;
  subscriptions: SubscriptionStore;
  compiled: CompiledSubscriptionsCache;
  /** Queues a delivery; the delivery id is the job id, so a repeat is a no-op. */
  enqueueDelivery(d: Pick<DeliveryRecord, "deliveryId" | "subscriptionId" | "articleIds">): Promise<void>;
  now(): Date;
}

export interface MatchOutcome {
  matched: number;
  instant: number;
  digest: number;
  /** Already alerted: a replay. */
  repeats: number;
  /** Copies of a story already alerted to the subscriber (duplicateOf, or a content hash within a few bits). */
  duplicates: number;
}

// An empty or very short text hashes to zero bits: such articles are not near-duplicates of each other.
const EMPTY_HASH = "0".repeat(16);

/** Instant alerts: the delivery record first, then the job, both idempotent by the delivery id. */
async function ensureInstantDelivery(deps: MatchDeps, sub: Subscription, article: StoredArticle): Promise<void> {
  const record = await deps.subscriptions.ensureDelivery({
    deliveryId: instantDeliveryId(sub.id, article.id), subscriptionId: sub.id, kind: "instant", articleIds: [article.id],
    status: "pending", attempts: 0, lastError: null, createdAt: deps.now().toISOString(), sentAt: null,
  });
  // A finished delivery stays finished; an unfinished one may never have been queued (crash right after recording).
  if (record.status === "pending" || record.status === "retrying") await deps.enqueueDelivery(record);
}

/**
 * Matches indexed articles (one alerts job: an indexed batch) against every active subscription,
 * in order, and records each new (subscription, article) pair once: instant ones go to the delivery
 * queue, digest ones wait for their window. Safe to repeat: a replay finds its records and only
 * re-queues what was recorded but not yet delivered.
 */
export async function matchArticles(articleIds: string[], deps: MatchDeps): Promise<MatchOutcome> {
  const articles = new Map((await deps.articles.getArticles(articleIds)).map((a) => [a.id, a]));
  // The indexer queues the ids after the write, so a missing article is a lagging replica: retry.
  const missing = articleIds.filter((id) => !articles.has(id));
  if (missing.length > 0) throw new Error(`article ${missing.join(", ")} is not in the store`);
  const compiled = await deps.compiled.get();
  const outcome: MatchOutcome = { matched: 0, instant: 0, digest: 0, repeats: 0, duplicates: 0 };
  // One at a time, in the batch's order: a copy later in the batch must find its original's alert.
  for (const id of articleIds) await matchArticle(articles.get(id)!, compiled, deps, outcome);
  return outcome;
}

async function matchArticle(article: StoredArticle, compiled: CompiledSubscriptions, deps: MatchDeps, outcome: MatchOutcome): Promise<void> {
  const matches = compiled.match(article);
  outcome.matched += matches.length;
  const hashUsable = Boolean(article.contentHash) && article.contentHash !== EMPTY_HASH;
  for (const sub of matches) {
    const existing = await deps.subscriptions.getAlert(sub.id, article.id);
    if (!existing) {
      // A copy of a story already alerted to this subscriber: by the indexer's verdict, or by content hash.
      if (article.duplicateOf && (await deps.subscriptions.getAlert(sub.id, article.duplicateOf))) { outcome.duplicates++; continue; }
      const result = await deps.subscriptions.recordAlert({
        subscriptionId: sub.id, articleId: article.id, contentHash: article.contentHash, score: article.score,
        matchedAt: deps.now().toISOString(), deliveryId: sub.mode === "instant" ? instantDeliveryId(sub.id, article.id) : null,
      }, hashUsable ? { nearDuplicateBits: NEAR_DUPLICATE_BITS } : {});
      if (result === "near_duplicate") { outcome.duplicates++; continue; }
      if (result === "exists") outcome.repeats++;
      else if (sub.mode === "instant") outcome.instant++;
      else outcome.digest++;
    } else {
      outcome.repeats++;
    }
    if (sub.mode === "instant") await ensureInstantDelivery(deps, sub, article);
  }
}
