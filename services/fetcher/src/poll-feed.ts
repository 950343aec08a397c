import {
  articleIdFor, canonicalUrl, isHttpFetchError, parseRetryAfter, sha256Hex,
  type ArticleCandidate, type HttpClient,
} from "@regradar/shared";
import { DEFAULT_FEED_CAPS, FeedParseError, parseFeedWithDiagnostics, type ParsedFeedItem } from "./feed/parse-feed.js";
import { classifyFeedHealth, type FeedHealth, type ItemSkipReason, type PollObservation } from "./feed-health.js";
import type { FeedSpec } from "./feed-registry.js";
import type { FeedState, FeedStateStore } from "./feed-state.js";
import type { HostSlots } from "./host-slots.js";

export interface PollPorts {
  http: Pick<HttpClient, "get">;
  state: FeedStateStore;
  slots: HostSlots;
  enqueueArticle(candidate: ArticleCandidate): Promise<void>;
  now(): Date;
}

export interface PollPolicy { minSeconds: number; maxSeconds: number; seenPerFeed: number }

export type PollOutcome =
  | { status: "host_busy"; retryInMs: number }
  | { status: "deferred"; until: string }
  | { status: "not_modified" | "unchanged"; intervalSeconds: number }
  | { status: "parsed"; items: number; newItems: number; skipped: Array<{ item: string; reason: ItemSkipReason }>; health: FeedHealth; intervalSeconds: number }
  | { status: "failed"; reason: string; intervalSeconds: number };

const clamp = (v: number, p: PollPolicy) => Math.round(Math.min(p.maxSeconds, Math.max(p.minSeconds, v)));

/**
 * How often to poll next: feeds that keep yielding new items are polled more often, quiet
 * ones less, failing ones back off exponentially; always within the configured bounds.
 */
export function nextInterval(feed: FeedSpec, state: FeedState, result: "new_items" | "nothing_new" | "failure", p: PollPolicy): number {
  const current = state.intervalSeconds ?? clamp(feed.interval, p);
  if (result === "new_items") return clamp(current * 0.5, p);
  if (result === "nothing_new") return clamp(current * 1.5, p);
  return clamp(clamp(feed.interval, p) * 2 ** Math.min(state.consecutiveFailures + 1, 10), p);
}

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
 * One poll of one feed: politely (one request per host at a time, conditional GET, Retry-After),
 * cheaply (a 304 or an unchanged body costs no parsing), and safely (the guarded client).
 * Failures are recorded in the feed's health and not thrown: the next scheduled poll is the retry.
 */
export async function pollFeed(feed: FeedSpec, ports: PollPorts, policy: PollPolicy): Promise<PollOutcome> {
  const now = ports.now();
  const state = await ports.state.get(feed.id);
  if (state.nextPollNotBefore && Date.parse(state.nextPollNotBefore) > now.getTime()) {
    return { status: "deferred", until: state.nextPollNotBefore };
  }
  const slot = await ports.slots.acquire(new URL(feed.url).host);
  if (!slot.acquired) return { status: "host_busy", retryInMs: slot.retryInMs };

  const fail = async (reason: string, retryAfterMs: number | null = null, observed?: PollObservation): Promise<PollOutcome> => {
    const intervalSeconds = nextInterval(feed, state, "failure", policy);
    const backoffMs = Math.max(retryAfterMs ?? 0, intervalSeconds * 1000);
    const health = classifyFeedHealth(observed ?? { kind: "fetch_failed", reason });
    await ports.state.update(feed.id, {
      health: health.status, healthReason: health.reason,
      lastPolledAt: now.toISOString(), lastErrorAt: now.toISOString(), lastError: reason,
      consecutiveFailures: state.consecutiveFailures + 1, intervalSeconds,
      nextPollNotBefore: new Date(now.getTime() + (retryAfterMs ?? backoffMs)).toISOString(),
    });
    return { status: "failed", reason, intervalSeconds };
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

  const success = async (result: "new_items" | "nothing_new", extra: Partial<FeedState>) => {
    const intervalSeconds = nextInterval(feed, { ...state, consecutiveFailures: 0 }, result, policy);
    await ports.state.update(feed.id, {
      lastPolledAt: now.toISOString(), lastSuccessAt: now.toISOString(), consecutiveFailures: 0,
      nextPollNotBefore: null, intervalSeconds, ...extra,
    });
    return intervalSeconds;
  };

  if (res.status === 304) return { status: "not_modified", intervalSeconds: await success("nothing_new", {}) };
  if (res.status === 429 || res.status === 503) {
    return fail(`http_${res.status}: server asked to slow down`, parseRetryAfter(res.headers["retry-after"], now));
  }
  if (res.status >= 400) return fail(`http_${res.status}`);
  if (res.status !== 200) return fail(`unexpected status ${res.status}`);

  const validators = { etag: res.headers["etag"] ?? null, lastModified: res.headers["last-modified"] ?? null };
  const bodyHash = sha256Hex(res.body);
  if (bodyHash === state.bodyHash) return { status: "unchanged", intervalSeconds: await success("nothing_new", validators) };

  let parsed, diagnostics;
  try {
    ({ feed: parsed, diagnostics } = parseFeedWithDiagnostics(res.body, {
      contentType: res.headers["content-type"] ?? null, url: res.url, caps: DEFAULT_FEED_CAPS,
    }));
  } catch (err) {
    if (err instanceof FeedParseError) {
      return fail(`${err.reason}: ${err.message}`, null, { kind: "parse_failed", reason: err.reason, message: err.message });
    }
    throw err;
  }

  const skipped: Array<{ item: string; reason: ItemSkipReason }> = [];
  const skipCounts: Partial<Record<ItemSkipReason, number>> = {};
  const candidates: ArticleCandidate[] = [];
  const unsafe = new Set(diagnostics.unsafeLinkItems);
  parsed.items.forEach((item, i) => {
    const c = toCandidate(item, feed, parsed.title, now, unsafe.has(i));
    if (!("reason" in c)) return void candidates.push(c);
    skipped.push({ item: item.title ?? item.id ?? "(untitled)", reason: c.reason });
    skipCounts[c.reason] = (skipCounts[c.reason] ?? 0) + 1;
  });
  const health = classifyFeedHealth({ kind: "parsed", items: parsed.items.length, skipped: skipCounts, diagnostics });
  const fresh = await ports.state.unseen(feed.id, candidates.map((c) => c.articleId));
  // Enqueue, then remember as seen, then save the body hash: a crash in between repeats the
  // enqueue, and the article's job id turns the repeat into a no-op. Nothing is lost.
  for (const c of candidates) if (fresh.has(c.articleId)) await ports.enqueueArticle(c);
  await ports.state.markSeen(feed.id, [...fresh], policy.seenPerFeed);

  const intervalSeconds = await success(fresh.size > 0 ? "new_items" : "nothing_new", {
    ...validators, bodyHash, itemsSeen: state.itemsSeen + fresh.size, health: health.status, healthReason: health.reason,
    ...(fresh.size > 0 ? { lastNewItemsAt: now.toISOString() } : {}),
  });
  return { status: "parsed", items: parsed.items.length, newItems: fresh.size, skipped, health, intervalSeconds };
}
