import { describe, expect, it } from "vitest";
import { articleIdFor, type ArticleCandidate } from "@regradar/shared";
import { composeDocument, type FetchedPage } from "./compose-document.js";
import { composeOffThread } from "./compose-off-thread.js";

const url = "http://news.example.com/2021/09/24/pboc.html";
const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>China declares all crypto transactions illegal</title></head>
<body><article><h1>China declares all crypto transactions illegal</h1>
<p>The People's Bank of China said on Friday that all cryptocurrency transactions are illegal, and that overseas exchanges such as Huobi
and Binance may not serve mainland users. Banks and payment firms must not provide services for Bitcoin or Ether trading.</p>
<p>Ten agencies, including the China Securities Regulatory Commission, pledged to crack down on illegal crypto activity.</p></article></body></html>`;

const candidate: ArticleCandidate = {
  articleId: articleIdFor(url), url, canonicalUrl: url, feedId: "wire", feedTitle: "Wire", title: "China bans crypto",
  summary: null, content: null, publishedAt: "2021-09-24T10:00:00.000Z", authors: [], categories: [], discoveredAt: "2021-09-24T10:05:00.000Z",
};

// The thread runs the compiled extractor (dist/): `npm test` builds first.
describe("composing documents in a worker thread", () => {
  it("gives the document the caller's thread would, and the same permanent failure for an item without text", async () => {
    const composer = composeOffThread();
    try {
      await composer.prepare();
      const page: FetchedPage = { ok: true, body: Buffer.from(html), contentType: "text/html; charset=utf-8", url };
      const there = await composer.compose(candidate, page, "2021-09-24T10:06:00.000Z");
      expect(there).toEqual(composeDocument(candidate, page, "2021-09-24T10:06:00.000Z"));
      expect(there.ok && there.document.textSource).toBe("page");
      expect(there.ok && there.document.entities.map((e) => e.name)).toEqual(expect.arrayContaining(["Huobi", "Binance"]));

      const empty = { ...candidate, title: null };
      const gone = { ok: false as const, reason: "http_404", retryable: false };
      expect(await composer.compose(empty, gone, "2021-09-24T10:06:00.000Z")).toEqual({ ok: false, reason: `no text for ${url}: page http_404, feed item empty` });
    } finally {
      await composer.close();
    }
  }, 30_000);
});
