import { useEffect, useRef, useState } from "preact/hooks";
import { api, type SearchResult, type SubscriptionSummary } from "../api.js";
import { AlertForm } from "../components/AlertForm.js";
import { DateHistogram } from "../components/DateHistogram.js";
import { FacetPanel, facetLabel } from "../components/FacetPanel.js";
import { QueryHelp } from "../components/QueryHelp.js";
import { ResultList } from "../components/ResultList.js";
import { FILTERS, navigate, readSearchState, searchParamsOf, useFetched, type FilterKey, type SearchState } from "../url-state.js";

const PAGE_SIZE = 20;

/** Search: the query box, facet panels, the date histogram, results; every bit of state in the URL. */
export function SearchPage({ search }: { search: string }) {
  const state = readSearchState(search);
  const params = searchParamsOf(state);
  params.set("size", String(PAGE_SIZE));
  const apiQuery = params.toString();
  const { data, error, loading } = useFetched<SearchResult>(apiQuery, (signal) => api(`/api/search?${apiQuery}`, { signal }));
  const [alerting, setAlerting] = useState(false);
  const [created, setCreated] = useState<SubscriptionSummary | null>(null);
  const input = useRef<HTMLInputElement>(null);

  // "/" jumps to the search box, as on most search pages.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "/" && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement)) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  const go = (next: Partial<SearchState>) => {
    const p = searchParamsOf({ ...state, page: 1, ...next }).toString();
    navigate(`/${p ? `?${p}` : ""}`);
  };
  const toggle = (key: FilterKey, value: string) => {
    const list = state.filters[key];
    go({ filters: { ...state.filters, [key]: list.includes(value) ? list.filter((v) => v !== value) : [...list, value] } });
  };
  const active = FILTERS.flatMap((f) => state.filters[f.key].map((v) => ({ f, v })));
  const pages = data ? Math.ceil(data.total / PAGE_SIZE) : 0;

  return (
    <div class="search-page">
      <form class="search-bar" role="search" onSubmit={(e) => { e.preventDefault(); go({ q: input.current?.value.trim() ?? "" }); }}>
        <label for="q" class="visually-hidden">Search articles</label>
        <input id="q" ref={input} type="search" name="q" defaultValue={state.q} key={state.q} placeholder='e.g. exchange shutdown, 火币, "initial coin offering" -price' autoComplete="off" />
        <button type="submit">Search</button>
        <label class="inline"><input type="checkbox" checked={state.relevant} onChange={(e) => go({ relevant: (e.target as HTMLInputElement).checked })} /> regulatory only</label>
        <label class="inline">Sort
          <select value={state.sort} onChange={(e) => go({ sort: (e.target as HTMLSelectElement).value as SearchState["sort"] })}>
            <option value="relevance">relevance</option><option value="date">newest</option>
          </select>
        </label>
      </form>
      <QueryHelp />
      <div class="search-body">
        <aside class="facets" aria-label="Filters">
          {data && FILTERS.map((f) => <FacetPanel key={f.key} filter={f} counts={data.facets[f.facet]} selected={state.filters[f.key]} onToggle={(v) => toggle(f.key, v)} />)}
        </aside>
        <main class="results-column" aria-busy={loading}>
          {data && <DateHistogram histogram={data.histogram} since={state.since} until={state.until} onRange={(since, until) => go({ since, until })} />}
          <div class="results-head">
            <p class="total" aria-live="polite" data-testid="total">
              {error ? "" : data ? `${data.total.toLocaleString("en")} ${data.total === 1 ? "article" : "articles"}` : "searching…"}
              {state.since || state.until ? ` · ${state.since || "…"} to ${state.until || "…"}` : ""}
            </p>
            {active.length > 0 && (
              <ul class="chips" aria-label="Active filters">
                {active.map(({ f, v }) => (
                  <li><button type="button" class="chip" onClick={() => toggle(f.key, v)} aria-label={`Remove filter ${f.label} ${v}`}>{f.label}: {facetLabel(f.key, v)} ×</button></li>
                ))}
              </ul>
            )}
            <button type="button" class="secondary" onClick={() => { setAlerting(!alerting); setCreated(null); }} aria-expanded={alerting}>Alert me on this search</button>
          </div>
          {alerting && !created && (
            <AlertForm
              draft={{ query: state.q || undefined, jurisdictions: state.filters.jurisdiction, actions: state.filters.action, entities: state.filters.entity, authorities: state.filters.authority, sources: state.filters.source, languages: state.filters.lang }}
              onCreated={(s) => setCreated(s)} onCancel={() => setAlerting(false)} />
          )}
          {created && (
            <p class="notice" role="status">Alert <strong>{created.name}</strong> created ({created.id}).
              {created.secret && <> Webhook signing secret (shown once): <code>{created.secret}</code></>} <a href="/subscriptions">Manage alerts</a></p>
          )}
          {error && <p class="error" role="alert">{error.message}</p>}
          {data && <ResultList hits={data.hits} />}
          {pages > 1 && (
            <nav class="pager" aria-label="Pages">
              <button type="button" disabled={state.page <= 1} onClick={() => go({ page: state.page - 1 })}>← previous</button>
              <span>page {state.page} of {pages}</span>
              <button type="button" disabled={state.page >= pages} onClick={() => go({ page: state.page + 1 })}>next →</button>
            </nav>
          )}
        </main>
      </div>
    </div>
  );
}
