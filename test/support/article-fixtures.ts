import { articleIdFor, simhash, type ArticleDocument } from "@regradar/shared";
import type { UpsertDocument } from "@regradar/store";

/** The i-th of a stream of distinct stories as the index queue carries them (no two share a SimHash). */
export function wireStory(i: number): ArticleDocument {
  const url = `https://news.example.com/2024/story-${i}`;
  const text = `Story ${i}. ${"Regulators in several countries discussed rules for crypto exchanges and stablecoin issuers. ".repeat(20)}`;
  return {
    id: articleIdFor(url), url, canonicalUrl: url, feedId: "wire", feedTitle: "Wire", source: "news.example.com", title: `Story ${i}`,
    summary: null, text, lang: "en", publishedAt: "2024-05-01T00:00:00.000Z", fetchedAt: "2024-05-01T00:00:00.000Z", authors: [], categories: [],
    relevant: true, score: 0.9, jurisdictions: ["US"], authorities: [], actions: ["guidance"], entities: [], mentions: [],
    contentHash: simhash(`${i} ${text}`), textSource: "page", pageError: null,
  };
}

/** The fixture articles every store contract case runs on: a few stories, English and Chinese, one syndicated copy. */
type Spec = Partial<ArticleDocument> & Pick<ArticleDocument, "url" | "title" | "text" | "publishedAt">;

export function articleDoc(spec: Spec, duplicateOf: string | null = null): UpsertDocument {
  const url = spec.url;
  return {
    id: articleIdFor(url), canonicalUrl: url, feedId: "wire", feedTitle: "Test wire", source: new URL(url).host,
    summary: null, lang: "en", fetchedAt: "2024-02-01T00:00:00.000Z", authors: [], categories: [],
    relevant: true, score: 0.8, jurisdictions: [], authorities: [], actions: [], entities: [], mentions: [],
    contentHash: simhash(spec.text), textSource: "page", pageError: null,
    ...spec,
    duplicateOf,
  };
}

const SEED_TEXT = [
  "Chinese authorities have ordered Beijing-based cryptocurrency exchanges to cease trading and stop registering new users, people familiar with the matter said on Monday.",
  "Users of bitcoin exchanges OKCoin, Huobi (火币) and BTCChina are moving to Telegram, as new rules make WeChat group administrators personally liable for what is said in the groups they run.",
  "The People's Bank of China has been tightening its grip on the cryptocurrency business to contain financial risks, after consumers piled into a highly speculative market that has grown rapidly this year.",
  "On Telegram the communities discuss everything from how to transfer digital tokens overseas to more effective ways to protect privacy, and initial coin offerings, which the central bank banned earlier this month.",
].join("\n\n");

export const seed = articleDoc({
  url: "https://news.example.com/2017/09/beijing-exchanges-wechat-telegram",
  title: "Beijing orders crypto exchanges to stop trading; WeChat groups become liable",
  text: SEED_TEXT, publishedAt: "2017-09-18T08:00:00.000Z", score: 0.95,
  jurisdictions: ["CN"], authorities: ["People's Bank of China"], actions: ["shutdown_order", "platform_liability"],
  entities: [{ name: "OKCoin", type: "exchange" }, { name: "Huobi", type: "exchange" }, { name: "BTCChina", type: "exchange" }],
  mentions: [{ kind: "entity", value: "Huobi", surface: "Huobi", start: 218, end: 223 }],
  authors: ["Staff reporter"], categories: ["Regulation"],
});

export const chinese = articleDoc({
  url: "https://cn.example.cn/news/2017/0915/pboc",
  title: "中国人民银行：加强对比特币交易平台的监管",
  text: "中国人民银行等部门要求北京的比特币交易所停止交易并停止新用户注册。\n\n火币和OKCoin表示将遵守监管要求，在月底前停止人民币交易业务。",
  publishedAt: "2017-09-15T02:00:00.000Z", lang: "zh",
  jurisdictions: ["CN"], authorities: ["People's Bank of China"], actions: ["shutdown_order"],
  entities: [{ name: "Huobi", type: "exchange" }, { name: "OKCoin", type: "exchange" }],
});

export const secEtf = articleDoc({
  url: "https://sec.example.org/news/spot-bitcoin-etf",
  title: "SEC approves spot bitcoin ETF applications",
  text: "The U.S. Securities and Exchange Commission approved applications for spot bitcoin exchange-traded funds on Wednesday, a landmark decision for the industry.\n\nThe regulator said the approval does not endorse bitcoin & investors should remain cautious <they warned>.",
  publishedAt: "2024-01-10T21:00:00.000Z",
  jurisdictions: ["US"], authorities: ["U.S. Securities and Exchange Commission"], actions: ["licensing"],
  entities: [{ name: "Bitcoin", type: "asset" }],
});

export const priceTalk = articleDoc({
  url: "https://markets.example.com/bitcoin-falls",
  title: "Bitcoin slides as traders weigh regulatory fears",
  text: "Bitcoin fell 5% on Friday. Spot prices of bitcoin on major exchanges dropped as traders cited regulatory fears, analysts said; no new rules were announced.",
  publishedAt: "2024-01-12T09:30:00.000Z", relevant: false, score: 0.1,
  entities: [{ name: "Bitcoin", type: "asset" }],
});

export const binancePh = articleDoc({
  url: "https://news.example.com/2023/11/binance-philippines",
  title: "Philippine SEC moves to block Binance",
  text: "The Philippine Securities and Exchange Commission said it would block access to Binance, which it says operates without a licence in the country.",
  publishedAt: "2023-11-30T04:00:00.000Z",
  jurisdictions: ["PH"], authorities: ["Philippine Securities and Exchange Commission"], actions: ["enforcement"],
  entities: [{ name: "Binance", type: "exchange" }],
});

export const koreaBan = articleDoc({
  url: "https://asia.example.net/korea-exchange-ban",
  title: "South Korea weighs a ban on cryptocurrency trading",
  text: "South Korea's justice ministry is preparing a bill to ban cryptocurrency trading on local exchanges such as Upbit and Bithumb, sending bitcoin lower.",
  publishedAt: "2018-01-11T05:00:00.000Z",
  jurisdictions: ["KR"], authorities: ["Ministry of Justice (South Korea)"], actions: ["ban", "legislation"],
  entities: [{ name: "Upbit", type: "exchange" }, { name: "Bithumb", type: "exchange" }],
});

export const undated = articleDoc({
  url: "https://news.example.com/japan-fsa-licence",
  title: "Japan's FSA grants exchange licences",
  text: "Japan's Financial Services Agency granted an exchange licence to eleven companies, the régulateur said in a statement.",
  publishedAt: null,
  jurisdictions: ["JP"], authorities: ["Financial Services Agency"], actions: ["licensing"],
});

/** A syndicated copy of the seed with a light edit: near-duplicate content hash, points at the seed. */
export const seedCopy = articleDoc({
  url: "https://syndicate.example.net/wire/china-exchanges",
  title: "China: Beijing exchanges ordered to stop trading",
  text: SEED_TEXT.replace("on Monday", "on Monday morning"),
  publishedAt: "2017-09-18T10:00:00.000Z", source: "syndicate.example.net",
  jurisdictions: ["CN"], authorities: ["People's Bank of China"], actions: ["shutdown_order", "platform_liability"],
  entities: [{ name: "OKCoin", type: "exchange" }, { name: "Huobi", type: "exchange" }, { name: "BTCChina", type: "exchange" }],
}, articleIdFor("https://news.example.com/2017/09/beijing-exchanges-wechat-telegram"));

/** Everything except the copy, which is indexed after its original (findNearDuplicates is oldest first). */
export const ORIGINALS = [seed, chinese, secEtf, priceTalk, binancePh, koreaBan, undated];
export const ALL = [...ORIGINALS, seedCopy];
