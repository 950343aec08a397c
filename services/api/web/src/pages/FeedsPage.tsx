import { api, type FeedRow } from "../api.js";
import { ActionMessageLine, useActions } from "../components/ActionMessage.js";
import { useFetched } from "../url-state.js";

const HEALTH_LABEL: Record<FeedRow["health"], string> = { ok: "ok", degraded: "degraded", failing: "failing", deferred: "deferred", never_polled: "never polled", unknown: "unknown" };

/** Feeds: health at a glance, poll now, add, import OPML, remove. */
export function FeedsPage() {
  const { data, error, reload } = useFetched<{ feeds: FeedRow[] }>("feeds", (signal) => api("/api/feeds", { signal }));
  const { message, act } = useActions(reload);
  const add = (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const title = String(f.get("title") ?? "").trim();
    void act(async () => {
      const r = await api<{ added: { id: string } }>("/api/feeds", { method: "POST", body: { url: String(f.get("url")).trim(), ...(title ? { title } : {}) } });
      form.reset();
      return `added ${r.added.id}`;
    });
  };
  const importFile = (e: Event) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    void act(async () => {
      const r = await api<{ added: number; skipped: unknown[] }>("/api/feeds/import", { method: "POST", body: await file.text(), contentType: "text/xml" });
      return `imported ${r.added} feeds, skipped ${r.skipped.length}`;
    });
  };
  const counts = data ? Object.entries(Object.groupBy(data.feeds, (f) => f.health)).map(([h, l]) => `${l!.length} ${HEALTH_LABEL[h as FeedRow["health"]]}`).join(", ") : "";
  return (
    <div class="page">
      <h1>Feeds</h1>
      {data && <p class="muted">{data.feeds.length} feeds: {counts}</p>}
      <form class="inline-form" onSubmit={add} aria-label="Add feed">
        <label>Feed URL <input name="url" type="url" required placeholder="https://example.org/feed.xml" /></label>
        <label>Title <input name="title" /></label>
        <button type="submit">Add feed</button>
        <label class="file">Import OPML <input type="file" accept=".opml,.xml,text/xml" onChange={importFile} /></label>
      </form>
      <ActionMessageLine message={message} />
      {error && <p class="error" role="alert">{error.message}</p>}
      {data && (
        <table class="grid">
          <caption class="visually-hidden">Feeds</caption>
          <thead><tr><th scope="col">Feed</th><th scope="col">Health</th><th scope="col">Last success</th><th scope="col">Items</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {data.feeds.map((f) => (
              <tr key={f.id} data-id={f.id}>
                <td><strong>{f.title ?? f.id}</strong><br /><small class="muted">{f.url}</small></td>
                <td><span class={`health health-${f.health}`}>{HEALTH_LABEL[f.health]}</span>
                  {f.state?.lastError && f.health !== "ok" && <><br /><small>{f.state.lastError}</small></>}
                  {f.health === "deferred" && <><br /><small>until {f.state?.nextPollNotBefore?.slice(0, 16).replace("T", " ")}</small></>}</td>
                <td><small>{f.state?.lastSuccessAt?.slice(0, 16).replace("T", " ") ?? "—"}</small></td>
                <td class="num">{f.state?.itemsSeen ?? "—"}</td>
                <td class="row-actions">
                  <button type="button" class="secondary" onClick={() => act(async () => { await api(`/api/feeds/${f.id}/poll`, { method: "POST" }); return `poll of ${f.id} queued`; })}>Poll now</button>
                  <button type="button" class="danger" onClick={() => confirm(`Remove feed ${f.id}?`) && act(async () => { await api(`/api/feeds/${f.id}`, { method: "DELETE" }); return `removed ${f.id}`; })}>Remove</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
