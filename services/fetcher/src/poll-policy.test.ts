import { describe, expect, it } from "vitest";
import { emptyFeedState } from "./feed-state.js";
import { feedIdFor, parseOpml } from "./feed-registry.js";
import { nextInterval, toCandidate } from "./poll-feed.js";
import { jitteredEveryMs } from "./schedules.js";

const feed = { id: "wire", url: "https://news.example.com/feed.xml", interval: 900, tags: [] };
const policy = { minSeconds: 300, maxSeconds: 21_600, seenPerFeed: 1000 };

describe("adaptive polling", () => {
  it("polls busy feeds more often and quiet ones less, within bounds", () => {
    const state = { ...emptyFeedState(), intervalSeconds: 900 };
    expect(nextInterval(feed, state, "new_items", policy)).toBe(450);
    expect(nextInterval(feed, state, "nothing_new", policy)).toBe(1350);
    expect(nextInterval(feed, { ...state, intervalSeconds: 310 }, "new_items", policy)).toBe(300);
    expect(nextInterval(feed, { ...state, intervalSeconds: 20_000 }, "nothing_new", policy)).toBe(21_600);
  });

  it("backs off exponentially on consecutive failures, capped", () => {
    const after = (failures: number) => nextInterval(feed, { ...emptyFeedState(), consecutiveFailures: failures }, "failure", policy);
    expect([after(0), after(1), after(2)]).toEqual([1800, 3600, 7200]);
    expect(after(9)).toBe(21_600);
  });

  it("spreads feeds with a stable jitter of at most 10%", () => {
    const a = jitteredEveryMs("feed-a", 900), b = jitteredEveryMs("feed-b", 900);
    expect(a).toBe(jitteredEveryMs("feed-a", 900));
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
