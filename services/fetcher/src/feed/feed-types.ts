/** RegRadar's parsed-feed shape: DESIGN.md contract 1, printed by `regradar feed parse`. */

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
