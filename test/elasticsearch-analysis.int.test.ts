import { randomUUID } from "node:crypto";
import { Client, type estypes } from "@elastic/elasticsearch";
import { afterAll, beforeAll } from "vitest";
import { describe, expect, inject, test } from "./support/fixtures.js";

// The test node's analysis must answer as the official image (with analysis-icu installed) does, so a
// mapping behaves the same in tests and in production. Expected tokens are the ones Elastic's reference
// documents for each analyzer and filter, or plain linguistic facts (火幣 is traditional for 火币).


let client: Client;
const indices: string[] = [];

beforeAll(() => { client = new Client({ node: inject("elasticsearchUrl") }); });
afterAll(async () => {
  if (indices.length) await client.indices.delete({ index: indices, ignore_unavailable: true });
  await client.close();
});

async function tokens(request: estypes.IndicesAnalyzeRequest, index?: string): Promise<string[]> {
  const res = await client.indices.analyze({ index, ...request });
  return (res.tokens ?? []).map((t) => t.token);
}

describe("analysis-common names on the test node", () => {
  test("english analyzer: possessive, lowercase, English stop words, Porter stemming", async () => {
    expect(await tokens({ analyzer: "english", text: "regulators banned" })).toEqual(["regul", "ban"]);
    expect(await tokens({ analyzer: "english", text: "The SEC's rules on exchanges" })).toEqual(["sec", "rule", "exchang"]);
    // params as Elastic's english analyzer: stopwords, stem_exclusion
    const index = await indexWith({
      analyzer: { keep_exchanges: { type: "english", stopwords: "_none_", stem_exclusion: ["exchanges"] } },
    });
    expect(await tokens({ analyzer: "keep_exchanges", text: "the exchanges banned" }, index)).toEqual(["the", "exchanges", "ban"]);
  });

  test("cjk analyzer: width folding, lowercase, overlapping bigrams of CJK runs", async () => {
    expect(await tokens({ analyzer: "cjk", text: "中国人民银行" })).toEqual(["中国", "国人", "人民", "民银", "银行"]);
    expect(await tokens({ analyzer: "cjk", text: "ＢＴＣ 交易所" })).toEqual(["btc", "交易", "易所"]);
  });

  test("stemmers: porter_stem, kstem and stemmer with Elastic's English languages", async () => {
    const text = "the foxes jumping quickly";
    expect(await tokens({ tokenizer: "standard", filter: ["porter_stem"], text })).toEqual(["the", "fox", "jump", "quickli"]);
    expect(await tokens({ tokenizer: "standard", filter: ["kstem"], text })).toEqual(["the", "fox", "jump", "quick"]);
    expect(await tokens({ tokenizer: "standard", filter: ["stemmer"], text })).toEqual(["the", "fox", "jump", "quickli"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "stemmer", language: "english" }], text: "regulators banned" }))
      .toEqual(["regul", "ban"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "stemmer", language: "light_english" }], text }))
      .toEqual(["the", "fox", "jump", "quick"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "stemmer", language: "minimal_english" }], text: "exchanges rules" }))
      .toEqual(["exchange", "rule"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "stemmer", language: "possessive_english" }], text: "Binance's licence" }))
      .toEqual(["Binance", "licence"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "snowball", language: "English" }], text: "regulators generously" }))
      .toEqual(["regul", "generous"]);
  });

  test("a stemmer language the node lacks is refused, not silently replaced", async () => {
    await expect(tokens({ tokenizer: "standard", filter: [{ type: "stemmer", language: "german" }], text: "Häuser" }))
      .rejects.toThrow(/stemmer language \[german\]/);
  });

  test("stop filter with Elastic's _english_ list", async () => {
    expect(await tokens({ tokenizer: "standard", filter: ["lowercase", { type: "stop", stopwords: "_english_" }], text: "A quick fox jumps over the lazy dog" }))
      .toEqual(["quick", "fox", "jumps", "over", "lazy", "dog"]);
  });

  test("cjk_width folds full-width Latin to ASCII and half-width katakana to full-width", async () => {
    expect(await tokens({ tokenizer: "keyword", filter: ["cjk_width"], text: "ＢＴＣ" })).toEqual(["BTC"]);
    expect(await tokens({ tokenizer: "standard", filter: ["cjk_width"], text: "ｼｰｻｲﾄﾞﾗｲﾅｰ" })).toEqual(["シーサイドライナー"]);
  });

  test("cjk_bigram with its ignored_scripts and output_unigrams params", async () => {
    expect(await tokens({ tokenizer: "standard", filter: ["cjk_bigram"], text: "東京都は、日本の首都であり" }))
      .toEqual(["東京", "京都", "都は", "日本", "本の", "の首", "首都", "都で", "であ", "あり"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "cjk_bigram", ignored_scripts: ["hiragana"] }], text: "東京都は" }))
      .toEqual(["東京", "京都", "は"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "cjk_bigram", output_unigrams: true }], text: "火币网" }))
      .toEqual(["火", "火币", "币", "币网", "网"]);
  });

  test("asciifolding, with preserve_original", async () => {
    expect(await tokens({ tokenizer: "standard", filter: ["asciifolding"], text: "açaí à la carte" })).toEqual(["acai", "a", "la", "carte"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "asciifolding", preserve_original: true }], text: "Zürich" }))
      .toEqual(["Zurich", "Zürich"]);
  });

  test("keyword and whitespace tokenizers", async () => {
    expect(await tokens({ tokenizer: "keyword", text: "New York Dept. of Financial Services" })).toEqual(["New York Dept. of Financial Services"]);
    expect(await tokens({ tokenizer: "whitespace", text: "SEC v. Binance" })).toEqual(["SEC", "v.", "Binance"]);
  });
});

describe("analysis-icu names on the test node", () => {
  test("icu_transform Traditional-Simplified folds 火幣 to 火币 (and dir reverse goes back)", async () => {
    const toSimplified = { type: "icu_transform", id: "Traditional-Simplified" } as const;
    expect(await tokens({ tokenizer: "keyword", filter: [toSimplified], text: "火幣" })).toEqual(["火币"]);
    expect(await tokens({ tokenizer: "keyword", filter: [toSimplified], text: "比特幣交易所" })).toEqual(["比特币交易所"]);
    expect(await tokens({ tokenizer: "keyword", filter: [{ ...toSimplified, dir: "reverse" }], text: "火币" })).toEqual(["火幣"]);
    expect(await tokens({ tokenizer: "keyword", filter: [{ type: "icu_transform", id: "Any-Latin; NFD; [:Nonspacing Mark:] Remove; NFC" }], text: "你好" }))
      .toEqual(["ni hao"]);
  });

  test("icu_folding folds case, width and accents; unicode_set_filter exempts characters", async () => {
    expect(await tokens({ tokenizer: "standard", filter: ["icu_folding"], text: "ＢＴＣ Straße Ångström" })).toEqual(["btc", "strasse", "angstrom"]);
    expect(await tokens({ tokenizer: "standard", filter: [{ type: "icu_folding", unicode_set_filter: "[^åäöÅÄÖ]" }], text: "Ångström ÉCOLE" }))
      .toEqual(["Ångström", "ecole"]);
  });

  test("icu_normalizer token and char filters (nfkc_cf by default; name param)", async () => {
    expect(await tokens({ tokenizer: "keyword", filter: ["icu_normalizer"], text: "ＢＴＣ Ⅻ" })).toEqual(["btc xii"]);
    expect(await tokens({ tokenizer: "keyword", filter: [{ type: "icu_normalizer", name: "nfc" }], text: "ＢＴＣ" })).toEqual(["ＢＴＣ"]);
    expect(await tokens({ tokenizer: "keyword", char_filter: ["icu_normalizer"], text: "ＢＴＣ" })).toEqual(["btc"]);
  });

  test("icu_tokenizer segments Chinese into dictionary words", async () => {
    expect(await tokens({ tokenizer: "icu_tokenizer", text: "中国人民银行 bans BTC" })).toEqual(["中国", "人民", "银行", "bans", "BTC"]);
  });
});

describe("the names work in index mappings, as RegRadar's store will use them", () => {
  test("english and a CJK folding analyzer on text, an ICU normalizer on keyword: searches match across forms", async () => {
    const index = await indexWith({
      analyzer: {
        zh: { type: "custom", tokenizer: "standard", filter: ["cjk_width", "lowercase", "to_simplified", "cjk_bigram"] },
      },
      filter: { to_simplified: { type: "icu_transform", id: "Traditional-Simplified" } },
      normalizer: { folded: { type: "custom", filter: ["icu_folding", "cjk_width"] } },
    }, {
      title: { type: "text", analyzer: "english" },
      text: { type: "text", analyzer: "zh" },
      entity: { type: "keyword", normalizer: "folded" },
    });
    await client.bulk({ index, refresh: true, operations: [
      { index: { _id: "1" } }, { title: "Regulators banned crypto exchanges", text: "火幣交易所被關閉", entity: "ＨＴＸ" },
      { index: { _id: "2" } }, { title: "A quiet week", text: "比特币价格", entity: "Bitstamp" },
    ] });
    const ids = async (query: Record<string, unknown>) =>
      (await client.search({ index, query })).hits.hits.map((h) => h._id).sort();
    expect(await ids({ match: { title: "regulation ban exchange" } })).toEqual(["1"]);
    expect(await ids({ match_phrase: { text: "火币交易所" } })).toEqual(["1"]);
    expect(await ids({ match_phrase: { text: "比特幣" } })).toEqual(["2"]);
    expect(await ids({ term: { entity: "htx" } })).toEqual(["1"]);
  });
});

async function indexWith(analysis: estypes.IndicesIndexSettingsAnalysis, properties: Record<string, estypes.MappingProperty> = {}): Promise<string> {
  const index = `rr-analysis-${randomUUID().slice(0, 8)}`;
  indices.push(index);
  await client.indices.create({ index, settings: { number_of_replicas: 0, analysis }, mappings: { properties } });
  return index;
}
