import { createHttpClient } from "@regradar/shared";
import { startTestServer } from "../../../test/support/misbehaving-server.js";
import { describe, expect, test } from "../../../test/support/fixtures.js";
import { pollerByHand } from "../../../test/support/poll-by-hand.js";

const rss = (n: number) => `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>http://127.0.0.1/</link><description>d</description>
${Array.from({ length: n }, (_, i) => `<item><title>Item ${i}</title><link>http://127.0.0.1/n/${i}</link><pubDate>Mon, 18 Sep 2017 08:00:00 GMT</pubDate></item>`).join("")}</channel></rss>`;


describe("polling a feed politely (real Redis, local HTTP)", () => {
  test("a 304 and an unchanged body cost no parsing and enqueue nothing; new items are enqueued once", async ({ redis, prefix }) => {
    const server = await startTestServer();
    const http = createHttpClient({ allowHosts: ["127.0.0.1"], userAgent: "RegRadar-test" });
    const { pollFeed, enqueued, state } = pollerByHand(redis, prefix, http);
    try {
      const conditional = server.behaviours.conditional({ etag: '"v1"', body: rss(3), contentType: "application/rss+xml" });
      const feed = { id: "cond", url: conditional.url, interval: 600, tags: [] };
      expect(await pollFeed(feed)).toMatchObject({ status: "parsed", items: 3, newItems: 3 });
      expect(await pollFeed(feed)).toMatchObject({ status: "not_modified" });
      expect(conditional.stats.notModified).toBe(1);
      const conditionalRequests = server.requests.filter((r) => r.path === new URL(conditional.url).pathname);
      expect(conditionalRequests[1]?.headers["if-none-match"]).toBe('"v1"');
      expect(conditionalRequests[1]?.headers["user-agent"]).toBe("RegRadar-test");

      // A server that ignores conditional GET: the body hash saves the parse.
      let body = rss(3);
      const url = server.route("/plain.xml", (_req, res) => { res.writeHead(200, { "content-type": "application/rss+xml" }).end(body); });
      const plain = { id: "plain", url, interval: 600, tags: [] };
      expect(await pollFeed(plain)).toMatchObject({ status: "parsed", newItems: 3 });
      expect(await pollFeed(plain)).toMatchObject({ status: "unchanged" });
      body = rss(5);
      expect(await pollFeed(plain)).toMatchObject({ status: "parsed", items: 5, newItems: 2 });
      // Three from each feed, and the two new ones: nothing twice.
      expect(enqueued).toHaveLength(3 + 3 + 2);
      const health = await state.get("plain");
      expect(health).toMatchObject({ consecutiveFailures: 0, lastError: null, itemsSeen: 5 });
    } finally {
      await http.close();
      await server.close();
    }
  });
});
