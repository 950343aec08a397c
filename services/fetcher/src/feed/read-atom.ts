import {
  asHtml, atomAlternate, atomLinks, dateOf, fieldHtml, fieldText, idOf, kid, kids, langOf, matches, noteUnsafeLink, personOf, plain,
  readConstruct, safeText, textLike, trimmed, unique, type Ctx,
} from "./feed-fields.js";
import type { ParsedFeed, ParsedFeedItem } from "./feed-types.js";
import { childElements, type XmlElement } from "./xml-tree.js";

/** Atom 0.3 and 1.0 mapped to RegRadar's feed shape with feedparser's element priorities. */

function atomPeople(el: XmlElement, ctx: Ctx): string[] {
  const out: Array<string | null> = [];
  for (const a of kids(el, "atom:author", ctx)) {
    out.push(personOf(a, ctx));
  }
  for (const key of ["dc:creator", "dc:author", "itunes:author"]) for (const c of kids(el, key, ctx)) out.push(plain(c));
  return unique(out);
}

export function readAtom(root: XmlElement, ctx: Ctx): ParsedFeed {
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
    items: entries.map((e, index) => readAtomEntry(e, index, ctx)),
  };
}

function readAtomEntry(e: XmlElement, index: number, ctx: Ctx): ParsedFeedItem {
  const links = atomLinks(e, ctx);
  const published = dateOf(e, ["atom:published", "atom:issued", "dcterms:issued"], ctx);
  const contentEl =
    kids(e, "atom:content", ctx).find((c) => c.nattrs["src"] === undefined) ?? kid(e, ["content:encoded", "xhtml:body"], ctx);
  const content = contentEl ? asHtml(readConstruct(contentEl, ctx, contentEl.key !== "atom:content")) : null;
  const summaryEl = kid(e, ["atom:summary", "dc:description"], ctx);
  const link = atomAlternate(e, ctx);
  noteUnsafeLink(e, index, link, ctx);
  return {
    id: safeText(idOf(kid(e, ["atom:id"], ctx))),
    title: fieldText(e, ["atom:title", "dc:title"], ctx),
    link,
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

