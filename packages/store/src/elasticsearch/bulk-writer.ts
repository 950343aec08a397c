import type { Client, estypes } from "@elastic/elasticsearch";
import type { UpsertOutcome } from "../article-store.js";

/** One document to write, with what writing it means to the caller. */
export interface BulkItem {
  id: string;
  /** The document, or its JSON (sent as it is). */
  source: object | string;
  outcome: "created" | "updated";
  /** `create` writes only if the id is new; an existing id comes back in `conflicts`. Default `index`. */
  op?: "index" | "create";
}

export interface BulkResult extends Pick<UpsertOutcome, "created" | "updated" | "rejected"> {
  /** Items refused because the alias was missing (index deleted under us): the caller recreates it and writes them again. */
  missingIndex: BulkItem[];
  /** `create` items whose id was already in the index: nothing was written for them. */
  conflicts: BulkItem[];
  /** Items refused for a passing reason (429 queue full, 5xx): the caller fails the batch, the queue retries it. */
  transient: { count: number; reason: string } | null;
}

const isTransientStatus = (status: number) => status === 429 || status >= 500;

function errorReason(error: estypes.ErrorCause | null | undefined, status: number): string {
  if (!error) return `status ${status}`;
  const cause = error.caused_by ? ` (${error.caused_by.type}: ${error.caused_by.reason ?? ""})` : "";
  return `${error.type}: ${error.reason ?? ""}${cause}`;
}

/**
 * Writes documents through the client's bulk helper with its defaults (5 MB requests, 5 in flight), the
 * way `helpers.bulk` is benchmarked in scripts/bench-index.mjs. There is no retry loop here: the transport
 * retries a failed connection, the helper's own 429 retry is off (`retries: 0`), and refused items come back
 * classified so the caller fails the batch and the queue's backoff retries it. Replays are no-ops (unchanged
 * fingerprints), so a retried batch rewrites only what did not go through.
 *
 * `requireAlias` makes a write to a deleted alias fail instead of auto-creating a plain index under the
 * alias' name with guessed mappings.
 */
export async function writeBulk(client: Client, target: string, items: BulkItem[], opts: { inOrder: boolean; requireAlias: boolean; flushBytes?: number }): Promise<BulkResult> {
  const result: BulkResult = { created: [], updated: [], rejected: [], missingIndex: [], conflicts: [], transient: null };
  if (items.length === 0) return result;
  const byId = new Map<string, BulkItem[]>();
  for (const item of items) byId.set(item.id, [...(byId.get(item.id) ?? []), item]);
  const refused = new Map<BulkItem, { status: number; reason: string; missingIndex: boolean; exists: boolean }>();
  const stats = await client.helpers.bulk<BulkItem>({
    datasource: items,
    onDocument: (item) => item.op === "create"
      ? [{ create: { _index: target, _id: item.id } }, item.source]
      : [{ index: { _index: target, _id: item.id } }, item.source],
    require_alias: opts.requireAlias,
    retries: 0,
    ...(opts.inOrder ? { concurrency: 1 } : {}),
    ...(opts.flushBytes ? { flushBytes: opts.flushBytes } : {}),
    filter_path: ["errors", "items.*._id", "items.*.status", "items.*.error"],
    // No onSuccess: the helper would parse every written document back for it. With retries off, an item
    // is either dropped (reported here) or written, or the whole write throws.
    onDrop: (drop) => {
      const op = drop.operation;
      const id = "index" in op ? op.index._id : "create" in op ? op.create._id : undefined;
      // Repeated ids go one request at a time, in order: the first version not yet refused is this one.
      const item = id ? byId.get(id)?.find((i) => !refused.has(i)) : undefined;
      if (!item) return;
      const missingIndex = drop.status === 404 && drop.error?.type === "index_not_found_exception";
      const exists = drop.status === 409 && item.op === "create";
      refused.set(item, { status: drop.status, reason: errorReason(drop.error, drop.status), missingIndex, exists });
    },
  });
  if (stats.aborted) throw new Error("Elasticsearch bulk write aborted");
  let firstTransient: string | null = null;
  let transient = 0;
  // Reported in input order whatever order the requests finished in.
  for (const item of items) {
    const r = refused.get(item);
    if (!r) { result[item.outcome].push(item.id); continue; }
    if (r.missingIndex) result.missingIndex.push(item);
    else if (r.exists) result.conflicts.push(item);
    else if (isTransientStatus(r.status)) { transient++; firstTransient ??= r.reason; }
    else result.rejected.push({ id: item.id, reason: r.reason });
  }
  if (transient) result.transient = { count: transient, reason: firstTransient! };
  return result;
}
