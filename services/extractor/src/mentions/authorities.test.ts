import { beforeAll, describe, expect, it } from "vitest";
import { extractMentions } from "./index.js";

// The first call compiles the taxonomy (~0.5 s CPU, several seconds on a loaded machine): not a test's time.
beforeAll(() => { extractMentions({ title: "", text: "", lang: null }); }, 60_000);

const run = (title: string, text: string) => extractMentions({ title, text, lang: "en" });

describe("extractMentions: authorities beyond the hand-written taxonomy (gazetteer)", () => {
  it("names a smaller country's regulator in its product form, with its jurisdiction", () => {
    const r = run("Ghana warns on crypto", "The Bank of Ghana warned banks not to deal in bitcoin and other cryptocurrencies, saying they are not legal tender in Ghana.");
    expect(r.relevant).toBe(true);
    expect(r.authorities).toContain("Bank of Ghana");
    expect(r.jurisdictions).toContain("GH");
  });

  it("knows every country, and the role its bodies play ('Uganda's central bank')", () => {
    const r = run("Uganda warns on crypto", "Uganda's central bank warned the public that cryptocurrencies are not legal tender and ordered lenders to stop facilitating bitcoin trading in Kampala.");
    expect(r.jurisdictions).toEqual(["UG"]);
    expect(r.authorities).toEqual(["Bank of Uganda"]);
    expect(r.mentions.find((m) => m.kind === "authority")?.surface).toBe("Uganda's central bank");
  });

  it("resolves an acronym several countries share from the story's country", () => {
    const ph = run("SEC acts", "The Philippine SEC ordered the crypto exchange to stop soliciting investors in the Philippines, citing unregistered securities.");
    expect(ph.authorities).toContain("Securities and Exchange Commission of the Philippines");
    expect(ph.authorities).not.toContain("U.S. Securities and Exchange Commission");
    const us = run("SEC sues exchange", "The SEC sued the crypto exchange in New York, alleging it sold unregistered securities to American investors.");
    expect(us.authorities).toEqual(["U.S. Securities and Exchange Commission"]);
  });

  it("names a generic body with the country of the story", () => {
    const r = run("India crypto ruling", "India's Supreme Court struck down the central bank's ban on banks serving cryptocurrency exchanges. The Supreme Court said the ban was disproportionate.");
    expect(r.authorities).toContain("Supreme Court of India");
  });

  it("does not read a generic name or a foreign acronym without its country in the story", () => {
    const r = run("Court hears crypto case", "The Supreme Court declined to hear the bitcoin miner's appeal against the ban, and the CMA said nothing.");
    expect(r.authorities.some((a) => /Supreme Court/.test(a))).toBe(false);
    expect(r.authorities.some((a) => /Capital Markets? Authority/.test(a))).toBe(false);
  });
});

describe("extractMentions: crypto organisations outside the taxonomy", () => {
  it("recognises a firm introduced by a crypto descriptor, before or after its name", () => {
    const r = run("Analytics", "Blockchain analytics firm Chainwatchers said outflows rose. Nodeworks, a bitcoin infrastructure startup, raised funds.");
    expect(r.entities).toEqual(expect.arrayContaining([{ name: "Chainwatchers", type: "company" }, { name: "Nodeworks", type: "company" }]));
    expect(r.mentions.find((m) => m.value === "Chainwatchers")?.surface).toBe("Chainwatchers");
  });

  it("does not take a general company or a sentence opener for a crypto one", () => {
    const r = run("Earnings", "Software company Redwood reported earnings. The bank said The exchange rate fell.");
    expect(r.entities).toEqual([]);
  });
});
