// Step 4 of main-text extraction: walk the selection, skip boilerplate sub-blocks (share bars, related
// lists, captions, link farms) and emit one block per paragraph, list items marked as lines.
import type { Element, ParentNode } from "domhandler";
import { BLOCK_TAGS, BOILERPLATE_BLOCK, MAYBE_CONTENT, MEDIA_BLOCK } from "./block-names.js";
import { findLinks, hintsOf, isElement, textOf } from "./dom.js";
import { classWeight, type PageState } from "./score-blocks.js";

export const LIST_MARK = "\u0001";
/** Where an inline element starts or ends in the text being assembled. */
const INLINE_EDGE = "\u0002";
const CJK_THEN_LATIN = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])\u0002+(?=[\p{Script=Latin}\d])/gu;
const LATIN_THEN_CJK = /([\p{Script=Latin}\d])\u0002+(?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu;

/**
 * A Latin run set off as a link or emphasis inside CJK prose ("アプリ<a>Kindle</a>に") reads as a
 * separate word; a space keeps it one for tokenisers. Elsewhere element edges vanish.
 */
function spaceInlineEdges(s: string): string {
  if (!s.includes(INLINE_EDGE)) return s;
  return s.replace(CJK_THEN_LATIN, "$1 ").replace(LATIN_THEN_CJK, "$1 ").replaceAll(INLINE_EDGE, "");
}

/** Appends the paragraphs of `el` to `blocks`; `total` is the text size of the selection, for what counts as big. */
export function serialise(page: PageState, el: ParentNode, blocks: string[], total: number): void {
  const buf: string[] = [];
  const flush = (): void => {
    const t = spaceInlineEdges(buf.join(""))
      .replace(/[ \t\r\f\v\u00a0\u200b]+/g, " ")
      .replace(/ *\n */g, "\n")
      .trim();
    buf.length = 0;
    // <br><br> separates paragraphs in pages that never learnt <p>
    if (t) for (const para of t.split(/\n{2,}/)) blocks.push(para);
  };
  let pre = 0;
  const walk = (node: ParentNode): void => {
    for (const c of node.children) {
      if (c.type === "text") {
        buf.push(pre ? c.data.replace(/\r\n?/g, "\n") : c.data.replace(/[\n\r]+/g, " "));
        continue;
      }
      if (!isElement(c) || page.removed.has(c)) continue;
      const tag = c.name;
      if (tag === "br") {
        buf.push("\n");
        continue;
      }
      if (!BLOCK_TAGS.has(tag)) {
        if (c.attribs["class"] && BOILERPLATE_BLOCK.test(hintsOf(c)) && (page.stats.get(c)?.text ?? 0) < 300) continue;
        buf.push(INLINE_EDGE);
        walk(c);
        buf.push(INLINE_EDGE);
        continue;
      }
      if (isBoilerplate(page, c, total)) continue;
      if (tag === "h1") continue;
      flush();
      if (tag === "li" || tag === "dt" || tag === "dd" || tag === "tr") {
        // list items (and table rows) are lines of one block, not paragraphs of their own
        const before = blocks.length;
        walk(c);
        flush();
        // ...unless the "row" is a layout cell holding whole paragraphs
        const inner = blocks.slice(before);
        // (a nested list keeps its items as lines of their own)
        const nested = inner.some((b) => b.startsWith(LIST_MARK));
        if (inner.length && !nested && (inner.length === 1 || inner.join(" ").length < 300)) {
          blocks.splice(before, inner.length, LIST_MARK + inner.join(" "));
        } else if (nested && !inner[0]!.startsWith(LIST_MARK)) {
          blocks[before] = LIST_MARK + inner[0]!;
        }
        continue;
      }
      if (tag === "pre") pre++;
      walk(c);
      if (tag === "pre") pre--;
      flush();
    }
  };
  walk(el);
  flush();
}

/** Sub-blocks of the chosen article that are furniture: share bars, related lists, link farms, captions. */
function isBoilerplate(page: PageState, el: Element, total: number): boolean {
  const s = page.stats.get(el);
  if (!s || s.text === 0) return true;
  const hints = hintsOf(el);
  const big = s.text > total * 0.5 && s.paras >= 3;
  if (hints && BOILERPLATE_BLOCK.test(hints) && !big && !MAYBE_CONTENT.test(hints.replace(BOILERPLATE_BLOCK, " "))) return true;
  const ld = s.link / s.text;
  const tag = el.name;
  if (hints && s.text < 250 && s.paras < 2 && MEDIA_BLOCK.test(hints) && !/^(?:p|h[2-6]|li|blockquote)$/.test(tag)) return true;
  // a paragraph that is one link: a shop or source link belongs to the story, a headline linking
  // elsewhere on the same site is a teaser for another story
  if (tag === "p" || /^h[2-6]$/.test(tag)) return ld > 0.6 && s.text < 300 && isTeaserLink(page, el);
  if (tag === "li") return false;
  if (ld > 0.5 && !big) return true;
  if ((tag === "ul" || tag === "ol") && ld > 0.45 && s.commas < 3) return true;
  if ((tag === "div" || tag === "section" || tag === "table") && ld > 0.33 && s.paras < 2 && classWeight(page, el) < 25) return true;
  return false;
}

function isTeaserLink(page: PageState, el: Element): boolean {
  const links = findLinks(el, []);
  let best: Element | null = null;
  let bestLen = 0;
  for (const a of links) {
    const len = page.stats.get(a)?.text ?? 0;
    if (len > bestLen) {
      best = a;
      bestLen = len;
    }
  }
  if (!best) return false;
  const words = textOf(best).split(/\s+/).length;
  return words >= 4 && isInternal(page.host, best.attribs["href"] ?? "");
}

function isInternal(pageHost: string | null, href: string): boolean {
  const h = href.trim();
  if (!h || h.startsWith("#") || /^(?:mailto|tel|javascript):/i.test(h)) return false;
  if (!/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(h)) return true;
  if (!pageHost) return false;
  try {
    const host = new URL(h, "https://x.invalid").hostname.toLowerCase().replace(/^www\./, "");
    return host === pageHost || host.endsWith(`.${pageHost}`) || pageHost.endsWith(`.${host}`);
  } catch {
    return false;
  }
}
