import type { estypes } from "@elastic/elasticsearch";

/**
 * Bumped when the mapping or analysis changes incompatibly: a new index `<alias>-v<N>` is built from the
 * template and the alias points at it (`regradar reindex` copies the documents over).
 * v2: title/text analysed by Elasticsearch (regradar_text) instead of a Node-side pre-analysed copy.
 * v3: nearDuplicateKeys (16-bit hash blocks, looked up with one-bit neighbours) instead of simhashBands.
 */
export const INDEX_VERSION = 3;

/**
 * One analyzer for English and Chinese text, built only from what Elastic's distribution bundles
 * (analysis-common) plus the official analysis-icu plugin, step for step what search/analysis.ts does
 * for SQLite: width folding, lower case, traditional→simplified Chinese, diacritics, CJK bigrams,
 * English possessives and Porter stems. No stop words at index time: phrases keep every word.
 *
 * Traditional→simplified folding runs inside the analyzer (icu_transform), not as an extra folded copy
 * of the text: a copy would double what the node indexes per document (the cost issue 12 measured),
 * while the transform folds query and document alike with no second field to keep in step.
 */
export const ARTICLE_ANALYSIS: estypes.IndicesIndexSettingsAnalysis = {
  filter: {
    regradar_t2s: { type: "icu_transform", id: "Traditional-Simplified" },
    regradar_possessive: { type: "stemmer", language: "possessive_english" },
  },
  analyzer: {
    regradar_text: {
      type: "custom",
      tokenizer: "standard",
      filter: ["cjk_width", "lowercase", "regradar_t2s", "asciifolding", "cjk_bigram", "regradar_possessive", "porter_stem"],
    },
  },
};

const keyword = (ignoreAbove?: number) => ({ type: "keyword" as const, ...(ignoreAbove ? { ignore_above: ignoreAbove } : {}) });
const text = { type: "text" as const, analyzer: "regradar_text" };

/**
 * `dynamic: strict` makes the mapping the contract: a field the code and the index disagree about is a
 * rejected document with a reason, not a silently guessed mapping.
 */
export const ARTICLE_MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: "strict",
  properties: {
    id: keyword(),
    url: keyword(4096),
    canonicalUrl: keyword(4096),
    feedId: keyword(),
    feedTitle: keyword(512),
    source: keyword(),
    title: { ...text, fields: { keyword: keyword(512) } },
    summary: text,
    text,
    lang: keyword(),
    publishedAt: { type: "date" },
    fetchedAt: { type: "date" },
    indexedAt: { type: "date" },
    authors: keyword(512),
    categories: keyword(512),
    relevant: { type: "boolean" },
    score: { type: "float" },
    jurisdictions: keyword(),
    authorities: keyword(),
    actions: keyword(),
    entities: { type: "object", properties: { name: keyword(), type: keyword() } },
    entityNames: keyword(),
    mentions: { type: "object", enabled: false },
    contentHash: keyword(),
    nearDuplicateKeys: keyword(),
    textSource: keyword(),
    pageError: keyword(1024),
    duplicateOf: keyword(),
    fingerprint: { type: "keyword", index: false, doc_values: false },
  },
};

/**
 * One shard: a few million articles fit, and relevance statistics stay exact. The result window covers
 * the deepest page the CLI and API allow (offset 100000 + limit 1000), as SQLite does. Replicas are
 * the deployment's choice (REGRADAR_ES_REPLICAS).
 */
export const articleSettings = (replicas: number): estypes.IndicesIndexSettings => ({
  number_of_shards: 1, number_of_replicas: replicas, max_result_window: 101_000, analysis: ARTICLE_ANALYSIS,
});
