import * as cheerio from "cheerio";
import {
  countWords, decodeBody, isHttpFetchError, PermanentError, simhash,
  type ArticleCandidate, type ArticleDocument, type HttpClient,
} from "@regradar/shared";
import { extractArticle } from "./article/extract-article.js";
import { detectLanguage } from "./article/detect-language.js";
import { extractMentions } from "./mentions/index.js";

export interface ExtractPorts {
  http: Pick<HttpClient, "get">;
  now(): Date;
}

/**
 * A page whose extracted body has fewer words than this is a paywall or an error page, not the
 * article. Words as the index counts them: a CJK character is a word (Chinese has no spaces, and
 * a 160-character Chinese news page says what 100 English words say).
 */
const MIN_PAGE_WORDS = 30;

/** Why the page could not serve as the article's text; retryable ones are worth another attempt. */
interface PageFailure { reason: string; retryable: boolean }

type PageResult = { ok: true; title: string | null; text: string; published: string | null; authors: string[]; lang: string | null } | ({ ok: false } & PageFailure);

async function fetchPage(url: string, http: ExtractPorts["http"]): Promise<PageResult> {
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
  const { text: html } = decodeBody(res.body, { contentType: type, kind: "html" });
  const page = extractArticle(html, { url: res.url });
  const words = countWords(page.text, MIN_PAGE_WORDS);
  if (words < MIN_PAGE_WORDS) return { ok: false, reason: `page_text_too_short: ${words} words`, retryable: false };
  return { ok: true, ...page };
}

/** Plain text of the feed's own HTML content, paragraphs kept. */
export function feedText(html: string | null): string {
  if (!html) return "";
  const $ = cheerio.load(`<body>${html}</body>`);
  $("br").replaceWith("\n");
  $("p, div, li, h1, h2, h3, h4, h5, h6, blockquote, tr").each((_, el) => { $(el).append("\n\n"); });
  return $("body").text().replace(/[ \t\u00a0]+/g, " ").replace(/ *\n */g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}

/**
 * Turns a feed item into an index document: the page's main text when the page can be had,
 * else the feed's own content (recorded in textSource/pageError), then language and mentions.
 * A transient page failure is retried while attempts remain; on the final attempt it falls back.
 */
export async function extractCandidate(c: ArticleCandidate, ports: ExtractPorts, finalAttempt: boolean): Promise<ArticleDocument> {
  const page = await fetchPage(c.url, ports.http);
  if (!page.ok && page.retryable && !finalAttempt) throw new Error(`page fetch failed, will retry: ${page.reason}`);

  // The feed's own text is parsed only when the page cannot stand in for it.
  const text = page.ok ? page.text : feedText(c.content) || feedText(c.summary);
  if (!page.ok && !text && !c.title) throw new PermanentError(`no text for ${c.url}: page ${page.reason}, feed item empty`, "no_text");

  const title = (page.ok ? page.title : null) ?? c.title;
  const lang = (page.ok ? page.lang : null) ?? detectLanguage(`${title ?? ""}\n${text}`);
  const mentions = extractMentions({ title: title ?? "", text, lang });
  return {
    id: c.articleId,
    url: c.url,
    canonicalUrl: c.canonicalUrl,
    feedId: c.feedId,
    feedTitle: c.feedTitle,
    source: new URL(c.canonicalUrl).host,
    title,
    summary: c.summary,
    text,
    lang,
    publishedAt: c.publishedAt ?? (page.ok ? page.published : null),
    fetchedAt: ports.now().toISOString(),
    authors: c.authors.length ? c.authors : page.ok ? page.authors : [],
    categories: c.categories,
    ...mentions,
    contentHash: simhash(`${title ?? ""}\n${text}`),
    textSource: page.ok ? "page" : "feed",
    pageError: page.ok ? null : page.reason,
  };
}
