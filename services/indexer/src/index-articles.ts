import { countWords, hammingDistance, NEAR_DUPLICATE_BITS, type ArticleDocument } from "@regradar/shared";
import type { ArticleStore, UpsertDocument } from "@regradar/store";

export type IndexOutcome =
  | { id: string; status: "created"; duplicateOf: string | null }
  | { id: string; status: "updated" | "unchanged" }
  | { id: string; status: "rejected"; reason: string };

/** Texts with fewer words (CJK: characters) than this are too short for a SimHash match to mean "same story". */
const MIN_TOKENS_FOR_DUPLICATES = 60;
const longEnough = (d: ArticleDocument) => countWords(d.text, MIN_TOKENS_FOR_DUPLICATES) >= MIN_TOKENS_FOR_DUPLICATES;

/**
 * Indexes a batch by article id. Replays change nothing (unchanged content is not rewritten);
 * a new article whose text is a near-copy of an earlier one points at it through duplicateOf.
 */
export async function indexArticles(docs: ArticleDocument[], store: ArticleStore): Promise<IndexOutcome[]> {
  const latest = new Map(docs.map((d) => [d.id, d]));
  const batch: UpsertDocument[] = [];
  for (const doc of latest.values()) {
    batch.push({ ...doc, duplicateOf: await firstCopyOf(doc, store, batch) });
  }
  const outcome = await store.upsertArticles(batch);
  const byId = new Map<string, IndexOutcome>();
  for (const id of outcome.created) byId.set(id, { id, status: "created", duplicateOf: batch.find((d) => d.id === id)?.duplicateOf ?? null });
  for (const id of outcome.updated) byId.set(id, { id, status: "updated" });
  for (const id of outcome.unchanged) byId.set(id, { id, status: "unchanged" });
  for (const r of outcome.rejected) byId.set(r.id, { id: r.id, status: "rejected", reason: r.reason });
  return docs.map((d) => byId.get(d.id) ?? { id: d.id, status: "rejected", reason: "store returned no outcome" });
}

async function firstCopyOf(doc: ArticleDocument, store: ArticleStore, earlierInBatch: UpsertDocument[]): Promise<string | null> {
  if (!longEnough(doc)) return null;
  const stored = (await store.findNearDuplicates(doc.contentHash, NEAR_DUPLICATE_BITS)).filter((c) => c.id !== doc.id);
  if (stored.length > 0) return stored[0]!.id;
  const inBatch = earlierInBatch.find((d) => hammingDistance(d.contentHash, doc.contentHash) <= NEAR_DUPLICATE_BITS && longEnough(d));
  return inBatch ? (inBatch.duplicateOf ?? inBatch.id) : null;
}
