import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { DEFAULT_FEED_CAPS, FeedParseError, parseFeedWithDiagnostics } from "./feed/parse-feed.js";
import { classifyFeedHealth, type ItemSkipReason } from "./feed-health.js";
import { toCandidate } from "./poll-feed.js";

const rss = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>${items}</channel></rss>`;
const item = (n: number, link = `http://example.com/${n}`) => `<item><title>Item ${n}</title><link>${link}</link></item>`;

const spec = { id: "wire", url: "http://example.com/feed", interval: 900 };

/** Health of one poll of these bytes, the way the poller sees it (skips counted by toCandidate). */
function healthOf(body: string | Uint8Array, contentType: string | null = null) {
  const bytes = typeof body === "string" ? new Uint8Array(Buffer.from(body)) : body;
  const { feed, diagnostics } = parseFeedWithDiagnostics(bytes, { contentType, url: spec.url, caps: DEFAULT_FEED_CAPS });
  const skipped: Partial<Record<ItemSkipReason, number>> = {};
  feed.items.forEach((item, i) => {
    const c = toCandidate(item, spec, feed.title, new Date(), diagnostics.unsafeLinkItems.includes(i));
    if ("reason" in c) skipped[c.reason] = (skipped[c.reason] ?? 0) + 1;
  });
  return { feed, diagnostics, health: classifyFeedHealth({ kind: "parsed", items: feed.items.length, skipped, diagnostics }) };
}

describe("classifyFeedHealth", () => {
  it("calls a well-formed feed ok, even with the entity repairs every feed needs", () => {
    expect(healthOf(rss(item(1) + `<item><title>a&nbsp;b & c</title><link>http://example.com/2</link></item>`)).health)
      .toEqual({ status: "ok", reason: null, problems: [] });
  });

  it("says a truncated download is degraded when items survive, failing when none do", () => {
    const cut = rss(item(1) + item(2)).slice(0, -40);
    const partial = healthOf(cut);
    expect(partial.feed.items.length).toBe(2);
    expect(partial.health).toMatchObject({ status: "degraded", reason: expect.stringMatching(/^truncated_xml: /) });

    const empty = healthOf(`<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><ti`);
    expect(empty.health.status).toBe("failing");
    expect(empty.health.problems.map((p) => p.code)).toEqual(["no_usable_items", "truncated_xml", "items_skipped"]);
  });

  it("flags a GBK feed labelled UTF-8 and still decodes it correctly", () => {
    const title = "中国人民银行：虚拟货币交易所须立即停止交易";
    const bytes = new Uint8Array(iconv.encode(rss(`<item><title>${title}</title><link>http://example.com/1</link></item>`), "gbk"));
    const { feed, health } = healthOf(bytes, "application/rss+xml; charset=utf-8");
    expect(feed.items[0]!.title).toBe(title);
    expect(health.status).toBe("degraded");
    expect(health.reason).toMatch(/^charset_mismatch: labelled utf-8 .* decoded as gb18030/);
  });

  it("names javascript: and data: links as unsafe_link, not as missing links", () => {
    const { diagnostics, health } = healthOf(rss(item(1, "javascript:alert(1)") + item(2, "data:text/html,x") + item(3) + "<item><title>No link</title></item>"));
    expect(diagnostics.unsafeLinkItems).toEqual([0, 1]);
    expect(health).toMatchObject({ status: "degraded" });
    expect(health.problems[0]).toEqual({
      code: "items_skipped",
      detail: "2 unsafe_link (links with a script or data: scheme were refused), 1 no_link (items without any link cannot be fetched)",
    });
  });

  it("fails a feed whose every item was skipped", () => {
    expect(healthOf(rss(item(1, "javascript:void(0)"))).health).toMatchObject({ status: "failing", reason: "no_usable_items: 1 items read, none usable" });
  });

  it("cuts a 1 MiB title to the cap and records it", () => {
    const { feed, diagnostics, health } = healthOf(rss(`<item><title>${"x".repeat(1 << 20)}</title><link>http://example.com/1</link></item>`));
    expect(feed.items[0]!.title!.length).toBe(1000);
    expect(diagnostics.truncated).toEqual({ title: 1, summary: 0, content: 0, items: 0 });
    expect(health).toMatchObject({ status: "degraded", reason: "capped: cut to the caps: 1 title" });
  });

  it("fails fetch and parse failures with their reason", () => {
    expect(classifyFeedHealth({ kind: "fetch_failed", reason: "http_404" })).toEqual({
      status: "failing", reason: "fetch_failed: http_404", problems: [{ code: "fetch_failed", detail: "http_404" }],
    });
    let err: unknown;
    try {
      parseFeedWithDiagnostics(new Uint8Array(Buffer.from("<html><body>Not a feed</body></html>")));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FeedParseError);
    const e = err as FeedParseError;
    expect(classifyFeedHealth({ kind: "parse_failed", reason: e.reason, message: e.message }).reason).toBe("not_a_feed: root element <html> is not a feed");
  });
});
