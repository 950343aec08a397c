import http from "node:http";
import type { AddressInfo } from "node:net";
import { articlePage, rss } from "./news-site.js";

const SYLLABLES = "ka lo mi ne ru sa te vo bi da fu go hi ja ke li mo nu pa re si to ve wa ya zu".split(" ");

/** A story of its own: made-up words drawn from a large space, so no two stories are near-duplicates. */
function distinctStory(seed: number): string {
  let x = (seed * 2654435761) % 4294967296 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const word = () => Array.from({ length: 2 + (next() % 3) }, () => SYLLABLES[next() % SYLLABLES.length]).join("");
  const sentence = () => Array.from({ length: 12 }, word).join(" ");
  return `Securities regulators ordered a crypto exchange to halt trading. ${Array.from({ length: 6 }, sentence).join(". ")}.`;
}

export interface HostVisit { start: number; end: number; path: string }

export interface FeedFarm {
  /** Feed URLs, `feedsPerHost` on each host. */
  feeds: Array<{ id: string; url: string }>;
  /** Every request each host served, with when it started and ended. */
  visits: Map<string, HostVisit[]>;
  articles: number;
  close(): Promise<void>;
}

/**
 * Several news sites on distinct loopback addresses (127.0.0.2, 127.0.0.3, …: one host each, as the
 * fetcher's per-host politeness sees them), each serving feeds of distinct stories and their pages,
 * slowly enough (`latencyMs`) that overlapping requests to one host would show.
 */
export async function startFeedFarm(opts: { hosts: number; feedsPerHost: number; itemsPerFeed: number; latencyMs: number }): Promise<FeedFarm> {
  const servers: http.Server[] = [];
  const feeds: FeedFarm["feeds"] = [];
  const visits = new Map<string, HostVisit[]>();
  for (let h = 0; h < opts.hosts; h++) {
    const address = `127.0.0.${h + 2}`;
    const log: HostVisit[] = [];
    const server = http.createServer((req, res) => {
      const start = Date.now();
      setTimeout(() => {
        const url = new URL(req.url ?? "/", `http://${address}`);
        const feed = /^\/feed\/(\d+)\.xml$/.exec(url.pathname);
        const page = /^\/a\/(\d+)\/(\d+)\.html$/.exec(url.pathname);
        const base = `http://${address}:${(server.address() as AddressInfo).port}`;
        const story = (f: number, i: number) => ({
          title: `Regulator ${h}-${f}-${i} orders exchange to halt trading`,
          text: distinctStory(h * 100_000 + f * 1000 + i),
        });
        if (feed) {
          const f = Number(feed[1]);
          const items = Array.from({ length: opts.itemsPerFeed }, (_, i) => ({ ...story(f, i), link: `${base}/a/${f}/${i}.html` }));
          res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" }).end(rss(items.map((s) => ({ title: s.title, link: s.link, description: s.text }))));
        } else if (page) {
          const s = story(Number(page[1]), Number(page[2]));
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(articlePage(s.title, `${s.text}\n\n${s.text}`));
        } else {
          res.writeHead(404).end();
        }
        log.push({ start, end: Date.now(), path: url.pathname });
      }, opts.latencyMs);
    });
    await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(0, address, () => resolve()); });
    servers.push(server);
    visits.set(address, log);
    const port = (server.address() as AddressInfo).port;
    for (let f = 0; f < opts.feedsPerHost; f++) feeds.push({ id: `h${h}f${f}`, url: `http://${address}:${port}/feed/${f}.xml` });
  }
  return {
    feeds, visits, articles: opts.hosts * opts.feedsPerHost * opts.itemsPerFeed,
    close: async () => { await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))); },
  };
}
