import { ACTIONS } from "@regradar/shared";
import { z } from "zod";

/** Response shapes: the OpenAPI document's source, and what the web app's types come from. */
const entity = z.object({ name: z.string(), type: z.string() });
const facetCount = z.object({ value: z.string(), count: z.number() });

export const searchHitSchema = z.object({
  id: z.string(), title: z.string().nullable(), url: z.string(), source: z.string(), publishedAt: z.string().nullable(),
  relevant: z.boolean(), score: z.number(), jurisdictions: z.array(z.string()), authorities: z.array(z.string()),
  actions: z.array(z.string()), entities: z.array(entity), duplicateOf: z.string().nullable(),
  highlights: z.array(z.string()).describe("Fragments with matches wrapped in <mark>…</mark>; other markup escaped"),
});

export const searchResultSchema = z.object({
  total: z.number(),
  hits: z.array(searchHitSchema),
  facets: z.object({
    jurisdictions: z.array(facetCount), authorities: z.array(facetCount), actions: z.array(facetCount),
    entities: z.array(facetCount), sources: z.array(facetCount), langs: z.array(facetCount),
  }),
  histogram: z.array(z.object({ month: z.string(), count: z.number() })).describe("Matches per month of publication, oldest first"),
}).describe("SearchResult: the same JSON as `regradar search --json`");

export const mentionSchema = z.object({
  kind: z.enum(["authority", "action", "entity", "jurisdiction"]), value: z.string(), surface: z.string(),
  start: z.number().describe("Offset in `text` (UTF-16 code units)"), end: z.number(),
});

export const idParams = z.object({ id: z.string().min(1).max(200) });

export const actionsDoc = `one of ${ACTIONS.join(", ")}`;
