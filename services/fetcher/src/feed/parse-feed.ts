import { decodeBody, mapC1ToWindows1252 } from "@regradar/shared/text-decoding";
import { parseFeedDate } from "./parse-date.js";
import { isUnsafeUrl } from "./resolve-links.js";
import { hasDangerousMarkup, htmlToText, looksLikeHtml, sanitizeFeedHtml } from "./sanitize-html.js";
import {
  XmlTreeError,
  childElements,
  parseXml,
  resolveAgainst,
  serializeChildren,
  textOf,
  type XmlElement,
} from "./xml-tree.js";

export interface ParsedEnclosure {
  url: string;
  type: string | null;
  length: number | null;
}

export interface ParsedFeedItem {
  id: string | null;
  title: string | null;
  link: string | null;
  summary: string | null;
  content: string | null;
  published: string | null;
  updated: string | null;
  authors: string[];
  categories: string[];
  enclosures: ParsedEnclosure[];
}

export interface ParsedFeed {
  title: string | null;
  link: string | null;
  description: string | null;
  language: string | null;
  updated: string | null;
  items: ParsedFeedItem[];
}

export type FeedParseFailure = "entity_expansion" | "external_entity" | "invalid_xml" | "not_a_feed";

/** A body that is not a feed, or that is hostile; permanent for the fetch that produced it. */
export class FeedParseError extends Error {
  override readonly name = "FeedParseError";
  constructor(
    readonly reason: FeedParseFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ParseFeedOptions {
  contentType?: string | null;
  /** The feed's own URL: the last base for relative links. */
  url?: string | null;
}

type Format = "rss" | "rdf" | "atom" | "cdf";

interface Ctx {
  format: Format;
  /** Atom 1.0 unwraps the xhtml div; Atom 0.3 keeps it. */
  atom10?: boolean;
}

/**
 * Parses RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF into RegRadar's feed shape. Pure: bytes in, value
 * out. rss-parser's asynchronous xml2js path drops namespaces, xml:base and Atom content types, so
 * the document is read with a lenient namespace-aware reader and mapped with feedparser's rules.
 */
export function parseFeed(input: Uint8Array | string, opts: ParseFeedOptions = {}): ParsedFeed {
  const text =
    typeof input === "string"
      ? input.replace(/^\uFEFF/, "")
      : decodeBody(input, { contentType: opts.contentType ?? null, kind: "xml" }).text;
  let root: XmlElement;
  try {
    root = parseXml(mapC1ToWindows1252(text), validBase(opts.url));
  } catch (err) {
    if (err instanceof XmlTreeError) throw new FeedParseError(err.reason, err.message);
    throw err;
  }
  const format = detectFormat(root);
  if (!format) throw new FeedParseError("not_a_feed", `root element <${root.qname}> is not a feed`);
  const ctx: Ctx = { format, atom10: format === "atom" && root.ns.toLowerCase().startsWith("http://www.w3.org/2005/atom") };
  return format === "atom" ? readAtom(root, ctx) : format === "cdf" ? readCdf(root, ctx) : readRss(root, ctx);
}

function validBase(url: string | null | undefined): string | null {
  if (!url) return null;
  const u = url.trim();
  return /^[a-z][a-z0-9+.-]*:/i.test(u) ? u : null;
}

function detectFormat(root: XmlElement): Format | null {
  if (root.local === "rss") return "rss";
  if (root.key === "rdf:rdf" || root.local === "rdf") return "rdf";
  if (root.local === "feed") return "atom";
  // A bare <channel> root is CDF when it carries CDF's HREF attribute, else a headless RSS channel.
  if (root.local === "channel") return hasAttr(root, "href") ? "cdf" : "rss";
  return null;
}

function hasAttr(el: XmlElement, name: string): boolean {
  return el.nattrs[name] !== undefined;
}

// ---- element lookup ----

/** Matches an element by canonical key; "atom:x" also matches an unqualified x in Atom documents. */
function matches(el: XmlElement, key: string, ctx: Ctx): boolean {
  if (el.key === key) return true;
  if (ctx.format === "atom" && key.startsWith("atom:") && el.key === key.slice(5)) return true;
  return false;
}

function kids(el: XmlElement, key: string, ctx: Ctx): XmlElement[] {
  return childElements(el).filter((c) => matches(c, key, ctx));
}

/** First child matching the keys in priority order, preferring one with content (an empty one still counts). */
function kid(el: XmlElement, keys: string[], ctx: Ctx): XmlElement | null {
  let empty: XmlElement | null = null;
  for (const key of keys) {
    for (const c of childElements(el)) {
      if (!matches(c, key, ctx)) continue;
      if (textOrMarkup(c)) return c;
      empty ??= c;
    }
  }
  return empty;
}

function textOrMarkup(el: XmlElement): boolean {
  return el.children.length > 0 || Object.keys(el.nattrs).length > 0;
}

/** xml:lang as a language tag ("en_US" is written by some generators for "en-US"). */
function langOf(lang: string | null): string | null {
  const t = trimmed(lang);
  return t ? t.replace(/_/g, "-") : null;
}

function trimmed(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const t = s.trim();
  return t === "" ? null : t;
}

// ---- text constructs ----

interface Construct {
  value: string;
  html: boolean;
  base: string | null;
}

/** Reads an element's value with its content type, the way feedparser decides text vs HTML. */
function readConstruct(el: XmlElement, ctx: Ctx, defaultHtml: boolean): Construct {
  const type = (el.nattrs["type"] ?? "").trim().toLowerCase();
  const mode = (el.nattrs["mode"] ?? "").trim().toLowerCase();
  const hasElements = el.children.some((c) => typeof c !== "string");
  let html = defaultHtml;
  let value: string;
  const isXhtml = type === "xhtml" || type === "application/xhtml+xml" || mode === "xml";
  // Atom text constructs default to plain text; RSS-family fields default per field.
  const atomish = ctx.format === "atom" && (el.key.startsWith("atom:") || !el.key.includes(":"));
  if (type === "text" || type === "text/plain") html = false;
  else if (type === "html" || type === "text/html" || isXhtml) html = true;
  else if (type.startsWith("text/")) html = false;
  else if (!type && atomish) html = false;
  if (isXhtml || hasElements) {
    const kidsEls = childElements(el);
    const onlyDiv =
      kidsEls.length === 1 &&
      kidsEls[0]!.local === "div" &&
      el.children.every((c) => c === kidsEls[0] || (typeof c === "string" && c.trim() === ""));
    value = onlyDiv && isXhtml && ctx.atom10 ? serializeChildren(kidsEls[0]!) : serializeChildren(el);
    html = true;
  } else if (mode === "base64" || (atomish && isBinaryType(type))) {
    try {
      value = Buffer.from(textOf(el).replace(/\s+/g, ""), "base64").toString("utf-8");
    } catch {
      value = textOf(el);
    }
    if (!type) html = false;
  } else {
    value = textOf(el);
  }
  // RSS leaves it to the reader to guess whether a field carries HTML.
  if (!html && !atomish && (looksLikeHtml(value) || hasDangerousMarkup(value))) html = true;
  return { value: value.trim(), html, base: el.base };
}

/** Atom carries non-text, non-XML media types base64-encoded (RFC 4287 §4.1.3.3). */
function isBinaryType(type: string): boolean {
  if (!type || ["text", "html", "xhtml"].includes(type)) return false;
  return !type.startsWith("text/") && !type.endsWith("+xml") && !type.endsWith("/xml");
}

function asHtml(c: Construct | null): string | null {
  if (!c) return null;
  // Markup that sanitises to nothing is reported as "" (present but empty), as feedparser does.
  if (c.html) return sanitizeFeedHtml(c.value, c.base).trim();
  // Plain text stays as written (feedparser returns it verbatim) unless it carries markup that
  // would be dangerous if a reader rendered it as HTML: then it is sanitised like HTML.
  return hasDangerousMarkup(c.value) ? sanitizeFeedHtml(c.value, c.base).trim() : c.value;
}

function asText(c: Construct | null): string | null {
  if (!c) return null;
  if (!c.html && !hasDangerousMarkup(c.value)) return c.value;
  return htmlToText(sanitizeFeedHtml(c.value, c.base)).replace(/\s+/g, " ").trim();
}

function fieldText(el: XmlElement, keys: string[], ctx: Ctx, defaultHtml = false): string | null {
  const found = kid(el, keys, ctx);
  return found ? asText(readConstruct(found, ctx, defaultHtml)) : null;
}

function fieldHtml(el: XmlElement, keys: string[], ctx: Ctx, defaultHtml = true): string | null {
  const found = kid(el, keys, ctx);
  return found ? asHtml(readConstruct(found, ctx, defaultHtml)) : null;
}

function plain(el: XmlElement | null): string | null {
  return el ? trimmed(textOf(el)) : null;
}

/** Like feedparser, the last of the elements that map to one date field wins. */
function dateOf(el: XmlElement, keys: string[], ctx: Ctx): string | null {
  let found: string | null = null;
  for (const c of childElements(el)) {
    if (!keys.some((k) => matches(c, k, ctx))) continue;
    const d = parseFeedDate(textOf(c));
    if (d) found = d;
  }
  return found;
}

function resolved(href: string | null, base: string | null): string | null {
  const h = trimmed(href);
  if (!h) return null;
  const url = resolveAgainst(h, base);
  return isUnsafeUrl(url) ? null : url;
}

/** Ids may be relative references too; feedparser resolves them like links. */
function idOf(el: XmlElement | null): string | null {
  const v = plain(el);
  // Only path-like references are resolved: an opaque id ("abc 123", "42") stays as written.
  return v && el && /^[^\s]*\/[^\s]*$|^\.{1,2}$/.test(v) ? resolveAgainst(v, el.base) : v;
}

/** Plain-text fields (names, categories) never carry live markup: strip it when it could be. */
function safeText(v: string | null): string | null {
  if (v === null || !hasDangerousMarkup(v)) return v;
  return trimmed(htmlToText(sanitizeFeedHtml(v)).replace(/\s+/g, " "));
}

function unique(values: Array<string | null>): string[] {
  const out: string[] = [];
  for (const raw of values) {
    const v = safeText(raw);
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

function lengthOf(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number.parseInt(v.trim(), 10);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** feedparser copies content into a missing summary when the content is text or (X)HTML. */
function textLike(el: XmlElement): boolean {
  const type = (el.nattrs["type"] ?? "").trim().toLowerCase();
  return ["", "text", "html", "xhtml", "text/plain", "text/html", "application/xhtml+xml"].includes(type);
}

// ---- Atom ----

function atomLinks(el: XmlElement, ctx: Ctx): Array<{ rel: string; href: string; type: string | null; length: number | null; el: XmlElement }> {
  return kids(el, "atom:link", ctx)
    // An empty href is a reference to the base itself.
    .map((l) => ({ l, raw: (l.nattrs["href"] ?? textOf(l)).trim(), hasHref: l.nattrs["href"] !== undefined }))
    .filter(({ raw, hasHref, l }) => (raw !== "" || (hasHref && l.base)) && !isUnsafeUrl(raw))
    .map(({ l, raw }) => ({
      rel: (l.nattrs["rel"] ?? "alternate").trim().toLowerCase(),
      href: resolveAgainst(raw, l.base),
      type: trimmed(l.nattrs["type"]),
      length: lengthOf(l.nattrs["length"]),
      el: l,
    }));
}

function atomAlternate(el: XmlElement, ctx: Ctx): string | null {
  const links = atomLinks(el, ctx).filter((l) => l.rel === "alternate");
  const html = links.find((l) => !l.type || /html/.test(l.type));
  return (html ?? links[0])?.href ?? null;
}

function atomPeople(el: XmlElement, ctx: Ctx): string[] {
  const out: Array<string | null> = [];
  for (const a of kids(el, "atom:author", ctx)) {
    out.push(personOf(a, ctx));
  }
  for (const key of ["dc:creator", "dc:author", "itunes:author"]) for (const c of kids(el, key, ctx)) out.push(plain(c));
  return unique(out);
}

function readAtom(root: XmlElement, ctx: Ctx): ParsedFeed {
  // feedparser also accepts RSS-style <item> elements inside an Atom feed.
  const entries = childElements(root).filter((c) => matches(c, "atom:entry", ctx) || matches(c, "atom:item", ctx));
  return {
    title: fieldText(root, ["atom:title", "dc:title"], ctx),
    link: atomAlternate(root, ctx),
    description: fieldHtml(root, ["atom:subtitle", "atom:tagline", "dc:description"], ctx, false),
    language: langOf(root.lang) ?? plain(kid(root, ["dc:language"], ctx)),
    updated:
      dateOf(root, ["atom:updated", "atom:modified", "dc:date", "dcterms:modified"], ctx) ??
      dateOf(root, ["atom:published", "atom:issued", "dcterms:issued"], ctx),
    items: entries.map((e) => readAtomEntry(e, ctx)),
  };
}

function readAtomEntry(e: XmlElement, ctx: Ctx): ParsedFeedItem {
  const links = atomLinks(e, ctx);
  const published = dateOf(e, ["atom:published", "atom:issued", "dcterms:issued"], ctx);
  const contentEl =
    kids(e, "atom:content", ctx).find((c) => c.nattrs["src"] === undefined) ?? kid(e, ["content:encoded", "xhtml:body"], ctx);
  const content = contentEl ? asHtml(readConstruct(contentEl, ctx, contentEl.key !== "atom:content")) : null;
  const summaryEl = kid(e, ["atom:summary", "dc:description"], ctx);
  return {
    id: safeText(idOf(kid(e, ["atom:id"], ctx))),
    title: fieldText(e, ["atom:title", "dc:title"], ctx),
    link: atomAlternate(e, ctx),
    summary: summaryEl ? asHtml(readConstruct(summaryEl, ctx, false)) : contentEl && textLike(contentEl) ? content : null,
    content,
    published,
    updated: dateOf(e, ["atom:updated", "atom:modified", "dc:date", "dcterms:modified"], ctx) ?? published,
    authors: atomPeople(e, ctx),
    categories: unique([
      ...kids(e, "atom:category", ctx).map((c) => trimmed(c.nattrs["term"]) ?? trimmed(c.nattrs["label"]) ?? plain(c)),
      ...kids(e, "dc:subject", ctx).map(plain),
    ]),
    enclosures: links
      .filter((l) => l.rel === "enclosure")
      .map((l) => ({ url: l.href, type: l.type, length: l.length })),
  };
}

// ---- RSS 0.9x / 1.0 / 2.0 ----

function rssLink(el: XmlElement, ctx: Ctx): string | null {
  for (const l of kids(el, "link", ctx)) {
    const v = resolved(textOf(l), l.base);
    if (v) return v;
  }
  return null;
}

function readRss(root: XmlElement, ctx: Ctx): ParsedFeed {
  const channel = root.local === "channel" ? root : (kids(root, "channel", ctx)[0] ?? root);
  const items = [...kids(channel, "item", ctx)];
  if (channel !== root) items.push(...kids(root, "item", ctx));
  return {
    title: fieldText(channel, ["title", "dc:title", "atom:title"], ctx),
    link: rssLink(channel, ctx) ?? atomAlternate(channel, ctx),
    description: fieldHtml(channel, ["description", "dc:description", "atom:subtitle", "itunes:summary", "itunes:subtitle"], ctx),
    language: plain(kid(channel, ["language", "dc:language"], ctx)) ?? langOf(channel.lang),
    updated:
      dateOf(channel, ["lastbuilddate", "dc:date", "dcterms:modified", "atom:updated"], ctx) ??
      dateOf(channel, ["pubdate", "dcterms:issued"], ctx),
    items: items.map((i) => readRssItem(i, ctx)),
  };
}

function readRssItem(item: XmlElement, ctx: Ctx): ParsedFeedItem {
  const guidEl = kid(item, ["guid"], ctx);
  // feedparser: a guid is the link (and is resolved like one) unless isPermaLink says otherwise.
  const guidIsLink = !!guidEl && (guidEl.nattrs["ispermalink"] ?? "true").trim().toLowerCase() === "true";
  const guid = guidIsLink ? idOf(guidEl) : plain(guidEl);
  const about = trimmed(item.nattrs["rdf:about"]);
  const permalink = guidIsLink && guidEl ? resolved(textOf(guidEl), guidEl.base) : null;
  const published = dateOf(item, ["pubdate", "dcterms:issued", "atom:published"], ctx);
  const descriptions = kids(item, "description", ctx).filter(textOrMarkup);
  const contentEl = kid(item, ["content:encoded", "xhtml:body", "body", "fullitem", "atom:content"], ctx) ?? descriptions[1] ?? null;
  const summaryEl = descriptions[0] ?? kid(item, ["dc:description", "atom:summary", "itunes:summary"], ctx);
  const content = contentEl ? asHtml(readConstruct(contentEl, ctx, true)) : null;
  return {
    id: safeText(guid ?? about ?? null),
    title: fieldText(item, ["title", "dc:title", "atom:title"], ctx),
    link: rssLink(item, ctx) ?? atomAlternate(item, ctx) ?? permalink,
    summary: summaryEl ? asHtml(readConstruct(summaryEl, ctx, true)) : contentEl && textLike(contentEl) ? content : null,
    content,
    published,
    updated: dateOf(item, ["dc:date", "dcterms:modified", "atom:updated", "lastbuilddate"], ctx) ?? published,
    authors: unique([
      ...kids(item, "author", ctx).map((a) => plain(kid(a, ["name"], ctx)) ?? plain(a)),
      ...kids(item, "dc:creator", ctx).map(plain),
      ...kids(item, "dc:author", ctx).map(plain),
      ...kids(item, "itunes:author", ctx).map(plain),
      ...atomPeopleOnly(item, ctx),
    ]),
    categories: unique([
      ...kids(item, "category", ctx).map(plain),
      ...kids(item, "dc:subject", ctx).map(plain),
      ...kids(item, "atom:category", ctx).map((c) => trimmed(c.nattrs["term"])),
      ...itunesCategories(item, ctx),
      ...kids(item, "itunes:keywords", ctx).flatMap((k) => textOf(k).split(",").map((w) => trimmed(w))),
    ]),
    enclosures: [
      ...kids(item, "enclosure", ctx).flatMap((e) => {
        // feedparser accepts url, uri or href for the enclosure address.
        const url = resolved(e.nattrs["url"] ?? e.nattrs["uri"] ?? e.nattrs["href"] ?? null, e.base);
        return url ? [{ url, type: trimmed(e.nattrs["type"]), length: lengthOf(e.nattrs["length"]) }] : [];
      }),
      ...atomLinks(item, ctx)
        .filter((l) => l.rel === "enclosure")
        .map((l) => ({ url: l.href, type: l.type, length: l.length })),
    ],
  };
}

/** iTunes categories nest (Technology > Gadgets); each level is a category. */
function itunesCategories(el: XmlElement, ctx: Ctx): Array<string | null> {
  return kids(el, "itunes:category", ctx).flatMap((c) => [trimmed(c.nattrs["text"]), ...itunesCategories(c, ctx)]);
}

function atomPeopleOnly(el: XmlElement, ctx: Ctx): Array<string | null> {
  return el.children
    .filter((c): c is XmlElement => typeof c !== "string" && c.key === "atom:author")
    .map((a) => personOf(a, { format: "atom", atom10: true }));
}

/** feedparser's author string: "name (email)", or whichever of the two is present. */
function personOf(a: XmlElement, ctx: Ctx): string | null {
  const name = plain(kid(a, ["atom:name"], ctx));
  const email = plain(kid(a, ["atom:email"], ctx));
  if (name && email) return `${name} (${email})`;
  return name ?? email ?? (childElements(a).length === 0 ? plain(a) : null);
}

// ---- CDF (Microsoft Channel Definition Format) ----

function readCdf(root: XmlElement, ctx: Ctx): ParsedFeed {
  const items: XmlElement[] = [];
  const collect = (el: XmlElement) => {
    for (const c of childElements(el)) {
      if (c.local === "item") items.push(c);
      else if (c.local === "channel") collect(c);
    }
  };
  collect(root);
  return {
    title: fieldText(root, ["title"], ctx),
    link: resolved(root.nattrs["href"] ?? null, root.base),
    description: fieldHtml(root, ["abstract", "description"], ctx, false),
    language: langOf(root.lang),
    updated: parseFeedDate(root.nattrs["lastmod"]),
    items: items.map((i) => {
      const updated = parseFeedDate(i.nattrs["lastmod"]);
      return {
        id: null,
        title: fieldText(i, ["title"], ctx),
        link: resolved(i.nattrs["href"] ?? null, i.base),
        summary: fieldHtml(i, ["abstract", "description"], ctx, false),
        content: null,
        published: null,
        updated,
        authors: [],
        categories: [],
        enclosures: [],
      };
    }),
  };
}
