import { countDeadLetters, listDeadLetters, QUEUE_KEYS, queueCatalog, type DeadLetter, type Queues } from "@regradar/shared";
import { listFeedsWithHealth, redisFeedStateStore, type FeedStanding } from "@regradar/fetcher";
import type { ArticleStore } from "@regradar/store";
import type { RedisClient } from "@regradar/shared";

/** What `regradar status` and `GET /api/status` report: one collection, two doors. */
export interface Status {
  healthy: boolean;
  /** Why not healthy, one line each. */
  problems: string[];
  /** Worth a look, but the pipeline runs: dead letters, failing feeds. */
  warnings: string[];
  checkedAt: string;
  redis: { reachable: boolean; latencyMs: number | null };
  elasticsearch: { configured: boolean; reachable: boolean | null };
  store: { kind: string; reachable: boolean; documents: number | null; lastIndexedAt: string | null };
  queues: Array<{ name: string; waiting: number; active: number; delayed: number; failed: number; workers: number }>;
  deadLetters: { total: number; recent: DeadLetter[] };
  workers: Array<{ queue: string; addr: string; heartbeatAgeSeconds: number; connectedSeconds: number }>;
  feeds: { total: number; byHealth: Record<FeedStanding, number>; failing: Array<{ id: string; url: string; health: FeedStanding; lastError: string | null; consecutiveFailures: number; nextPollNotBefore: string | null }> };
}

export interface StatusPorts {
  redis: RedisClient;
  queues: Queues;
  /** Only what status reads: a store that could not be opened is reported, not fatal. */
  articles: Pick<ArticleStore, "kind" | "count" | "lastIndexedAt">;
  feedsFile: string;
  prefix: string;
  elasticsearch: boolean;
  now?: () => Date;
}

// A worker blocks on Redis for at most a few seconds between commands; a minute of silence is a hung one.
const STALE_WORKER_SECONDS = 60;
const RECENT_DEAD_LETTERS = 20;

const attempt = async <T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> => {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
};

/**
 * Every part an operator asks about, each checked on its own so one part down still leaves the
 * others reported. Unhealthy: Redis or the store unreachable, or a queue with work and no live
 * worker. Dead letters and failing feeds are warnings: the pipeline still runs.
 */
export async function collectStatus(ports: StatusPorts): Promise<Status> {
  const now = (ports.now ?? (() => new Date()))();
  const problems: string[] = [];
  const warnings: string[] = [];

  const started = Date.now();
  const ping = await attempt(() => ports.redis.ping());
  const redisUp = ping.ok;
  if (!ping.ok) problems.push(`redis unreachable: ${ping.error}`);

  const [documents, lastIndexedAt] = await Promise.all([attempt(() => ports.articles.count()), attempt(() => ports.articles.lastIndexedAt())]);
  if (!documents.ok) problems.push(`${ports.articles.kind} store unreachable: ${documents.error}`);

  const queues: Status["queues"] = [];
  const workers: Status["workers"] = [];
  let deadLetters: Status["deadLetters"] = { total: 0, recent: [] };
  let feeds: Status["feeds"] = { total: 0, byHealth: { ok: 0, degraded: 0, failing: 0, deferred: 0, never_polled: 0, unknown: 0 }, failing: [] };
  if (redisUp) {
    for (const key of QUEUE_KEYS) {
      const handle = ports.queues[key];
      const [counts, live] = await Promise.all([handle.counts("waiting", "active", "delayed", "failed", "prioritized"), handle.workers()]);
      const fresh = live.filter((w) => w.idleSeconds < STALE_WORKER_SECONDS);
      queues.push({
        name: queueCatalog[key].name, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0,
        delayed: counts.delayed ?? 0, failed: counts.failed ?? 0, workers: fresh.length,
      });
      workers.push(...live.map((w) => ({ queue: queueCatalog[key].name, addr: w.addr, heartbeatAgeSeconds: w.idleSeconds, connectedSeconds: w.ageSeconds })));
      const q = queues.at(-1)!;
      if (q.waiting + q.active > 0 && fresh.length === 0) problems.push(`queue ${q.name}: ${q.waiting + q.active} jobs and no live worker`);
    }
    const [total, recent] = await Promise.all([countDeadLetters(ports.redis, ports.prefix), listDeadLetters(ports.redis, ports.prefix, RECENT_DEAD_LETTERS)]);
    deadLetters = { total, recent };
    if (total > 0) warnings.push(`${total} dead letter${total === 1 ? "" : "s"} (regradar dlq list)`);
  }
  const list = await attempt(() => listFeedsWithHealth({
    feedsFile: ports.feedsFile,
    ...(redisUp ? { redis: { feeds: ports.queues.feeds, state: redisFeedStateStore(ports.redis, ports.prefix) } } : {}),
  }, now));
  if (list.ok) {
    for (const f of list.value) feeds.byHealth[f.health]++;
    feeds = {
      total: list.value.length, byHealth: feeds.byHealth,
      failing: list.value.filter((f) => f.health === "failing" || f.health === "deferred").map((f) => ({
        id: f.id, url: f.url, health: f.health, lastError: f.state?.lastError ?? null,
        consecutiveFailures: f.state?.consecutiveFailures ?? 0, nextPollNotBefore: f.state?.nextPollNotBefore ?? null,
      })),
    };
    if (feeds.byHealth.failing > 0) warnings.push(`${feeds.byHealth.failing} feed${feeds.byHealth.failing === 1 ? "" : "s"} failing`);
  } else {
    problems.push(`feed registry unreadable: ${list.error}`);
  }

  return {
    healthy: problems.length === 0,
    problems,
    warnings,
    checkedAt: now.toISOString(),
    redis: { reachable: redisUp, latencyMs: redisUp ? Date.now() - started : null },
    elasticsearch: { configured: ports.elasticsearch, reachable: ports.elasticsearch ? documents.ok : null },
    store: { kind: ports.articles.kind, reachable: documents.ok, documents: documents.ok ? documents.value : null, lastIndexedAt: lastIndexedAt.ok ? lastIndexedAt.value : null },
    queues, deadLetters, workers, feeds,
  };
}

/** The human view of `regradar status`. */
export function formatStatus(s: Status): string {
  const lines = [
    `${s.healthy ? "HEALTHY" : "UNHEALTHY"}  (${s.checkedAt})`,
    ...s.problems.map((p) => `  ! ${p}`),
    ...s.warnings.map((w) => `  - ${w}`),
    "",
    `redis          ${s.redis.reachable ? `reachable (${s.redis.latencyMs} ms)` : "UNREACHABLE"}`,
    `elasticsearch  ${!s.elasticsearch.configured ? "not configured (embedded SQLite index)" : s.elasticsearch.reachable ? "reachable" : "UNREACHABLE"}`,
    `store          ${s.store.kind}: ${s.store.documents ?? "?"} documents, last indexed ${s.store.lastIndexedAt ?? "never"}`,
    "",
    "queue        waiting  active  delayed  failed  workers",
    ...s.queues.map((q) => `${q.name.padEnd(12)} ${String(q.waiting).padStart(7)} ${String(q.active).padStart(7)} ${String(q.delayed).padStart(8)} ${String(q.failed).padStart(7)} ${String(q.workers).padStart(8)}`),
    "",
    `dead letters   ${s.deadLetters.total}`,
    ...s.deadLetters.recent.slice(0, 5).map((d) => `  ${d.failedAt}  ${d.queue}/${d.jobId}: ${d.reason}`),
    `workers        ${s.workers.length} connected${s.workers.length ? `, oldest heartbeat ${Math.max(...s.workers.map((w) => w.heartbeatAgeSeconds))} s ago` : ""}`,
    `feeds          ${s.feeds.total}: ${Object.entries(s.feeds.byHealth).filter(([, n]) => n > 0).map(([h, n]) => `${n} ${h.replace("_", " ")}`).join(", ") || "none"}`,
    ...s.feeds.failing.map((f) => `  ${f.id} ${f.health}${f.lastError ? `: ${f.lastError}` : ""}`),
  ];
  return lines.join("\n");
}
