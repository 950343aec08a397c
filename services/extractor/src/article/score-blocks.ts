// Step 2 of main-text extraction: measure every block and score the paragraph containers
// (Readability's idea: paragraphs credit their ancestors by length, commas and link density,
// ancestors weigh the credit by their tag and class/id hints).
import type { AnyNode, Element, ParentNode } from "domhandler";
import { BLOCK_TAGS, CONTAINER_TAGS, MIN_PARAGRAPH, NEGATIVE, PARAGRAPH_TAGS, POSITIVE } from "./block-names.js";
import { collapsedLength, countCommas, hostOf, isElement, parentElement, splitCamel } from "./dom.js";

export interface Stats {
  /** characters of text (whitespace runs count once) */
  text: number;
  /** characters of text inside links */
  link: number;
  /** commas, including CJK ones: a cheap proxy for prose */
  commas: number;
  /** paragraphs of prose (p-like with at least MIN_PARAGRAPH chars) inside */
  paras: number;
}

/** What the extraction steps learn about one page, shared between them. */
export interface PageState {
  /** blocks pruned as furniture (with everything under them) */
  readonly removed: Set<Element>;
  readonly stats: Map<Element, Stats>;
  readonly scores: Map<Element, number>;
  /** class/id weight per element, cached */
  readonly weights: Map<Element, number>;
  /** the page's host without www., to tell links to the own site from links out */
  readonly host: string | null;
}

export function newPageState(pageUrl: string | null): PageState {
  return { removed: new Set(), stats: new Map(), scores: new Map(), weights: new Map(), host: hostOf(pageUrl) };
}

export function measure(page: PageState, node: ParentNode): Stats {
  const s: Stats = { text: 0, link: 0, commas: 0, paras: 0 };
  let ownText = 0;
  let ownCommas = 0;
  for (const child of node.children) {
    if (child.type === "text") {
      const d = child.data;
      const len = collapsedLength(d);
      s.text += len;
      ownText += len;
      const c = countCommas(d);
      s.commas += c;
      ownCommas += c;
    } else if (isElement(child) && !page.removed.has(child)) {
      const cs = measure(page, child);
      s.text += cs.text;
      s.link += child.name === "a" ? cs.text : cs.link;
      s.commas += cs.commas;
      s.paras += cs.paras;
      if (!BLOCK_TAGS.has(child.name)) {
        ownText += cs.text;
        ownCommas += cs.commas;
      }
    }
  }
  if (isElement(node as AnyNode)) {
    const el = node as Element;
    page.stats.set(el, s);
    // a paragraph is a p-like element, or a container with text of its own (<br>-separated prose);
    // only its own text counts, so a blockquote of p's is not credited twice
    const paragraphTag = PARAGRAPH_TAGS.has(el.name);
    const whole = el.name === "p" || el.name === "pre";
    const len = whole ? s.text : ownText;
    const isPara = paragraphTag ? len >= MIN_PARAGRAPH : CONTAINER_TAGS.has(el.name) && len >= MIN_PARAGRAPH * 2;
    const linkDensity = s.text ? s.link / s.text : 0;
    if (isPara && linkDensity < 0.5) {
      s.paras += 1;
      const score = (1 + (whole ? s.commas : ownCommas) + Math.min(Math.floor(len / 100), 3)) * (1 - linkDensity);
      credit(page, el, score, !paragraphTag);
    }
  }
  return s;
}

/** Credit a paragraph's score to its ancestors (a text-bearing container credits itself first). */
function credit(page: PageState, el: Element, score: number, self: boolean): void {
  let level = 0;
  let node: Element | null = self ? el : parentElement(el);
  while (node && level < 4) {
    if (!page.scores.has(node)) page.scores.set(node, initialScore(page, node));
    const share = level === 0 ? 1 : level === 1 ? 0.5 : 1 / (level * 3);
    page.scores.set(node, page.scores.get(node)! + score * share);
    node = parentElement(node);
    level++;
  }
}

function initialScore(page: PageState, el: Element): number {
  let base = 0;
  switch (el.name) {
    case "div": case "section": case "article": case "main": base = 5; break;
    case "pre": case "td": case "blockquote": base = 3; break;
    case "address": case "ol": case "ul": case "dl": case "dd": case "dt": case "li": case "form": base = -3; break;
    case "h1": case "h2": case "h3": case "h4": case "h5": case "h6": case "th": base = -5; break;
  }
  if (el.attribs["itemprop"] && /articleBody|text/i.test(el.attribs["itemprop"])) base += 25;
  return base + classWeight(page, el);
}

export function classWeight(page: PageState, el: Element): number {
  let w = page.weights.get(el);
  if (w !== undefined) return w;
  w = 0;
  for (const raw of [el.attribs["class"], el.attribs["id"]]) {
    if (!raw) continue;
    const v = splitCamel(raw);
    if (NEGATIVE.test(v)) w -= 25;
    if (POSITIVE.test(v)) w += 25;
  }
  page.weights.set(el, w);
  return w;
}

/** A block's score, discounted by its link density. */
export function finalScore(page: PageState, el: Element): number {
  const s = page.stats.get(el);
  const raw = page.scores.get(el) ?? 0;
  if (!s || !s.text) return raw;
  return raw * (1 - s.link / s.text);
}
