import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, withOverrides, type Config } from "@regradar/shared";
import { cliLogger } from "../cli-logger.js";
import { redisFeedStateStore, saveFeeds } from "@regradar/fetcher";
import type { IndexJobOutcome } from "@regradar/indexer";
import { openStores, type SearchResult } from "@regradar/store";
import { CliError, printJson, useColor } from "../cli-error.js";
import { startDemoServer } from "../demo/demo-server.js";
import { waitForDrain } from "../drain.js";
import { withRedis, type RedisContext } from "../redis-context.js";
import { startStages } from "../stages.js";
import { formatSearchResult } from "./search.js";

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
export async function runDemo(ctx: RedisContext, port: number): Promise<{ summary: DemoSummary; result: SearchResult; relevant: SearchResult; store: string }> {
  const server = await startDemoServer({ port });
  const feedsFile = path.join(ctx.config.dataDir, "demo-feeds.yaml");
  await saveFeeds(feedsFile, server.feeds.map((f) => ({ id: f.id, url: f.url, title: f.title, interval: 3600, tags: f.tags })));
  const state = redisFeedStateStore(ctx.redis, ctx.config.queuePrefix);
  // Each run polls afresh: without this, the second run would answer "unchanged" and show no items.
  for (const f of server.feeds) await state.forget(f.id);

  const config: Config = { ...ctx.config, feedsFile };
  const running = await startStages(config, cliLogger(config), ["fetcher", "extractor", "indexer", "alerter"], { scheduleFeeds: false });
  const counts = { items: 0, articles: 0, indexed: 0, alerts: 0 };
  running.stages.get("fetcher")!.onCompleted((_q, outcome) => { counts.items += (outcome as { items?: number }).items ?? 0; });
  running.stages.get("extractor")!.onCompleted(() => { counts.articles++; });
  running.stages.get("indexer")!.onCompleted((_q, outcome) => { counts.indexed += (outcome as IndexJobOutcome).created; });
  // Alerts delivered during this run: instant ones for stored subscriptions (replays deliver nothing again).
  running.stages.get("alerter")!.onCompleted((queue, outcome) => { if (queue === "deliveries" && outcome === "sent") counts.alerts++; });
  try {
    const runId = Date.now().toString(36);
    await ctx.queues.feeds.enqueueMany(server.feeds.map((f) => ({ name: "poll", data: { feedId: f.id }, jobId: `demo-${runId}-${f.id}` })));
    await waitForDrain(ctx.queues, ["feeds", "articles", "index", "alerts", "deliveries"], 120_000);
  } finally {
    await running.close();
    await server.close();
  }
  const stores = await openStores(config, { articles: true });
  try {
    const relevant = await stores.articles.search({ relevant: true, sources: [new URL(server.url).host], sort: "date", limit: 12 });
    const result = await stores.articles.search({ text: DEMO_QUERY, limit: 5 });
    return {
      result, relevant, store: stores.articles.kind,
      summary: {
        feeds: server.feeds.length, items: counts.items, articles: counts.articles, indexed: counts.indexed, relevant: relevant.total, alerts: counts.alerts,
        search: {
          query: DEMO_QUERY, total: result.total,
          hits: result.hits.map((h) => ({ id: h.id, title: h.title, url: h.url, jurisdictions: h.jurisdictions, actions: h.actions, entities: h.entities })),
        },
      },
    };
  } finally {
    await stores.close();
  }
}

/** regradar demo [--json] [--port N] */
export async function demo(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" }, port: { type: "string", default: "8787" } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected a TCP port, got ${JSON.stringify(values.port)}`);
  const config = demoConfig(loadConfig());
  await withRedis(config, async (ctx) => {
    const started = Date.now();
    const { summary, result, relevant, store } = await runDemo(ctx, port);
    if (values.json) { printJson(summary); return; }
    process.stdout.write([
      `RegRadar demo: ${summary.feeds} feeds polled, ${summary.items} items seen, ${summary.articles} articles extracted, ` +
        `${summary.indexed} newly indexed into ${store}, ${summary.relevant} relevant, ${summary.alerts} alerts (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      "",
      `Relevant articles, newest first (${relevant.hits.length} of ${relevant.total}):`,
      ...relevant.hits.map((h) => `  ${h.publishedAt?.slice(0, 10) ?? "   no date"}  ${(h.title ?? "(untitled)").slice(0, 70).padEnd(70)}  ${h.jurisdictions.join(",") || "-"} | ${h.actions.join(",") || "-"} | ${h.entities.map((e) => e.name).slice(0, 4).join(",") || "-"}`),
      "",
      `Top hits for "${DEMO_QUERY}":`,
      formatSearchResult({ text: DEMO_QUERY }, result, { color: useColor(config) }),
      "",
      `Try: npx regradar search "火币" --json   or   npx regradar search bitcoin --jurisdiction CN --action ban`,
      `Open the web app: REGRADAR_API_PUBLIC_READ=true npx regradar api   then http://${config.api.host}:${config.api.port}/`,
      "",
    ].join("\n"));
  });
}

/**
 * The demo's typed overrides: its own server on 127.0.0.1 allowed, no politeness delay, quiet logs,
 * and queues of its own: feed schedules that `regradar run` left in the same Redis (or a `run` going
 * on right now) neither hold up the demo's drain nor take its jobs.
 */
export function demoConfig(config: Config): Config {
  return withOverrides(config, {
    queuePrefix: `${config.queuePrefix}-demo`,
    allowHosts: [...config.allowHosts, "127.0.0.1"],
    http: { hostDelayMs: 0 },
    // A receiver that is down is retried 8 times; a short backoff dead-letters it within a minute, not eight.
    alerts: { backoffMs: 250 },
    logLevel: config.logLevel === "info" ? "warn" : config.logLevel,
  });
}
