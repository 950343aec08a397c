import { describe, expect, it } from "vitest";
import { AhoCorasick } from "./aho-corasick.js";
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

describe("AhoCorasick", () => {
  it("matches Latin terms at word boundaries only and CJK terms anywhere", () => {
    const ac = new AhoCorasick();
    const sec = ac.add(foldTerm("SEC"));
    const huobi = ac.add(foldTerm("火币"));
    ac.build();
    const text = foldText("section SEC's 在火幣上 secure (SEC)").text;
    const hits = ac.search(text);
    expect(hits.filter((h) => h.pattern === sec).map((h) => text.slice(h.start, h.end))).toEqual(["sec", "sec"]);
    expect(hits.filter((h) => h.pattern === huobi)).toHaveLength(1);
  });

  it("reports overlapping patterns", () => {
    const ac = new AhoCorasick();
    ac.add("比特币");
    ac.add("比特币中国");
    ac.add("中国");
    const hits = ac.search("比特币中国").map((h) => [h.start, h.end]);
    expect(hits).toEqual(expect.arrayContaining([[0, 3], [0, 5], [3, 5]]));
  });
});

describe("segmentSentences", () => {
  it("splits English without breaking at abbreviations, and Chinese at 。！？", () => {
    const s = "The U.S. Attorney said so. Mt. Gox closed! 央行叫停。交易所关停？好";
    const parts = segmentSentences(s).map((sp) => s.slice(sp.start, sp.end));
    expect(parts).toEqual(["The U.S. Attorney said so.", "Mt. Gox closed!", "央行叫停。", "交易所关停？", "好"]);
  });
});
