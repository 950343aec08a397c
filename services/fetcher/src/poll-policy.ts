import type { FeedSpec } from "./feed-registry.js";

export interface PollPolicy { minSeconds: number; maxSeconds: number; seenPerFeed: number }

const clamp = (v: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, v)));

// How far adaptive polling may move a feed from the interval its operator chose, either way.
const ADAPTIVE_RANGE = 4;

/** The operator's interval for the feed, within the configured bounds. */
export const baseInterval = (feed: FeedSpec, p: PollPolicy) => clamp(feed.interval, p.minSeconds, p.maxSeconds);

/**
 * How often to poll next after a successful poll: feeds that yield new items are polled more
 * often, quiet ones less, within a band around the operator's interval (a quarter to four times it)
 * and the configured bounds. It moves once per poll that really happened, so it cannot run away.
 */
export function nextInterval(feed: FeedSpec, currentSeconds: number | null, result: "new_items" | "nothing_new", p: PollPolicy): number {
  const base = baseInterval(feed, p);
  const band = [Math.max(p.minSeconds, base / ADAPTIVE_RANGE), Math.min(p.maxSeconds, base * ADAPTIVE_RANGE)] as const;
  return clamp((currentSeconds ?? base) * (result === "new_items" ? 0.5 : 1.5), ...band);
}

/** How long to wait after the n-th consecutive failure (n ≥ 1): exponential from the base interval, capped. */
export const failureBackoff = (feed: FeedSpec, consecutiveFailures: number, p: PollPolicy): number =>
  clamp(baseInterval(feed, p) * 2 ** Math.min(consecutiveFailures, 10), p.minSeconds, p.maxSeconds);

/**
 * A stable per-feed stretch of up to ±10% of the interval, so feeds added together drift apart
 * instead of polling in the same second forever.
 */
export function jitteredMs(feedId: string, seconds: number): number {
  let h = 0;
  for (const ch of feedId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const jitter = ((h % 2001) / 1000 - 1) * 0.1;
  return Math.round(seconds * 1000 * (1 + jitter));
}
