import { api, type Status } from "../api.js";
import { useFetched } from "../url-state.js";

/** For operators: what `regradar status` says, refreshed on demand. */
export function StatusPage() {
  const { data: s, error, reload, loading } = useFetched<Status>("status", (signal) => api("/api/status", { signal }));
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!s) return <p class="muted">loading…</p>;
  return (
    <div class="page status-page">
      <h1>Status</h1>
      <p class={`banner ${s.healthy ? "ok" : "bad"}`} role="status">{s.healthy ? "Healthy" : "Unhealthy"} <small>checked {s.checkedAt.slice(11, 19)} UTC</small>
        <button type="button" class="secondary" onClick={reload} disabled={loading}>Refresh</button></p>
      {[...s.problems, ...s.warnings].length > 0 && <ul class="problems">{s.problems.map((p) => <li class="problem">{p}</li>)}{s.warnings.map((w) => <li class="warning">{w}</li>)}</ul>}
      <div class="cards">
        <section class="card"><h2>Redis</h2><p>{s.redis.reachable ? `reachable, ${s.redis.latencyMs} ms` : "unreachable"}</p></section>
        <section class="card"><h2>Elasticsearch</h2><p>{!s.elasticsearch.configured ? "not used (embedded SQLite)" : s.elasticsearch.reachable ? "reachable" : "unreachable"}</p></section>
        <section class="card"><h2>Store</h2><p>{s.store.kind}: {s.store.documents?.toLocaleString("en") ?? "?"} articles<br /><small>last indexed {s.store.lastIndexedAt?.replace("T", " ").slice(0, 19) ?? "never"}</small></p></section>
        <section class="card"><h2>Feeds</h2><p>{s.feeds.total} feeds<br /><small>{Object.entries(s.feeds.byHealth).filter(([, n]) => n).map(([h, n]) => `${n} ${h.replace("_", " ")}`).join(", ")}</small></p></section>
      </div>
      <h2>Queues</h2>
      <table class="grid">
        <thead><tr><th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Active</th><th scope="col">Delayed</th><th scope="col">Failed</th><th scope="col">Workers</th></tr></thead>
        <tbody>{s.queues.map((q) => <tr key={q.name}><th scope="row">{q.name}</th><td class="num">{q.waiting}</td><td class="num">{q.active}</td><td class="num">{q.delayed}</td><td class="num">{q.failed}</td><td class="num">{q.workers}</td></tr>)}</tbody>
      </table>
      <h2>Dead letters ({s.deadLetters.total})</h2>
      {s.deadLetters.recent.length === 0 ? <p class="muted">none</p> : (
        <table class="grid"><thead><tr><th scope="col">Failed</th><th scope="col">Queue</th><th scope="col">Job</th><th scope="col">Reason</th></tr></thead>
          <tbody>{s.deadLetters.recent.map((d) => <tr key={d.queue + d.jobId}><td><small>{d.failedAt.slice(0, 19).replace("T", " ")}</small></td><td>{d.queue}</td><td><small>{d.jobId}</small></td><td>{d.reason}</td></tr>)}</tbody></table>
      )}
      <h2>Workers ({s.workers.length})</h2>
      {s.workers.length === 0 ? <p class="muted">no worker connected</p> : (
        <table class="grid"><thead><tr><th scope="col">Queue</th><th scope="col">Address</th><th scope="col">Heartbeat</th></tr></thead>
          <tbody>{s.workers.map((w) => <tr><td>{w.queue}</td><td>{w.addr}</td><td>{w.heartbeatAgeSeconds} s ago</td></tr>)}</tbody></table>
      )}
      <p><a href="/admin/queues">Queue board</a> (admin key)</p>
    </div>
  );
}
