import { describe, expect, it } from "vitest";
import { feedIdFor, parseOpml } from "./feed-registry.js";
import { toCandidate } from "./poll-feed.js";
import { failureBackoff, jitteredMs, nextInterval } from "./poll-policy.js";

const feed = { id: "wire", url: "https://news.example.com/feed.xml", interval: 900, tags: [] };
const policy = { minSeconds: 300, maxSeconds: 21_600, seenPerFeed: 1000 };

describe("adaptive polling", () => {
  it("polls busy feeds more often and quiet ones less, within bounds", () => {
    expect(nextInterval(feed, 900, "new_items", policy)).toBe(450);
    expect(nextInterval(feed, 900, "nothing_new", policy)).toBe(1350);
    expect(nextInterval(feed, null, "nothing_new", policy)).toBe(1350);
    expect(nextInterval(feed, 310, "new_items", policy)).toBe(300);
  });

  it("stays within a quarter to four times the operator's interval, however long a feed is quiet", () => {
    let interval: number | null = null;
    for (let poll = 0; poll < 50; poll++) interval = nextInterval(feed, interval, "nothing_new", policy);
    expect(interval).toBe(3600);
    for (let poll = 0; poll < 50; poll++) interval = nextInterval({ ...feed, interval: 3600 }, interval, "new_items", policy);
    expect(interval).toBe(900);
    // An interval left far out of the band (by an older version) comes back into it at the next poll.
    expect(nextInterval(feed, 21_600, "nothing_new", policy)).toBe(3600);
  });

  it("backs off exponentially on consecutive failures, capped", () => {
    expect([1, 2, 3].map((n) => failureBackoff(feed, n, policy))).toEqual([1800, 3600, 7200]);
    expect(failureBackoff(feed, 10, policy)).toBe(21_600);
  });

  it("spreads feeds with a stable jitter of at most 10%", () => {
    const a = jitteredMs("feed-a", 900), b = jitteredMs("feed-b", 900);
    expect(a).toBe(jitteredMs("feed-a", 900));
    expect(a).not.toBe(b);
    for (const v of [a, b]) expect(Math.abs(v - 900_000)).toBeLessThanOrEqual(90_000);
  });
});

describe("feed items to article candidates", () => {
  const item = { id: null, title: "T", link: "https://news.example.com/a?utm_source=x", summary: null, content: null, published: null, updated: "2024-01-02T00:00:00.000Z", authors: [], categories: [], enclosures: [] };
  it("canonicalises the link and falls back to the updated date", () => {
    const c = toCandidate(item, feed, "Wire", new Date("2024-01-03T00:00:00Z"));
    expect(c).toMatchObject({ canonicalUrl: "https://news.example.com/a", publishedAt: "2024-01-02T00:00:00.000Z", feedId: "wire" });
  });
  it("refuses items without a usable link, with the reason", () => {
    expect(toCandidate({ ...item, link: null }, feed, null, new Date())).toEqual({ reason: "no_link" });
    expect(toCandidate({ ...item, link: null }, feed, null, new Date(), true)).toEqual({ reason: "unsafe_link" });
    expect(toCandidate({ ...item, link: "mailto:x@example.com" }, feed, null, new Date())).toEqual({ reason: "not_http" });
  });
});

describe("feed registry", () => {
  it("imports nested OPML outlines with their folders as tags", () => {
    const feeds = parseOpml(`<?xml version="1.0"?><opml version="2.0"><body>
      <outline text="Regulators"><outline text="SEC press" type="rss" xmlUrl="https://www.sec.gov/news/pressreleases.rss"/></outline>
      <outline text="CoinDesk" xmlUrl="https://www.coindesk.com/arc/outboundfeeds/rss/" category="crypto,news"/></body></opml>`);
    expect(feeds).toEqual([
      { url: "https://www.sec.gov/news/pressreleases.rss", title: "SEC press", tags: ["Regulators"] },
      { url: "https://www.coindesk.com/arc/outboundfeeds/rss/", title: "CoinDesk", tags: ["crypto", "news"] },
    ]);
  });
  it("derives unique ids", () => {
    expect(feedIdFor("SEC press", new Set(["sec-press"]))).toBe("sec-press-2");
  });
});
