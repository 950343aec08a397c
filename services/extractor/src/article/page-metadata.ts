// Article metadata from the head and structured data of a page: title, publication date, authors,
// declared language and (for pages that render their body with JavaScript) JSON-LD articleBody.
import type { Cheerio, CheerioAPI } from "cheerio";
import { compile } from "css-select";
import { isTag, type AnyNode, type Element } from "domhandler";

export interface PageMetadata {
  title: string | null;
  published: string | null;
  authors: string[];
  lang: string | null;
  /** The page's own idea of its address (canonical link or og:url), when it states one. */
  url: string | null;
  /** JSON-LD articleBody/text of the page's article as written there (plain text, sometimes HTML). */
  ldBody: string | null;
}

type Json = Record<string, unknown>;

const ARTICLE_TYPES = /^(?:\w+:)?(?:article|newsarticle|reportagenewsarticle|analysisnewsarticle|opinionnewsarticle|backgroundnewsarticle|reviewnewsarticle|blogposting|liveblogposting|socialmediaposting|techarticle|scholarlyarticle|report|posting|webpage|medicalwebpage|review)$/i;
const TITLE_SEPARATORS = /\s+[|\-–—:·•»~]\s+|\s+::\s+/;

/** `url` (the page's address, when known) helps recognise the site's name in a title. */
export function readPageMetadata($: CheerioAPI, url: string | null = null): PageMetadata {
  const tagged = gatherElements($);
  const meta = metaIndex(tagged);
  const ld = jsonLdArticles($, tagged);
  return {
    title: readTitle($, tagged, meta, ld, url),
    published: readPublished(tagged, meta, ld),
    authors: readAuthors($, tagged, meta, ld),
    lang: readDeclaredLang(tagged, meta, ld),
    ldBody: readLdBody(ld),
    url: tagged("link").filter(CANONICAL_LINK).attr("href") ?? firstMeta(meta, ["og:url", "twitter:url"]) ?? null,
  };
}

type Tagged = (group: Gathered) => Cheerio<Element>;

/** A selector compiled once, as a filter: cheerio's .filter(selector) parses and compiles it on every call. */
const selector = (css: string) => {
  const test = compile<AnyNode, Element>(css);
  return (_: number, el: Element) => test(el);
};
const CANONICAL_LINK = selector('[rel~="canonical" i]');
const JSON_LD = selector('[type="application/ld+json" i]');
const PUBLISHED_PROP = selector('[itemprop="datePublished" i]');
const PUBDATE_TIME = selector("[pubdate]");
const STORY_TIME = selector("article time[datetime], main time[datetime]");
const DATED_TIME = selector("[datetime]");
const AUTHOR_PROP = selector('[itemprop="author" i]');
const AUTHOR_LINK = selector('[rel~="author" i]');
const BYLINE = selector('[class*="byline" i] [class*="author" i], [class*="byline" i], .author-name, .author');
const GATHERED_TAGS = ["meta", "script", "link", "h1", "title", "html", "time"] as const;
/**
 * Besides tags, the candidates of the date and author fallbacks' selectors (which narrow them down):
 * elements with an itemprop, links with a rel, and elements whose class names an author or a byline.
 */
type Gathered = (typeof GATHERED_TAGS)[number] | "itemprop" | "a-rel" | "byline-class";
const BYLINE_CLASS = /author|byline/i;

/**
 * The page's elements read here, in document order, gathered in one walk: a selector per tag (or per
 * fallback) walked the whole page each time, and those walks were a third of the extraction time on
 * real news pages.
 */
function gatherElements($: CheerioAPI): Tagged {
  const wanted = new Set<string>(GATHERED_TAGS);
  const found = new Map<Gathered, Element[]>();
  const add = (group: Gathered, el: Element) => {
    const list = found.get(group);
    if (list) list.push(el);
    else found.set(group, [el]);
  };
  const stack: AnyNode[] = [...$.root()[0]!.children].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    if (!isTag(node)) continue;
    if (wanted.has(node.name)) add(node.name as Gathered, node);
    const attribs = node.attribs;
    if (attribs["itemprop"] !== undefined) add("itemprop", node);
    if (node.name === "a" && attribs["rel"] !== undefined) add("a-rel", node);
    if (attribs["class"] !== undefined && BYLINE_CLASS.test(attribs["class"])) add("byline-class", node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return (group) => $(found.get(group) ?? []);
}

/** meta name/property/itemprop/http-equiv (lower-cased) -> contents in document order. */
function metaIndex(tagged: Tagged): Map<string, string[]> {
  const index = new Map<string, string[]>();
  tagged("meta").each((_, el) => {
    const content = el.attribs["content"];
    if (content === undefined || !content.trim()) return;
    for (const attr of ["name", "property", "itemprop", "http-equiv"]) {
      const key = el.attribs[attr]?.trim().toLowerCase();
      if (!key) continue;
      const list = index.get(key) ?? [];
      list.push(content.trim());
      index.set(key, list);
    }
  });
  return index;
}

function firstMeta(meta: Map<string, string[]>, keys: readonly string[]): string | null {
  for (const k of keys) {
    const v = meta.get(k)?.[0];
    if (v) return v;
  }
  return null;
}

// ------------------------------------------------------------------ JSON-LD

function jsonLdArticles($: CheerioAPI, tagged: Tagged): Json[] {
  const found: Json[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6 || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) visit(n, depth + 1);
      return;
    }
    const obj = node as Json;
    const types = ([] as unknown[]).concat(obj["@type"] ?? []).map(String);
    if (types.some((t) => ARTICLE_TYPES.test(t))) found.push(obj);
    if (obj["@graph"]) visit(obj["@graph"], depth + 1);
    if (obj["mainEntity"]) visit(obj["mainEntity"], depth + 1);
    if (obj["mainEntityOfPage"] && typeof obj["mainEntityOfPage"] === "object") visit(obj["mainEntityOfPage"], depth + 1);
  };
  tagged("script").filter(JSON_LD).each((_, el) => {
    const raw = $(el).text().trim();
    if (!raw) return;
    try {
      visit(JSON.parse(raw), 0);
    } catch {
      // some sites emit control characters or trailing commas; one retry with the commonest fix
      try {
        visit(JSON.parse(raw.replace(/[\u0000-\u001f]+/g, " ").replace(/,\s*([}\]])/g, "$1")), 0);
      } catch {
        /* unparseable structured data is ignored like a missing one */
      }
    }
  });
  // real articles before generic WebPage objects
  return found.sort((a, b) => Number(isWebPage(a)) - Number(isWebPage(b)));
}

const isWebPage = (o: Json): boolean => ([] as unknown[]).concat(o["@type"] ?? []).every((t) => /webpage$/i.test(String(t)));

function ldString(v: unknown): string | null {
  if (typeof v === "string") return v.trim() || null;
  if (Array.isArray(v)) return ldString(v[0]);
  if (v && typeof v === "object") return ldString((v as Json)["@value"] ?? (v as Json)["name"]);
  return null;
}

function readLdBody(ld: Json[]): string | null {
  for (const o of ld) {
    const body = ldString(o["articleBody"]) ?? (isWebPage(o) ? null : ldString(o["text"]));
    if (body && body.length > 100) return body;
  }
  return null;
}

// ------------------------------------------------------------------- title

function readTitle($: CheerioAPI, tagged: Tagged, meta: Map<string, string[]>, ld: Json[], url: string | null): string | null {
  const clean = (s: string | null | undefined): string | null => (s ? s.replace(/\s+/g, " ").trim() || null : null);
  const siteName = clean(firstMeta(meta, ["og:site_name", "application-name", "twitter:site"]))?.replace(/^@/, "") ?? null;
  const h1s = tagged("h1")
    .map((_, el) => clean($(el).text()))
    .get()
    .filter((t): t is string => !!t && t.length >= 3);
  const title = firstOf([
    () => firstMeta(meta, ["og:title", "twitter:title"]),
    () => ld.map((o) => ldString(o["headline"]) ?? ldString(o["name"])).find(Boolean),
    () => (h1s.length === 1 ? h1s[0]! : null),
    () => tagged("title").first().text(),
  ], clean);
  if (!title) return null;
  return stripSiteSuffix(title, siteName, h1s, hostLabel(url));
}

/** "https://www.dailyledger.co.uk/x" -> "dailyledger" */
function hostLabel(url: string | null): string | null {
  if (!url) return null;
  try {
    const labels = new URL(url).hostname.toLowerCase().replace(/^www\d*\./, "").split(".");
    const i = labels.length > 2 && labels[labels.length - 2]!.length <= 3 ? labels.length - 3 : labels.length - 2;
    return labels[Math.max(0, i)] ?? null;
  } catch {
    return null;
  }
}

function stripSiteSuffix(title: string, siteName: string | null, h1s: string[], host: string | null): string {
  // an h1 that the title merely decorates is the cleanest answer
  for (const h of h1s) if (h !== title && title.startsWith(h) && TITLE_SEPARATORS.test(title.slice(h.length - 1))) return h;
  const parts = title.split(TITLE_SEPARATORS);
  if (parts.length < 2) return title;
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  for (const site of [siteName ? norm(siteName) : null, host]) {
    if (!site) continue;
    const kept = parts.filter((p) => norm(p) !== site && !(site.length > 3 && norm(p).includes(site) && p.split(/\s+/).length <= 4));
    if (kept.length && kept.length < parts.length) return rejoin(title, kept);
  }
  // "Headline - Site" or "Site | Headline": drop a short edge part when the rest reads like a headline
  const words = (s: string) => s.trim().split(/\s+/).length;
  const last = parts[parts.length - 1]!;
  const first = parts[0]!;
  if (words(last) <= 4 && words(title) - words(last) >= 3) return rejoin(title, parts.slice(0, -1));
  if (words(first) <= 3 && words(title) - words(first) >= 4) return rejoin(title, parts.slice(1));
  return title;
}

/** Join kept parts with the separators they had in the original title. */
function rejoin(title: string, kept: string[]): string {
  if (kept.length === 1) return kept[0]!.trim();
  const start = title.indexOf(kept[0]!);
  const lastPart = kept[kept.length - 1]!;
  const end = title.lastIndexOf(lastPart) + lastPart.length;
  return start >= 0 && end > start ? title.slice(start, end).trim() : kept.join(" - ");
}

// -------------------------------------------------------------------- date

const DATE_META_KEYS = [
  "article:published_time", "og:published_time", "article:published", "datepublished", "published_time",
  "publishdate", "publish-date", "publish_date", "pubdate", "parsely-pub-date", "sailthru.date", "dc.date.issued",
  "dcterms.issued", "dc.date", "dcterms.date", "date", "citation_publication_date", "article.published", "ptime",
  "og:updated_time", "article:modified_time", "datemodified", "lastmod",
];

function readPublished(tagged: Tagged, meta: Map<string, string[]>, ld: Json[]): string | null {
  const fromLd = ld.map((o) => ldString(o["datePublished"]) ?? ldString(o["dateCreated"])).find(Boolean);
  // published before modified: the meta list mixes both, so split the preference
  const modifiedAt = DATE_META_KEYS.indexOf("og:updated_time");
  const publishedMeta = firstMeta(meta, DATE_META_KEYS.slice(0, modifiedAt));
  // In order of preference, each read only when those before gave no date.
  const candidates: Array<() => string | null | undefined> = [
    () => publishedMeta,
    () => fromLd,
    () => {
      const el = tagged("itemprop").filter(PUBLISHED_PROP).first();
      return el.attr("datetime") ?? el.attr("content");
    },
    () => tagged("time").filter(PUBDATE_TIME).first().attr("datetime"),
    () => tagged("time").filter(STORY_TIME).first().attr("datetime"),
    () => tagged("time").filter(DATED_TIME).first().attr("datetime"),
    () => firstMeta(meta, DATE_META_KEYS.slice(modifiedAt)),
    () => ld.map((o) => ldString(o["dateModified"])).find(Boolean),
  ];
  return firstOf(candidates, toIsoUtc);
}

/** The first candidate, read in order, that `accept` turns into a value. */
function firstOf<T>(candidates: ReadonlyArray<() => string | null | undefined>, accept: (raw: string) => T | null): T | null {
  for (const read of candidates) {
    const raw = read();
    const value = raw ? accept(raw) : null;
    if (value !== null) return value;
  }
  return null;
}

/** ISO-8601 UTC from the date forms pages use; a date without a zone is taken as UTC. */
export function toIsoUtc(raw: string): string | null {
  const s = raw.trim();
  if (!s) return null;
  let d: Date;
  if (/^\d{10}(\d{3})?$/.test(s)) d = new Date(s.length === 10 ? Number(s) * 1000 : Number(s));
  else if (/^\d{4}-\d{2}-\d{2}$/.test(s)) d = new Date(`${s}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) d = new Date(`${s.replace(" ", "T")}Z`);
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([+-]\d{2}:?\d{2}|Z)$/i.test(s)) {
    d = new Date(s.replace(" ", "T").replace(/\s+/, "").replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  } else if (/^\d{8}$/.test(s)) d = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T00:00:00Z`);
  else if (/^\d{1,2}\.\d{1,2}\.\d{4}$|^\d{4}年\d{1,2}月\d{1,2}日$/.test(s)) {
    // day.month.year (European) and 年月日 (CJK) dates
    const [a, b, c] = s.match(/\d+/g)!.map(Number) as [number, number, number];
    d = a > 31 ? new Date(Date.UTC(a, b - 1, c)) : new Date(Date.UTC(c, b - 1, a));
  }
  else {
    // RFC 2822 and friends; add UTC when no zone is written so the machine's zone never leaks in
    const hasZone = /(?:[+-]\d{2}:?\d{2}|\b(?:GMT|UTC|Z|[ECMP][SD]T)\b)\s*$/i.test(s);
    d = new Date(hasZone ? s : `${s} UTC`);
    if (Number.isNaN(d.getTime())) d = new Date(s);
  }
  const t = d.getTime();
  if (Number.isNaN(t)) return null;
  const year = d.getUTCFullYear();
  if (year < 1990 || year > 2100) return null;
  return d.toISOString();
}

// ----------------------------------------------------------------- authors

function readAuthors($: CheerioAPI, tagged: Tagged, meta: Map<string, string[]>, ld: Json[]): string[] {
  const names: string[] = [];
  const add = (raw: string | null | undefined): void => {
    if (!raw || /^\s*https?:\/\//i.test(raw)) return;
    for (const part of splitNames(raw)) {
      const n = cleanAuthor(part);
      if (n && !names.some((x) => x.toLowerCase() === n.toLowerCase())) names.push(n);
    }
  };
  for (const o of ld) {
    if (isWebPage(o) && names.length) break;
    for (const a of ([] as unknown[]).concat(o["author"] ?? o["creator"] ?? [])) {
      if (typeof a === "string") add(a);
      else if (a && typeof a === "object") add(ldString((a as Json)["name"]));
    }
    if (names.length) break;
  }
  if (!names.length) for (const v of meta.get("author") ?? []) add(v);
  if (!names.length) for (const v of [...(meta.get("article:author") ?? []), ...(meta.get("dc.creator") ?? []), ...(meta.get("parsely-author") ?? []), ...(meta.get("sailthru.author") ?? [])]) add(v);
  if (!names.length) {
    tagged("itemprop").filter(AUTHOR_PROP).each((_, el) => {
      const $el = $(el);
      add($el.find('[itemprop="name" i]').first().attr("content") ?? $el.find('[itemprop="name" i]').first().text() ?? $el.attr("content") ?? $el.text());
    });
  }
  if (!names.length) tagged("a-rel").filter(AUTHOR_LINK).each((_, el) => add($(el).text()));
  if (!names.length) {
    tagged("byline-class").filter(BYLINE).slice(0, 3).each((_, el) => {
      const t = $(el).text().replace(/\s+/g, " ").trim();
      if (t.length < 80) add(t);
    });
  }
  // bylines repeat a name with the outlet glued on ("Tom Davies", "Tom Davies Associated Press")
  const distinct = names.filter((n) => !names.some((m) => m !== n && n.toLowerCase().startsWith(`${m.toLowerCase()} `)));
  return distinct.slice(0, 10);
}

function splitNames(raw: string): string[] {
  return raw
    .replace(/\s+/g, " ")
    .split(/\s*(?:,|;|\||\band\b|&|\/)\s*/i)
    .filter(Boolean);
}

const ROLE = /\b(?:writer|editor|editor-at-large|correspondent|reporter|columnist|contributor|producer|photographer)s?\b/i;
const MONTH_OR_DAY = /\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d)/i;

function cleanAuthor(raw: string): string | null {
  let s = raw.replace(/\s+/g, " ").trim();
  if (/^https?:\/\//i.test(s) || (s.includes("@") && !s.includes(" "))) return null;
  // bylines glue dates and times onto the name ("Jane Doe Published 11:11 PM ET Nov. 19")
  s = s.replace(/\s*\b(?:published|updated|posted)\b.*$/i, "").replace(/(?:\s|(?<=[a-z]))(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day).*$/i, "");
  s = s.replace(/^(?:(?:analysis|opinion|commentary|review|story|text|words|photos?)\s+)?(?:by|written by|posted by|from|von|par|por)\s*:?\s+/i, "").trim();
  s = s.replace(/\s*(?:[-–|,]\s*)?(?:staff writer|contributor|reporter|correspondent|editor)$/i, "").trim();
  if (s.length < 2 || s.length > 60) return null;
  if (!/\p{L}/u.test(s) || /\d/.test(s) || MONTH_OR_DAY.test(s)) return null;
  if (s.split(" ").length > 5 || ROLE.test(s)) return null;
  if (/^(?:admin|staff|unknown|none|null|undefined)$/i.test(s)) return null;
  return s;
}

// -------------------------------------------------------------------- lang

function readDeclaredLang(tagged: Tagged, meta: Map<string, string[]>, ld: Json[]): string | null {
  const html = tagged("html");
  return firstOf([
    () => html.attr("lang"),
    () => html.attr("xml:lang"),
    () => firstMeta(meta, ["content-language", "language", "dc.language", "og:locale"]),
    () => ld.map((o) => ldString(o["inLanguage"])).find(Boolean),
  ], normaliseLangTag);
}

/** "en-US", "en_GB", "zh-Hant-TW" -> primary subtag "en", "zh"; anything else -> null. */
export function normaliseLangTag(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const m = /^\s*([a-z]{2,3})(?:[-_][a-z0-9]+)*\s*(?:,|$)/i.exec(tag);
  if (!m) return null;
  const code = m[1]!.toLowerCase();
  return code === "und" || code === "mul" || code === "zxx" ? null : code;
}
