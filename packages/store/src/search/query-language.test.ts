import { describe, expect, it } from "vitest";
import { analyzeTerms } from "./analysis.js";
import { parseSearchText } from "./query-language.js";
import { planQuery } from "./ranking.js";
import { understandQuery } from "./understand-query.js";

describe("search analysis", () => {
  it("stems English, drops possessives and diacritics, cuts Chinese into bigrams, folds width and traditional forms", () => {
    expect(analyzeTerms("The SEC's regulators banned exchanges")).toEqual(["the", "sec", "regul", "ban", "exchang"]);
    expect(analyzeTerms("比特幣交易所")).toEqual(["比特", "特币", "币交", "交易", "易所"]);
    expect(analyzeTerms("ＢＩＴＣＯＩＮ 火 régulateur")).toEqual(["bitcoin", "火", "regulateur"]);
  });
});

describe("query language", () => {
  it("parses words, phrases, exclusions and alternatives, marking stop words", () => {
    const [huobi, phrase, price, ban, the] = parseSearchText('huobi "cease trading" -price ban | shutdown the');
    expect(huobi).toMatchObject({ text: "huobi", terms: ["huobi"], quoted: false, negated: false, stopWord: false });
    expect(phrase).toMatchObject({ text: "cease trading", terms: ["ceas", "trade"], quoted: true });
    expect(price).toMatchObject({ text: "price", negated: true });
    expect(ban!.alternatives).toEqual([expect.objectContaining({ text: "shutdown" })]);
    expect(the).toMatchObject({ stopWord: true });
  });

  it("plans OR-ed words without stop words, proximity runs, and what the query names", () => {
    const plan = planQuery("exchange ordered to shut down 美国证监会");
    expect(plan.words.map((w) => w.text)).toEqual(["exchange", "ordered", "shut", "down", "美国证监会"]);
    expect(plan.runs.map((r) => r.text)).toEqual(["美国证监会", "exchange ordered", "ordered shut", "shut down", "down 美国证监会"]);
    expect(plan.concepts.map((c) => [c.field, c.value])).toEqual([
      ["actions", "shutdown_order"], ["authorities", "U.S. Securities and Exchange Commission"],
    ]);
    expect(planQuery("the").words.map((w) => w.text)).toEqual(["the"]);
    expect(planQuery("-bitcoin").positive).toBe(false);
  });

  it("understands names in English, Chinese, traditional Chinese and acronyms", () => {
    const values = (q: string) => understandQuery(q).map((c) => c.value);
    expect(values("火幣")).toEqual(["Huobi"]);
    expect(values("OFAC sanctions Tornado Cash")).toEqual(expect.arrayContaining(["Office of Foreign Assets Control", "Tornado Cash"]));
    expect(values("Indian government")).toEqual(["IN"]);
    // Case-sensitive acronyms need their case: "sec" is a word, "SEC" the regulators.
    expect(values("sec")).toEqual([]);
  });
});
