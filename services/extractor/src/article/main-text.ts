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
import type { AnyNode, Element, ParentNode } from "domhandler";
import { load } from "cheerio";

interface Stats {
  /** characters of text (whitespace runs count once) */
  text: number;
  /** characters of text inside links */
  link: number;
  /** commas, including CJK ones: a cheap proxy for prose */
  commas: number;
  /** paragraphs of prose (p-like with at least MIN_PARAGRAPH chars) inside */
  paras: number;
}

const MIN_PARAGRAPH = 25;

const DROP_TAGS = new Set([
  "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "video", "audio",
  "button", "input", "select", "option", "textarea", "nav", "aside", "head", "link", "meta", "dialog", "menu",
  "figcaption", "map", "area", "track", "source", "picture", "img", "title",
]);
const DROP_ROLES = /^(?:navigation|banner|contentinfo|complementary|menu|menubar|dialog|alertdialog|search|toolbar|tablist|tab|alert|marquee|status)$/i;

/** Names of blocks that hold site furniture rather than the article. */
const UNLIKELY = /(?:^|[-_\s])(?:ad|ads|adv|advert|advertisement|banner|breadcrumbs?|combx|comments?|commenting|community|disqus|extra|footer|gdpr|consent|cookies?|masthead|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor(?:ed)?|supplemental|agegate|pagination|pager|popup|modal|newsletter|subscribe|subscription|signup|promo|outbrain|taboola|recirc|trending|most-?popular|share|sharing|sharebar|toolbar|widget|nav|navbar|navigation|topbar|header|site-header|skip|cta|paywall|overlay|tags|tag-list|taglist|author-bio|bio|byline|dateline|timestamp|meta|caption|credit|credits|print|email|related-?\w*|recommend\w*|read-?more|more-stories|also-read|see-also|jump|copyright|tooltip|popover|hovercard|rollover\w*)(?:$|[-_\s\d])/i;
const MAYBE_CONTENT = /article|body|column|content|main|mathjax|shadow|story|entry|post-?text|prose|rich-?text/i;
const POSITIVE = /article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|paragraph|rich-?text|copy/i;
const NEGATIVE = /(?:^|[-_\s])(?:ad|ads|hidden|hid|banner|combx|comments?|com|contact|foot|footer|footnote|gdpr|masthead|media|meta|outbrain|taboola|promo|related|scroll|share|sharing|shoutbox|sidebar|skyscraper|sponsor(?:ed)?|shopping|tags?|widget|byline|author|caption|credit|newsletter|signup|subscribe|social|recirc|trending|popular|breadcrumbs?|nav|menu|header|toolbar|rail|teaser|card|embed|video|gallery|slideshow|photo|image|thumb|figure|timestamp|date|time|readmore|read-more|more|inline-?\w*|cookie|consent|copyright|legal|disclaimer)(?:$|[-_\s\d])/i;
/** Inside the chosen article: blocks that are furniture even when short names hide in them. */
const BOILERPLATE_BLOCK = /(?:^|[-_\s])(?:ad|ads|adv|advert|advertisement|adslot|ad-?container|ad-?wrapper|dfp|gpt|banner|breadcrumbs?|comments?|disqus|share|sharing|sharebar|social|related|recirc|recommend\w*|trending|popular|promo|newsletter|signup|subscribe|subscription|sponsor(?:ed)?|outbrain|taboola|tags?|tag-?list|author-?bio|bio|byline|dateline|timestamp|caption|credit|credits|toolbar|print|rail|sidebar|widget|more-?stories|read-?more|also-?read|see-?also|jump|inline-?(?:ad|promo|related|newsletter)|cookie|consent|paywall|nav|menu|video-?player|gallery|slideshow|prev|next|next-?prev|prev-?next|pagination|pager)(?:$|[-_\s\d])/i;

const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
  "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
  "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
  "tr", "ul", "br",
]);
const PARAGRAPH_TAGS = new Set(["p", "pre", "td", "blockquote", "dd", "li", "h2", "h3", "h4", "h5", "h6"]);
const CONTAINER_TAGS = new Set(["div", "section", "article", "main", "td", "body", "blockquote", "form", "span", "font", "center"]);

/** Whole lines that are furniture wherever they appear (tested after an opening bracket is dropped). */
const BOILERPLATE_TEXT = /^(?:advertisements?|ad|anzeige|publicité|publicidad|pubblicità|publicidade|iklan|реклама|광고|广告|広告|advertentie|reklama|sponsored(?: content)?|story continues below(?: advertisement)?|continue reading(?: below)?|(?:read|see) (?:more|also)\b.{0,120}|related(?: (?:articles?|stories|content|coverage|links?|reading|news|posts?))?(?::.{0,150})?|share(?: this)?(?: (?:article|story|post|on \w+))?|(?:sign up|subscribe)\b.{0,100}|click here\b.{0,80}|follow (?:us|[\w.@]+(?: \w+)?) (?:on|at)\b.{0,100}|like this (?:story|article|post)\?.{0,80}|this (?:post|article|page|story) (?:may )?contains? affiliate.{0,200}|(?:get|copy) short url|also:\s.{0,150}|[\p{L} ]{1,24}:\s*https?:\/\/\S+|image (?:source|caption|copyright)\b.*|(?:photo|image|picture|video)(?: credit)?:.{0,120}|getty images|(?:more|top) stories|recommended(?: for you)?|you may also like|trending(?: now)?|most (?:read|popular)|comments?|leave a (?:comment|reply)|previous(?: article| post)?|next(?: article| post)?|tags?:.{0,200}|filed under:?.{0,200}|copyright\s*(?:[©ⓒ]|\(c\)|\d{4}).{0,200}|[©ⓒ].{0,200}|all rights reserved\.?)$/iu;

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
    text = new Extraction(root, opts.title ?? null, opts.url ?? null, opts.authors ?? []).run();
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
    const doc = parseHtml(s);
    return new Extraction(doc).serialiseAll(doc);
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

const isElement = (n: AnyNode): n is Element => n.type === "tag";
/** class and id, camelCase split ("newsCaption" -> "news Caption") so word-bounded patterns see the parts. */
const hintsOf = (el: Element): string => splitCamel(`${el.attribs["class"] ?? ""} ${el.attribs["id"] ?? ""}`.trim());
const splitCamel = (s: string): string => s.replace(/([a-z])([A-Z])/g, "$1 $2");
/** Names of media blocks: boilerplate when they carry only a caption's worth of text. */
const MEDIA_BLOCK = /(?:^|[-_\s])(?:photos?|images?|img|figure|picture|media|video|gallery|slideshow|embed|instagram|twitter|tweet|social-?embed)(?:$|[-_\s\d])/i;

class Extraction {
  private readonly removed = new Set<Element>();
  private readonly stats = new Map<Element, Stats>();
  private readonly scores = new Map<Element, number>();
  private readonly weights = new Map<Element, number>();

  private readonly host: string | null;

  constructor(
    private readonly root: ParentNode,
    private readonly title: string | null = null,
    pageUrl: string | null = null,
    private readonly authors: readonly string[] = [],
  ) {
    this.host = hostOf(pageUrl);
  }

  run(): string {
    this.prune(this.root);
    this.measure(this.root);
    const body = this.findBody();
    // a fragment (feed content, an articleBody) is all body; a page without paragraphs is read whole
    const top = body ? this.selectTop() ?? body : null;
    if (!top) {
      const blocks: string[] = [];
      this.serialise(this.root, blocks, Infinity);
      return finishBlocks(blocks, this.title, this.authors);
    }
    const parts = this.withSiblings(top);
    const blocks: string[] = [];
    for (const part of parts) this.serialise(part, blocks, this.stats.get(part)?.text ?? 0);
    return finishBlocks(blocks, this.title, this.authors);
  }

  /** Everything under `root` that is not furniture, as paragraphs. */
  serialiseAll(root: ParentNode): string {
    this.prune(root);
    this.measure(root);
    const blocks: string[] = [];
    this.serialise(root, blocks, Infinity);
    return finishBlocks(blocks);
  }

  // ------------------------------------------------------------------ prune

  private prune(node: ParentNode): void {
    for (const child of node.children) {
      if (child.type === "script" || child.type === "style") continue;
      if (!isElement(child)) continue;
      if (this.shouldDrop(child)) {
        this.removed.add(child);
        continue;
      }
      this.prune(child);
    }
  }

  private shouldDrop(el: Element): boolean {
    const tag = el.name;
    if (DROP_TAGS.has(tag)) return true;
    if (tag === "body" || tag === "html" || tag === "main" || tag === "article") return false;
    const a = el.attribs;
    // hidden, unless a snapshot caught the article itself hidden behind an open overlay
    const style = a["style"];
    if (a["hidden"] !== undefined || a["aria-hidden"] === "true" || (style && /(?:display\s*:\s*none|visibility\s*:\s*hidden)/i.test(style))) {
      return !this.holdsProse(el, 3);
    }
    if (a["role"] && DROP_ROLES.test(a["role"])) return true;
    if (tag === "footer" || tag === "header" || tag === "figure") return !this.holdsProse(el, 2);
    if (tag === "form") return !this.holdsProse(el, 2);
    const hints = hintsOf(el);
    if (hints && UNLIKELY.test(hints) && !MAYBE_CONTENT.test(hints)) {
      if (/comment|disqus|cookie|consent|gdpr/i.test(hints)) return true;
      return !this.holdsProse(el, 3);
    }
    return false;
  }

  /** At least `n` long, link-poor paragraphs inside: a wrapper of the article, whatever its name. */
  private holdsProse(el: Element, n: number): boolean {
    let count = 0;
    const visit = (node: ParentNode): boolean => {
      for (const c of node.children) {
        if (!isElement(c)) continue;
        if (c.name === "p") {
          const t = textOf(c);
          if (t.length >= 120 && linkTextLength(c) < t.length * 0.3 && ++count >= n) return true;
        } else if (visit(c)) return true;
      }
      return false;
    };
    return visit(el);
  }

  // ---------------------------------------------------------------- measure

  private measure(node: ParentNode): Stats {
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
      } else if (isElement(child) && !this.removed.has(child)) {
        const cs = this.measure(child);
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
      this.stats.set(el, s);
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
        this.credit(el, score, !paragraphTag);
      }
    }
    return s;
  }

  /** Credit a paragraph's score to its ancestors (a text-bearing container credits itself first). */
  private credit(el: Element, score: number, self: boolean): void {
    let level = 0;
    let node: Element | null = self ? el : parentElement(el);
    while (node && level < 4) {
      if (!this.scores.has(node)) this.scores.set(node, this.initialScore(node));
      const share = level === 0 ? 1 : level === 1 ? 0.5 : 1 / (level * 3);
      this.scores.set(node, this.scores.get(node)! + score * share);
      node = parentElement(node);
      level++;
    }
  }

  private initialScore(el: Element): number {
    let base = 0;
    switch (el.name) {
      case "div": case "section": case "article": case "main": base = 5; break;
      case "pre": case "td": case "blockquote": base = 3; break;
      case "address": case "ol": case "ul": case "dl": case "dd": case "dt": case "li": case "form": base = -3; break;
      case "h1": case "h2": case "h3": case "h4": case "h5": case "h6": case "th": base = -5; break;
    }
    if (el.attribs["itemprop"] && /articleBody|text/i.test(el.attribs["itemprop"])) base += 25;
    return base + this.classWeight(el);
  }

  private classWeight(el: Element): number {
    let w = this.weights.get(el);
    if (w !== undefined) return w;
    w = 0;
    for (const raw of [el.attribs["class"], el.attribs["id"]]) {
      if (!raw) continue;
      const v = splitCamel(raw);
      if (NEGATIVE.test(v)) w -= 25;
      if (POSITIVE.test(v)) w += 25;
    }
    this.weights.set(el, w);
    return w;
  }

  // ----------------------------------------------------------------- select

  private finalScore(el: Element): number {
    const s = this.stats.get(el);
    const raw = this.scores.get(el) ?? 0;
    if (!s || !s.text) return raw;
    return raw * (1 - s.link / s.text);
  }

  private selectTop(): Element | null {
    const ranked = [...this.scores.keys()]
      .map((el) => ({ el, score: this.finalScore(el) }))
      .sort((a, b) => b.score - a.score);
    if (!ranked.length) return null;
    let top = ranked[0]!.el;
    let topScore = ranked[0]!.score;

    // several strong candidates under one ancestor: the article is split across them
    const alternatives = ranked.slice(1, 6).filter((c) => c.score >= topScore * 0.75).map((c) => c.el);
    if (alternatives.length >= 2) {
      let anc = parentElement(top);
      while (anc && anc.name !== "body") {
        const contained = alternatives.filter((a) => contains(anc!, a)).length;
        if (contained >= Math.min(2, alternatives.length)) {
          top = anc;
          break;
        }
        anc = parentElement(anc);
      }
    }
    // climb to ancestors that keep a fair share of the score: a paragraph's grandparent gets half its
    // credit, so the wrapper of a body split in parts outscores a third of the best part
    let last = topScore / 3;
    let parent = parentElement(top);
    while (parent && parent.name !== "body") {
      if (!this.scores.has(parent)) {
        parent = parentElement(parent);
        continue;
      }
      const ps = this.finalScore(parent);
      if (ps < last) break;
      if (ps > last) {
        top = parent;
        topScore = ps;
      }
      last = ps;
      parent = parentElement(parent);
    }
    // a lone child says nothing its parent does not
    while (top.parent && isElement(top.parent as AnyNode) && (top.parent as Element).name !== "body") {
      const p = top.parent as Element;
      if (p.children.filter((c) => isElement(c) && !this.removed.has(c)).length !== 1) break;
      top = p;
    }
    return top;
  }

  /** The <body>, looked for where parsers put it (under <html>), or null for a fragment. */
  private findBody(): Element | null {
    for (const c of this.root.children) {
      if (!isElement(c)) continue;
      if (c.name === "body") return c;
      if (c.name === "html") return (c.children.find((h) => isElement(h) && h.name === "body") as Element | undefined) ?? c;
    }
    return null;
  }

  /** The top candidate and the siblings that read as more of the same article. */
  private withSiblings(top: Element): Element[] {
    const parent = parentElement(top);
    if (!parent) return [top];
    const topScore = this.finalScore(top);
    const threshold = Math.max(10, topScore * 0.2);
    const topClass = top.attribs["class"] ?? "";
    const out: Element[] = [];
    for (const sib of parent.children) {
      if (!isElement(sib) || this.removed.has(sib)) continue;
      if (sib === top) {
        out.push(sib);
        continue;
      }
      const s = this.stats.get(sib);
      if (!s || !s.text) continue;
      const ld = s.link / s.text;
      let score = this.scores.has(sib) ? this.finalScore(sib) : 0;
      if (topClass && sib.attribs["class"] === topClass) score += topScore * 0.2;
      let append = score >= threshold && ld < 0.3;
      if (!append && (sib.name === "p" || sib.name === "blockquote" || sib.name === "pre" || /^h[2-6]$/.test(sib.name) || sib.name === "ul" || sib.name === "ol")) {
        const t = textOf(sib);
        append = (t.length > 80 && ld < 0.25) || (t.length > 0 && t.length <= 80 && ld === 0 && /[.!?。！？:]["”’)]?(?:\s|$)/.test(t));
        if (/^h[2-6]$/.test(sib.name) || sib.name === "ul" || sib.name === "ol") append = append && this.classWeight(sib) >= 0;
      }
      if (!append && CONTAINER_TAGS.has(sib.name) && s.paras >= 2 && ld < 0.2 && this.classWeight(sib) >= 0 && !BOILERPLATE_BLOCK.test(hintsOf(sib))) {
        append = true;
      }
      if (append) out.push(sib);
    }
    return out;
  }

  private isTeaserLink(el: Element): boolean {
    const links = findLinks(el, []);
    let best: Element | null = null;
    let bestLen = 0;
    for (const a of links) {
      const len = this.stats.get(a)?.text ?? 0;
      if (len > bestLen) {
        best = a;
        bestLen = len;
      }
    }
    if (!best) return false;
    const words = textOf(best).split(/\s+/).length;
    return words >= 4 && this.isInternal(best.attribs["href"] ?? "");
  }

  private isInternal(href: string): boolean {
    const h = href.trim();
    if (!h || h.startsWith("#") || /^(?:mailto|tel|javascript):/i.test(h)) return false;
    if (!/^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(h)) return true;
    if (!this.host) return false;
    try {
      const host = new URL(h, "https://x.invalid").hostname.toLowerCase().replace(/^www\./, "");
      return host === this.host || host.endsWith(`.${this.host}`) || this.host.endsWith(`.${host}`);
    } catch {
      return false;
    }
  }

  // -------------------------------------------------------------- serialise

  private serialise(el: ParentNode, blocks: string[], total: number): void {
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
        if (!isElement(c) || this.removed.has(c)) continue;
        const tag = c.name;
        if (tag === "br") {
          buf.push("\n");
          continue;
        }
        if (!BLOCK_TAGS.has(tag)) {
          if (c.attribs["class"] && BOILERPLATE_BLOCK.test(hintsOf(c)) && (this.stats.get(c)?.text ?? 0) < 300) continue;
          buf.push(INLINE_EDGE);
          walk(c);
          buf.push(INLINE_EDGE);
          continue;
        }
        if (this.isBoilerplate(c, total)) continue;
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
  private isBoilerplate(el: Element, total: number): boolean {
    const s = this.stats.get(el);
    if (!s || s.text === 0) return true;
    const hints = hintsOf(el);
    const big = s.text > total * 0.5 && s.paras >= 3;
    if (hints && BOILERPLATE_BLOCK.test(hints) && !big && !MAYBE_CONTENT.test(hints.replace(BOILERPLATE_BLOCK, " "))) return true;
    const ld = s.link / s.text;
    const tag = el.name;
    if (hints && s.text < 250 && s.paras < 2 && MEDIA_BLOCK.test(hints) && !/^(?:p|h[2-6]|li|blockquote)$/.test(tag)) return true;
    // a paragraph that is one link: a shop or source link belongs to the story, a headline linking
    // elsewhere on the same site is a teaser for another story
    if (tag === "p" || /^h[2-6]$/.test(tag)) return ld > 0.6 && s.text < 300 && this.isTeaserLink(el);
    if (tag === "li") return false;
    if (ld > 0.5 && !big) return true;
    if ((tag === "ul" || tag === "ol") && ld > 0.45 && s.commas < 3) return true;
    if ((tag === "div" || tag === "section" || tag === "table") && ld > 0.33 && s.paras < 2 && this.classWeight(el) < 25) return true;
    return false;
  }
}

const LIST_MARK = "\u0001";
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

function findLinks(node: ParentNode, out: Element[]): Element[] {
  for (const c of node.children) {
    if (!isElement(c)) continue;
    if (c.name === "a") out.push(c);
    else findLinks(c, out);
  }
  return out;
}

/** Join blocks: list-item lines with "\n", everything else as paragraphs; drop boilerplate lines. */
function finishBlocks(blocks: string[], title: string | null = null, authors: readonly string[] = []): string {
  const out: string[] = [];
  const titleKey = title ? squash(title) : null;
  const authorKeys = authors.map(squash).filter((k) => k.length >= 3);
  const isAuthorBlock = (t: string): boolean => {
    const key = squash(t);
    if (authorKeys.includes(key)) return true;
    // "Jane Doe is a reporter who covers ..." closing the article
    return t.length < 600 && authorKeys.some((a) => key.startsWith(a) && /^[^,.]{0,60}\s(?:is|was|has|writes|covers|reports)\b/.test(t));
  };
  let prevList = false;
  for (let i = 0; i < blocks.length; i++) {
    const raw = blocks[i]!;
    // bylines and datelines sit at the edges of the body; inside it a dated line is a quote or embed
    const atEdge = i < 3 || i >= blocks.length - 2;
    const isItem = raw.startsWith(LIST_MARK);
    const text = (isItem ? raw.slice(1) : raw).trim();
    if (!text) continue;
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !BOILERPLATE_TEXT.test(l.replace(/^[[(【]\s*/, "")));
    if (!lines.length) continue;
    const t = lines.join("\n");
    if (atEdge && (/^\d[\d,.\s]*$/.test(t) || isAuthorBlock(t))) continue;
    if ((atEdge && (isDateline(t) || EDGE_CREDIT.test(t))) || (!isItem && (titleKey && squash(t) === titleKey))) continue;
    if (isItem && prevList && out.length) out[out.length - 1] += `\n${t}`;
    else out.push(t);
    prevList = isItem;
  }
  // a paragraph repeated verbatim (sticky headers, duplicated teasers) counts once
  const seen = new Set<string>();
  return out
    .filter((p) => {
      if (p.length < 20) return true;
      if (seen.has(p)) return false;
      seen.add(p);
      return true;
    })
    .join("\n\n");
}

const squash = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

const DATE_IN_TEXT = /\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*,? \d{4})(?!\d)|\d{4}年\d{1,2}月\d{1,2}日/i;

/** Update stamps and wire-copy credits, found above or below the story. */
const EDGE_CREDIT = /^(?:(?:last )?updated|(?:first )?published|posted)\b.{0,60}$|^(?:(?:additional )?reporting|writing|editing|compiled|produced|translated) by\b.{0,300}$/i;

/** A short line made of a date and a few words: a dateline or "published by" line, not prose. */
function isDateline(t: string): boolean {
  if (t.length > 140 || /^[—–-]/.test(t) || !DATE_IN_TEXT.test(t)) return false;
  const words = t.replace(DATE_IN_TEXT, " ").match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length <= 14 && !/[.!?。]["”’)]?$/.test(t.replace(/\b(?:a\.m|p\.m|[A-Z])\.$/, ""));
}

/** Iterative fallback: paragraph text of the whole document, split at block boundaries. */
function flatText(root: ParentNode): string {
  const blocks: string[] = [];
  let buf = "";
  const stack: AnyNode[] = [...root.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === "text") buf += n.data;
    else if (isElement(n) && !DROP_TAGS.has(n.name)) {
      if (BLOCK_TAGS.has(n.name)) {
        blocks.push(buf);
        buf = "";
      }
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
  blocks.push(buf);
  return finishBlocks(blocks.map((b) => b.replace(/\s+/g, " ").trim()).filter((b) => b.length > 0));
}

// ------------------------------------------------------------------ helpers

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}

function parentElement(el: Element): Element | null {
  const p = el.parent;
  return p && p.type === "tag" ? (p as Element) : null;
}

function contains(anc: Element, el: Element): boolean {
  for (let n: Element | null = el; n; n = parentElement(n)) if (n === anc) return true;
  return false;
}

function textOf(node: ParentNode, raw = false): string {
  let out = "";
  for (const c of node.children) {
    if (c.type === "text") out += c.data;
    else if (isElement(c) && !DROP_TAGS.has(c.name)) out += textOf(c, true);
  }
  return raw ? out : out.replace(/\s+/g, " ").trim();
}

function linkTextLength(node: ParentNode): number {
  let n = 0;
  for (const c of node.children) {
    if (!isElement(c)) continue;
    n += c.name === "a" ? textOf(c).length : linkTextLength(c);
  }
  return n;
}

function collapsedLength(s: string): number {
  let n = 0;
  let space = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ws = c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 160;
    if (ws) {
      if (!space) n++;
      space = true;
    } else {
      n++;
      space = false;
    }
  }
  return n;
}

function countCommas(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 0xff0c || c === 0x3001) n++;
  }
  return n;
}
