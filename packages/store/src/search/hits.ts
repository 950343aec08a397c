import type { StoredArticle } from "@regradar/shared";
import { highlightFragments, type Highlighter } from "./highlight.js";
import type { SearchHit } from "./query-language.js";

/** The stored fields a hit is built from. */
export const HIT_FIELDS = ["id", "title", "url", "source", "publishedAt", "relevant", "score", "jurisdictions", "authorities", "actions", "entities", "duplicateOf"] as const;

/** A search hit from a stored document, highlighted: one shape for both stores. */
export function searchHit(d: Pick<StoredArticle, (typeof HIT_FIELDS)[number]> & { text?: string }, highlighter: Highlighter): SearchHit {
  return {
    id: d.id, title: d.title, url: d.url, source: d.source, publishedAt: d.publishedAt, relevant: d.relevant, score: d.score,
    jurisdictions: d.jurisdictions, authorities: d.authorities, actions: d.actions, entities: d.entities, duplicateOf: d.duplicateOf ?? null,
    highlights: [...highlightFragments(d.title ?? "", highlighter, 1), ...highlightFragments(d.text ?? "", highlighter, 3)],
  };
}
