import { useState } from "preact/hooks";
import { api, type Article, type Mention } from "../api.js";
import { facetLabel } from "../components/FacetPanel.js";
import { analysedText, MarkedText } from "../components/MarkedText.js";
import { useFetched } from "../url-state.js";

const KIND_FILTER: Record<Mention["kind"], string> = { jurisdiction: "jurisdiction", authority: "authority", action: "action", entity: "entity" };
const KIND_LABEL: Record<Mention["kind"], string> = { jurisdiction: "Jurisdictions", authority: "Authorities", action: "Actions", entity: "Entities" };

/** Each distinct mention once, with its surfaces as written and a link that searches for it. */
function MentionList({ mentions, active, onFocus }: { mentions: Mention[]; active: string | null; onFocus(id: string | null): void }) {
  const kinds: Mention["kind"][] = ["jurisdiction", "authority", "action", "entity"];
  return (
    <aside class="mention-list" aria-label="Mentions">
      {kinds.map((kind) => {
        const byValue = new Map<string, Set<string>>();
        for (const m of mentions.filter((m) => m.kind === kind)) byValue.set(m.value, (byValue.get(m.value) ?? new Set()).add(m.surface));
        if (byValue.size === 0) return null;
        return (
          <section key={kind}>
            <h3>{KIND_LABEL[kind]}</h3>
            <ul>
              {[...byValue].map(([value, surfaces]) => {
                const id = `${kind}:${value}`;
                return (
                  <li key={value} class={`mention-item mention-${kind}`} onMouseEnter={() => onFocus(id)} onMouseLeave={() => onFocus(null)}>
                    <a href={`/?${new URLSearchParams({ [KIND_FILTER[kind]]: value })}`} onFocus={() => onFocus(id)} onBlur={() => onFocus(null)}>
                      {kind === "action" ? facetLabel("action", value) : value}
                    </a>
                    <span class="surfaces">{[...surfaces].filter((s) => s !== value).slice(0, 4).map((s) => <q>{s}</q>)}</span>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </aside>
  );
}

/** One article: its text with every mention marked in context, the mention list, and its near-duplicates. */
export function ArticlePage({ id }: { id: string }) {
  const { data: a, error } = useFetched<Article>(id, (signal) => api(`/api/articles/${encodeURIComponent(id)}`, { signal }));
  const [active, setActive] = useState<string | null>(null);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!a) return <p class="muted">loading…</p>;
  const source = analysedText(a.title, a.text);
  const titleEnd = (a.title ?? "").length;
  return (
    <div class="article-page">
      <p><a href="/" onClick={(e) => { if (history.length > 1) { e.preventDefault(); history.back(); } }}>← back to results</a></p>
      <article lang={a.lang ?? undefined}>
        <h1><MarkedText source={source} from={0} to={titleEnd} mentions={a.mentions} active={active} /></h1>
        <p class="meta">
          <a href={a.url} rel="noopener noreferrer" target="_blank">{a.source}</a>
          {a.publishedAt && <time dateTime={a.publishedAt}>{a.publishedAt.slice(0, 10)}</time>}
          {a.relevant ? <span class="badge relevant">regulatory · score {a.score.toFixed(2)}</span> : <span class="badge">not regulatory</span>}
          {a.lang && <span>{a.lang}</span>}
        </p>
        <p class="legend" aria-hidden="true">
          <mark class="mention mention-jurisdiction">jurisdiction</mark> <mark class="mention mention-authority">authority</mark>{" "}
          <mark class="mention mention-action">action</mark> <mark class="mention mention-entity">entity</mark>
        </p>
        <div class="article-text"><MarkedText source={source} from={titleEnd + 2} to={source.length} mentions={a.mentions} active={active} /></div>
      </article>
      <div class="article-side">
        <MentionList mentions={a.mentions} active={active} onFocus={setActive} />
        <section class="duplicates" aria-label="Near-duplicates">
          <h3>Copies of this story</h3>
          {a.duplicates.length === 0 ? <p class="muted">none found</p> : (
            <ul>{a.duplicates.map((d) => <li key={d.id}><a href={`/article/${d.id}`}>{d.title ?? d.url}</a> <span class="muted">{d.source} {d.publishedAt?.slice(0, 10)}</span></li>)}</ul>
          )}
        </section>
      </div>
    </div>
  );
}
