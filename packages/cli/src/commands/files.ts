import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { decodeBody } from "@regradar/shared/text-decoding";
import { CliError, printJson } from "../cli-error.js";

// These commands always print JSON; --json is accepted so every JSON-printing command takes it.
const JSON_OUTPUT = { json: { type: "boolean" } } as const;

async function readInput(file: string | undefined): Promise<Buffer> {
  if (!file) throw new CliError("missing <file> argument");
  try {
    return await readFile(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** regradar feed parse <file> [--content-type <value>] [--url <feed-url>] (contract 1) */
export async function feedParse(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { "content-type": { type: "string" }, url: { type: "string" }, ...JSON_OUTPUT } });
  const bytes = await readInput(positionals[0]);
  const { parseFeed, FeedParseError } = await import("@regradar/fetcher/feed");
  try {
    printJson(parseFeed(bytes, { contentType: values["content-type"] ?? null, url: values.url ?? null }));
  } catch (err) {
    if (err instanceof FeedParseError) throw new CliError(`cannot parse feed (${err.reason}): ${err.message}`);
    throw err;
  }
}

/** regradar article extract <file.html> [--url <page-url>] (contract 2) */
export async function articleExtract(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { url: { type: "string" }, ...JSON_OUTPUT } });
  const bytes = await readInput(positionals[0]);
  const { extractArticle } = await import("@regradar/extractor/article");
  const { text: html } = decodeBody(bytes, { kind: "html" });
  printJson(extractArticle(html, { url: values.url ?? null }));
}

/** regradar mentions extract <file.json> (contract 3) */
export async function mentionsExtract(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: JSON_OUTPUT });
  const raw = (await readInput(positionals[0])).toString("utf8");
  let input: { title?: unknown; text?: unknown; lang?: unknown };
  try {
    input = JSON.parse(raw);
  } catch (err) {
    throw new CliError(`${positionals[0]} is not JSON: ${(err as Error).message}`);
  }
  if (typeof input !== "object" || input === null || typeof input.text !== "string") {
    throw new CliError(`${positionals[0]} must hold {"title":str,"text":str,"lang":str|null}`);
  }
  const { extractMentions } = await import("@regradar/extractor/mentions");
  printJson(extractMentions({
    title: typeof input.title === "string" ? input.title : "",
    text: input.text,
    lang: typeof input.lang === "string" ? input.lang : null,
  }));
}
