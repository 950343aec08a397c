// feed-host-farm.mjs — many feeds on one local HTTP server, told apart by host name, for fetcher tests and
// `npm run bench:fetch`. It listens on 127.0.0.1 only; the fetcher under test resolves every farm host
// name to it. Every request is logged from the server's side (feed, host, start, end, status), and
// per-host politeness is judged there: a request arriving while another to the same host is in flight
// is an overlap, one arriving sooner than `minDelayMs` after the previous one ended is too soon.
import http from "node:http";

/**
 * @typedef {"static" | "growing" | "no-etag" | "slow" | "failing" | "reset"} FeedKind
 * static: ETag, 304 when it matches; growing: a new item every `growEveryMs` (so 200s with new items);
 * no-etag: same body, no validators (the fetcher's body hash saves the parse); slow: answers after
 * `delayMs`; failing: 500; reset: the connection is cut before any answer.
 * @typedef {{ id: string, host: string, path?: string, kind: FeedKind, items: number, growEveryMs?: number, delayMs?: number }} FarmFeed
 */

const RFC822 = "Mon, 18 Sep 2017 08:00:00 GMT";

/** An RSS document of `count` items, newest first; item i's link is stable, so a new version adds exactly its new items. */
export function rssDocument(feed, count) {
  const parts = [`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed ${feed.id}</title><link>http://${feed.host}/</link><description>farm</description>`];
  for (let i = count - 1; i >= 0; i--) {
    parts.push(`<item><title>${feed.id} item ${i}</title><link>http://${feed.host}/${feed.id}/${i}</link><pubDate>${RFC822}</pubDate></item>`);
  }
  parts.push("</channel></rss>");
  return parts.join("");
}

export async function startFeedFarm({ minDelayMs = 0, keepLog = true } = {}) {
  const feeds = new Map();
  const hosts = new Map();
  const log = [];
  const started = Date.now();
  const totals = { requests: 0, notModified: 0, ok: 0, failed: 0, overlaps: 0, tooSoon: 0, servedMs: 0 };

  const versionOf = (feed, now) => (feed.kind === "growing" ? Math.floor((now - started) / (feed.growEveryMs ?? 60_000)) : 0);
  const bodyOf = (feed, version) => {
    if (feed.cached?.version !== version) feed.cached = { version, body: rssDocument(feed, feed.items + version) };
    return feed.cached.body;
  };

  function answer(feed, req, res, now) {
    if (feed.kind === "failing") return res.writeHead(500).end("farm: failing on purpose");
    if (feed.kind === "reset") return req.socket.destroy();
    const version = versionOf(feed, now);
    const etag = `"v${version}"`;
    const validators = feed.kind === "no-etag" ? {} : { etag };
    if (feed.kind !== "no-etag" && req.headers["if-none-match"] === etag) return res.writeHead(304, validators).end();
    res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8", ...validators }).end(bodyOf(feed, version));
  }

  const server = http.createServer((req, res) => {
    const start = Date.now();
    const hostName = (req.headers.host ?? "").replace(/:\d+$/, "");
    const feed = feeds.get(`${hostName}${req.url}`);
    const host = hosts.get(hostName) ?? { inFlight: 0, lastEnd: -Infinity, requests: 0 };
    hosts.set(hostName, host);
    totals.requests++;
    host.requests++;
    if (host.inFlight > 0) totals.overlaps++;
    else if (start - host.lastEnd < minDelayMs) totals.tooSoon++;
    host.inFlight++;
    res.once("close", () => {
      const end = Date.now();
      host.inFlight--;
      host.lastEnd = end;
      totals.servedMs += end - start;
      const status = res.headersSent ? res.statusCode : 0;
      if (status === 304) totals.notModified++;
      else if (status === 200) totals.ok++;
      else totals.failed++;
      if (keepLog) log.push({ feedId: feed?.id ?? null, host: hostName, start, end, status });
    });
    if (!feed) return res.writeHead(404).end();
    if (feed.kind === "slow") setTimeout(() => answer(feed, req, res, Date.now()), feed.delayMs ?? 2_000);
    else answer(feed, req, res, start);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();

  return {
    port,
    totals,
    /** The server's own request log (when `keepLog`). */
    log,
    /** Adds (or replaces) a feed; returns its URL. */
    add(/** @type {FarmFeed} */ feed) {
      const path = feed.path ?? `/${feed.id}.xml`;
      feeds.set(`${feed.host}${path}`, { ...feed, path });
      return `http://${feed.host}:${port}${path}`;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A resolver for the fetcher's HTTP client that sends every host name to the farm on 127.0.0.1. */
export const resolveToFarm = async () => [{ address: "127.0.0.1", family: 4 }];
