import path from "node:path";
import { parseArgs } from "node:util";
import { createLogger, loadConfig, type SearchResult } from "@regradar/shared";
import { redisFeedStateStore, saveFeeds } from "@regradar/fetcher";
import { CliError, printJson } from "../cli-error.js";
import { startDemoServer } from "../demo/demo-server.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { startWorkers } from "../workers.js";
import { formatSearchResult } from "./search.js";
import { waitForDrain } from "../drain.js";

export const DEMO_QUERY = "exchange shutdown";

export interface DemoSummary {
  feeds: number;
  items: number;
  articles: number;
  indexed: number;
  relevant: number;
  alerts: number;
  search: { query: string; total: number; hits: Array<{ id: string; title: string | null; url: string; jurisdictions: string[]; actions: string[]; entities: Array<{ name: string; type: string }> }> };
}

/**
 * The whole pipeline, offline: bundled feeds served on 127.0.0.1 at a stable port (so article
 * ids repeat from run to run), every stage through Redis, into the configured store.
 */
export async function runDemo(rt: Runtime, port: number): Promise<{ summary: DemoSummary; result: SearchResult; relevant: SearchResult }> {
  const server = await startDemoServer({ port });
  const feedsFile = path.join(rt.config.dataDir, "demo-feeds.yaml");
  await saveFeeds(feedsFile, server.feeds.map((f) => ({ id: f.id, url: f.url, title: f.title, interval: 3600, tags: f.tags })));
  const state = redisFeedStateStore(rt.redis, rt.config.queuePrefix);
  // Each run polls afresh: without this, the second run would answer "unchanged" and show no items.
  for (const f of server.feeds) await state.forget(f.id);

  const running = startWorkers(rt, ["fetcher", "extractor", "indexer", "alerter"], { feedsFile });
  // Alerts delivered during this run: instant ones for stored subscriptions (replays deliver nothing again).
  let alerts = 0;
  running.alerter!.deliveries.on("completed", (_job, outcome: string) => { if (outcome === "sent") alerts++; });
  const counts = { items: 0, articles: 0, indexed: 0 };
  running.workers.get("fetcher")!.on("completed", (_job, outcome: { status: string; items?: number }) => { counts.items += outcome.items ?? 0; });
  running.workers.get("extractor")!.on("completed", () => { counts.articles++; });
  running.workers.get("indexer")!.on("completed", (_job, status: string) => { if (status === "created") counts.indexed++; });
  try {
    const runId = Date.now().toString(36);
    for (const f of server.feeds) {
      await rt.queues.get("feeds").add("poll", { feedId: f.id }, { jobId: `demo-${runId}-${f.id}` });
    }
    await waitForDrain(rt.queues, ["feeds", "articles", "index", "alerts", "deliveries"], 120_000);
  } finally {
    await running.close();
    await server.close();
  }
  const relevant = await rt.store.search({ relevant: true, sources: [new URL(server.url).host], sort: "date", limit: 12 });
  const result = await rt.store.search({ text: DEMO_QUERY, limit: 5 });
  return {
    result,
    relevant,
    summary: {
      feeds: server.feeds.length, items: counts.items, articles: counts.articles, indexed: counts.indexed, relevant: relevant.total, alerts,
      search: {
        query: DEMO_QUERY, total: result.total,
        hits: result.hits.map((h) => ({ id: h.id, title: h.title, url: h.url, jurisdictions: h.jurisdictions, actions: h.actions, entities: h.entities })),
      },
    },
  };
}

/** regradar demo [--json] [--port N] */
export async function demo(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" }, port: { type: "string", default: "8787" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected a TCP port, got ${JSON.stringify(values.port)}`);
  const env = { ...process.env };
  // The demo's own server lives on 127.0.0.1; nothing else is allowed through the guard.
  env.REGRADAR_ALLOW_HOSTS = [env.REGRADAR_ALLOW_HOSTS, "127.0.0.1"].filter(Boolean).join(",");
  env.REGRADAR_HOST_DELAY_MS ??= "0";
  // A receiver that is down is retried 8 times; a short backoff dead-letters it within a minute, not eight.
  env.REGRADAR_ALERT_BACKOFF_MS ??= "250";
  env.REGRADAR_LOG_LEVEL ??= "warn";
  const config = loadConfig(env);
  const rt = await openRuntime(config, createLogger(config.logLevel));
  try {
    const started = Date.now();
    const { summary, result, relevant } = await runDemo(rt, port);
    if (values.json) { printJson(summary); return; }
    process.stdout.write([
      `RegRadar demo: ${summary.feeds} feeds polled, ${summary.items} items seen, ${summary.articles} articles extracted, ` +
        `${summary.indexed} newly indexed into ${rt.store.kind}, ${summary.relevant} relevant, ${summary.alerts} alerts (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      "",
      `Relevant articles, newest first (${relevant.hits.length} of ${relevant.total}):`,
      ...relevant.hits.map((h) => `  ${h.publishedAt?.slice(0, 10) ?? "   no date"}  ${(h.title ?? "(untitled)").slice(0, 70).padEnd(70)}  ${h.jurisdictions.join(",") || "-"} | ${h.actions.join(",") || "-"} | ${h.entities.map((e) => e.name).slice(0, 4).join(",") || "-"}`),
      "",
      `Top hits for "${DEMO_QUERY}":`,
      formatSearchResult({ text: DEMO_QUERY }, result),
      "",
      `Try: npx regradar search "火币" --json   or   npx regradar search bitcoin --jurisdiction CN --action ban`,
      "",
    ].join("\n"));
  } finally {
    await rt.close();
  }
}
