import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper shared with `npm run bench:fetch`, no type declarations
import { rssDocument } from "../../../scripts/lib/feed-host-farm.mjs";
import { DEFAULT_FEED_CAPS, FeedParseError, parseFeedWithDiagnostics } from "./feed/parse-feed.js";
import { feedParser } from "./parse-off-thread.js";

// The worker thread runs the compiled parser (dist/): `npm test` builds first.
describe("feed parsing off the event loop", () => {
  it("parses a 5,000-item feed in a worker thread, as parseFeedWithDiagnostics would, while the event loop keeps turning", async () => {
    const body = Buffer.from(rssDocument({ id: "big", host: "big.example.com" }, 5_000) as string);
    const opts = { contentType: "application/rss+xml", url: "http://big.example.com/big.xml", caps: DEFAULT_FEED_CAPS };
    const parser = feedParser();
    try {
      let ticks = 0;
      const ticker = setInterval(() => { ticks++; }, 5);
      const parsed = await parser.parse(body, opts);
      clearInterval(ticker);
      expect(parsed).toEqual(parseFeedWithDiagnostics(body, opts));
      expect(parsed.feed.items).toHaveLength(5_000);
      // Timers fired while the parse ran: nothing else was held back for its whole length.
      expect(ticks).toBeGreaterThan(2);
    } finally {
      await parser.close();
    }
  }, 30_000);

  it("reports a big document that is not a feed as the parser's own error, with its reason", async () => {
    const parser = feedParser();
    try {
      const page = Buffer.from(`<html><body>${"<p>x</p>".repeat(40_000)}</body></html>`);
      const err = await parser.parse(page, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FeedParseError);
      expect(err).toMatchObject({ reason: "not_a_feed" });
    } finally {
      await parser.close();
    }
  }, 30_000);
});
