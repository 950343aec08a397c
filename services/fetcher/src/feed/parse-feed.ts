import { decodeBody, mapC1ToWindows1252, type CharsetProblem } from "@regradar/shared/text-decoding";
import { applyCaps, noTruncations, type FeedCaps, type Truncations } from "./apply-caps.js";
import type { Ctx, Format } from "./feed-fields.js";
import { FeedParseError, type ParsedFeed } from "./feed-types.js";
import { readAtom } from "./read-atom.js";
import { readCdf } from "./read-cdf.js";
import { readRss } from "./read-rss.js";
import { isUnsafeUrl } from "./resolve-links.js";
import { XmlTreeError, parseXml, type XmlElement, type XmlRepair } from "./xml-tree.js";

export * from "./feed-types.js";
export { DEFAULT_FEED_CAPS, type FeedCaps, type Truncations } from "./apply-caps.js";
export type { CharsetProblem } from "@regradar/shared/text-decoding";
export type { XmlRepair } from "./xml-tree.js";

export interface ParseFeedOptions {
  contentType?: string | null;
  /** The feed's own URL: the last base for relative links. */
  url?: string | null;
}

/**
 * What parsing had to do that a reader of the result cannot see: the fetcher's account of a feed's
 * health. Kept apart from ParsedFeed, whose JSON is the `regradar feed parse` contract.
 */
export interface FeedDiagnostics {
  /** The encoding the bytes were read in (null when the input was already text). */
  encoding: string | null;
  /** Bytes that did not fit their declared encoding, or declared none. */
  charset: CharsetProblem | null;
  /** What the lenient XML reader repaired; empty for a well-formed document. */
  repairs: XmlRepair[];
  /** Items (by index in the result) whose only links were javascript:/data:-style URLs, dropped as unsafe. */
  unsafeLinkItems: number[];
  /** Fields and items cut to the caps. */
  truncated: Truncations;
}

export interface ParsedFeedWithDiagnostics {
  feed: ParsedFeed;
  diagnostics: FeedDiagnostics;
}

/**
 * Parses RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF into RegRadar's feed shape. Pure: bytes in, value
 * out. rss-parser's asynchronous xml2js path drops namespaces, xml:base and Atom content types, so
 * the document is read with a lenient namespace-aware reader and mapped with feedparser's rules.
 */
export function parseFeed(input: Uint8Array | string, opts: ParseFeedOptions = {}): ParsedFeed {
  return parseFeedWithDiagnostics(input, opts).feed;
}

/** parseFeed, also reporting what was repaired, re-decoded, dropped or (with `caps`) cut. */
export function parseFeedWithDiagnostics(
  input: Uint8Array | string,
  opts: ParseFeedOptions & { caps?: FeedCaps } = {},
): ParsedFeedWithDiagnostics {
  const decoded =
    typeof input === "string"
      ? { text: input.replace(/^\uFEFF/, ""), encoding: null, charsetProblem: undefined }
      : decodeBody(input, { contentType: opts.contentType ?? null, kind: "xml" });
  let doc;
  try {
    doc = parseXml(mapC1ToWindows1252(decoded.text), validBase(opts.url));
  } catch (err) {
    if (err instanceof XmlTreeError) throw new FeedParseError(err.reason, err.message);
    throw err;
  }
  const root = doc.root;
  const format = detectFormat(root);
  if (!format) throw new FeedParseError("not_a_feed", `root element <${root.qname}> is not a feed`);
  const ctx: Ctx = {
    format,
    atom10: format === "atom" && root.ns.toLowerCase().startsWith("http://www.w3.org/2005/atom"),
    unsafeLinkItems: [],
  };
  const mapped = format === "atom" ? readAtom(root, ctx) : format === "cdf" ? readCdf(root, ctx) : readRss(root, ctx);
  const truncated = noTruncations();
  const feed = opts.caps ? applyCaps(mapped, opts.caps, truncated) : mapped;
  return {
    feed,
    diagnostics: {
      encoding: decoded.encoding,
      charset: decoded.charsetProblem ?? null,
      repairs: [...doc.repairs],
      unsafeLinkItems: ctx.unsafeLinkItems!.filter((i) => i < feed.items.length),
      truncated,
    },
  };
}

/** The document URL as a base: absolute, and never a script or data URL (links would inherit it). */
function validBase(url: string | null | undefined): string | null {
  if (!url) return null;
  const u = url.trim();
  return /^[a-z][a-z0-9+.-]*:/i.test(u) && !isUnsafeUrl(u) ? u : null;
}

function detectFormat(root: XmlElement): Format | null {
  if (root.local === "rss") return "rss";
  if (root.key === "rdf:rdf" || root.local === "rdf") return "rdf";
  if (root.local === "feed") return "atom";
  // A bare <channel> root is CDF when anything in it speaks CDF, else a headless RSS channel.
  if (root.local === "channel") return looksLikeCdf(root) ? "cdf" : "rss";
  return null;
}

/** CDF is written upper-case and carries its data in HREF/LASTMOD attributes and ABSTRACT elements. */
function looksLikeCdf(channel: XmlElement): boolean {
  const cdfAttrs = (el: XmlElement) => ["href", "lastmod", "precache", "base"].some((a) => el.nattrs[a] !== undefined);
  if (channel.qname === "CHANNEL" || cdfAttrs(channel)) return true;
  return channel.children.some((c) => typeof c !== "string" && (c.local === "abstract" || (c.local === "item" && cdfAttrs(c))));
}
