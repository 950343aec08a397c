import { describe, expect, it } from "vitest";
import { countWords } from "./words.js";

describe("countWords", () => {
  it("counts English words and each Chinese character as a word", () => {
    expect(countWords("Regulators banned the exchange, 2 days ago.")).toBe(7);
    expect(countWords("中国人民银行")).toBe(6);
    expect(countWords("火币Huobi和OKCoin")).toBe(5);
  });

  it("stops counting at the limit it is given, and counts exactly below it", () => {
    const long = "word ".repeat(5_000);
    expect(countWords(long, 60)).toBe(60);
    expect(countWords("中国人民银行 bans trading", 60)).toBe(8);
    expect(countWords("中国人民银行 bans trading", 7)).toBe(7);
  });
});
