import { parseArgs } from "node:util";
import { listDeadLetters, loadConfig, type Config } from "@regradar/shared";
import { collectStatus, formatStatus, replayDeadLetters } from "@regradar/api";
import { openStores, type ArticleStore } from "@regradar/store";
import { CliError, printJson } from "../cli-error.js";
import { withRedis } from "../redis-context.js";

type StatusStore = Pick<ArticleStore, "kind" | "count" | "lastIndexedAt">;

/** The configured store, or one that reports why it could not be opened: status still reports the rest. */
async function openStatusStore(config: Config): Promise<{ store: StatusStore; close(): Promise<void> }> {
  try {
    const stores = await openStores(config, { articles: true });
    return { store: stores.articles, close: () => stores.close() };
  } catch (err) {
    const fail = () => Promise.reject(err);
    return { store: { kind: config.elasticsearch ? "elasticsearch" : "sqlite", count: fail, lastIndexedAt: fail }, close: async () => {} };
  }
}

/** regradar status [--json]: exits 1 when unhealthy, so it serves as a container health check. */
export async function status(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: "boolean" } } });
  const config = loadConfig();
  const report = await withRedis(config, async ({ redis, queues }) => {
    const { store, close } = await openStatusStore(config);
    try {
      return await collectStatus({ redis, queues, articles: store, feedsFile: config.feedsFile, prefix: config.queuePrefix, elasticsearch: Boolean(config.elasticsearch) });
    } finally {
      await close();
    }
  });
  if (values.json) printJson(report);
  else process.stdout.write(`${formatStatus(report)}\n`);
  if (!report.healthy) process.exitCode = 1;
}

const DLQ_USAGE = "usage: regradar dlq list [--queue q] [--limit n] [--json] | dlq replay --queue q | --id <job id> | --all";

/** regradar dlq list|replay: jobs that exhausted their attempts, and putting them back to work. */
export async function dlq(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { queue: { type: "string" }, id: { type: "string" }, all: { type: "boolean" }, limit: { type: "string" }, json: { type: "boolean" } } });
  const config = loadConfig();
  switch (sub) {
    case "list": {
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit: expected a positive integer, got ${JSON.stringify(values.limit)}`);
      const letters = await withRedis(config, async ({ redis }) =>
        (await listDeadLetters(redis, config.queuePrefix, values.queue ? 10_000 : limit)).filter((d) => !values.queue || d.queue === values.queue).slice(0, limit));
      if (values.json) return printJson({ deadLetters: letters });
      if (letters.length === 0) return void process.stdout.write("no dead letters\n");
      for (const d of letters) process.stdout.write(`${d.failedAt}  ${d.queue}  ${d.jobId}  after ${d.attempts} attempts: ${d.reason}\n`);
      return;
    }
    case "replay": {
      if (!values.all && !values.queue && !values.id) throw new CliError(DLQ_USAGE);
      const outcome = await withRedis(config, ({ redis, queues }) => replayDeadLetters(redis, queues, config.queuePrefix, { queue: values.queue, id: values.id, all: values.all }));
      printJson(outcome);
      if (outcome.refused.length) process.exitCode = 1;
      return;
    }
    default:
      throw new CliError(DLQ_USAGE);
  }
}
