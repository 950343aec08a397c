/**
 * Every command of the CLI, declared once: its words, a one-line summary for `regradar --help`, and
 * the usage that `regradar <command> --help` prints. main.ts resolves argv against this table and
 * prints help without loading (or starting) anything; each command's module loads only when it runs,
 * so `feed parse` never pays for Redis or store clients.
 */
export interface CommandSpec {
  /** The command's words: "search", "feeds add". */
  name: string;
  summary: string;
  /** Arguments and options after the command's words. */
  args: string;
  /** Option lines, shown by `--help`. */
  options?: string[];
  run: (argv: string[]) => Promise<void>;
}

const JSON_FLAG = "--json                  print one JSON document on stdout";
const FILTERS = [
  "--jurisdiction CC       2-letter code (CN, US, EU); repeatable",
  "--action A              ban|shutdown_order|enforcement|licensing|legislation|guidance|investigation|",
  "                        taxation|sanctions|aml_kyc|platform_liability; repeatable",
  "--entity NAME           exchange, asset, project, company or person (any case); repeatable",
  "--authority NAME        a regulator's name (any case); repeatable",
  "--source HOST           repeatable",
  "--lang CODE             en, zh, ...; repeatable",
];

const files = () => import("./commands/files.js");
const feeds = () => import("./commands/feeds.js");
const subs = () => import("./commands/subscriptions.js");
const runs = () => import("./commands/run.js");
const status = () => import("./commands/status.js");

export const COMMANDS: CommandSpec[] = [
  {
    name: "demo", summary: "run the whole pipeline offline on the bundled feeds", args: "[--json] [--port N]",
    options: [JSON_FLAG, "--port N                port of the bundled feeds' local server (default 8787)"],
    run: (a) => import("./commands/demo.js").then((m) => m.demo(a)),
  },
  {
    name: "run", summary: "run every stage and the API (web app) in one process until SIGTERM/SIGINT", args: "",
    run: (a) => runs().then((m) => m.run(a)),
  },
  {
    name: "api", summary: "the HTTP API and analysts' web app (default 127.0.0.1:8080)", args: "[--host H] [--port N]",
    options: ["--host H                interface to listen on (REGRADAR_API_HOST)", "--port N                port (REGRADAR_API_PORT)"],
    run: (a) => import("./commands/api.js").then((m) => m.api(a)),
  },
  {
    name: "status", summary: "queues, dead letters, workers, feeds, store; exit 1 when unhealthy", args: "[--json]",
    options: [JSON_FLAG], run: (a) => status().then((m) => m.status(a)),
  },
  {
    name: "dlq list", summary: "jobs that exhausted their attempts, with the reason", args: "[--queue Q] [--limit N] [--json]",
    options: ["--queue Q               only this queue's dead letters", JSON_FLAG], run: (a) => status().then((m) => m.dlq(["list", ...a])),
  },
  {
    name: "dlq replay", summary: "put dead letters back to work", args: "--queue Q | --id JOB | --all",
    run: (a) => status().then((m) => m.dlq(["replay", ...a])),
  },
  {
    name: "worker", summary: "run one stage until SIGTERM/SIGINT", args: "fetcher|extractor|indexer|alerter",
    run: (a) => runs().then((m) => m.worker(a)),
  },
  {
    name: "search", summary: "search the index: ranked hits, highlights, facets", args: '"<query>" [filters] [--since 30d] [--limit N] [--explain] [--json]',
    options: [
      ...FILTERS,
      "--relevant              only articles that report a regulatory action",
      "--since D, --until D    a date (2024-01-31) or a duration back from now (12h, 30d, 2w, 6m, 1y)",
      "--sort relevance|date   --limit N (default 10), --offset N",
      "--collapse              one hit per near-duplicate story",
      "--explain               say why each hit ranks where it does",
      JSON_FLAG,
    ],
    run: (a) => import("./commands/search.js").then((m) => m.search(a)),
  },
  { name: "feeds list", summary: "the feed registry with each feed's health", args: "[--json]", options: [JSON_FLAG], run: (a) => feeds().then((m) => m.feeds(["list", ...a])) },
  {
    name: "feeds add", summary: "add a feed to the registry (REGRADAR_FEEDS)", args: "--url U [--id ID] [--title T] [--interval SECONDS] [--tag T]... [--json]",
    options: [JSON_FLAG], run: (a) => feeds().then((m) => m.feeds(["add", ...a])),
  },
  { name: "feeds remove", summary: "remove a feed", args: "<id> [--json]", options: [JSON_FLAG], run: (a) => feeds().then((m) => m.feeds(["remove", ...a])) },
  { name: "feeds poll", summary: "poll a feed now (clears a deferral)", args: "<id> [--json]", options: [JSON_FLAG], run: (a) => feeds().then((m) => m.feeds(["poll", ...a])) },
  { name: "feeds import", summary: "add the feeds of an OPML file", args: "<file.opml> [--json]", options: [JSON_FLAG], run: (a) => feeds().then((m) => m.feeds(["import", ...a])) },
  {
    name: "subscriptions add", summary: "add an alert subscription",
    args: "--name N --channel webhook|email|slack|telegram --target URL|ADDRESS|CHAT [filters] [--json]",
    options: [
      "--secret S              webhook signing secret (generated when omitted)",
      "--owner CONTACT         --query TEXT            --min-score X",
      ...FILTERS,
      "--mode instant|digest   --every 15m|1h|daily@HH:MM (digest only, required)  --tz IANA zone (default UTC)",
      JSON_FLAG,
    ],
    run: (a) => subs().then((m) => m.subscriptions(["add", ...a])),
  },
  { name: "subscriptions list", summary: "subscriptions with their delivery counts", args: "[--json]", options: [JSON_FLAG], run: (a) => subs().then((m) => m.subscriptions(["list", ...a])) },
  { name: "subscriptions remove", summary: "remove a subscription", args: "<id> [--json]", options: [JSON_FLAG], run: (a) => subs().then((m) => m.subscriptions(["remove", ...a])) },
  { name: "subscriptions test", summary: "send a sample alert through the real channel", args: "<id> [--json]", options: [JSON_FLAG], run: (a) => subs().then((m) => m.subscriptions(["test", ...a])) },
  {
    name: "reindex", summary: "copy the whole index between stores (resumable)", args: "--from sqlite|elasticsearch --to elasticsearch|sqlite [--batch N] [--restart] [--json]",
    options: ["--batch N               documents per bulk write", "--restart               ignore the saved checkpoint", JSON_FLAG],
    run: (a) => import("./commands/reindex.js").then((m) => m.reindex(a)),
  },
  {
    name: "feed parse", summary: "parse an RSS/Atom/RDF file as JSON (contract 1)", args: "<file> [--content-type V] [--url U] [--json]",
    run: (a) => files().then((m) => m.feedParse(a)),
  },
  { name: "article extract", summary: "extract an article page's text as JSON (contract 2)", args: "<file.html> [--url U] [--json]", run: (a) => files().then((m) => m.articleExtract(a)) },
  { name: "mentions extract", summary: "regulatory mentions of {title,text,lang} as JSON (contract 3)", args: "<file.json> [--json]", run: (a) => files().then((m) => m.mentionsExtract(a)) },
];

const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;

export function commandUsage(spec: CommandSpec): string {
  const lines = [`usage: regradar ${spec.name}${spec.args ? ` ${spec.args}` : ""}`, "", spec.summary];
  if (spec.options?.length) lines.push("", "options:", ...spec.options.map((o) => `  ${o}`));
  return lines.join("\n");
}

/** The commands under `prefix` ("" for all, "feeds" for its subcommands), one line each. */
export function tableUsage(prefix = ""): string {
  const specs = COMMANDS.filter((c) => !prefix || c.name.startsWith(`${prefix} `));
  return [
    `usage: regradar ${prefix ? `${prefix} ` : ""}<command> [options]     (regradar <command> --help for its options)`,
    "",
    ...specs.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    ...(prefix ? [] : ["", "  --version               print the version", "  --help, -h              print this help"]),
  ].join("\n");
}
