import { describe, expect, it } from "vitest";
import { analyzeTerms, parseSearchText } from "./query-language.js";

describe("search text", () => {
  it("analyses English with plurals folded and Chinese one character at a time", () => {
    expect(analyzeTerms("Exchanges ordered 火币 to stop; policies")).toEqual(["exchange", "ordered", "火", "币", "to", "stop", "policy"]);
    expect(analyzeTerms("ＢＩＴＣＯＩＮ")).toEqual(["bitcoin"]);
  });

  it("lets words naming an action stand for the extracted action, but not when excluded", () => {
    expect(parseSearchText("exchange shutdown")[1]).toMatchObject({ terms: ["shutdown"], action: "shutdown_order" });
    expect(parseSearchText("关停")[0]).toMatchObject({ action: "shutdown_order" });
    expect(parseSearchText("-ban")[0]).not.toHaveProperty("action");
    expect(parseSearchText("exchange")[0]).not.toHaveProperty("action");
  });

  it("parses AND terms, phrases, exclusions and alternatives", () => {
    expect(parseSearchText('huobi "cease trading" -price ban | shutdown 监管')).toEqual([
      { terms: ["huobi"], phrase: false, negated: false },
      { terms: ["cease", "trading"], phrase: true, negated: false },
      { terms: ["price"], phrase: false, negated: true },
      { terms: ["ban"], phrase: false, negated: false, action: "ban", alternatives: [{ terms: ["shutdown"], phrase: false, negated: false, action: "shutdown_order" }] },
      { terms: ["监", "管"], phrase: true, negated: false },
    ]);
  });
});
