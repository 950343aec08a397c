import { describe, expect, it } from "vitest";
import { hammingDistance, NEAR_DUPLICATE_BITS, simhash, simhashBands } from "./simhash.js";

// Distinct stories on one beat share most of their function words; those must not make them copies.
const STORIES = [
  "The Securities and Exchange Commission sued the exchange in New York on Monday, alleging that it sold unregistered securities to retail investors and misled them about the safety of their deposits over several years.",
  "Nigeria's anti-graft agency detained two executives of the exchange and filed tax evasion charges against the company, which it accused of moving funds out of the country through its peer-to-peer market.",
  "Japan's Financial Services Agency ordered the exchange to improve its business after hackers stole tokens worth hundreds of millions of dollars from a hot wallet that was not protected by multiple signatures.",
  "The central bank of India told lenders to stop serving customers who deal in virtual currencies, giving them three months to end existing relationships, and warned the public of the risks of such assets.",
  "El Salvador became the first country to make bitcoin legal tender after its congress approved the president's proposal by a large majority late on Tuesday night, to the alarm of the International Monetary Fund.",
  "Chinese authorities ordered the exchanges in Beijing to halt trading and stop registering new users, and made administrators of chat groups liable for what members of their groups post about tokens.",
  "The European Parliament voted for the markets in crypto-assets regulation, which requires issuers of stablecoins to hold reserves and service providers to obtain a licence in one member state of the union.",
  "Police in the north of England raided a house where an illegal crypto cash machine was operating and arrested a man on suspicion of running the machine without registration with the financial regulator.",
];

describe("simhash near-duplicates", () => {
  it("keeps distinct stories on the same beat well apart", () => {
    for (let i = 0; i < STORIES.length; i++) {
      for (let j = i + 1; j < STORIES.length; j++) {
        expect(hammingDistance(simhash(STORIES[i]!), simhash(STORIES[j]!))).toBeGreaterThan(NEAR_DUPLICATE_BITS + 2);
      }
    }
  });

  it("finds a republished copy with a credit line and light edits", () => {
    // long enough for the indexer to compare (60 words or more)
    const body = `${STORIES[5]}\n\nOKCoin, Huobi and BTCChina said they would comply with the order, which follows a ban on initial coin offerings earlier this month. Traders moved to over-the-counter desks and messaging apps such as Telegram, while the price of bitcoin fell sharply on the news before recovering part of its losses.`;
    const original = `China orders Beijing exchanges to stop trading\n${body}`;
    const copy = `China orders Beijing exchanges to stop trading\n${body.replace("ordered", "have ordered").replace("sharply", "steeply")}\n(Reporting by the Shanghai newsroom; Editing by the desk)`;
    const d = hammingDistance(simhash(original), simhash(copy));
    expect(d).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    // and the stores' band lookup finds it: the two hashes share a band
    expect(simhashBands(simhash(original)).some((b) => simhashBands(simhash(copy)).includes(b))).toBe(true);
  });
});
