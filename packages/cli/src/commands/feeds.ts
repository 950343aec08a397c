import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig, RedisUnavailableError, type Config } from "@regradar/shared";
import {
  addFeed, FeedAdminError, FeedRegistryError, importOpml, listFeedsWithHealth, pollFeedNow, redisFeedStateStore, removeFeed, type FeedAdminContext,
} from "@regradar/fetcher";
import { CliError, printJson } from "../cli-error.js";
import { withRedis } from "../redis-context.js";
import { isListening } from "../redis-server.js";

/** Runs `fn` with Redis when it is reachable (never starting a private one): registry edits succeed without it. */
async function withFeedAdmin<T>(config: Config, fn: (ctx: FeedAdminContext) => Promise<T>): Promise<T> {
  const bare: FeedAdminContext = { feedsFile: config.feedsFile };
  if (!config.redisUrl && !(await isListening("127.0.0.1", 6379))) return fn(bare);
  let ran = false;
  try {
    return await withRedis(config, ({ redis, queues }) => {
      ran = true;
      return fn({ ...bare, redis: { feeds: queues.feeds, state: redisFeedStateStore(redis, config.queuePrefix) } });
    });
  } catch (err) {
    if (ran || !(err instanceof RedisUnavailableError)) throw err;
    // The edit itself stands; say why health or schedules are missing (a fetcher syncs them when it starts).
    process.stderr.write(`regradar: warning: ${err.message}; feed schedules and health are not updated\n`);
    return fn(bare);
  }
}


export async function feeds(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const config = loadConfig();
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: { id: { type: "string" }, url: { type: "string" }, title: { type: "string" }, interval: { type: "string" }, tag: { type: "string", multiple: true }, json: { type: "boolean" } },
  });
  const arg = (what: string) => {
    if (!positionals[0]) throw new CliError(`feeds ${sub}: missing <${what}>`);
    return positionals[0];
  };
  try {
    switch (sub) {
      case "list": {
        const rows = await withFeedAdmin(config, (ctx) => listFeedsWithHealth(ctx));
        if (values.json) return printJson({ feeds: rows.map(({ health, state, ...f }) => ({ ...f, status: health, health: state })) });
        if (rows.length === 0) return void process.stdout.write(`no feeds in ${config.feedsFile}; add one with: regradar feeds add --url <feed-url>\n`);
        for (const r of rows) {
          const h = r.state;
          const status = !h ? "health unknown (Redis not reachable)"
            : r.health === "failing" ? `FAILING x${h.consecutiveFailures}: ${h.lastError}`
            : r.health === "deferred" ? `deferred until ${h.nextPollNotBefore}${h.lastError ? ` (${h.lastError})` : ""}`
            : r.health === "degraded" ? `DEGRADED: ${h.healthReason}; last success ${h.lastSuccessAt}, ${h.itemsSeen} items`
            : h.lastSuccessAt ? `ok, last success ${h.lastSuccessAt}, ${h.itemsSeen} items, every ${h.intervalSeconds}s`
            : h.pollStartedAt ? `first poll in progress since ${h.pollStartedAt}` : "never polled";
          process.stdout.write(`${r.id}\t${r.url}\t${r.tags.join(",")}\t${status}\n`);
        }
        return;
      }
      case "add":
        return printJson(await withFeedAdmin(config, (ctx) => addFeed(ctx, { url: values.url, id: values.id, title: values.title, interval: values.interval, tags: values.tag })));
      case "remove": {
        const id = arg("id");
        return printJson(await withFeedAdmin(config, (ctx) => removeFeed(ctx, id)));
      }
      case "import": {
        const file = arg("opml");
        const xml = await readFile(file, "utf8").catch((e) => { throw new CliError(`cannot read ${file}: ${(e as Error).message}`); });
        return printJson(await withFeedAdmin(config, (ctx) => importOpml(ctx, xml)));
      }
      case "poll": {
        const id = arg("id");
        // Polling needs the queues: start (or reach) Redis like any producer.
        return printJson(await withRedis(config, ({ redis, queues }) =>
          pollFeedNow({ feedsFile: config.feedsFile, redis: { feeds: queues.feeds, state: redisFeedStateStore(redis, config.queuePrefix) } }, id)));
      }
      default:
        throw new CliError(`unknown command: feeds ${sub ?? ""} (regradar feeds --help lists them)`);
    }
  } catch (err) {
    if (err instanceof FeedAdminError) throw new CliError(`feeds ${sub}: ${err.message}`);
    if (err instanceof FeedRegistryError) throw new CliError(err.message, 1);
    throw err;
  }
}
