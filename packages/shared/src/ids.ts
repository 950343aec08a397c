import { createHash } from "node:crypto";

// Parameters that identify a campaign or a click, never the article.
const TRACKING_PARAM = /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|ref_src|cmpid|ncid|ocid|sr_share|spm)$/i;

/**
 * The canonical form of an article URL, so that one story reached through different
 * links gets one id: scheme and host lower-cased, default port and fragment dropped,
 * tracking parameters removed, remaining parameters sorted.
 */
export function canonicalUrl(raw: string): string {
  const url = new URL(raw.trim());
  url.hash = "";
  url.hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  if ((url.protocol === "http:" && url.port === "80") || (url.protocol === "https:" && url.port === "443")) url.port = "";
  const kept = [...url.searchParams.entries()].filter(([k]) => !TRACKING_PARAM.test(k));
  kept.sort(([a, av], [b, bv]) => (a === b ? av.localeCompare(bv) : a < b ? -1 : 1));
  url.search = "";
  for (const [k, v] of kept) url.searchParams.append(k, v);
  if (url.pathname === "") url.pathname = "/";
  return url.toString();
}

/** Article id: the first 32 hex digits of SHA-256 of the canonical URL (the ES `_id` and SQLite key). */
export function articleIdFor(url: string): string {
  return createHash("sha256").update(canonicalUrl(url)).digest("hex").slice(0, 32);
}

/** BullMQ job ids may not contain ':' nor be all digits; a prefix keeps them readable too. */
export const articleJobId = (articleId: string): string => `article-${articleId}`;

/** A batch job's id names its members (a key each), so the same batch enqueued twice is one job. */
export const batchJobId = (kind: string, memberKeys: string[]): string => `${kind}-${sha256Hex(memberKeys.join("\n")).slice(0, 32)}`;

export const sha256Hex = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");
