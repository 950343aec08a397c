import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { articleIdFor, createHttpClient, type ArticleCandidate, type HttpClient } from "@regradar/shared";
import { startTestServer, type TestServer } from "../../../test/support/misbehaving-server.js";
import { extractCandidate } from "./extract-candidate.js";

// A short Chinese news page (162 characters of body): the 2017 order to Beijing exchanges.
const ZH_BODY = "北京市互联网金融风险专项整治工作领导小组办公室今日下发通知，要求辖内比特币交易平台OKCoin币行、火币网和比特币中国于九月三十日前停止所有交易业务，并即日起停止新用户注册。中国证监会与中国人民银行此前已宣布全面禁止代币发行融资活动，相关平台须按要求清退，监管部门将依法查处违规行为。请广大投资者提高风险意识，谨防上当受骗。";

const page = (title: string, body: string) => `<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>${title}</title></head>
<body><nav><a href="/">首页</a></nav><article><h1>${title}</h1><p>${body}</p></article></body></html>`;

function candidate(url: string, summary: string): ArticleCandidate {
  return {
    articleId: articleIdFor(url), url, canonicalUrl: url, feedId: "zh-wire", feedTitle: "中文快讯", title: "北京要求比特币交易平台停止交易",
    summary, content: null, publishedAt: "2017-09-15T08:00:00.000Z", authors: [], categories: [], discoveredAt: "2017-09-15T08:05:00.000Z",
  };
}

describe("extractCandidate: page length counts CJK characters as words", () => {
  let server: TestServer;
  let http: HttpClient;
  beforeAll(async () => {
    server = await startTestServer();
    http = createHttpClient({ allowHosts: ["127.0.0.1"], userAgent: "RegRadar test", totalTimeoutMs: 5_000 });
  });
  afterAll(async () => { await http.close(); await server.close(); });

  it("indexes a short Chinese article page, not the feed summary", async () => {
    expect(ZH_BODY.length).toBeGreaterThan(150);
    expect(ZH_BODY.length).toBeLessThan(200);
    const url = server.serveFile("/zh/okcoin.html", page("北京要求比特币交易平台停止交易", ZH_BODY), { "content-type": "text/html; charset=utf-8" });
    const doc = await extractCandidate(candidate(url, "北京要求交易平台停止交易。"), { http, now: () => new Date("2017-09-15T09:00:00Z") }, true);
    expect(doc.textSource).toBe("page");
    expect(doc.pageError).toBeNull();
    expect(doc.text).toContain("火币网");
    expect(doc.entities.map((e) => e.name)).toEqual(expect.arrayContaining(["OKCoin", "Huobi", "BTCChina"]));
    expect(doc.authorities).toContain("China Securities Regulatory Commission");
    expect(doc.actions).toEqual(expect.arrayContaining(["shutdown_order", "enforcement"]));
  });

  it("still falls back to the feed for an English page of a few words", async () => {
    const url = server.serveFile("/en/stub.html", page("Subscribe", "Subscribe to read the full story about the exchange ban."), { "content-type": "text/html" });
    const doc = await extractCandidate(candidate(url, "Beijing orders exchanges to halt trading."), { http, now: () => new Date() }, true);
    expect(doc.textSource).toBe("feed");
    expect(doc.pageError).toMatch(/^page_text_too_short: \d+ words$/);
  });
});
