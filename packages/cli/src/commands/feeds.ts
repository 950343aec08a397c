import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig, RedisUnavailableError, type Config } from "@regradar/shared";
import {
  FeedRegistryError, feedIdFor, feedSpecSchema, loadFeeds, parseOpml, redisFeedStateStore, saveFeeds, syncSchedules, type FeedSpec,
} from "@regradar/fetcher";
import { CliError, printJson } from "../cli-error.js";
import { withRedis, type RedisContext } from "../redis-context.js";
import { isListening } from "../redis-server.js";

/** Runs `fn` when Redis is reachable (never starting a private one): registry edits succeed without it. */
async function ifRedisReachable<T>(config: Config, fn: (ctx: RedisContext) => Promise<T>): Promise<T | null> {
  if (!config.redisUrl && !(await isListening("127.0.0.1", 6379))) return null;
  return withRedis(config, fn).catch((err: unknown) => {
    if (!(err instanceof RedisUnavailableError)) throw err;
    // The edit itself stands; say why health or schedules are missing (a fetcher syncs them when it starts).
    process.stderr.write(`regradar: warning: ${err.message}; feed schedules and health are not updated\n`);
    return null;
  });
}

async function resync(config: Config, feeds: FeedSpec[]): Promise<boolean> {
  const done = await ifRedisReachable(config, async ({ redis, queues }) => {
    const state = redisFeedStateStore(redis, config.queuePrefix);
    await syncSchedules(queues.feeds, feeds, async (f) => (await state.get(f.id)).intervalSeconds ?? f.interval);
    return true;
  });
  return done === true;
}

export async function feeds(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const config = loadConfig();
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: { id: { type: "string" }, url: { type: "string" }, title: { type: "string" }, interval: { type: "string" }, tag: { type: "string", multiple: true }, json: { type: "boolean" } },
  });
  // add and import create the registry; every other command needs it to exist.
  const registry = await loadFeeds(config.feedsFile, { missingOk: sub === "add" || sub === "import" }).catch((err: unknown) => {
    throw err instanceof FeedRegistryError ? new CliError(err.message, 1) : err;
  });
  switch (sub) {
    case "list": {
      const health = await ifRedisReachable(config, async ({ redis }) => {
        const state = redisFeedStateStore(redis, config.queuePrefix);
        return Promise.all(registry.map((f) => state.get(f.id)));
      });
      const rows = registry.map((f, i) => ({ ...f, health: health?.[i] ?? null }));
      if (values.json) return printJson({ feeds: rows });
      if (rows.length === 0) return void process.stdout.write(`no feeds in ${config.feedsFile}; add one with: regradar feeds add --url <feed-url>\n`);
      for (const r of rows) {
        const h = r.health;
        const status = !h ? "health unknown (Redis not reachable)"
          : h.lastError && (!h.lastSuccessAt || h.lastErrorAt! > h.lastSuccessAt) ? `FAILING x${h.consecutiveFailures}: ${h.lastError}`
          : h.lastSuccessAt ? `ok, last success ${h.lastSuccessAt}, ${h.itemsSeen} items, every ${h.intervalSeconds}s` : "never polled";
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
      return printJson({ added: parsed.data, scheduled: synced });
    }
    case "remove": {
      const id = positionals[0];
      if (!id) throw new CliError("feeds remove: missing <id>");
      if (!registry.some((f) => f.id === id)) throw new CliError(`feeds remove: no feed with id ${id}`);
      const next = registry.filter((f) => f.id !== id);
      await saveFeeds(config.feedsFile, next);
      const synced = await resync(config, next);
      return printJson({ removed: id, scheduled: synced });
    }
    case "import": {
      const file = positionals[0];
      if (!file) throw new CliError("feeds import: missing <opml> file");
      const xml = await readFile(file, "utf8").catch((e) => { throw new CliError(`cannot read ${file}: ${(e as Error).message}`); });
      const taken = new Set(registry.map((f) => f.id));
      const known = new Set(registry.map((f) => f.url));
      const added: FeedSpec[] = [];
      const skipped: Array<{ url: string; reason: string }> = [];
      let outlines: ReturnType<typeof parseOpml>;
      try {
        outlines = parseOpml(xml);
      } catch (err) {
        if (err instanceof FeedRegistryError) throw new CliError(`feeds import: ${file}: ${err.message}`);
        throw err;
      }
      for (const o of outlines) {
        if (known.has(o.url)) { skipped.push({ url: o.url, reason: "already registered" }); continue; }
        const parsed = feedSpecSchema.safeParse({ id: feedIdFor(o.title ?? o.url, taken), url: o.url, title: o.title, tags: o.tags });
        if (!parsed.success) { skipped.push({ url: o.url, reason: parsed.error.issues[0]!.message }); continue; }
        taken.add(parsed.data.id); known.add(o.url); added.push(parsed.data);
      }
      const next = [...registry, ...added];
      await saveFeeds(config.feedsFile, next);
      const synced = await resync(config, next);
      return printJson({ added: added.length, skipped, scheduled: synced });
    }
    default:
      throw new CliError(`unknown command: feeds ${sub ?? ""} (regradar feeds --help lists them)`);
  }
}
