import { describe, expect, it } from "vitest";
import { analyzeTerms, parseSearchText } from "./search.js";
import { hammingDistance, simhash } from "./simhash.js";

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

describe("near-duplicate fingerprint", () => {
  const story = `Chinese authorities have ordered Beijing-based cryptocurrency exchanges to cease trading and immediately notify users of their closure.
Exchanges were also told to stop allowing new user registrations as of Friday, according to a government notice signed by the Beijing city group in charge of overseeing Internet finance risks that was circulated online.
With administrators personally liable for what is said on groups they run, users of bitcoin exchanges OKCoin, Huobi and BTCChina are migrating to services beyond the Chinese government's reach.`;

  it("keeps a lightly edited syndicated copy within a few bits and an unrelated story far away", () => {
    const rewrite = story.replace("Chinese authorities have", "Authorities in China have").replace("as of Friday", "from Friday") + "\nReporting by Bloomberg.";
    const other = "The U.S. Securities and Exchange Commission approved applications for spot bitcoin exchange-traded funds on Wednesday, a landmark decision for the industry after a decade of refusals and a court defeat last year.";
    expect(hammingDistance(simhash(story), simhash(rewrite))).toBeLessThanOrEqual(6);
    expect(hammingDistance(simhash(story), simhash(other))).toBeGreaterThan(12);
  });
});
