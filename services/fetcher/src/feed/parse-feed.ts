import { decodeBody, mapC1ToWindows1252 } from "@regradar/shared/text-decoding";
import type { Ctx, Format } from "./feed-fields.js";
import { FeedParseError, type ParsedFeed } from "./feed-types.js";
import { readAtom } from "./read-atom.js";
import { readCdf } from "./read-cdf.js";
import { readRss } from "./read-rss.js";
import { XmlTreeError, parseXml, type XmlElement } from "./xml-tree.js";

export * from "./feed-types.js";

export interface ParseFeedOptions {
  contentType?: string | null;
  /** The feed's own URL: the last base for relative links. */
  url?: string | null;
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
  if (root.local === "channel") return root.nattrs["href"] !== undefined ? "cdf" : "rss";
  return null;
}
