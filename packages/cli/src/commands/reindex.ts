import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, type Config, type StoredArticle } from "@regradar/shared";
import { openStores, type ArticleStore, type Stores, type UpsertDocument } from "@regradar/store";
import { CliError } from "../cli-error.js";

export type StoreKind = ArticleStore["kind"];

export interface ReindexSummary { copied: number; unchanged: number; rejected: number; total: number }

/** What a resumed copy needs: where it stopped and what it counted so far. */
interface Checkpoint extends Omit<ReindexSummary, "total"> { from: StoreKind; to: StoreKind; lastId: string | null; savedAt: string }

export interface CopyOptions {
  batch: number;
  /** Where progress is kept between runs; without it the copy is not resumable. */
  checkpointFile?: string;
  /** Ignore a saved checkpoint and copy from the start. */
  restart?: boolean;
  /** Stop after about this many documents (at a batch boundary), leaving the checkpoint: for tests and trial runs. */
  limit?: number;
  /** Stops after the current batch, leaving the checkpoint. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  onRejected?: (rejection: { id: string; reason: string }) => void;
}

/** As stored, minus what the target store decides for itself (indexedAt). */
function asUpsert(article: StoredArticle): UpsertDocument {
  const { indexedAt: _indexedAt, ...doc } = article;
  return doc;
}

async function loadCheckpoint(file: string, from: StoreKind, to: StoreKind): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  const cp = JSON.parse(text) as Checkpoint;
  if (cp.from !== from || cp.to !== to) throw new CliError(`${file}: a checkpoint of another copy (${cp.from} -> ${cp.to}); use --restart`);
  return cp;
}

async function saveCheckpoint(file: string, cp: Checkpoint): Promise<void> {
  // Written beside and renamed: a crash mid-write leaves the previous checkpoint intact.
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(cp)}\n`);
  await rename(tmp, file);
}

/**
 * Copies every article of `from` into `to` in id order, a batch at a time, through the target's
 * idempotent upsert: a repeated or resumed copy rewrites nothing that is already there.
 * Returns the counts of the whole copy (including earlier runs it resumed) and whether it finished.
 */
export async function copyArticles(from: ArticleStore, to: ArticleStore, opts: CopyOptions): Promise<ReindexSummary & { complete: boolean }> {
  const saved = opts.checkpointFile && !opts.restart ? await loadCheckpoint(opts.checkpointFile, from.kind, to.kind) : null;
  const cp: Checkpoint = saved ?? { from: from.kind, to: to.kind, lastId: null, copied: 0, unchanged: 0, rejected: 0, savedAt: "" };
  const total = await from.count();
  let thisRun = 0;
  const done = () => cp.copied + cp.unchanged + cp.rejected;
  opts.onProgress?.(done(), total);
  for (;;) {
    if (opts.signal?.aborted || (opts.limit !== undefined && thisRun >= opts.limit)) {
      return { copied: cp.copied, unchanged: cp.unchanged, rejected: cp.rejected, total, complete: false };
    }
    const page = await from.scan(cp.lastId, opts.batch);
    if (page.length === 0) break;
    const outcome = await to.upsertArticles(page.map(asUpsert));
    cp.copied += outcome.created.length + outcome.updated.length;
    cp.unchanged += outcome.unchanged.length;
    cp.rejected += outcome.rejected.length;
    for (const r of outcome.rejected) opts.onRejected?.(r);
    cp.lastId = page[page.length - 1]!.id;
    thisRun += page.length;
    if (opts.checkpointFile) await saveCheckpoint(opts.checkpointFile, { ...cp, savedAt: new Date().toISOString() });
    opts.onProgress?.(done(), total);
  }
  await to.refresh();
  if (opts.checkpointFile) await rm(opts.checkpointFile, { force: true });
  return { copied: cp.copied, unchanged: cp.unchanged, rejected: cp.rejected, total, complete: true };
}

interface Output { write(chunk: string): unknown; isTTY?: boolean }
export interface ReindexIo { stdout: Output; stderr: Output }

const PROGRESS_LINE_EVERY_MS = 5_000;

/** A bar redrawn in place on a terminal; otherwise a line every few seconds, for logs. */
function progressReporter(out: Output, label: string) {
  const started = Date.now();
  let lastLine = 0;
  return {
    update(done: number, total: number) {
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      if (out.isTTY) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        out.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${pct}% ${rate}/s `);
      } else if (Date.now() - lastLine >= PROGRESS_LINE_EVERY_MS || done >= total) {
        lastLine = Date.now();
        out.write(`${label}: ${done}/${total} (${pct}%, ${rate}/s)\n`);
      }
    },
    end() {
      if (out.isTTY) out.write("\n");
    },
  };
}

const KINDS: StoreKind[] = ["sqlite", "elasticsearch"];

function parseReindexArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { from: { type: "string" }, to: { type: "string" }, batch: { type: "string" }, restart: { type: "boolean" }, json: { type: "boolean" } },
  });
  const kind = (flag: "from" | "to") => {
    const v = values[flag];
    if (!v || !KINDS.includes(v as StoreKind)) throw new CliError(`--${flag}: sqlite or elasticsearch, got ${JSON.stringify(v ?? null)}`);
    return v as StoreKind;
  };
  const from = kind("from");
  const to = kind("to");
  if (from === to) throw new CliError(`--from and --to are both ${from}: nothing to copy`);
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new CliError(`--batch: expected an integer 1..10000, got ${JSON.stringify(values.batch)}`);
  return { from, to, batch, restart: Boolean(values.restart) };
}

async function openKind(kind: StoreKind, config: Config): Promise<Stores> {
  if (kind === "sqlite") return openStores({ ...config, elasticsearch: undefined }, { articles: true });
  if (!config.elasticsearch) throw new CliError("Elasticsearch needs ELASTICSEARCH_URL (and optionally REGRADAR_ES_INDEX)");
  return openStores(config, { articles: true });
}

export const checkpointPath = (config: Config, from: StoreKind, to: StoreKind) => path.join(config.dataDir, `reindex-${from}-${to}.json`);

/**
 * regradar reindex --from sqlite|elasticsearch --to elasticsearch|sqlite [--batch N] [--restart]
 * Prints {copied, unchanged, rejected, total} on stdout; progress and rejections go to stderr.
 */
export async function runReindex(argv: string[], env: Record<string, string | undefined> | undefined, io: ReindexIo, signal?: AbortSignal): Promise<ReindexSummary> {
  const args = parseReindexArgs(argv);
  const config = loadConfig(env);
  const source = await openKind(args.from, config);
  try {
    const target = await openKind(args.to, config);
    try {
      const progress = progressReporter(io.stderr, `reindex ${args.from} -> ${args.to}`);
      const result = await copyArticles(source.articles, target.articles, {
        batch: args.batch, restart: args.restart, checkpointFile: checkpointPath(config, args.from, args.to), signal,
        onProgress: (done, total) => progress.update(done, total),
        onRejected: (r) => io.stderr.write(`reindex: rejected ${r.id}: ${r.reason}\n`),
      });
      progress.end();
      const summary: ReindexSummary = { copied: result.copied, unchanged: result.unchanged, rejected: result.rejected, total: result.total };
      if (!result.complete) throw new CliError(`interrupted after ${result.copied + result.unchanged + result.rejected} of ${result.total} documents; run the same command again to resume`, 130);
      io.stdout.write(`${JSON.stringify(summary)}\n`);
      return summary;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

export async function reindex(argv: string[]): Promise<void> {
  // Ctrl-C stops after the batch in flight, so the checkpoint names the last document really copied.
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once("SIGINT", onSigint);
  try {
    await runReindex(argv, undefined, { stdout: process.stdout, stderr: process.stderr }, stop.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}
