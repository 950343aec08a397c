import { useState } from "preact/hooks";
import { api, type SubscriptionSummary } from "../api.js";
import { AlertForm } from "../components/AlertForm.js";
import { ActionMessageLine, useActions } from "../components/ActionMessage.js";
import { useFetched } from "../url-state.js";

function describeFilters(s: SubscriptionSummary): string {
  const f = s.filters;
  return [
    s.query && `"${s.query}"`, f.jurisdictions.length && `jurisdiction ${f.jurisdictions.join("|")}`, f.actions.length && `action ${f.actions.join("|")}`,
    f.entities.length && `entity ${f.entities.join("|")}`, f.authorities.length && `authority ${f.authorities.join("|")}`,
    f.sources.length && `source ${f.sources.join("|")}`, f.languages.length && `lang ${f.languages.join("|")}`, f.minScore !== null && `score ≥ ${f.minScore}`,
  ].filter(Boolean).join(", ") || "everything";
}

/** Alerts: list with delivery counts, create, send a test, remove. */
export function SubscriptionsPage() {
  const { data, error, reload } = useFetched<{ subscriptions: SubscriptionSummary[] }>("subscriptions", (signal) => api("/api/subscriptions", { signal }));
  const { message, setMessage, act } = useActions(reload);
  const [creating, setCreating] = useState(false);
  return (
    <div class="page">
      <h1>Alerts</h1>
      <p><button type="button" onClick={() => setCreating(!creating)} aria-expanded={creating}>New alert</button></p>
      {creating && <AlertForm draft={{}} onCreated={(s) => { setCreating(false); setMessage({ text: `created ${s.name} (${s.id})${s.secret ? `; webhook secret (shown once): ${s.secret}` : ""}` }); reload(); }} onCancel={() => setCreating(false)} />}
      <ActionMessageLine message={message} />
      {error && <p class="error" role="alert">{error.message}</p>}
      {data && (data.subscriptions.length === 0 ? <p class="muted">No alerts yet: search, then "Alert me on this search".</p> : (
        <table class="grid">
          <caption class="visually-hidden">Subscriptions</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Matches</th><th scope="col">Delivery</th><th scope="col">Sent</th><th scope="col">Failed</th><th scope="col">Last</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {data.subscriptions.map((s) => (
              <tr key={s.id} data-id={s.id}>
                <td><strong>{s.name}</strong>{!s.active && <span class="badge">off</span>}<br /><small class="muted">{s.id}</small></td>
                <td>{describeFilters(s)}</td>
                <td>{s.channel} → <span class="target">{s.target}</span><br /><small>{s.mode === "digest" ? `digest every ${s.every}` : "instant"}</small></td>
                <td class="num">{s.deliveries.sent}</td>
                <td class="num">{s.deliveries.failed}</td>
                <td><small>{s.deliveries.lastDeliveryAt ? `${s.deliveries.lastStatus} ${s.deliveries.lastDeliveryAt.slice(0, 16).replace("T", " ")}` : "—"}</small></td>
                <td class="row-actions">
                  <button type="button" class="secondary" onClick={() => act(async () => {
                    const r = await api<{ ok: boolean; error: string | null }>(`/api/subscriptions/${s.id}/test`, { method: "POST" });
                    if (!r.ok) throw new Error(`test alert failed: ${r.error}`);
                    return `test alert sent to ${s.target}`;
                  })}>Test</button>
                  <button type="button" class="danger" onClick={() => confirm(`Remove alert ${s.name}?`) && act(async () => { await api(`/api/subscriptions/${s.id}`, { method: "DELETE" }); return `removed ${s.name}`; })}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
