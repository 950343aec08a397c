import { describe, expect, it } from "vitest";
import { hammingDistance, simhash } from "./simhash.js";

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
