import { fieldHtml, fieldText, langOf, noteUnsafeLink, resolved, type Ctx } from "./feed-fields.js";
import type { ParsedFeed } from "./feed-types.js";
import { parseFeedDate } from "./parse-date.js";
import { childElements, type XmlElement } from "./xml-tree.js";

/** Microsoft Channel Definition Format: items nest in channels and carry their link as HREF. */
export function readCdf(root: XmlElement, ctx: Ctx): ParsedFeed {
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
    items: items.map((i, index) => {
      const updated = parseFeedDate(i.nattrs["lastmod"]);
      const link = resolved(i.nattrs["href"] ?? null, i.base);
      noteUnsafeLink(i, index, link, ctx);
      return {
        id: null,
        title: fieldText(i, ["title"], ctx),
        link,
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
