import { describe, expect, it } from "vitest";
import { hammingDistance, NEAR_DUPLICATE_BITS, nearDuplicateKeys, nearDuplicateProbes, simhash, simhashBands } from "./simhash.js";

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

  it("hashes texts as earlier releases did: stored hashes stay comparable with new ones", () => {
    // Values from the release before the feature table (a Map from word to MD5 then).
    expect(simhash("China orders Beijing exchanges to stop trading\nThe People’s Bank of China said exchanges must halt yuan trading of bitcoin by Friday.")).toBe("695fe3e29ab3b623");
    expect(simhash("中国人民银行：比特币交易平台须于周五前停止人民币交易。Huobi 火幣 和 OKCoin 表示将遵守。")).toBe("de98d4e8bb225239");
  });

  it("gives a text the same hash whatever was hashed before, even when the feature table fills up mid-text", () => {
    const story = STORIES.join("\n");
    const before = simhash(story);
    // ~250,000 distinct made-up words: more features than the table keeps, so it is cleared part-way
    // through this text (and again through its second hashing, at another place).
    let seed = 7;
    const word = () => Array.from({ length: 7 }, () => { seed = (seed * 16807) % 2147483647; return String.fromCharCode(97 + (seed % 26)); }).join("");
    const big = `${Array.from({ length: 250_000 }, word).join(" ")} ${story} ${story}`;
    const first = simhash(big);
    expect(simhash(big)).toBe(first);
    expect(simhash(story)).toBe(before);
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

  it("near-duplicate probes meet a key of every hash within NEAR_DUPLICATE_BITS, and seldom an unrelated one", () => {
    let seed = 42;
    const random64 = () => Array.from({ length: 16 }, () => { seed = (seed * 1103515245 + 12345) >>> 0; return ((seed >>> 16) & 15).toString(16); }).join("");
    const flip = (hash: string, bits: number[]) => {
      let v = BigInt(`0x${hash}`);
      for (const b of bits) v ^= 1n << BigInt(b);
      return v.toString(16).padStart(16, "0");
    };
    let unrelatedMet = 0;
    for (let n = 0; n < 4_000; n++) {
      const hash = random64();
      const probes = new Set(nearDuplicateProbes(hash));
      // 1 to 7 distinct bits flipped, anywhere in the 64; the worst case (two bits in three blocks, one
      // in the fourth) comes up among these.
      const bits = [...new Set(Array.from({ length: 1 + (n % NEAR_DUPLICATE_BITS) }, () => Number(BigInt(`0x${random64()}`) % 64n)))];
      const near = flip(hash, bits);
      expect(hammingDistance(hash, near)).toBe(bits.length);
      expect(nearDuplicateKeys(near).some((k) => probes.has(k))).toBe(true);
      if (nearDuplicateKeys(random64()).some((k) => probes.has(k))) unrelatedMet++;
    }
    // The worst case, built: 2 + 2 + 2 + 1 bits.
    const hash = random64();
    const worst = flip(hash, [0, 1, 16, 17, 32, 33, 48]);
    expect(nearDuplicateKeys(worst).some((k) => nearDuplicateProbes(hash).includes(k))).toBe(true);
    // Eight bits, two in every block: out of reach, as it should be.
    expect(nearDuplicateKeys(flip(hash, [0, 1, 16, 17, 32, 33, 48, 49])).some((k) => nearDuplicateProbes(hash).includes(k))).toBe(false);
    // About one unrelated hash in 960 (8-bit bands: one in 32).
    expect(unrelatedMet).toBeLessThan(15);
  });
});
