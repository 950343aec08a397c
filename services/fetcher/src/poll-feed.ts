import {
  articleIdFor, canonicalUrl, isHttpFetchError, parseRetryAfter, sha256Hex,
  type ArticleCandidate, type HttpClient,
} from "@regradar/shared";
import {
  DEFAULT_FEED_CAPS, FeedParseError, type FeedCaps, type ParsedFeedItem, type ParsedFeedWithDiagnostics, type ParseFeedOptions,
} from "./feed/parse-feed.js";
import { classifyFeedHealth, type FeedHealth, type ItemSkipReason, type PollObservation } from "./feed-health.js";
import type { FeedSpec } from "./feed-registry.js";
import type { FeedState, FeedStateStore } from "./feed-state.js";
import type { HostSlots, HostWaiter } from "@regradar/shared";
import { failureBackoff, jitteredMs, nextInterval, type PollPolicy } from "./poll-policy.js";

export interface PollPorts {
  http: Pick<HttpClient, "get">;
  slots: HostSlots;
  seen: Pick<FeedStateStore, "unseen" | "markSeen">;
  /** `parseFeedWithDiagnostics`, or a parser that takes big bodies off the event loop. */
  parse(body: Uint8Array, opts: ParseFeedOptions & { caps: FeedCaps }): ParsedFeedWithDiagnostics | Promise<ParsedFeedWithDiagnostics>;
  /** One call per slice of new items (bulk enqueue). */
  enqueueArticles(candidates: ArticleCandidate[]): Promise<void>;
  now(): Date;
}

export type PollOutcome =
  | { status: "deferred"; until: string }
  | { status: "not_modified" | "unchanged"; intervalSeconds: number }
  | { status: "parsed"; items: number; newItems: number; skipped: Array<{ item: string; reason: ItemSkipReason }>; health: FeedHealth; intervalSeconds: number }
  | { status: "failed"; reason: string; retryInSeconds: number };

/** A poll that ran: what happened, what to remember, and when the feed is due next. */
export interface PolledFeed { status: "polled"; outcome: PollOutcome; patch: Partial<FeedState>; nextDueAt: number }

export type PollResult = PolledFeed | { status: "host_busy"; retryInMs: number };

// Items go through dedup and enqueue this many at a time: a 50,000-item feed never holds 50,000 jobs in memory.
const ITEM_SLICE = 1_000;

/**
 * A feed item as an article candidate, or exactly why it cannot be one. `unsafeLink`: the parser
 * dropped the item's only link as a script or data URL.
 */
export function toCandidate(
  item: ParsedFeedItem, feed: FeedSpec, feedTitle: string | null, now: Date, unsafeLink = false,
): ArticleCandidate | { reason: ItemSkipReason } {
  const link = item.link ?? (item.id && /^https?:\/\//i.test(item.id) ? item.id : null);
  if (!link) return { reason: unsafeLink ? "unsafe_link" : "no_link" };
  let canonical: string;
  try {
    canonical = canonicalUrl(link);
  } catch {
    return { reason: "invalid_link" };
  }
  if (!/^https?:/.test(canonical)) return { reason: "not_http" };
  return {
    articleId: articleIdFor(link),
    url: link,
    canonicalUrl: canonical,
    feedId: feed.id,
    feedTitle,
    title: item.title,
    summary: item.summary,
    content: item.content,
    publishedAt: item.published ?? item.updated,
    authors: item.authors,
    categories: item.categories,
    discoveredAt: now.toISOString(),
  };
}

/**
 * One poll of one feed, given its state: politely (one request per host at a time, conditional GET,
 * Retry-After), cheaply (a 304 or an unchanged body costs no parsing), and safely (the guarded client).
 * Failures are results, not throws: the next scheduled poll, backed off, is the retry.
 */
export async function pollFeed(feed: FeedSpec, state: FeedState, ports: PollPorts, policy: PollPolicy, waiter: HostWaiter): Promise<PollResult> {
  const now = ports.now();
  if (state.nextPollNotBefore && Date.parse(state.nextPollNotBefore) > now.getTime()) {
    return { status: "polled", outcome: { status: "deferred", until: state.nextPollNotBefore }, patch: {}, nextDueAt: Date.parse(state.nextPollNotBefore) };
  }
  const slot = await ports.slots.acquire(new URL(feed.url).host, waiter);
  if (!slot.acquired) return { status: "host_busy", retryInMs: slot.retryInMs };

  const fail = (reason: string, retryAfterMs: number | null = null, observed?: PollObservation): PolledFeed => {
    const consecutiveFailures = state.consecutiveFailures + 1;
    const health = classifyFeedHealth(observed ?? { kind: "fetch_failed", reason });
    const waitMs = Math.max(retryAfterMs ?? 0, jitteredMs(feed.id, failureBackoff(feed, consecutiveFailures, policy)));
    return {
      status: "polled",
      outcome: { status: "failed", reason, retryInSeconds: Math.round(waitMs / 1000) },
      patch: {
        health: health.status, healthReason: health.reason,
        lastPolledAt: now.toISOString(), lastErrorAt: now.toISOString(), lastError: reason, consecutiveFailures,
        // Only a server's own request to wait holds back a poll by hand too; backoff is the schedule's business.
        nextPollNotBefore: retryAfterMs !== null ? new Date(now.getTime() + retryAfterMs).toISOString() : null,
      },
      nextDueAt: now.getTime() + waitMs,
    };
  };

  let res;
  try {
    res = await ports.http.get(feed.url, {
      headers: { accept: "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5" },
      ...(state.etag ? { ifNoneMatch: state.etag } : {}),
      ...(state.lastModified ? { ifModifiedSince: state.lastModified } : {}),
    });
  } catch (err) {
    if (isHttpFetchError(err)) return fail(`${err.reason}: ${err.message}`);
    throw err;
  } finally {
    await slot.release();
  }

  const success = (result: "new_items" | "nothing_new", extra: Partial<FeedState>, outcome: (intervalSeconds: number) => PollOutcome): PolledFeed => {
    const intervalSeconds = nextInterval(feed, state.intervalSeconds, result, policy);
    return {
      status: "polled",
      outcome: outcome(intervalSeconds),
      patch: {
        lastPolledAt: now.toISOString(), lastSuccessAt: now.toISOString(), consecutiveFailures: 0,
        nextPollNotBefore: null, intervalSeconds, ...extra,
      },
      nextDueAt: now.getTime() + jitteredMs(feed.id, intervalSeconds),
    };
  };

  if (res.status === 304) return success("nothing_new", {}, (intervalSeconds) => ({ status: "not_modified", intervalSeconds }));
  if (res.status === 429 || res.status === 503) {
    return fail(`http_${res.status}: server asked to slow down`, parseRetryAfter(res.headers["retry-after"], now));
  }
  if (res.status >= 400) return fail(`http_${res.status}`);
  if (res.status !== 200) return fail(`unexpected status ${res.status}`);

  const validators = { etag: res.headers["etag"] ?? null, lastModified: res.headers["last-modified"] ?? null };
  const bodyHash = sha256Hex(res.body);
  if (bodyHash === state.bodyHash) return success("nothing_new", validators, (intervalSeconds) => ({ status: "unchanged", intervalSeconds }));

  let parsed, diagnostics;
  try {
    ({ feed: parsed, diagnostics } = await ports.parse(res.body, {
      contentType: res.headers["content-type"] ?? null, url: res.url, caps: DEFAULT_FEED_CAPS,
    }));
  } catch (err) {
    if (err instanceof FeedParseError) {
      return fail(`${err.reason}: ${err.message}`, null, { kind: "parse_failed", reason: err.reason, message: err.message });
    }
    throw err;
  }

  // Sized to the feed: every item the document holds stays remembered, so a steady big feed costs
  // only its new items. Twice the document, so items that stay while others churn are kept too.
  const seenBound = Math.max(policy.seenPerFeed, 2 * parsed.items.length);
  const skipped: Array<{ item: string; reason: ItemSkipReason }> = [];
  const skipCounts: Partial<Record<ItemSkipReason, number>> = {};
  const unsafe = new Set(diagnostics.unsafeLinkItems);
  let newItems = 0;
  for (let start = 0; start < parsed.items.length; start += ITEM_SLICE) {
    const candidates: ArticleCandidate[] = [];
    parsed.items.slice(start, start + ITEM_SLICE).forEach((item, i) => {
      const c = toCandidate(item, feed, parsed.title, now, unsafe.has(start + i));
      if (!("reason" in c)) return void candidates.push(c);
      skipped.push({ item: item.title ?? item.id ?? "(untitled)", reason: c.reason });
      skipCounts[c.reason] = (skipCounts[c.reason] ?? 0) + 1;
    });
    const fresh = await ports.seen.unseen(feed.id, candidates.map((c) => c.articleId));
    // Enqueue, then remember as seen, then save the body hash: a crash in between repeats the
    // enqueue, and the article's job id turns the repeat into a no-op. Nothing is lost.
    await ports.enqueueArticles(candidates.filter((c) => fresh.has(c.articleId)));
    await ports.seen.markSeen(feed.id, [...fresh], seenBound);
    newItems += fresh.size;
  }

  const health = classifyFeedHealth({ kind: "parsed", items: parsed.items.length, skipped: skipCounts, diagnostics });
  return success(newItems > 0 ? "new_items" : "nothing_new", {
    ...validators, bodyHash, itemsSeen: state.itemsSeen + newItems, health: health.status, healthReason: health.reason,
    ...(newItems > 0 ? { lastNewItemsAt: now.toISOString() } : {}),
  }, (intervalSeconds) => ({ status: "parsed", items: parsed.items.length, newItems, skipped, health, intervalSeconds }));
}
