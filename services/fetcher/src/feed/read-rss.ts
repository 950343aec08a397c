import {
  asHtml, atomAlternate, atomLinks, dateOf, fieldHtml, fieldText, idOf, kid, kids, langOf, lengthOf, personOf, plain,
  noteUnsafeLink, readConstruct, resolved, safeText, textLike, textOrMarkup, trimmed, unique, type Ctx,
} from "./feed-fields.js";
import type { ParsedFeed, ParsedFeedItem } from "./feed-types.js";
import { textOf, type XmlElement } from "./xml-tree.js";

function rssLink(el: XmlElement, ctx: Ctx): string | null {
  for (const l of kids(el, "link", ctx)) {
    const v = resolved(textOf(l), l.base);
    if (v) return v;
  }
  return null;
}

/** RSS 0.9x, 1.0 (RDF) and 2.0 share one element vocabulary in feedparser's mapping; RSS 1.0 differs only in
 * where its items live (beside the channel) and in rdf:about ids. */
export function readRss(root: XmlElement, ctx: Ctx): ParsedFeed {
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
    items: items.map((i, index) => readRssItem(i, index, ctx)),
  };
}

function readRssItem(item: XmlElement, index: number, ctx: Ctx): ParsedFeedItem {
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
  const link = rssLink(item, ctx) ?? atomAlternate(item, ctx) ?? permalink;
  noteUnsafeLink(item, index, link, ctx);
  return {
    id: safeText(guid ?? about ?? null),
    title: fieldText(item, ["title", "dc:title", "atom:title"], ctx),
    link,
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

