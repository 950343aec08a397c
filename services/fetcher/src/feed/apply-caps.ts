import type { ParsedFeed, ParsedFeedItem } from "./feed-types.js";
import { sanitizeFeedHtml } from "./sanitize-html.js";

/** Upper bounds on what one poll takes from a feed, so one hostile or broken feed cannot flood the pipeline. */
export interface FeedCaps {
  titleChars: number;
  summaryChars: number;
  contentChars: number;
  items: number;
}

/**
 * Issue 11: a 1 MiB title was stored and sent in a 1 MB webhook. Titles are headlines; summaries
 * are teasers; content is a whole article (the longest news articles run to ~100k characters).
 * 50,000 items covers the largest real feeds seen (full-archive feeds) while bounding one poll.
 */
export const DEFAULT_FEED_CAPS: FeedCaps = { titleChars: 1_000, summaryChars: 20_000, contentChars: 500_000, items: 50_000 };

export interface Truncations {
  title: number;
  summary: number;
  content: number;
  items: number;
}

export const noTruncations = (): Truncations => ({ title: 0, summary: 0, content: 0, items: 0 });

/** Applies the caps to a parsed feed, counting every field and item cut. */
export function applyCaps(feed: ParsedFeed, caps: FeedCaps, cut: Truncations): ParsedFeed {
  if (feed.items.length > caps.items) cut.items += feed.items.length - caps.items;
  return {
    ...feed,
    title: capText(feed.title, caps.titleChars, () => cut.title++),
    description: capHtml(feed.description, caps.summaryChars, () => cut.summary++),
    items: feed.items.slice(0, caps.items).map(
      (item): ParsedFeedItem => ({
        ...item,
        title: capText(item.title, caps.titleChars, () => cut.title++),
        summary: capHtml(item.summary, caps.summaryChars, () => cut.summary++),
        content: capHtml(item.content, caps.contentChars, () => cut.content++),
      }),
    ),
  };
}

function capText(value: string | null, max: number, counted: () => void): string | null {
  if (value === null || value.length <= max) return value;
  counted();
  return cutAt(value, max).trimEnd();
}

/** HTML is cut, then re-sanitised, so a tag or entity split by the cut is closed or dropped. */
function capHtml(value: string | null, max: number, counted: () => void): string | null {
  if (value === null || value.length <= max) return value;
  counted();
  return sanitizeFeedHtml(cutAt(value, max).replace(/<[^>]*$/, "")).trim();
}

/** Never leaves half a surrogate pair behind. */
function cutAt(s: string, max: number): string {
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
