#!/usr/bin/env node
import { createRequire } from "node:module";
import { CliError } from "./cli-error.js";
import { COMMANDS, commandUsage, tableUsage, type CommandSpec } from "./command-table.js";

const HELP = new Set(["-h", "--help", "help"]);

/** The longest command whose words start argv ("feeds add" before "feeds"). */
function resolve(argv: string[]): { spec: CommandSpec; rest: string[] } | null {
  for (const words of [2, 1]) {
    const spec = COMMANDS.find((c) => c.name === argv.slice(0, words).join(" "));
    if (spec) return { spec, rest: argv.slice(words) };
  }
  return null;
}

/** Options before a `--` (after it, "-h" is an argument). */
const wantsHelp = (argv: string[]) => {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === "-h" || a === "--help");
};

const isGroup = (word: string | undefined) => word !== undefined && COMMANDS.some((c) => c.name.startsWith(`${word} `));

async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  if (first === "--version" || first === "-V") {
    const { version } = createRequire(import.meta.url)("../package.json") as { version: string };
    process.stdout.write(`regradar ${version}\n`);
    return;
  }
  if (first === undefined) throw new CliError(tableUsage(), 1);
  if (HELP.has(first)) {
    const topic = argv.slice(1).filter((a) => !HELP.has(a));
    const found = resolve(topic);
    process.stdout.write(`${found ? commandUsage(found.spec) : tableUsage(isGroup(topic[0]) ? topic[0] : "")}\n`);
    return;
  }
  const found = resolve(argv);
  if (!found) {
    if (isGroup(first)) {
      if (wantsHelp(argv.slice(1))) return void process.stdout.write(`${tableUsage(first)}\n`);
      throw new CliError(argv[1] ? `unknown command: ${first} ${argv[1]}\n${tableUsage(first)}` : tableUsage(first));
    }
    throw new CliError(`unknown command: ${first}\n${tableUsage()}`);
  }
  // Help starts nothing: printed before the command's module is even loaded.
  if (wantsHelp(found.rest)) return void process.stdout.write(`${commandUsage(found.spec)}\n`);
  await found.spec.run(found.rest);
}

/** parseArgs' own errors (unknown option, missing value) are usage errors of the command. */
const isArgError = (err: unknown) => typeof (err as { code?: unknown }).code === "string" && (err as { code: string }).code.startsWith("ERR_PARSE_ARGS");

main(process.argv.slice(2)).then(
  () => { process.exitCode ??= 0; },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    // One line on stderr, as the contracts require; a usage text is the one multi-line exception.
    const usage = err instanceof CliError && message.startsWith("usage") || /\nusage: /.test(message);
    const hint = isArgError(err) ? ` (regradar ${resolve(process.argv.slice(2))?.spec.name ?? ""} --help lists the options)`.replace("  ", " ") : "";
    process.stderr.write(`regradar: ${usage ? message : message.split("\n").join(" ")}${hint}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : isArgError(err) ? 2 : 1;
  },
);
