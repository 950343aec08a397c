import type { SearchResult } from "../api.js";
import { FILTERS, type FilterKey } from "../url-state.js";

const ACTION_LABELS: Record<string, string> = { shutdown_order: "shutdown order", aml_kyc: "AML/KYC", platform_liability: "platform liability" };
export const facetLabel = (key: FilterKey, value: string) => (key === "action" ? ACTION_LABELS[value] ?? value : value);

/** One facet (jurisdiction, action, …): its values for the current results; clicking one narrows, clicking again widens. */
export function FacetPanel({ filter, counts, selected, onToggle }: {
  filter: (typeof FILTERS)[number]; counts: SearchResult["facets"][keyof SearchResult["facets"]]; selected: string[]; onToggle(value: string): void;
}) {
  const shown = [...counts];
  for (const v of selected) if (!shown.some((c) => c.value === v)) shown.unshift({ value: v, count: 0 });
  if (shown.length === 0) return null;
  const id = `facet-${filter.key}`;
  return (
    <section class="facet" aria-labelledby={id}>
      <h3 id={id}>{filter.label}</h3>
      <ul>
        {shown.slice(0, 12).map((c) => {
          const on = selected.includes(c.value);
          return (
            <li key={c.value}>
              <button type="button" class={on ? "facet-value on" : "facet-value"} aria-pressed={on} onClick={() => onToggle(c.value)}
                data-facet={filter.key} data-value={c.value}>
                <span class="facet-name">{facetLabel(filter.key, c.value)}</span>
                <span class="count">{c.count}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
