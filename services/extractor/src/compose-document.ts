import * as cheerio from "cheerio";
import { countWords, decodeBody, simhash, type ArticleCandidate, type ArticleDocument } from "@regradar/shared";
import { extractArticle } from "./article/extract-article.js";
import { detectLanguage } from "./article/detect-language.js";
import { extractMentions, getLexicon } from "./mentions/index.js";

/**
 * The CPU half of extraction, apart from the fetch: a page's bytes (or why there are none) and the
 * feed item become the index document. Plain data in and out, so it can run in a worker thread.
 */

/** An article page as fetched. */
export interface FetchedPage { ok: true; body: Uint8Array; contentType: string; url: string }
/** Why the page could not serve as the article's text; retryable ones are worth another attempt. */
export interface PageFailure { ok: false; reason: string; retryable: boolean }

/** The document, or why the item has no text at all (a permanent failure). */
export type Composed = { ok: true; document: ArticleDocument } | { ok: false; reason: string };

/**
 * A page whose extracted body has fewer words than this is a paywall or an error page, not the
 * article. Words as the index counts them: a CJK character is a word (Chinese has no spaces, and
 * a 160-character Chinese news page says what 100 English words say).
 */
const MIN_PAGE_WORDS = 30;

type PageText = { ok: true; title: string | null; text: string; published: string | null; authors: string[]; lang: string | null } | PageFailure;

function readPage(page: FetchedPage): PageText {
  const { text: html } = decodeBody(page.body, { contentType: page.contentType, kind: "html" });
  const read = extractArticle(html, { url: page.url });
  const words = countWords(read.text, MIN_PAGE_WORDS);
  if (words < MIN_PAGE_WORDS) return { ok: false, reason: `page_text_too_short: ${words} words`, retryable: false };
  return { ok: true, ...read };
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
 * The page's main text when the page can be had, else the feed's own content (recorded in
 * textSource/pageError), then language, mentions and the near-copy hash.
 */
export function composeDocument(c: ArticleCandidate, fetched: FetchedPage | PageFailure, fetchedAt: string): Composed {
  const page = fetched.ok ? readPage(fetched) : fetched;
  // The feed's own text is parsed only when the page cannot stand in for it.
  const text = page.ok ? page.text : feedText(c.content) || feedText(c.summary);
  if (!page.ok && !text && !c.title) return { ok: false, reason: `no text for ${c.url}: page ${page.reason}, feed item empty` };

  const title = (page.ok ? page.title : null) ?? c.title;
  const lang = (page.ok ? page.lang : null) ?? detectLanguage(`${title ?? ""}\n${text}`);
  const mentions = extractMentions({ title: title ?? "", text, lang });
  return {
    ok: true,
    document: {
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
      fetchedAt,
      authors: c.authors.length ? c.authors : page.ok ? page.authors : [],
      categories: c.categories,
      ...mentions,
      contentHash: simhash(`${title ?? ""}\n${text}`),
      textSource: page.ok ? "page" : "feed",
      pageError: page.ok ? null : page.reason,
    },
  };
}

/** Builds what composing needs (the mention lexicon, ~0.5 s) ahead of the first article. */
export function prepareComposing(): void {
  getLexicon();
}
