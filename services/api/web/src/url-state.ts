import { useEffect, useState } from "preact/hooks";

/** The search as the URL holds it: bookmark or share the address and the same view comes back. */
export interface SearchState {
  q: string;
  filters: Record<FilterKey, string[]>;
  since: string;
  until: string;
  relevant: boolean;
  sort: "relevance" | "date";
  page: number;
}

/** Facet panels and the API's filter parameters, in the order the page shows them. */
export const FILTERS = [
  { key: "jurisdiction", facet: "jurisdictions", label: "Jurisdiction" },
  { key: "authority", facet: "authorities", label: "Authority" },
  { key: "action", facet: "actions", label: "Action" },
  { key: "entity", facet: "entities", label: "Entity" },
  { key: "source", facet: "sources", label: "Source" },
  { key: "lang", facet: "langs", label: "Language" },
] as const;
export type FilterKey = (typeof FILTERS)[number]["key"];

export function readSearchState(search: string): SearchState {
  const p = new URLSearchParams(search);
  return {
    q: p.get("q") ?? "",
    filters: Object.fromEntries(FILTERS.map((f) => [f.key, p.getAll(f.key)])) as Record<FilterKey, string[]>,
    since: p.get("since") ?? "",
    until: p.get("until") ?? "",
    relevant: p.get("relevant") === "true",
    sort: p.get("sort") === "date" ? "date" : "relevance",
    page: Math.max(1, Number(p.get("page")) || 1),
  };
}

/** The state as query parameters: the page's URL and the API call share them (GET /api/search takes the same names). */
export function searchParamsOf(s: SearchState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const f of FILTERS) for (const v of s.filters[f.key]) p.append(f.key, v);
  if (s.since) p.set("since", s.since);
  if (s.until) p.set("until", s.until);
  if (s.relevant) p.set("relevant", "true");
  if (s.sort !== "relevance") p.set("sort", s.sort);
  if (s.page > 1) p.set("page", String(s.page));
  return p;
}

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** The current location, re-read on every navigation (links, back/forward). */
export function useLocation(): { path: string; search: string } {
  const [loc, setLoc] = useState({ path: location.pathname, search: location.search });
  useEffect(() => {
    const update = () => setLoc({ path: location.pathname, search: location.search });
    addEventListener("popstate", update);
    return () => removeEventListener("popstate", update);
  }, []);
  return loc;
}

/** Client-side navigation for same-origin links, keeping new-tab clicks native. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as HTMLElement).closest("a");
  if (!a || a.target || a.origin !== location.origin || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  if (a.pathname.startsWith("/api/") || a.pathname.startsWith("/admin/") || a.pathname.startsWith("/unsubscribe/")) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}

/** Data fetched for a key (a URL): loading, the value, or the error; re-fetched when the key changes. */
export function useFetched<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): { data: T | null; error: Error | null; loading: boolean; reload(): void } {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({ data: null, error: null, loading: key !== null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (key === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(ctl.signal).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: Error) => { if (!ctl.signal.aborted) setState({ data: null, error, loading: false }); },
    );
    return () => ctl.abort();
  }, [key, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
