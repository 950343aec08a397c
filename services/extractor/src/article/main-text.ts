// Main-text extraction over a parsed DOM (domhandler nodes, as cheerio holds them).
//
// 1. prune: drop what is never body text (scripts, forms controls, navigation, hidden and
//    boilerplate-named blocks), with a guard so a mis-named wrapper of the article survives;
// 2. score: every paragraph-like block scores its ancestors by length, commas and link density,
//    ancestors weigh the score by their tag and class/id hints (Readability's idea);
// 3. select: the best ancestor, promoted upwards when several strong candidates share a parent,
//    plus the siblings that also look like body (bodies split across containers);
// 4. serialise: walk the selection, skip boilerplate sub-blocks (share bars, related lists, captions,
//    link farms) and emit paragraphs separated by blank lines, list items one per line.
import type { ParentNode } from "domhandler";
import { load } from "cheerio";
import { finishBlocks, flatText } from "./finish-blocks.js";
import { textOf } from "./dom.js";
import { prune } from "./prune-furniture.js";
import { measure, newPageState } from "./score-blocks.js";
import { findBody, selectTop, withSiblings } from "./select-body.js";
import { serialise } from "./serialise-blocks.js";

export interface MainTextOptions {
  /** JSON-LD articleBody, used when the page carries the body only there. */
  fallbackBody?: string | null;
  /** The article's title: a block repeating it is the headline, not body. */
  title?: string | null;
  /** The page's address: links to its own site are told from links out. */
  url?: string | null;
  /** The article's authors: their name alone, or a bio opening with it, at the end is not body. */
  authors?: readonly string[];
}

export function extractMainText(root: ParentNode, opts: MainTextOptions = {}): string {
  let text: string;
  try {
    text = extractFrom(root, opts.title ?? null, opts.url ?? null, opts.authors ?? []);
  } catch (err) {
    // the walk recurses per DOM level; pathological nesting (thousands of unclosed tags) gets a flat read
    if (!(err instanceof RangeError)) throw err;
    text = flatText(root);
  }
  const fallback = opts.fallbackBody?.trim();
  if (fallback && tokenCount(fallback) > Math.max(40, tokenCount(text) * 1.3)) return fallbackText(fallback);
  return text;
}

/**
 * articleBody is meant to be plain text, yet some sites put HTML in it, or even entity-escaped HTML;
 * either way it becomes paragraphs like a page body would.
 */
function fallbackText(body: string): string {
  let s = body;
  if (/&lt;\/?[a-z][^&]*&gt;/i.test(s)) s = textOf(parseHtml(s), true);
  if (/<\/?[a-z][^>]*>/i.test(s)) {
    return serialiseAll(parseHtml(s));
  }
  return normaliseFallback(s);
}

/**
 * htmlparser2 (through cheerio) rather than parse5: several times faster on news pages, and the
 * extraction needs a sane tree, not the spec's error recovery.
 */
export const HTML_PARSE_OPTIONS = {
  xml: { xmlMode: false, decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
} as const;

function parseHtml(html: string): ParentNode {
  return load(html, HTML_PARSE_OPTIONS).root()[0]!;
}

const tokenCount = (s: string): number => s.match(/[\p{L}\p{N}_]+/gu)?.length ?? 0;

function normaliseFallback(s: string): string {
  return s
    .split(/\n\s*\n|\r\n\s*\r\n/)
    .map((p) => p.replace(/[ \t\r\f\v\u00a0]+/g, " ").replace(/ *\n */g, "\n").trim())
    .filter(Boolean)
    .join("\n\n");
}

/** The page's body text: prune, measure and score, select, serialise. */
function extractFrom(root: ParentNode, title: string | null, pageUrl: string | null, authors: readonly string[]): string {
  const page = newPageState(pageUrl);
  prune(page, root);
  measure(page, root);
  const body = findBody(root);
  // a fragment (feed content, an articleBody) is all body; a page without paragraphs is read whole
  const top = body ? selectTop(page) ?? body : null;
  const blocks: string[] = [];
  if (!top) {
    serialise(page, root, blocks, Infinity);
    return finishBlocks(blocks, title, authors);
  }
  for (const part of withSiblings(page, top)) serialise(page, part, blocks, page.stats.get(part)?.text ?? 0);
  return finishBlocks(blocks, title, authors);
}

/** Everything under `root` that is not furniture, as paragraphs. */
function serialiseAll(root: ParentNode): string {
  const page = newPageState(null);
  prune(page, root);
  measure(page, root);
  const blocks: string[] = [];
  serialise(page, root, blocks, Infinity);
  return finishBlocks(blocks);
}
