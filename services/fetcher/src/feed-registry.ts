import { readFile, rename, writeFile } from "node:fs/promises";
import * as cheerio from "cheerio";
import YAML from "yaml";
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

/** The operator's list of feeds, kept as YAML so it can be edited by hand and reviewed. */
export async function loadFeeds(file: string): Promise<FeedSpec[]> {
  let raw: string;
  try {
    raw = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const parsed = registrySchema.safeParse(YAML.parse(raw) ?? {});
  if (!parsed.success) {
    throw new FeedRegistryError(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const ids = new Set<string>();
  for (const f of parsed.data.feeds) {
    if (ids.has(f.id)) throw new FeedRegistryError(`${file}: duplicate feed id ${f.id}`);
    ids.add(f.id);
  }
  return parsed.data.feeds;
}

export async function saveFeeds(file: string, feeds: FeedSpec[]): Promise<void> {
  // Write-then-rename, so a reader never sees half a registry.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, YAML.stringify({ feeds }), "utf8");
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
  const $ = cheerio.load(xml, { xml: true });
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
