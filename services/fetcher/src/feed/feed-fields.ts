import { parseFeedDate } from "./parse-date.js";
import { isUnsafeUrl } from "./resolve-links.js";
import { hasDangerousMarkup, htmlToText, looksLikeHtml, sanitizeFeedHtml } from "./sanitize-html.js";
import { childElements, resolveAgainst, serializeChildren, textOf, type XmlElement } from "./xml-tree.js";

/**
 * The element lookups and value readers every format mapping shares (RSS, Atom and CDF differ in
 * which elements they read, not in how a text construct, a date or a link is read).
 */

export type Format = "rss" | "rdf" | "atom" | "cdf";

export interface Ctx {
  format: Format;
  /** Atom 1.0 unwraps the xhtml div; Atom 0.3 keeps it. */
  atom10?: boolean;
  /** Indexes of items left without a link because every link they had was a script or data URL. */
  unsafeLinkItems?: number[];
}

/**
 * Records an item whose link was dropped as unsafe, so the fetcher can say `unsafe_link` rather
 * than "no link". Only the item's own link elements count (link, atom:link, a permalink guid, href).
 */
export function noteUnsafeLink(el: XmlElement, index: number, link: string | null, ctx: Ctx): void {
  if (link !== null || !ctx.unsafeLinkItems) return;
  const candidates = [
    el.nattrs["href"],
    ...childElements(el).flatMap((c) =>
      c.local === "link" ? [c.nattrs["href"] ?? textOf(c)] : c.local === "guid" ? [textOf(c)] : [],
    ),
  ];
  if (candidates.some((v) => v !== undefined && isUnsafeUrl(v))) ctx.unsafeLinkItems.push(index);
}

/** Matches an element by canonical key; "atom:x" also matches an unqualified x in Atom documents. */
export function matches(el: XmlElement, key: string, ctx: Ctx): boolean {
  if (el.key === key) return true;
  if (ctx.format === "atom" && key.startsWith("atom:") && el.key === key.slice(5)) return true;
  return false;
}

export function kids(el: XmlElement, key: string, ctx: Ctx): XmlElement[] {
  return childElements(el).filter((c) => matches(c, key, ctx));
}

/** First child matching the keys in priority order, preferring one with content (an empty one still counts). */
export function kid(el: XmlElement, keys: string[], ctx: Ctx): XmlElement | null {
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

export function textOrMarkup(el: XmlElement): boolean {
  return el.children.length > 0 || Object.keys(el.nattrs).length > 0;
}

/** xml:lang as a language tag ("en_US" is written by some generators for "en-US"). */
export function langOf(lang: string | null): string | null {
  const t = trimmed(lang);
  return t ? t.replace(/_/g, "-") : null;
}

export function trimmed(s: string | null | undefined): string | null {
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
export function readConstruct(el: XmlElement, ctx: Ctx, defaultHtml: boolean): Construct {
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

export function asHtml(c: Construct | null): string | null {
  if (!c) return null;
  // Markup that sanitises to nothing is reported as "" (present but empty), as feedparser does.
  if (c.html) return sanitizeFeedHtml(c.value, c.base).trim();
  // Plain text stays as written (feedparser returns it verbatim) unless it carries markup that
  // would be dangerous if a reader rendered it as HTML: then it is sanitised like HTML.
  return hasDangerousMarkup(c.value) ? sanitizeFeedHtml(c.value, c.base).trim() : c.value;
}

export function asText(c: Construct | null): string | null {
  if (!c) return null;
  if (!c.html && !hasDangerousMarkup(c.value)) return c.value;
  return htmlToText(sanitizeFeedHtml(c.value, c.base)).replace(/\s+/g, " ").trim();
}

export function fieldText(el: XmlElement, keys: string[], ctx: Ctx, defaultHtml = false): string | null {
  const found = kid(el, keys, ctx);
  return found ? asText(readConstruct(found, ctx, defaultHtml)) : null;
}

export function fieldHtml(el: XmlElement, keys: string[], ctx: Ctx, defaultHtml = true): string | null {
  const found = kid(el, keys, ctx);
  return found ? asHtml(readConstruct(found, ctx, defaultHtml)) : null;
}

export function plain(el: XmlElement | null): string | null {
  return el ? trimmed(textOf(el)) : null;
}

/** Like feedparser, the last of the elements that map to one date field wins. */
export function dateOf(el: XmlElement, keys: string[], ctx: Ctx): string | null {
  let found: string | null = null;
  for (const c of childElements(el)) {
    if (!keys.some((k) => matches(c, k, ctx))) continue;
    const d = parseFeedDate(textOf(c));
    if (d) found = d;
  }
  return found;
}

export function resolved(href: string | null, base: string | null): string | null {
  const h = trimmed(href);
  if (!h) return null;
  const url = resolveAgainst(h, base);
  return isUnsafeUrl(url) ? null : url;
}

/** Ids may be relative references too; feedparser resolves them like links. */
export function idOf(el: XmlElement | null): string | null {
  const v = plain(el);
  // Only path-like references are resolved: an opaque id ("abc 123", "42") stays as written.
  return v && el && /^[^\s]*\/[^\s]*$|^\.{1,2}$/.test(v) ? resolveAgainst(v, el.base) : v;
}

/** Plain-text fields (names, categories) never carry live markup: strip it when it could be. */
export function safeText(v: string | null): string | null {
  if (v === null || !hasDangerousMarkup(v)) return v;
  return trimmed(htmlToText(sanitizeFeedHtml(v)).replace(/\s+/g, " "));
}

export function unique(values: Array<string | null>): string[] {
  const out: string[] = [];
  for (const raw of values) {
    const v = safeText(raw);
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

export function lengthOf(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number.parseInt(v.trim(), 10);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** feedparser copies content into a missing summary when the content is text or (X)HTML. */
export function textLike(el: XmlElement): boolean {
  const type = (el.nattrs["type"] ?? "").trim().toLowerCase();
  return ["", "text", "html", "xhtml", "text/plain", "text/html", "application/xhtml+xml"].includes(type);
}

// ---- Atom constructs that RSS feeds borrow (atom:link, atom:author) ----

export function atomLinks(el: XmlElement, ctx: Ctx): Array<{ rel: string; href: string; type: string | null; length: number | null; el: XmlElement }> {
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

export function atomAlternate(el: XmlElement, ctx: Ctx): string | null {
  const links = atomLinks(el, ctx).filter((l) => l.rel === "alternate");
  const html = links.find((l) => !l.type || /html/.test(l.type));
  return (html ?? links[0])?.href ?? null;
}

/** feedparser's author string: "name (email)", or whichever of the two is present. */
export function personOf(a: XmlElement, ctx: Ctx): string | null {
  const name = plain(kid(a, ["atom:name"], ctx));
  const email = plain(kid(a, ["atom:email"], ctx));
  if (name && email) return `${name} (${email})`;
  return name ?? email ?? (childElements(a).length === 0 ? plain(a) : null);
}

