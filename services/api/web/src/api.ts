import type { z } from "zod";
import type { searchResultSchema } from "../../src/schemas.js";
import type { Status } from "../../src/status/collect-status.js";

/** Response types come from the server's schemas: one source for validation, OpenAPI and this page. */
export type SearchResult = z.infer<typeof searchResultSchema>;
export type SearchHit = SearchResult["hits"][number];
export type { Status };

export interface Mention { kind: "authority" | "action" | "entity" | "jurisdiction"; value: string; surface: string; start: number; end: number }
export interface Article extends SearchHit {
  text: string; lang: string | null; indexedAt: string; feedTitle: string | null; summary: string | null;
  mentions: Mention[];
  duplicates: Array<{ id: string; title: string | null; url: string; source: string; publishedAt: string | null }>;
}
export interface SubscriptionSummary {
  id: string; name: string; channel: string; target: string; mode: string; every: string | null; active: boolean; query: string | null; secret: string | null;
  filters: { jurisdictions: string[]; authorities: string[]; actions: string[]; entities: string[]; sources: string[]; languages: string[]; minScore: number | null };
  deliveries: { sent: number; failed: number; pending: number; lastDeliveryAt: string | null; lastStatus: string | null };
}
export interface FeedRow {
  id: string; url: string; title?: string; interval: number; tags: string[];
  health: "ok" | "degraded" | "failing" | "deferred" | "never_polled" | "unknown";
  state: { lastSuccessAt: string | null; lastError: string | null; consecutiveFailures: number; itemsSeen: number; nextPollNotBefore: string | null } | null;
}

const KEY_STORAGE = "regradar.apiKey";
export const apiKey = {
  get: (): string => localStorage.getItem(KEY_STORAGE) ?? "",
  set: (key: string) => (key ? localStorage.setItem(KEY_STORAGE, key) : localStorage.removeItem(KEY_STORAGE)),
};

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Every call the page makes: the API key (if one is set) as a bearer token, errors in the API's one shape. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; contentType?: string; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const key = apiKey.get();
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["content-type"] = init.contentType ?? "application/json";
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  const res = await fetch(path, { method: init.method ?? "GET", headers, body, signal: init.signal });
  const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? "http_error", json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}
