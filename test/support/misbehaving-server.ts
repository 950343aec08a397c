/**
 * A local HTTP server that misbehaves on request, for tests of everything that fetches: feeds,
 * article pages, webhooks. It listens on 127.0.0.1 only (tests never leave the machine) and
 * `close()` tears down every socket, including ones stuck in a drip or an endless body.
 *
 *   const server = await startTestServer();
 *   const url = server.behaviours.slowBody({ intervalMs: 50 });
 *   ...
 *   await server.close();
 */
import { once } from "node:events";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import zlib from "node:zlib";

export interface RecordedRequest {
  method: string;
  /** Path plus query string, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Any return value is ignored; a returned promise that rejects answers 500.
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown;

export interface ConditionalStats {
  /** Every request to the route. */
  requests: number;
  /** Requests answered 304. */
  notModified: number;
}

export interface Behaviours {
  /** 200 whose body arrives `chunkBytes` at a time every `intervalMs`. */
  slowBody(opts?: { totalBytes?: number; chunkBytes?: number; intervalMs?: number; contentType?: string }): string;
  /** 200 with no Content-Length and a body that never ends (written as fast as the client reads). */
  endlessBody(opts?: { chunkBytes?: number; contentType?: string }): string;
  /** Declares a Content-Length far above any cap, then sends a little and stalls. */
  hugeContentLength(opts?: { declaredBytes?: number }): string;
  /** Accepts the request and never answers (headers timeout). */
  stallBeforeHeaders(): string;
  /** Sends headers and a first chunk, then goes silent (body timeout). */
  stallAfterHeaders(): string;
  /** Sends the headers announcing a body, a few bytes, then resets the connection. */
  resetMidBody(): string;
  /** Serves `body` bytes under a Content-Type whose charset does not match them. */
  wrongCharset(opts: { body: Buffer; declaredCharset?: string; contentType?: string }): string;
  /** 200 with ETag/Last-Modified; 304 when If-None-Match (or If-Modified-Since) matches. */
  conditional(opts: {
    etag: string;
    lastModified?: string;
    body: string | Buffer;
    contentType?: string;
  }): { url: string; stats: ConditionalStats };
  /** 429 or 503 with a Retry-After header. */
  retryAfter(opts?: { status?: 429 | 503; retryAfter?: string }): string;
  /** A single redirect to `location` (absolute or relative). */
  redirectTo(location: string, status?: 301 | 302 | 303 | 307 | 308): string;
  /** `hops` redirects in a row, ending at `target` (default: a local 200 "end of chain"). */
  redirectChain(opts?: { hops?: number; target?: string; status?: 301 | 302 | 303 | 307 | 308 }): string;
  /** a -> b -> a -> ... forever. */
  redirectLoop(): string;
  /** Not well-formed XML, served as RSS. */
  invalidXml(): string;
  /** The "billion laughs" entity-expansion bomb, served as RSS. */
  billionLaughs(): string;
  /** A small gzip body (Content-Encoding: gzip) that inflates to `decompressedBytes` of zeros. */
  gzipBomb(opts?: { decompressedBytes?: number }): string;
  /** `body` served with the given Content-Encoding ("deflate-raw" = raw deflate labelled "deflate"). */
  compressed(body: string | Buffer, encoding: "gzip" | "deflate" | "deflate-raw" | "br", contentType?: string): string;
}

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Registers a handler for an exact path (query ignored); returns its absolute URL. */
  route(path: string, handler: RouteHandler): string;
  /** Serves a fixed 200 body; returns its absolute URL. */
  serveFile(path: string, body: string | Buffer, headers?: Record<string, string>): string;
  urlFor(path: string): string;
  behaviours: Behaviours;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, RouteHandler>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let nextId = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      requests.push({ method: req.method ?? "GET", path, headers: req.headers, body });
      const handler = routes.get(new URL(path, "http://x").pathname);
      if (!handler) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      Promise.resolve(handler(req, res, body)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const urlFor = (path: string) => new URL(path, url).href;
  const uniquePath = (name: string) => `/_b/${name}-${++nextId}`;
  const route = (path: string, handler: RouteHandler) => {
    routes.set(path, handler);
    return urlFor(path);
  };
  const serveFile = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    route(path, (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", ...headers });
      res.end(body);
    });

  /** A timer that dies with the response and with the server. */
  const every = (res: ServerResponse, ms: number, tick: () => void) => {
    const timer = setInterval(tick, ms);
    timers.add(timer);
    const stop = () => {
      clearInterval(timer);
      timers.delete(timer);
    };
    res.on("close", stop);
    return stop;
  };

  const gzipBombs = new Map<number, Promise<Buffer>>();

  const behaviours: Behaviours = {
    slowBody({ totalBytes = 1024, chunkBytes = 1, intervalMs = 100, contentType = "text/plain" } = {}) {
      return route(uniquePath("slow"), (_req, res) => {
        res.writeHead(200, { "content-type": contentType, "content-length": String(totalBytes) });
        let sent = 0;
        const stop = every(res, intervalMs, () => {
          const n = Math.min(chunkBytes, totalBytes - sent);
          res.write(Buffer.alloc(n, "x"));
          sent += n;
          if (sent >= totalBytes) {
            stop();
            res.end();
          }
        });
      });
    },

    endlessBody({ chunkBytes = 64 * 1024, contentType = "application/rss+xml" } = {}) {
      return route(uniquePath("endless"), async (_req, res) => {
        res.writeHead(200, { "content-type": contentType });
        const chunk = Buffer.alloc(chunkBytes, "a");
        let open = true;
        const gone = once(res, "close").then(() => (open = false));
        while (open && !closed) {
          if (!res.write(chunk)) await Promise.race([once(res, "drain"), gone]);
          else await new Promise(setImmediate); // a fast reader must not starve the event loop
        }
      });
    },

    hugeContentLength({ declaredBytes = 50 * 1024 ** 3 } = {}) {
      return route(uniquePath("huge"), (_req, res) => {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(declaredBytes) });
        res.write(Buffer.alloc(1024, "h")); // then nothing: the client must not wait for the rest
      });
    },

    stallBeforeHeaders() {
      return route(uniquePath("stall-headers"), () => {
        /* never answer */
      });
    },

    stallAfterHeaders() {
      return route(uniquePath("stall-body"), (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
        res.write("first bytes, then silence");
      });
    },

    resetMidBody() {
      return route(uniquePath("reset"), (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-length": "100000" });
        res.write("partial", () => res.socket?.resetAndDestroy());
      });
    },

    wrongCharset({ body, declaredCharset = "utf-8", contentType = "application/rss+xml" }) {
      return serveFile(uniquePath("charset"), body, { "content-type": `${contentType}; charset=${declaredCharset}` });
    },

    conditional({ etag, lastModified, body, contentType = "application/rss+xml" }) {
      const stats: ConditionalStats = { requests: 0, notModified: 0 };
      const url = route(uniquePath("conditional"), (req, res) => {
        stats.requests++;
        const validators: Record<string, string> = { etag };
        if (lastModified) validators["last-modified"] = lastModified;
        const inm = req.headers["if-none-match"];
        const matches =
          inm !== undefined
            ? inm.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")
            : lastModified !== undefined && req.headers["if-modified-since"] === lastModified;
        if (matches) {
          stats.notModified++;
          res.writeHead(304, validators).end();
          return;
        }
        res.writeHead(200, { "content-type": contentType, ...validators }).end(body);
      });
      return { url, stats };
    },

    retryAfter({ status = 429, retryAfter = "120" } = {}) {
      return route(uniquePath(`status-${status}`), (_req, res) => {
        res.writeHead(status, { "content-type": "text/plain", "retry-after": retryAfter }).end("slow down");
      });
    },

    redirectTo(location, status = 302) {
      return route(uniquePath("redirect"), (_req, res) => {
        res.writeHead(status, { location }).end();
      });
    },

    redirectChain({ hops = 3, target, status = 302 } = {}) {
      const base = uniquePath("chain");
      const end = target ?? serveFile(`${base}/end`, "end of chain", { "content-type": "text/plain" });
      for (let i = hops - 1; i >= 0; i--) {
        const location = i === hops - 1 ? end : urlFor(`${base}/${i + 1}`);
        route(`${base}/${i}`, (_req, res) => res.writeHead(status, { location }).end());
      }
      return hops === 0 ? end : urlFor(`${base}/0`);
    },

    redirectLoop() {
      const base = uniquePath("loop");
      route(`${base}/a`, (_req, res) => res.writeHead(302, { location: `${base}/b` }).end());
      route(`${base}/b`, (_req, res) => res.writeHead(302, { location: `${base}/a` }).end());
      return urlFor(`${base}/a`);
    },

    invalidXml() {
      return serveFile(
        uniquePath("invalid-xml"),
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & <unclosed></channel>`,
        { "content-type": "application/rss+xml; charset=utf-8" },
      );
    },

    billionLaughs() {
      const entities = ['<!ENTITY lol "lol">'];
      for (let i = 1; i <= 9; i++) {
        entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? "" : i - 1};`.repeat(10)}">`);
      }
      const xml = `<?xml version="1.0"?>
<!DOCTYPE rss [
  ${entities.join("\n  ")}
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>`;
      return serveFile(uniquePath("billion-laughs"), xml, { "content-type": "application/rss+xml" });
    },

    gzipBomb({ decompressedBytes = 64 * 1024 * 1024 } = {}) {
      let bomb = gzipBombs.get(decompressedBytes);
      if (!bomb) {
        bomb = gzipZeros(decompressedBytes);
        gzipBombs.set(decompressedBytes, bomb);
      }
      const ready = bomb;
      return route(uniquePath("gzip-bomb"), async (_req, res) => {
        const body = await ready;
        res.writeHead(200, {
          "content-type": "application/rss+xml",
          "content-encoding": "gzip",
          "content-length": String(body.length),
        });
        res.end(body);
      });
    },

    compressed(body, encoding, contentType = "text/plain; charset=utf-8") {
      const input = Buffer.from(body);
      const encoded =
        encoding === "gzip"
          ? zlib.gzipSync(input)
          : encoding === "deflate"
            ? zlib.deflateSync(input)
            : encoding === "deflate-raw"
              ? zlib.deflateRawSync(input)
              : zlib.brotliCompressSync(input);
      return serveFile(uniquePath(`compressed-${encoding}`), encoded, {
        "content-type": contentType,
        "content-encoding": encoding === "deflate-raw" ? "deflate" : encoding,
      });
    },
  };

  return {
    url,
    port,
    requests,
    route,
    serveFile,
    urlFor,
    behaviours,
    async close() {
      closed = true;
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

/**
 * A TCP server on 127.0.0.1 that accepts connections and never says a word: an `https://` URL
 * pointing at it never completes the TLS handshake, which exercises the connect timeout locally.
 */
export async function startSilentTcpServer(): Promise<{ host: string; port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // the client hanging up is expected
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    async close() {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

async function gzipZeros(bytes: number): Promise<Buffer> {
  const gzip = zlib.createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => out.push(chunk));
  const finished = once(gzip, "end");
  const block = Buffer.alloc(Math.min(bytes, 1024 * 1024));
  for (let left = bytes; left > 0; left -= block.length) {
    const slice = left >= block.length ? block : block.subarray(0, left);
    if (!gzip.write(slice)) await once(gzip, "drain");
  }
  gzip.end();
  await finished;
  return Buffer.concat(out);
}
