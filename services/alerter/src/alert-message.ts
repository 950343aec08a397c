import type { Entity, StoredArticle } from "@regradar/shared";

/** An article as an alert shows it: the fields of DESIGN.md contract 6. */
export interface AlertArticle {
  id: string;
  title: string | null;
  url: string;
  publishedAt: string | null;
  jurisdictions: string[];
  authorities: string[];
  actions: string[];
  entities: Entity[];
  score: number;
  snippet: string;
}

/** One message to one subscriber, whichever channel carries it. */
export interface AlertMessage {
  /** Stable across retries: receivers dedupe on it (X-RegRadar-Delivery). */
  deliveryId: string;
  subscription: { id: string; name: string };
  kind: "instant" | "digest";
  /** Ordered by score, highest first. */
  articles: AlertArticle[];
  sentAt: string;
}

const SNIPPET_CHARS = 280;

export function snippetOf(article: Pick<StoredArticle, "summary" | "text">): string {
  const source = (article.text || article.summary || "").replace(/\s+/g, " ").trim();
  if (source.length <= SNIPPET_CHARS) return source;
  const cut = source.slice(0, SNIPPET_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > SNIPPET_CHARS * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function toAlertArticle(a: StoredArticle): AlertArticle {
  return {
    id: a.id, title: a.title, url: a.url, publishedAt: a.publishedAt, jurisdictions: a.jurisdictions, authorities: a.authorities,
    actions: a.actions, entities: a.entities.map((e) => ({ name: e.name, type: e.type })), score: a.score, snippet: snippetOf(a),
  };
}

export const byScore = (a: { score: number; id: string }, b: { score: number; id: string }) => b.score - a.score || a.id.localeCompare(b.id);

export function subjectOf(m: AlertMessage): string {
  if (m.kind === "instant" && m.articles.length === 1) return `[RegRadar] ${m.articles[0]!.title ?? m.articles[0]!.url}`;
  return `[RegRadar] ${m.articles.length} new article${m.articles.length === 1 ? "" : "s"} for "${m.subscription.name}"`;
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

export const tagsOf = (a: AlertArticle): string =>
  [a.jurisdictions.join(", "), a.actions.join(", "), a.entities.map((e) => e.name).join(", ")].filter(Boolean).join(" | ");

/** The plain-text rendering used by e-mail and as the fallback text of chat messages. */
export function renderText(m: AlertMessage): string {
  const lines = [`${subjectOf(m).replace(/^\[RegRadar\] /, "")}`, ""];
  m.articles.forEach((a, i) => {
    lines.push(`${m.articles.length > 1 ? `${i + 1}. ` : ""}${a.title ?? "(untitled)"}`, a.url);
    const tags = tagsOf(a);
    if (tags) lines.push(tags);
    if (a.snippet) lines.push(a.snippet);
    lines.push("");
  });
  return lines.join("\n").trimEnd();
}
