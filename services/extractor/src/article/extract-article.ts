// `regradar article extract`: the article body and metadata of one HTML page (DESIGN.md contract 2).
import { load } from "cheerio";
import { detectLanguage } from "./detect-language.js";
import { HTML_PARSE_OPTIONS, extractMainText } from "./main-text.js";
import { readPageMetadata } from "./page-metadata.js";

/** Contract 2's shape, in its key order. */
export interface ExtractedArticle {
  title: string | null;
  text: string;
  /** ISO-8601 UTC */
  published: string | null;
  authors: string[];
  lang: string | null;
}

export interface ExtractArticleOptions {
  /** The page's URL, when known: its host helps tell the site's name from the headline. */
  url?: string | null;
}

/** Main text and metadata of an article page. Pure and synchronous: no network, no clock. */
export function extractArticle(html: string, opts: ExtractArticleOptions = {}): ExtractedArticle {
  const $ = load(html, HTML_PARSE_OPTIONS);
  const meta = readPageMetadata($, opts.url ?? null);
  const text = extractMainText($.root()[0]!, {
    fallbackBody: meta.ldBody,
    title: meta.title,
    url: opts.url ?? meta.url,
    authors: meta.authors,
  });
  return {
    title: meta.title,
    text,
    published: meta.published,
    authors: meta.authors,
    lang: chooseLanguage(meta.lang, detectLanguage(text) ?? (meta.title ? detectLanguage(meta.title) : null)),
  };
}

const SCRIPT_OF: Record<string, string> = { zh: "cjk", ja: "cjk", ko: "cjk", ru: "cyrillic", uk: "cyrillic", ar: "arabic", el: "greek", he: "hebrew", th: "thai", hi: "devanagari" };
const scriptOf = (lang: string): string => SCRIPT_OF[lang] ?? "latin";

/**
 * The page's declared language wins, except when the text is plainly in another script: templates
 * often keep lang="en" on Chinese or Russian pages, while a script is never wrong.
 */
function chooseLanguage(declared: string | null, detected: string | null): string | null {
  if (!declared) return detected;
  if (detected && scriptOf(detected) !== scriptOf(declared)) return detected;
  return declared;
}
