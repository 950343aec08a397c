import { readFile, rename, stat, writeFile } from "node:fs/promises";
import * as cheerio from "cheerio";
import { Document, isMap, isSeq, LineCounter, parseDocument, type YAMLSeq } from "yaml";
import { z } from "zod";

export const feedSpecSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, "letters, digits, - and _ only"),
  url: z.string().url().refine((u) => /^https?:/i.test(u), "http(s) URLs only"),
  title: z.string().optional(),
  /** Base poll interval in seconds; adaptive polling moves within the configured bounds around it. */
  interval: z.coerce.number().int().positive().default(900),
  tags: z.array(z.string()).default([]),
});
export type FeedSpec = z.infer<typeof feedSpecSchema>;

const registrySchema = z.object({ feeds: z.array(feedSpecSchema).default([]) });

export class FeedRegistryError extends Error {}

/** `file:line: problem`, the line of the YAML node at `path` (or the file alone when there is none). */
function at(file: string, doc: Document, lines: LineCounter, path: ReadonlyArray<PropertyKey>, problem: string): string {
  // The deepest node that exists: a missing key is reported at the feed that lacks it.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as Array<string | number>, true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return `${file}:${lines.linePos(node.range[0]).line}: ${problem}`;
  }
  return `${file}: ${problem}`;
}

/** The registry's text as a feed list; every problem names the file and the line. */
export function parseFeeds(file: string, raw: string): FeedSpec[] {
  const lines = new LineCounter();
  const doc = parseDocument(raw, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new FeedRegistryError(`${file}:${lines.linePos(e.pos[0]).line}: not valid YAML: ${e.message.split("\n")[0]}`);
  }
  // Empty is an error, not "no feeds": an editor's save caught half-way would otherwise unschedule every feed.
  if (doc.contents === null) throw new FeedRegistryError(`${file}: empty; expected a "feeds:" list (feeds: [] for none)`);
  const parsed = registrySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new FeedRegistryError(parsed.error.issues.map((i) => at(file, doc, lines, i.path, `${i.path.join(".") || "(root)"}: ${i.message}`)).join("; "));
  }
  const ids = new Set<string>();
  parsed.data.feeds.forEach((f, n) => {
    if (ids.has(f.id)) throw new FeedRegistryError(at(file, doc, lines, ["feeds", n, "id"], `duplicate feed id ${f.id}`));
    ids.add(f.id);
  });
  return parsed.data.feeds;
}

/**
 * The operator's list of feeds, kept as YAML so it can be edited by hand and reviewed. A registry
 * file that does not exist is an error (a mistyped REGRADAR_FEEDS must not look like "no feeds"),
 * unless `missingOk`: `feeds add` creates it.
 */
export async function loadFeeds(file: string, opts: { missingOk?: boolean } = {}): Promise<FeedSpec[]> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && opts.missingOk) return [];
    if (code === "ENOENT") throw new FeedRegistryError(`${file}: no such feed registry (REGRADAR_FEEDS); create it with: regradar feeds add --url <feed-url>`);
    throw new FeedRegistryError(`${file}: cannot read the feed registry: ${code ?? (err as Error).message}`);
  }
  return parseFeeds(file, raw);
}

/**
 * The registry as read while running: re-read when the file changes, so `feeds add` needs no
 * restart. An edit that does not parse keeps the last good registry and is reported once (per
 * change of the file), not on every poll; the first read has no fallback and throws.
 */
export function registryReader(file: string, onInvalid: (err: FeedRegistryError) => void): () => Promise<FeedSpec[]> {
  let cached: { mtimeMs: number; feeds: FeedSpec[] } | null = null;
  // An editor's save can change the file's mtime twice (truncate, write): the same problem is reported once.
  let reported: string | null = null;
  return async () => {
    const mtimeMs = await stat(file).then((s) => s.mtimeMs, () => -1);
    if (cached && cached.mtimeMs === mtimeMs) return cached.feeds;
    try {
      cached = { mtimeMs, feeds: await loadFeeds(file) };
      reported = null;
    } catch (err) {
      if (!cached || !(err instanceof FeedRegistryError)) throw err;
      if (err.message !== reported) onInvalid(err);
      reported = err.message;
      cached = { mtimeMs, feeds: cached.feeds };
    }
    return cached.feeds;
  };
}

/**
 * Writes the registry, keeping what the operator wrote by hand: comments, order and formatting stay;
 * feeds that stay keep their entries with changed fields updated; removed feeds go, new ones are appended.
 */
export async function saveFeeds(file: string, feeds: FeedSpec[]): Promise<void> {
  const raw = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => { if (err.code === "ENOENT") return null; throw err; });
  const doc = raw?.trim() ? parseDocument(raw) : new Document({ feeds: [] });
  let seq = doc.get("feeds", true);
  if (!isSeq(seq)) {
    seq = doc.createNode([]);
    doc.set("feeds", seq);
  }
  const items = (seq as YAMLSeq).items;
  const wanted = new Set(feeds.map((f) => f.id));
  const idOf = (item: unknown) => (isMap(item) ? item.get("id") : undefined) as string | undefined;
  (seq as YAMLSeq).items = items.filter((item) => wanted.has(idOf(item) ?? ""));
  const byId = new Map(feeds.map((f) => [f.id, f]));
  // A feed that stays keeps its entry (and the comments on it); only fields whose value changed are set.
  for (const item of (seq as YAMLSeq).items) {
    const f = byId.get(idOf(item) ?? "");
    if (!f || !isMap(item)) continue;
    for (const [key, value] of Object.entries(f)) {
      const current = item.get(key, true);
      if (JSON.stringify(current && typeof current === "object" && "toJSON" in current ? (current as { toJSON(): unknown }).toJSON() : current) !== JSON.stringify(value)) item.set(key, doc.createNode(value));
    }
  }
  const present = new Set((seq as YAMLSeq).items.map(idOf));
  for (const f of feeds) if (!present.has(f.id)) (seq as YAMLSeq).items.push(doc.createNode(f));
  // Write-then-rename, so a reader never sees half a registry.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, doc.toString({ flowCollectionPadding: false }), "utf8");
  await rename(tmp, file);
}

/** A feed id derived from a title or URL: lower-case, dashes, unique within `taken`. */
export function feedIdFor(titleOrUrl: string, taken: Set<string>): string {
  let base = titleOrUrl.replace(/^https?:\/\/(www\.)?/i, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "feed";
  if (!/^[a-z0-9]/.test(base)) base = `feed-${base}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** Feeds listed in an OPML file (nested outlines included); URLs already registered are skipped by the caller. */
export function parseOpml(xml: string): Array<{ url: string; title: string | undefined; tags: string[] }> {
  if (!xml.trim()) throw new FeedRegistryError("not an OPML file: it is empty");
  const $ = cheerio.load(xml, { xml: true });
  // An HTML page or a feed imports nothing silently otherwise: say what it is instead.
  const root = $.root().children().filter((_, el) => el.type === "tag").first().prop("tagName")?.toLowerCase();
  if (root !== "opml") throw new FeedRegistryError(`not an OPML file: ${root ? `its root element is <${root}>, not <opml>` : "no XML element found"}`);
  const out: Array<{ url: string; title: string | undefined; tags: string[] }> = [];
  $("outline[xmlUrl], outline[xmlurl]").each((_, el) => {
    const o = $(el);
    const url = o.attr("xmlUrl") ?? o.attr("xmlurl");
    if (!url) return;
    const parents = o.parents("outline").map((_, p) => $(p).attr("text") ?? $(p).attr("title")).get().filter(Boolean).reverse();
    const categories = (o.attr("category") ?? "").split(/[,/]/).map((s) => s.trim()).filter(Boolean);
    out.push({ url, title: o.attr("title") ?? o.attr("text"), tags: [...new Set([...parents, ...categories])] });
  });
  return out;
}
