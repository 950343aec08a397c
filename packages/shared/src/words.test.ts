import { describe, expect, it } from "vitest";
import { countWords } from "./words.js";

describe("countWords", () => {
  it("counts English words and each Chinese character as a word", () => {
    expect(countWords("Regulators banned the exchange, 2 days ago.")).toBe(7);
    expect(countWords("中国人民银行")).toBe(6);
    expect(countWords("火币Huobi和OKCoin")).toBe(5);
  });
});
