import iconv from "iconv-lite";
import { createHttpClient } from "@regradar/shared";
import { startTestServer } from "../../../test/support/misbehaving-server.js";
import { describe, expect, test } from "../../../test/support/fixtures.js";
import { pollerByHand } from "../../../test/support/poll-by-hand.js";
import { feedParser } from "./parse-off-thread.js";

const rss = (items: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>${items}</channel></rss>`;
const item = (title: string, link: string) => `<item><title>${title}</title><link>${link}</link></item>`;

// Issue 11, "health that lies": each of these feeds used to be recorded as ok.
describe("feed health recorded by the poller (real Redis, local HTTP)", () => {
  test("truncated XML, a GBK feed labelled UTF-8, javascript: links and a 1 MiB title are each named", async ({ redis, prefix }) => {
    const server = await startTestServer();
    const http = createHttpClient({ allowHosts: ["127.0.0.1"], userAgent: "RegRadar-test" });
    // The fetcher's own parser: the 1 MiB feed below is parsed in its worker thread.
    const parser = feedParser();
    const { pollFeed, enqueued, state } = pollerByHand(redis, prefix, http, parser.parse);
    const serve = (path: string, body: string | Buffer, contentType: string) =>
      ({ id: path.slice(1), url: server.route(path, (_req, res) => void res.writeHead(200, { "content-type": contentType }).end(body)), interval: 600, tags: [] });
    try {
      const good = serve("/good", rss(item("A", "http://127.0.0.1/a")), "application/rss+xml");
      expect(await pollFeed(good)).toMatchObject({ status: "parsed", health: { status: "ok", reason: null } });

      const empty = serve("/truncated-empty", rss(item("A", "http://127.0.0.1/a")).slice(0, 70), "application/rss+xml");
      expect(await pollFeed(empty)).toMatchObject({ status: "parsed", items: 0, health: { status: "failing" } });
      expect(await state.get("truncated-empty")).toMatchObject({ health: "failing", healthReason: expect.stringMatching(/^no_usable_items/) });

      const cut = serve("/truncated", rss(item("A", "http://127.0.0.1/a") + item("B", "http://127.0.0.1/b")).slice(0, -30), "application/rss+xml");
      expect(await pollFeed(cut)).toMatchObject({ newItems: 2, health: { status: "degraded", reason: expect.stringMatching(/^truncated_xml: /) } });

      const title = "中国人民银行：虚拟货币交易所须立即停止交易";
      const gbk = serve("/gbk", iconv.encode(rss(item(title, "http://127.0.0.1/gbk")), "gbk"), "application/rss+xml; charset=utf-8");
      expect(await pollFeed(gbk)).toMatchObject({ health: { status: "degraded", reason: expect.stringMatching(/^charset_mismatch: /) } });
      expect(enqueued.find((c) => c.url === "http://127.0.0.1/gbk")?.title).toBe(title);

      const js = serve("/js", rss(item("Bad", "javascript:alert(1)") + item("Good", "http://127.0.0.1/good")), "application/rss+xml");
      expect(await pollFeed(js)).toMatchObject({
        skipped: [{ item: "Bad", reason: "unsafe_link" }],
        health: { status: "degraded", reason: "items_skipped: 1 unsafe_link (links with a script or data: scheme were refused)" },
      });

      const huge = serve("/huge", rss(item("x".repeat(1 << 20), "http://127.0.0.1/huge")), "application/rss+xml");
      expect(await pollFeed(huge)).toMatchObject({ health: { status: "degraded", reason: "capped: cut to the caps: 1 title" } });
      expect(enqueued.find((c) => c.url === "http://127.0.0.1/huge")?.title).toHaveLength(1000);

      const html = serve("/html", "<html><body>Moved</body></html>", "text/html");
      expect(await pollFeed(html)).toMatchObject({ status: "failed" });
      expect(await state.get("html")).toMatchObject({ health: "failing", healthReason: "not_a_feed: root element <html> is not a feed" });
    } finally {
      await parser.close();
      await http.close();
      await server.close();
    }
  });
});
