// Local HTTP server for `regradar demo`: serves the bundled sample feeds and article pages described by
// demo-data/manifest.json (built by scripts/build-demo-data.mjs). Feeds are served as raw bytes with the
// manifest's content type, so non-UTF-8 feeds (GB2312, Big5) reach the fetcher exactly as a real site
// would send them.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

/** Base URL baked into the bundled data; rewritten when the server listens anywhere else. */
export const DEMO_PLACEHOLDER_BASE = "http://127.0.0.1:8787";

export interface DemoFeedEntry {
  id: string;
  title: string;
  path: string;
  file?: string;
  contentType: string;
  tags: string[];
}

export interface DemoPageEntry {
  path: string;
  file: string;
  sourceId: string;
}

export interface DemoManifest {
  baseUrl?: string;
  feeds: DemoFeedEntry[];
  pages: DemoPageEntry[];
  missingPages: string[];
}

export interface DemoServerOptions {
  port?: number;
  host?: string;
  /** Directory holding manifest.json, feeds/ and pages/; defaults to the bundled packages/cli/demo-data. */
  dataDir?: string | URL;
}

export interface DemoFeed {
  id: string;
  title: string;
  url: string;
  tags: string[];
}

export interface DemoServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:8787 */
  url: string;
  /** The bundled feeds with absolute URLs on this server. */
  feeds: DemoFeed[];
  close(): Promise<void>;
}

interface Resource {
  body: Buffer;
  contentType: string;
  etag: string;
}

// Resolves to packages/cli/demo-data from both src/demo/ (tests) and dist/demo/ (compiled CLI).
export const defaultDemoDataDir = (): URL => new URL("../../demo-data/", import.meta.url);

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const { port = 8787, host = "127.0.0.1" } = options;
  const dataDir = toDirPath(options.dataDir ?? defaultDemoDataDir());
  const manifest = parseManifest(JSON.parse(await readFile(dataDir + "manifest.json", "utf8")));
  const placeholder = manifest.baseUrl ?? DEMO_PLACEHOLDER_BASE;

  // Read everything up front: the data set is small, and a missing file should fail start-up, not a request.
  const feedFiles = await Promise.all(
    manifest.feeds.map(async (f) => ({ entry: f, raw: await readFile(dataDir + (f.file ?? f.path.replace(/^\/+/, ""))) })),
  );
  const pageFiles = await Promise.all(
    manifest.pages.map(async (p) => ({ entry: p, raw: await readFile(dataDir + p.file) })),
  );
  const missing = new Set(manifest.missingPages);

  let resources: Map<string, Resource> | undefined;
  const server = createServer((req, res) => {
    if (!resources) return send(res, 503, "text/plain; charset=utf-8", "starting\n");
    handle(req, res, resources, missing);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${address.port}`;
  const rebase = (raw: Buffer): Buffer => (url === placeholder ? raw : replaceAscii(raw, placeholder, url));

  const table = new Map<string, Resource>();
  for (const { entry, raw } of feedFiles) table.set(entry.path, resource(rebase(raw), entry.contentType));
  for (const { entry, raw } of pageFiles) table.set(entry.path, resource(rebase(raw), "text/html; charset=utf-8"));
  table.set("/", resource(Buffer.from(indexPage(manifest, url)), "text/html; charset=utf-8"));
  resources = table;

  return {
    url,
    feeds: manifest.feeds.map((f) => ({ id: f.id, title: f.title, url: url + f.path, tags: [...f.tags] })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, resources: Map<string, Resource>, missing: Set<string>): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return send(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
  }
  const path = (req.url ?? "/").split(/[?#]/, 1)[0] ?? "/";
  const found = resources.get(path);
  if (!found) {
    const body = missing.has(path) ? "<!DOCTYPE html><title>404 Not Found</title><h1>Page not found</h1>\n" : "not found\n";
    return send(res, 404, missing.has(path) ? "text/html; charset=utf-8" : "text/plain; charset=utf-8", body, req.method === "HEAD");
  }
  res.setHeader("ETag", found.etag);
  res.setHeader("Cache-Control", "no-cache");
  if (etagMatches(req.headers["if-none-match"], found.etag)) {
    res.statusCode = 304;
    return void res.end();
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", found.contentType);
  res.setHeader("Content-Length", found.body.length);
  res.end(req.method === "HEAD" ? undefined : found.body);
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head = false): void {
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(head ? undefined : body);
}

function resource(body: Buffer, contentType: string): Resource {
  return { body, contentType, etag: `"${createHash("sha256").update(body).digest("hex").slice(0, 24)}"` };
}

/** If-None-Match per RFC 9110: "*" or a list of (possibly weak) tags, compared weakly. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * Replaces an ASCII string inside raw bytes. Working in latin1 keeps every byte as one code unit, so
 * GB2312/GBK/Big5 multi-byte sequences pass through untouched: their lead bytes are >= 0x81, so no
 * ASCII match can start inside one.
 */
function replaceAscii(raw: Buffer, from: string, to: string): Buffer {
  const text = raw.toString("latin1");
  return text.includes(from) ? Buffer.from(text.split(from).join(to), "latin1") : raw;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

function toDirPath(dir: string | URL): string {
  const path = dir instanceof URL ? fileURLToPath(dir) : dir;
  return path.endsWith("/") ? path : path + "/";
}

function indexPage(manifest: DemoManifest, base: string): string {
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const rows = manifest.feeds.map((f) => `<li><a href="${base}${f.path}">${esc(f.title)}</a> <code>${esc(f.contentType)}</code></li>`);
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>RegRadar demo feeds</title></head>\n<body><h1>RegRadar demo feeds</h1><ul>\n${rows.join("\n")}\n</ul></body></html>\n`;
}

function parseManifest(value: unknown): DemoManifest {
  const fail = (what: string): never => {
    throw new Error(`demo-data/manifest.json: ${what}`);
  };
  if (!isRecord(value)) return fail("not an object");
  const { feeds, pages, missingPages, baseUrl } = value;
  if (!Array.isArray(feeds) || !Array.isArray(pages) || !Array.isArray(missingPages)) {
    return fail("feeds, pages and missingPages must be arrays");
  }
  const str = (v: unknown, what: string): string => (typeof v === "string" && v !== "" ? v : fail(`${what} must be a string`));
  return {
    ...(typeof baseUrl === "string" ? { baseUrl } : {}),
    feeds: feeds.map((f: unknown, i) => {
      if (!isRecord(f)) return fail(`feeds[${i}] is not an object`);
      return {
        id: str(f.id, `feeds[${i}].id`),
        title: str(f.title, `feeds[${i}].title`),
        path: str(f.path, `feeds[${i}].path`),
        ...(typeof f.file === "string" ? { file: f.file } : {}),
        contentType: str(f.contentType, `feeds[${i}].contentType`),
        tags: Array.isArray(f.tags) ? f.tags.filter((t): t is string => typeof t === "string") : [],
      };
    }),
    pages: pages.map((p: unknown, i) => {
      if (!isRecord(p)) return fail(`pages[${i}] is not an object`);
      return { path: str(p.path, `pages[${i}].path`), file: str(p.file, `pages[${i}].file`), sourceId: str(p.sourceId, `pages[${i}].sourceId`) };
    }),
    missingPages: missingPages.map((m: unknown, i) => str(m, `missingPages[${i}]`)),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
