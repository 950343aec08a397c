// A local farm of news sites for the benchmarks: `hosts` sites on distinct loopback addresses
// (127.0.0.2, 127.0.0.3, …, so per-host politeness sees them as different hosts), `feeds` RSS feeds
// spread over them, `items` articles per feed, each with its own page. Articles come from `sources`
// (title, text, lang) and past those from the sources' vocabulary, so they are distinct stories.
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A deterministic PRNG, so a run's articles are the same from run to run. */
export function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The labelled benchmark articles when ../shared is checked out, else one built-in story. */
export async function loadSources(root) {
  const file = path.join(root, "../shared/benchmarks/mentions/gold-public.jsonl");
  const text = await readFile(file, "utf8").catch(() => null);
  if (!text) return [{ title: "Regulators ban crypto exchange", text: "The regulator ordered the exchange to stop trading and refund its users within thirty days.", lang: "en" }];
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

export async function startFeedFarm({ feeds, items, hosts = 1, sources, route }) {
  const rnd = mulberry32(7);
  const vocabulary = [...new Set(sources.flatMap((s) => s.text.match(/\p{L}{3,}/gu) ?? []))];
  const words = (k) => Array.from({ length: k }, () => vocabulary[Math.floor(rnd() * vocabulary.length)]).join(" ");
  const total = feeds * items;
  const articles = Array.from({ length: total }, (_, n) => n < sources.length ? sources[n]
    : { title: words(8), text: Array.from({ length: 6 }, () => `${words(30)}.`).join("\n\n"), lang: "en" });
  const servers = [];
  const bases = [];
  const hostOf = (f) => f % hosts;
  for (let h = 0; h < hosts; h++) {
    const address = `127.0.0.${h + 2}`;
    const server = http.createServer((req, res) => {
      if (route && route(req, res)) return;
      const feed = /^\/feed\/(\d+)\.xml$/.exec(req.url), page = /^\/a\/(\d+)\/(\d+)\.html$/.exec(req.url);
      if (feed) {
        const f = Number(feed[1]);
        const entries = Array.from({ length: items }, (_, i) => {
          const n = f * items + i, a = articles[n], link = `${bases[h]}/a/${f}/${n}.html`;
          return `<item><title>${esc(a.title)} (${n})</title><link>${link}</link><guid>${link}</guid><pubDate>${new Date(Date.UTC(2024, 0, 1, 0, i)).toUTCString()}</pubDate><description>${esc(a.text.slice(0, 200))}</description></item>`;
        });
        res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" })
          .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${f}</title><link>${bases[h]}</link><description>bench</description>${entries.join("")}</channel></rss>`);
      } else if (page) {
        const n = Number(page[2]), a = articles[n];
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><html lang="${a.lang ?? "en"}"><head><title>${esc(a.title)} (${n})</title></head><body><nav><a href="/">Home</a></nav><article><h1>${esc(a.title)} (${n})</h1>${a.text.split(/\n+/).map((p) => `<p>${esc(p)}</p>`).join("")}<p>Item ${n} of the bench.</p></article><footer>© bench</footer></body></html>`);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise((resolve) => server.listen(0, address, resolve));
    servers.push(server);
    bases.push(`http://${address}:${server.address().port}`);
  }
  return {
    total,
    feedUrl: (f) => `${bases[hostOf(f)]}/feed/${f}.xml`,
    /** The first host's base URL, for routes such as a webhook receiver. */
    base: bases[0],
    close: () => Promise.all(servers.map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); }))),
  };
}
