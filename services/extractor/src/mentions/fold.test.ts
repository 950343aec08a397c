import { describe, expect, it } from "vitest";
import { TermMatcher } from "./term-matcher.js";
import { foldText, foldTerm } from "./fold.js";
import { segmentSentences } from "./segment.js";

describe("foldText", () => {
  it("applies NFKC, lower case, quote unification and traditional->simplified, keeping offsets", () => {
    const src = "ＳＥＣ People’s 火幣 比特幣";
    const f = foldText(src);
    expect(f.text).toBe("sec people's 火币 比特币");
    expect(f.origin.length).toBe(f.text.length);
    const i = f.text.indexOf("火币");
    expect(src.slice(f.origin[i]!, f.origin[i + 1]! + 1)).toBe("火幣");
  });

  it("maps characters outside the BMP and expanding ligatures back to their source", () => {
    const src = "a😀ﬁb";
    const f = foldText(src);
    expect(f.text).toBe("a😀fib");
    expect(f.origin[f.text.indexOf("b")]).toBe(src.indexOf("b"));
  });
});

describe("TermMatcher", () => {
  it("matches Latin terms at word boundaries only and CJK terms anywhere", () => {
    const ac = new TermMatcher();
    const sec = ac.add(foldTerm("SEC"));
    const huobi = ac.add(foldTerm("火币"));
    ac.build();
    const text = foldText("section SEC's 在火幣上 secure (SEC)").text;
    const hits = ac.search(text);
    expect(hits.filter((h) => h.pattern === sec).map((h) => text.slice(h.start, h.end))).toEqual(["sec", "sec"]);
    expect(hits.filter((h) => h.pattern === huobi)).toHaveLength(1);
  });

  it("reports overlapping patterns", () => {
    const ac = new TermMatcher();
    ac.add("比特币");
    ac.add("比特币中国");
    ac.add("中国");
    const hits = ac.search("比特币中国").map((h) => [h.start, h.end]);
    expect(hits).toEqual(expect.arrayContaining([[0, 3], [0, 5], [3, 5]]));
  });

  it("reports Latin and CJK hits together in order of their ends, the longer first", () => {
    const ac = new TermMatcher();
    for (const t of ["china", "人民银行", "bank of china", "中国人民银行", "bank"]) ac.add(t);
    const text = foldText("People's Bank of China 中国人民银行").text;
    expect(ac.search(text).map((h) => text.slice(h.start, h.end))).toEqual(["bank", "bank of china", "china", "中国人民银行", "人民银行"]);
  });
});

describe("segmentSentences", () => {
  it("splits English without breaking at abbreviations, and Chinese at 。！？", () => {
    const s = "The U.S. Attorney said so. Mt. Gox closed! 央行叫停。交易所关停？好";
    const parts = segmentSentences(s).map((sp) => s.slice(sp.start, sp.end));
    expect(parts).toEqual(["The U.S. Attorney said so.", "Mt. Gox closed!", "央行叫停。", "交易所关停？", "好"]);
  });
});
