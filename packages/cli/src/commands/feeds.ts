import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "@regradar/shared";
import {
  feedIdFor, feedSpecSchema, loadFeeds, parseOpml, redisFeedStateStore, saveFeeds, syncSchedules, type FeedSpec, type FeedState,
} from "@regradar/fetcher";
import { CliError, printJson } from "../cli-error.js";
import { withRedis } from "../redis-context.js";
import { isListening } from "../redis-server.js";

/**
 * Brings the feed schedules in Redis in line with the registry. Registry edits succeed without Redis
 * (the next `regradar run` syncs them), so an unreachable Redis is reported, not fatal; any other
 * failure says why.
 */
async function resync(config: Config, feeds: FeedSpec[]): Promise<{ scheduled: true } | { scheduled: false; reason: string }> {
  if (!config.redisUrl && !(await isListening("127.0.0.1", 6379))) {
    return { scheduled: false, reason: "no Redis reachable: schedules follow at the next `regradar run`" };
  }
  try {
    await withRedis(config, async ({ redis, queues }) => {
      await syncSchedules(queues.feeds, redisFeedStateStore(redis, config.queuePrefix), feeds);
    });
    return { scheduled: true };
  } catch (err) {
    return { scheduled: false, reason: `schedules not synced: ${(err as Error).message}` };
  }
}

/** Feed health needs Redis; without one reachable the list still shows the registry. */
async function feedHealth(config: Config, feeds: FeedSpec[]): Promise<FeedState[] | null> {
  if (!config.redisUrl && !(await isListening("127.0.0.1", 6379))) return null;
  return withRedis(config, async ({ redis }) => {
    const state = redisFeedStateStore(redis, config.queuePrefix);
    return Promise.all(feeds.map((f) => state.get(f.id)));
  }).catch(() => null);
}

export async function feeds(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const config = loadConfig();
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: { id: { type: "string" }, url: { type: "string" }, title: { type: "string" }, interval: { type: "string" }, tag: { type: "string", multiple: true }, json: { type: "boolean" } },
  });
  const registry = await loadFeeds(config.feedsFile);
  switch (sub) {
    case "list": {
      const health = await feedHealth(config, registry);
      const rows = registry.map((f, i) => ({ ...f, health: health?.[i] ?? null }));
      if (values.json) return printJson({ feeds: rows });
      if (rows.length === 0) return void process.stdout.write(`no feeds in ${config.feedsFile}; add one with: regradar feeds add --url <feed-url>\n`);
      for (const r of rows) {
        const h = r.health;
        const status = !h ? "health unknown (Redis not reachable)"
          : h.lastError && (!h.lastSuccessAt || h.lastErrorAt! > h.lastSuccessAt) ? `FAILING x${h.consecutiveFailures}: ${h.lastError}`
          : h.health === "degraded" ? `DEGRADED: ${h.healthReason}; last success ${h.lastSuccessAt}, ${h.itemsSeen} items`
          : h.lastSuccessAt ? `ok, last success ${h.lastSuccessAt}, ${h.itemsSeen} items, every ${h.intervalSeconds}s`
          : h.pollStartedAt ? `first poll in progress since ${h.pollStartedAt}` : "never polled";
        process.stdout.write(`${r.id}\t${r.url}\t${r.tags.join(",")}\t${status}\n`);
      }
      return;
    }
    case "add": {
      if (!values.url) throw new CliError("feeds add: --url is required");
      const parsed = feedSpecSchema.safeParse({
        id: values.id ?? feedIdFor(values.title ?? values.url, new Set(registry.map((f) => f.id))),
        url: values.url, title: values.title, interval: values.interval ?? 900, tags: values.tag ?? [],
      });
      if (!parsed.success) throw new CliError(`feeds add: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      if (registry.some((f) => f.id === parsed.data.id)) throw new CliError(`feeds add: a feed with id ${parsed.data.id} exists`);
      if (registry.some((f) => f.url === parsed.data.url)) throw new CliError(`feeds add: ${parsed.data.url} is already registered`);
      const next = [...registry, parsed.data];
      await saveFeeds(config.feedsFile, next);
      const synced = await resync(config, next);
      return printJson({ added: parsed.data, ...synced });
    }
    case "remove": {
      const id = positionals[0];
      if (!id) throw new CliError("feeds remove: missing <id>");
      if (!registry.some((f) => f.id === id)) throw new CliError(`feeds remove: no feed with id ${id}`);
      const next = registry.filter((f) => f.id !== id);
      await saveFeeds(config.feedsFile, next);
      const synced = await resync(config, next);
      return printJson({ removed: id, ...synced });
    }
    case "import": {
      const file = positionals[0];
      if (!file) throw new CliError("feeds import: missing <opml> file");
      const xml = await readFile(file, "utf8").catch((e) => { throw new CliError(`cannot read ${file}: ${(e as Error).message}`); });
      const taken = new Set(registry.map((f) => f.id));
      const known = new Set(registry.map((f) => f.url));
      const added: FeedSpec[] = [];
      const skipped: Array<{ url: string; reason: string }> = [];
      for (const o of parseOpml(xml)) {
        if (known.has(o.url)) { skipped.push({ url: o.url, reason: "already registered" }); continue; }
        const parsed = feedSpecSchema.safeParse({ id: feedIdFor(o.title ?? o.url, taken), url: o.url, title: o.title, tags: o.tags });
        if (!parsed.success) { skipped.push({ url: o.url, reason: parsed.error.issues[0]!.message }); continue; }
        taken.add(parsed.data.id); known.add(o.url); added.push(parsed.data);
      }
      const next = [...registry, ...added];
      await saveFeeds(config.feedsFile, next);
      const synced = await resync(config, next);
      return printJson({ added: added.length, skipped, ...synced });
    }
    default:
      throw new CliError("usage: regradar feeds list|add --url <u> [--id] [--title] [--interval s] [--tag t]...|remove <id>|import <opml>");
  }
}
