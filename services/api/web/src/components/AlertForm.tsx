import { useState } from "preact/hooks";
import { api, type SubscriptionSummary } from "../api.js";

export interface AlertDraft {
  query?: string; jurisdictions?: string[]; actions?: string[]; entities?: string[]; authorities?: string[]; sources?: string[]; languages?: string[];
}

/** Creates a subscription (POST /api/subscriptions) from a search's query and filters, or from scratch. */
export function AlertForm({ draft, onCreated, onCancel }: { draft: AlertDraft; onCreated(sub: SubscriptionSummary): void; onCancel?(): void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const summary = [draft.query && `"${draft.query}"`, ...Object.entries(draft).filter(([k, v]) => k !== "query" && Array.isArray(v) && v.length).map(([k, v]) => `${k}: ${(v as string[]).join(", ")}`)].filter(Boolean).join("; ");
  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const field = (n: string) => String(form.get(n) ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const mode = field("mode");
      const created = await api<SubscriptionSummary>("/api/subscriptions", {
        method: "POST",
        body: { ...draft, name: field("name"), channel: field("channel"), target: field("target"), mode, ...(mode === "digest" ? { every: field("every") || "1h" } : {}) },
      });
      onCreated(created);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="alert-form" onSubmit={submit} aria-label="Create alert">
      {summary && <p class="muted">Alerts on: {summary}</p>}
      <label>Name <input name="name" required defaultValue={draft.query ? `Search: ${draft.query}` : "My alert"} /></label>
      <label>Channel
        <select name="channel">
          <option value="webhook">webhook</option><option value="email">e-mail</option><option value="slack">Slack</option><option value="telegram">Telegram</option>
        </select>
      </label>
      <label>Target <input name="target" required placeholder="https://… or name@example.org or chat id" /></label>
      <label>Delivery
        <select name="mode"><option value="instant">instant</option><option value="digest">digest</option></select>
      </label>
      <label>Digest every <input name="every" placeholder="1h, 15m, daily@08:00" /></label>
      <div class="actions">
        <button type="submit" disabled={busy}>Create alert</button>
        {onCancel && <button type="button" class="secondary" onClick={onCancel}>Cancel</button>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
