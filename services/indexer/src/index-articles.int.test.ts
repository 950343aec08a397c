import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { articleIdFor, simhash, type ArticleDocument } from "@regradar/shared";
import { indexArticles } from "./index-articles.js";
import { openSqliteDatabase, SqliteArticleStore } from "@regradar/store";

const seed = JSON.parse(await readFile(new URL("../../../packages/cli/demo-data/sources/seed-article.json", import.meta.url), "utf8")) as { title: string; text: string };

function doc(url: string, title: string, text: string): ArticleDocument {
  return {
    id: articleIdFor(url), url, canonicalUrl: url, feedId: "f", feedTitle: null, source: new URL(url).host, title, summary: null, text,
    lang: "en", publishedAt: "2017-09-18T08:00:00.000Z", fetchedAt: "2017-09-18T09:00:00.000Z", authors: [], categories: [],
    relevant: true, score: 0.9, jurisdictions: ["CN"], authorities: [], actions: ["shutdown_order"], entities: [], mentions: [],
    contentHash: simhash(`${title}\n${text}`), textSource: "page", pageError: null,
  };
}

// A syndicated copy as another site runs it: new headline, a dateline, a sentence reworded,
// one paragraph dropped, a credit line added.
const rewrite = {
  title: "China's bitcoin crackdown sends WeChat users to Telegram",
  text: `BEIJING (Bloomberg) - ${seed.text}`
    .replace("is starting to see its first wave of defectors", "has begun to see its first defectors")
    .replace(/\n\nThe new rules on message groups[^\n]*/, "")
    .concat("\n\nReporting by Bloomberg News; editing by the South China Morning Post."),
};

const chinese = "中国人民银行等七部委发布公告，叫停各类代币发行融资活动，要求各类代币发行融资交易平台不得从事法定货币与代币、虚拟货币相互之间的兑换业务。北京、上海的比特币交易所随后宣布停止人民币交易业务，火币、OKCoin币行等平台将于九月底前关停交易。监管部门表示，将对违规平台依法查处，投资者应当提高风险意识。";
const chineseCopy = `【财经网讯】${chinese.replace("监管部门表示", "有关部门称").replace("投资者应当提高风险意识。", "投资者需提高风险防范意识。")}（责任编辑：王明）`;

describe("near-duplicate linking at index time (real SQLite)", () => {
  let dir: string;
  let store: SqliteArticleStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "regradar-dup-"));
    store = new SqliteArticleStore(openSqliteDatabase(path.join(dir, "index.db")));
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("links a rewritten syndicated copy to the first copy, leaves an unrelated story alone, and search can collapse it", async () => {
    const original = doc("https://www.scmp.com/tech/wechat-telegram", seed.title, seed.text);
    const copy = doc("https://www.bloomberg.com/news/china-crackdown-telegram", rewrite.title, rewrite.text);
    const other = doc("https://www.reuters.com/sec-etf", "SEC approves bitcoin ETFs",
      "The U.S. Securities and Exchange Commission approved spot bitcoin exchange-traded funds on Wednesday after a decade of refusals. ".repeat(4));
    expect(await indexArticles([original], store)).toEqual([{ id: original.id, status: "created", duplicateOf: null }]);
    expect(await indexArticles([copy, other], store)).toEqual([
      { id: copy.id, status: "created", duplicateOf: original.id },
      { id: other.id, status: "created", duplicateOf: null },
    ]);

    const all = await store.search({ text: "WeChat Telegram" });
    expect(all.hits.map((h) => h.id).sort()).toEqual([original.id, copy.id].sort());
    const collapsed = await store.search({ text: "WeChat Telegram", collapseDuplicates: true });
    expect(collapsed.hits.map((h) => h.id)).toEqual([original.id]);
  });

  it("links Chinese copies with light edits", async () => {
    const a = doc("https://finance.sina.com.cn/a.html", "七部委叫停代币发行融资", chinese);
    const b = doc("https://www.caijing.com.cn/b.html", "央行等七部委：叫停ICO", chineseCopy);
    await indexArticles([a], store);
    expect(await indexArticles([b], store)).toEqual([{ id: b.id, status: "created", duplicateOf: a.id }]);
  });

  it("a replay of the copy changes nothing, even though the original now has a near-twin", async () => {
    const original = doc("https://www.scmp.com/tech/wechat-telegram", seed.title, seed.text);
    const copy = doc("https://www.bloomberg.com/news/china-crackdown-telegram", rewrite.title, rewrite.text);
    await indexArticles([original, copy], store);
    const before = await store.getArticles([original.id, copy.id]);
    expect(await indexArticles([original, copy], store)).toEqual([
      { id: original.id, status: "unchanged" }, { id: copy.id, status: "unchanged" },
    ]);
    expect(await store.getArticles([original.id, copy.id])).toEqual(before);
  });
});
