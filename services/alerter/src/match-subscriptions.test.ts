import { describe, expect, test } from "vitest";
import type { StoredArticle } from "@regradar/shared";
import { compileSubscriptions } from "./match-subscriptions.js";
import type { Subscription } from "@regradar/shared";
import { validateSubscription } from "./subscription.js";

let n = 0;
export function article(over: Partial<StoredArticle> = {}): StoredArticle {
  const id = (++n).toString(16).padStart(32, "0");
  return {
    id, url: `https://news.example.com/${id}`, canonicalUrl: `https://news.example.com/${id}`, feedId: "f", feedTitle: null, source: "news.example.com",
    title: "Beijing orders crypto exchanges to shut down", summary: null,
    text: "Chinese regulators ordered Beijing bitcoin exchanges OKCoin, Huobi and BTCChina to stop trading and stop registering new users.",
    lang: "en", publishedAt: "2017-09-18T08:00:00Z", fetchedAt: "2017-09-18T09:00:00Z", authors: [], categories: [], relevant: true, score: 0.9,
    jurisdictions: ["CN"], authorities: ["People's Bank of China"], actions: ["shutdown_order"],
    entities: [{ name: "Huobi", type: "exchange" }, { name: "OKCoin", type: "exchange" }], mentions: [], contentHash: "0123456789abcdef",
    textSource: "page", pageError: null, indexedAt: "2017-09-18T09:00:01Z", duplicateOf: null, ...over,
  };
}

const sub = (name: string, over: Record<string, unknown> = {}): Subscription =>
  validateSubscription({ name, channel: "webhook", target: "https://hooks.example.com/x", ...over });

const names = (subs: Subscription[]) => subs.map((s) => s.name).sort();

describe("compiled subscriptions match like a search", () => {
  const subs = [
    sub("cn-shutdown", { jurisdictions: ["CN"], actions: ["shutdown_order"] }),
    sub("taxation", { actions: ["taxation"] }),
    sub("us-or-cn", { jurisdictions: ["US", "CN"] }),
    sub("huobi-lowercase", { entities: ["huobi"] }),
    sub("pboc", { authorities: ["people's bank of china"] }),
    sub("phrase-hit", { query: '"stop trading"' }),
    sub("phrase-miss", { query: '"trading stop"' }),
    sub("plural-folding", { query: "exchange registering" }),
    sub("negated", { query: "bitcoin -huobi" }),
    sub("alternatives", { query: "ethereum | okcoin" }),
    sub("cjk", { query: "火币" }),
    sub("score-too-high", { minScore: 0.95 }),
    sub("score-ok", { minScore: 0.5, jurisdictions: ["CN"] }),
    sub("other-source", { sources: ["other.example.org"] }),
    sub("lang-zh", { languages: ["zh"] }),
    sub("everything"),
    sub("inactive", { active: false }),
  ];
  const compiled = compileSubscriptions(subs);

  test("filters AND across fields, OR within one; names case-insensitive; query parsed as search", () => {
    // "cjk" (火币) matches the English article through the entity it names: Huobi is in its extracted fields.
    expect(names(compiled.match(article()))).toEqual([
      "alternatives", "cjk", "cn-shutdown", "everything", "huobi-lowercase", "pboc", "phrase-hit", "plural-folding", "score-ok", "us-or-cn",
    ].sort());
  });

  test("CJK terms match as character phrases; language filter", () => {
    const zh = article({ title: "火币暂停交易", text: "北京的交易所火币宣布停止交易。", lang: "zh", entities: [], authorities: [], actions: ["shutdown_order"], jurisdictions: ["CN"] });
    expect(names(compiled.match(zh))).toEqual(["cjk", "cn-shutdown", "everything", "lang-zh", "score-ok", "us-or-cn"].sort());
  });

  test("only inactive subscriptions are skipped, and the compiled set counts active ones", () => {
    expect(compiled.size).toBe(subs.length - 1);
    const other = article({ jurisdictions: ["US"], actions: ["taxation"], entities: [], authorities: [], title: "IRS taxes bitcoin", text: "The IRS said bitcoin is property for tax purposes." });
    expect(names(compiled.match(other))).toEqual(["everything", "negated", "score-ok", "taxation", "us-or-cn"].filter((n) => n !== "score-ok").sort());
  });

  test("a query subscription needs every word, each found as text or as a concept the article carries", () => {
    const subs2 = [
      sub("all-words", { query: "crypto tax rules" }),
      sub("stems-and-stop-words", { query: "the exchanges registered to bitcoin" }),
      sub("sec-in-chinese", { query: "美国证监会 bitcoin" }),
      sub("traditional", { query: "火幣 交易" }),
      sub("shut-down", { query: "exchanges ordered to shut down" }),
      sub("quoted-is-literal", { query: '"shut down"' }),
    ];
    const c = compileSubscriptions(subs2);
    // crypto alone is not enough for all-words.
    expect(names(c.match(article()))).toEqual(["quoted-is-literal", "shut-down", "stems-and-stop-words"]);
    // No "shut down" in the text: the words hold through the extracted action; the quoted phrase does not.
    const cease = article({ title: "Exchanges told to cease trading", text: "Regulators ordered the exchanges to cease trading by Friday.", actions: ["shutdown_order"] });
    expect(names(c.match(cease))).toEqual(["shut-down"]);
    const sec = article({ title: "SEC sues exchange", text: "The U.S. Securities and Exchange Commission sued a bitcoin exchange.", jurisdictions: ["US"],
      authorities: ["U.S. Securities and Exchange Commission"], actions: ["enforcement"], entities: [] });
    expect(names(c.match(sec))).toEqual(["sec-in-chinese"]);
    const zh = article({ title: "火币暂停交易", text: "北京的交易所火币宣布停止交易。", lang: "zh", entities: [], authorities: [], actions: [], jurisdictions: ["CN"] });
    expect(names(c.match(zh))).toEqual(["traditional"]);
    const tax = article({ title: "New crypto tax rules", text: "Lawmakers passed rules on how crypto gains are taxed.", actions: ["taxation"] });
    expect(names(c.match(tax))).toContain("all-words");
  });

  test("agrees with a brute-force evaluation over many generated subscriptions", () => {
    const rnd = mulberry32(7);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const many = Array.from({ length: 2000 }, (_, i) => sub(`s${i}`, {
      ...(rnd() < 0.5 ? { jurisdictions: [pick(["CN", "US", "GB", "KR"])] } : {}),
      ...(rnd() < 0.5 ? { actions: [pick(["ban", "shutdown_order", "taxation"])] } : {}),
      ...(rnd() < 0.2 ? { entities: [pick(["Huobi", "Binance"])] } : {}),
      ...(rnd() < 0.3 ? { query: pick(["exchange", "bitcoin -okcoin", '"stop trading"', "tax | trading", "火币", "美国证监会 bitcoin", "exchanges ordered to shut down"]) } : {}),
    }));
    const index = compileSubscriptions(many);
    for (const a of [article(), article({ jurisdictions: ["US"], actions: ["ban"], entities: [{ name: "Binance", type: "exchange" }] })]) {
      const brute = many.filter((s) => compileSubscriptions([s]).match(a).length === 1).map((s) => s.name).sort();
      expect(names(index.match(a))).toEqual(brute);
      expect(brute.length).toBeGreaterThan(10);
    }
  });
});

function mulberry32(seed: number) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
