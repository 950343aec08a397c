import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { analysedText, extractMentions, type MentionsResult } from "./index.js";

// The first call compiles the taxonomy (~0.5 s CPU, several seconds on a loaded machine): not a test's time.
beforeAll(() => { extractMentions({ title: "", text: "", lang: null }); }, 60_000);

const seed = JSON.parse(
  readFileSync(new URL("../../../../packages/cli/demo-data/sources/seed-article.json", import.meta.url), "utf8"),
) as { title: string; text: string; lang: string };

const STORIES: { title: string; text: string; lang: string }[] = [
  seed,
  { title: "Bank of Ghana warns banks", text: "The Bank of Ghana warned banks not to deal in bitcoin and other cryptocurrencies, saying they are not legal tender.", lang: "en" },
  { title: "央行等部门叫停代币发行", text: "中国人民银行、中国证监会等七部门发布公告，全面禁止代币发行融资活动，要求比特币中国、火币等交易平台停止相关业务。", lang: "zh" },
  { title: "SEC sues exchange", text: "The SEC sued Binance and its founder Changpeng Zhao in Washington, alleging the exchange sold unregistered securities.", lang: "en" },
  { title: "India's top court lifts curbs", text: "India's Supreme Court struck down the Reserve Bank of India's ban on banks serving cryptocurrency exchanges.", lang: "en" },
];

/** Every reported value, as "kind|value", with the mention kinds the contract gives them. */
function reported(r: MentionsResult): string[] {
  return [
    ...r.jurisdictions.map((v) => `jurisdiction|${v}`), ...r.authorities.map((v) => `authority|${v}`),
    ...r.actions.map((v) => `action|${v}`), ...r.entities.map((e) => `entity|${e.name}`),
  ];
}

describe("extractMentions: every reported value has its evidence", () => {
  for (const story of STORIES) {
    it(`marks the supporting text of each value: ${story.title}`, () => {
      const r = extractMentions(story);
      expect(r.relevant).toBe(true);
      const src = analysedText(story);
      const spans = new Set(r.mentions.map((m) => `${m.kind}|${m.value}`));
      for (const value of reported(r)) expect(spans, `${value} has no mention`).toContain(value);
      for (const m of r.mentions) {
        expect(src.slice(m.start, m.end)).toBe(m.surface);
        expect(m.surface.trim().length).toBeGreaterThan(0);
      }
    });
  }

  it("supports a jurisdiction known only from a body's name with that name's span", () => {
    const r = extractMentions(STORIES[1]!);
    expect(r.jurisdictions).toContain("GH");
    expect(r.mentions.find((m) => m.kind === "jurisdiction" && m.value === "GH")?.surface).toBe("Bank of Ghana");
  });
});
