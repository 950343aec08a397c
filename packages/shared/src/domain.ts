import { z } from "zod";

/** The eleven actions of the design; nothing outside this vocabulary is ever emitted. */
export const ACTIONS = [
  "ban", "shutdown_order", "enforcement", "licensing", "legislation", "guidance",
  "investigation", "taxation", "sanctions", "aml_kyc", "platform_liability",
] as const;
export type Action = (typeof ACTIONS)[number];

export const ENTITY_TYPES = ["exchange", "asset", "project", "company", "person"] as const;

const isoDate = z.string().datetime({ offset: true });

export const entitySchema = z.object({ name: z.string().min(1), type: z.enum(ENTITY_TYPES) });
export type Entity = z.infer<typeof entitySchema>;

export const mentionSchema = z.object({
  kind: z.enum(["authority", "action", "entity", "jurisdiction"]),
  value: z.string(),
  surface: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
});
export type Mention = z.infer<typeof mentionSchema>;

/** What the mentions step says about one text (contract 3 of DESIGN.md). */
export const mentionsResultSchema = z.object({
  relevant: z.boolean(),
  score: z.number(),
  jurisdictions: z.array(z.string()),
  authorities: z.array(z.string()),
  actions: z.array(z.enum(ACTIONS)),
  entities: z.array(entitySchema),
  mentions: z.array(mentionSchema),
});
export type MentionsResult = z.infer<typeof mentionsResultSchema>;

/** An article id: 32 hex digits of the canonical URL's SHA-256 (ids.ts articleIdFor). */
export const articleIdSchema = z.string().regex(/^[0-9a-f]{32}$/);

/** A feed item on its way to extraction: everything the feed told us about the article. */
export const articleCandidateSchema = z.object({
  articleId: articleIdSchema,
  url: z.string().url(),
  canonicalUrl: z.string().url(),
  feedId: z.string().min(1),
  feedTitle: z.string().nullable(),
  title: z.string().nullable(),
  summary: z.string().nullable(),
  content: z.string().nullable(),
  publishedAt: isoDate.nullable(),
  authors: z.array(z.string()),
  categories: z.array(z.string()),
  discoveredAt: isoDate,
});
export type ArticleCandidate = z.infer<typeof articleCandidateSchema>;

/** One document per article in the search index (DESIGN.md, data model). */
export const articleDocumentSchema = z.object({
  id: articleIdSchema,
  url: z.string().url(),
  canonicalUrl: z.string().url(),
  feedId: z.string(),
  feedTitle: z.string().nullable(),
  source: z.string(),
  title: z.string().nullable(),
  summary: z.string().nullable(),
  text: z.string(),
  lang: z.string().nullable(),
  publishedAt: isoDate.nullable(),
  fetchedAt: isoDate,
  authors: z.array(z.string()),
  categories: z.array(z.string()),
  ...mentionsResultSchema.shape,
  /** Hex SimHash of the normalised text: near-duplicates differ in few bits. */
  contentHash: z.string(),
  /** Which text the extraction used: the fetched page, or the feed's own content when the page failed. */
  textSource: z.enum(["page", "feed"]),
  /** Why the page could not be used, when textSource is "feed". */
  pageError: z.string().nullable(),
});
export type ArticleDocument = z.infer<typeof articleDocumentSchema>;

/** As stored: the indexer adds when it was indexed and which earlier copy it duplicates. */
export type StoredArticle = ArticleDocument & { indexedAt: string; duplicateOf: string | null };

/** Where a subscription's alerts go. */
export const CHANNELS = ["webhook", "email", "slack", "telegram"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface SubscriptionFilters {
  jurisdictions: string[];
  authorities: string[];
  actions: string[];
  entities: string[];
  sources: string[];
  languages: string[];
  minScore: number | null;
}

export interface Subscription {
  id: string;
  name: string;
  owner: string | null;
  query: string | null;
  filters: SubscriptionFilters;
  channel: Channel;
  /** Webhook/Slack URL, e-mail address, or Telegram chat id. */
  target: string;
  /** HMAC key of webhook signatures. */
  secret: string | null;
  mode: "instant" | "digest";
  /** Digest window, normalised ("15m", "daily@08:00"); null for instant. */
  every: string | null;
  timezone: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

