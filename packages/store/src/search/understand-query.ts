import { lookupTaxonomy } from "@regradar/extractor/mentions";

/** An extracted field of the article documents: what a concept named in a query is looked up in. */
export type ConceptField = "jurisdictions" | "authorities" | "actions" | "entities";

/** Something the query names, resolved through the project's own taxonomy and gazetteer. */
export interface QueryConcept {
  field: ConceptField;
  /** The canonical value the extractor writes into that field (an ISO code, a canonical name, an action). */
  value: string;
  /** The words of the query that named it. */
  surface: string;
  start: number;
  end: number;
}

const FIELD_OF = { jurisdiction: "jurisdictions", authority: "authorities", action: "actions", entity: "entities" } as const;

/**
 * Every naming of a jurisdiction, authority, actions and entities a query names, in English, Chinese, acronyms or
 * aliases ("美国证监会" → U.S. Securities and Exchange Commission, "shut down" → shutdown_order), read
 * with the same taxonomy that filled the documents' fields. The extractor's public module is the one door
 * to that taxonomy; it depends on nothing of the store's, so this import makes no cycle.
 */
export function understandQuery(text: string): QueryConcept[] {
  if (!text.trim()) return [];
  return lookupTaxonomy(text).map((m) => ({ field: FIELD_OF[m.kind], value: m.value, surface: text.slice(m.start, m.end), start: m.start, end: m.end }));
}
