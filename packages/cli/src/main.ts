#!/usr/bin/env node
import { CliError } from "./cli-error.js";

// Commands load their modules lazily: `feed parse` must not pay for Redis or store clients.
const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  "feed parse": (a) => import("./commands/files.js").then((m) => m.feedParse(a)),
  "article extract": (a) => import("./commands/files.js").then((m) => m.articleExtract(a)),
  "mentions extract": (a) => import("./commands/files.js").then((m) => m.mentionsExtract(a)),
  search: (a) => import("./commands/search.js").then((m) => m.search(a)),
  feeds: (a) => import("./commands/feeds.js").then((m) => m.feeds(a)),
  subscriptions: (a) => import("./commands/subscriptions.js").then((m) => m.subscriptions(a)),
  demo: (a) => import("./commands/demo.js").then((m) => m.demo(a)),
  run: (a) => import("./commands/run.js").then((m) => m.run(a)),
  worker: (a) => import("./commands/run.js").then((m) => m.worker(a)),
  reindex: (a) => import("./commands/reindex.js").then((m) => m.reindex(a)),
  api: (a) => import("./commands/api.js").then((m) => m.api(a)),
  status: (a) => import("./commands/status.js").then((m) => m.status(a)),
  dlq: (a) => import("./commands/status.js").then((m) => m.dlq(a)),
};

const USAGE = `usage: regradar <command>
  demo [--json] [--port N]            run the whole pipeline offline on the bundled feeds
  run                                 run every worker and the API (web app) in one process
  api [--host H] [--port N]           the HTTP API and web app (default 127.0.0.1:8080)
  status [--json]                     queues, dead letters, workers, feeds, store; exit 1 when unhealthy
  dlq list [--queue q] | replay --queue q|--id <job>|--all   dead letters
  worker fetcher|extractor|indexer|alerter  run one stage
  search "<query>" [--jurisdiction CC] [--action a] [--entity e] [--since 30d] [--limit N] [--json]
  feeds list|add|remove|import|poll   manage the feed registry (REGRADAR_FEEDS); poll <id> polls now
  reindex --from sqlite|elasticsearch --to elasticsearch|sqlite [--batch N] [--restart]
                                      copy the whole index between stores (resumable)
  subscriptions add|list|remove|test  manage alert subscriptions (add --name n --channel c --target t [filters])
  feed parse <file> [--content-type v] [--url u]
  article extract <file.html> [--url u]
  mentions extract <file.json>`;

async function main(argv: string[]): Promise<void> {
  const two = argv.slice(0, 2).join(" ");
  const [name, rest] = COMMANDS[two] ? [two, argv.slice(2)] : [argv[0] ?? "", argv.slice(1)];
  const command = COMMANDS[name];
  if (!command) throw new CliError(name && name !== "help" && name !== "--help" ? `unknown command: ${name}\n${USAGE}` : USAGE, name ? 2 : 1);
  await command(rest);
}

main(process.argv.slice(2)).then(
  () => { process.exitCode ??= 0; },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    // One line on stderr, as the contracts require; a usage text is the one multi-line exception.
    process.stderr.write(`regradar: ${err instanceof CliError && message.startsWith("usage") ? message : message.split("\n").join(" ")}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  },
);
