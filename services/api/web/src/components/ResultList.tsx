import { useState } from "preact/hooks";
import type { SearchHit } from "../api.js";
import { facetLabel } from "./FacetPanel.js";
import { EvidenceText } from "./EvidenceText.js";

/** Near-duplicate copies grouped under the story they copy (when both are on the page). */
function groupCopies(hits: SearchHit[]): Array<{ head: SearchHit; copies: SearchHit[] }> {
  const groups = new Map<string, { head: SearchHit; copies: SearchHit[] }>();
  for (const h of hits) {
    const original = h.duplicateOf && groups.has(h.duplicateOf) ? h.duplicateOf : null;
    if (original) groups.get(original)!.copies.push(h);
    else groups.set(h.id, { head: h, copies: [] });
  }
  return [...groups.values()];
}

function ResultItem({ hit }: { hit: SearchHit }) {
  return (
    <article class="result" data-id={hit.id}>
      <h3><a href={`/article/${hit.id}`}>{hit.title ?? "(untitled)"}</a></h3>
      <p class="meta">
        <span>{hit.source}</span>
        {hit.publishedAt && <time dateTime={hit.publishedAt}>{hit.publishedAt.slice(0, 10)}</time>}
        {hit.relevant ? <span class="badge relevant">regulatory</span> : <span class="badge">other</span>}
      </p>
      <ul class="tags" aria-label="Extracted">
        {hit.jurisdictions.map((j) => <li class="tag tag-jurisdiction">{j}</li>)}
        {hit.actions.map((a) => <li class="tag tag-action">{facetLabel("action", a)}</li>)}
        {hit.authorities.slice(0, 3).map((a) => <li class="tag tag-authority">{a}</li>)}
        {hit.entities.slice(0, 5).map((e) => <li class="tag tag-entity">{e.name}</li>)}
      </ul>
      {hit.highlights.slice(0, 2).map((h) => <p class="snippet"><EvidenceText html={h} /></p>)}
    </article>
  );
}

/** The hits, copies collapsed behind "+N copies". */
export function ResultList({ hits }: { hits: SearchHit[] }) {
  const [open, setOpen] = useState<Set<string>>(new Set());
  return (
    <ol class="results">
      {groupCopies(hits).map(({ head, copies }) => (
        <li key={head.id}>
          <ResultItem hit={head} />
          {copies.length > 0 && (
            <div class="copies">
              <button type="button" class="link" aria-expanded={open.has(head.id)}
                onClick={() => setOpen((s) => { const n = new Set(s); if (n.has(head.id)) n.delete(head.id); else n.add(head.id); return n; })}>
                {open.has(head.id) ? "hide copies" : `+${copies.length} ${copies.length === 1 ? "copy" : "copies"}`}
              </button>
              {open.has(head.id) && <ol class="results nested">{copies.map((c) => <li key={c.id}><ResultItem hit={c} /></li>)}</ol>}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
