import { isHttpFetchError, PermanentError, type ArticleCandidate, type ArticleDocument, type HttpClient } from "@regradar/shared";
import { composeDocument, type Composed, type FetchedPage, type PageFailure } from "./compose-document.js";

export interface ExtractPorts {
  http: Pick<HttpClient, "get">;
  now(): Date;
  /** Where the CPU work runs (a worker thread in the stage); here, on the caller's thread, by default. */
  compose?(c: ArticleCandidate, page: FetchedPage | PageFailure, fetchedAt: string): Promise<Composed>;
}

async function fetchPage(url: string, http: ExtractPorts["http"]): Promise<FetchedPage | PageFailure> {
  let res;
  try {
    res = await http.get(url, { headers: { accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" } });
  } catch (err) {
    if (isHttpFetchError(err)) return { ok: false, reason: `${err.reason}: ${err.message}`, retryable: err.retryable };
    throw err;
  }
  if (res.status >= 400) {
    const retryable = res.status === 429 || res.status >= 500;
    return { ok: false, reason: `http_${res.status}`, retryable };
  }
  const type = res.headers["content-type"] ?? "";
  if (type && !/html|xml|text\/plain/i.test(type)) return { ok: false, reason: `not_html: ${type}`, retryable: false };
  return { ok: true, body: res.body, contentType: type, url: res.url };
}

/**
 * Turns a feed item into an index document (see composeDocument). A transient page failure is
 * retried while attempts remain; on the final attempt the feed's own text stands in.
 */
export async function extractCandidate(c: ArticleCandidate, ports: ExtractPorts, finalAttempt: boolean): Promise<ArticleDocument> {
  const page = await fetchPage(c.url, ports.http);
  if (!page.ok && page.retryable && !finalAttempt) throw new Error(`page fetch failed, will retry: ${page.reason}`);
  const fetchedAt = ports.now().toISOString();
  const composed = ports.compose ? await ports.compose(c, page, fetchedAt) : composeDocument(c, page, fetchedAt);
  if (!composed.ok) throw new PermanentError(composed.reason, "no_text");
  return composed.document;
}
