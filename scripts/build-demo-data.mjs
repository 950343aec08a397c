#!/usr/bin/env node
// Builds the offline demo data in packages/cli/demo-data/ (feeds, article pages, manifest) from the real
// article texts kept in packages/cli/demo-data/sources/. Output is deterministic: re-running it on the
// same sources rewrites identical bytes, so article URLs and ids stay stable from run to run.
//
//   node scripts/build-demo-data.mjs
//   node scripts/build-demo-data.mjs --import-gold <gold-public.jsonl> --import-seed <seed-article.json>
//
// --import-* refresh the copies in sources/ first (gold labels are dropped; only id, source, lang,
// title, text and published are kept), then build.
import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync, copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import iconv from "iconv-lite";

const REPO = fileURLToPath(new URL("../", import.meta.url));
const OUT = join(REPO, "packages/cli/demo-data");
const SOURCES = join(OUT, "sources");
// The demo server rewrites this to its real base URL when it listens elsewhere. ASCII on purpose: it
// survives every feed encoding byte for byte.
const BASE = "http://127.0.0.1:8787";
const SEED_ID = "seed-2017-09-18-bloomberg";
const SEED_SLUG = "wechat-users-defect-to-telegram-as-china-cracks-down-on-bitcoin";

// ---------------------------------------------------------------------------------------------------
// Sources

const { values: args } = parseArgs({
  options: { "import-gold": { type: "string" }, "import-seed": { type: "string" } },
});

if (args["import-gold"]) {
  const lines = readFileSync(args["import-gold"], "utf8").split("\n").filter((l) => l.trim());
  const kept = lines
    .map((l) => JSON.parse(l))
    .filter((r) => r.id !== SEED_ID) // the seed story comes from its own fixture
    .map(({ id, source, lang, title, text, published }) => ({ id, source, lang, title, text, published }));
  mkdirSync(SOURCES, { recursive: true });
  writeFileSync(join(SOURCES, "articles.jsonl"), kept.map((r) => JSON.stringify(r)).join("\n") + "\n");
  console.log(`imported ${kept.length} articles from ${args["import-gold"]}`);
}
if (args["import-seed"]) {
  const from = args["import-seed"];
  mkdirSync(SOURCES, { recursive: true });
  copyFileSync(from, join(SOURCES, "seed-article.json"));
  const txt = from.replace(/\.json$/, ".txt");
  if (txt !== from && existsSync(txt)) copyFileSync(txt, join(SOURCES, "seed-article.txt"));
  console.log(`imported seed article from ${from}`);
}

const records = readFileSync(join(SOURCES, "articles.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const seed = JSON.parse(readFileSync(join(SOURCES, "seed-article.json"), "utf8"));
records.unshift({
  id: SEED_ID,
  source: seed.source,
  lang: seed.lang,
  title: seed.title,
  titleNote: seed.titleNote,
  text: seed.text,
  published: seed.published,
});

// Several source records carry no headline (the excerpt starts at the body). These headlines were
// written for the demo from each text's own first paragraphs; pages say so in their source comment.
const HEADLINES = {
  "pg-bhluemountain-2024-04-03-nigeria-binance": "Binance asks Nigeria to release detained executive Tigran Gambaryan",
  "pg-bitget-cbi-india-crypto-ponzi": "India's CBI raids several states in crypto Ponzi scheme probe",
  "pg-coinfox-poland-nbp-campaign": "National Bank of Poland launches campaign warning against cryptocurrencies",
  "pg-cointelegraph-2017-12-btc-20000": "Bitcoin hits $20,000 per coin, capping its glory year",
  "pg-exbulletin-2022-08-09-tornado": "US Treasury adds Tornado Cash addresses to OFAC sanctions list",
  "pg-finewsasia-2021-mas-dpt-licences": "MAS readies licences for digital payment token providers",
  "pg-forbesindia-2024-04-22-halving": "Bitcoin's fourth halving cuts the mining reward in half",
  "pg-hindustantimes-2018-04-rbi": "RBI asks banks to stop services to businesses dealing in virtual currencies",
  "pg-hoganlovells-2024-sg-psa-amendments": "Singapore: Payment Services Act amendments take effect from 4 April 2024",
  "pg-hxnews-2014-04-08": "多家比特币交易平台银行账户被叫停",
  "pg-intelliphants-2021-06-fca-binance": "City watchdog bans major cryptocurrency exchange Binance from operating in the UK",
  "pg-iqwiki-2024-01-sec-spot-etf-zh": "美国证券交易委员会批准首批现货比特币ETF",
  "pg-mamotcv-2022-06-30-mica": "Agreement reached on the Markets in Crypto-Assets regulation (MiCA)",
  "pg-mediaite-2022-12-12-sbf-arrest": "Sam Bankman-Fried arrested in the Bahamas",
  "pg-miningpool-2016-06-dao-hack": "The DAO hacked: about $60 million in ether drained",
  "pg-newsnation-2022-11-23-ny-mining-moratorium": "New York imposes partial moratorium on cryptocurrency mining",
  "pg-nxtlgy-2023-04-eth-shanghai-zh": "以太坊上海升级成功激活 质押提款正式开启",
  "pg-techrooms-2025-02-bybit-hack": "Bybit exchange breached, over $1.4 billion stolen from ETH cold wallet",
  "pg-theblock-2023-03-23-do-kwon": "Do Kwon arrested in Montenegro, interior ministry says",
  "pg-thetimes-2021-06-09-elsalvador": "El Salvador first to accept bitcoin as legal tender",
  "pg-venable-2016-01-finra-awcs": "FINRA's year-end guidance: four AWCs to close out 2015",
  "pg-wanbiaoku-2025-06-csrc-insider": "中国证监会集中发布11份行政处罚决定书 严打内幕交易",
};

// Which records go to the regulators wire vs the markets wire (English pages from around the web).
const POLICY_IDS = new Set([
  "pg-abcnews-2019-12-bitclub-ponzi", "pg-am1280-2014-03-irs-property", "pg-bhluemountain-2024-04-03-nigeria-binance",
  "pg-bitget-cbi-india-crypto-ponzi", "pg-blockchaintechnews-2017-07-31-dao-report", "pg-blocktribune-2018-01-30-coincheck",
  "pg-coindesk-2020-12-22-sec-ripple", "pg-coinfox-poland-nbp-campaign", "pg-dailybeast-2024-01-10-spot-etf",
  "pg-exbulletin-2022-08-09-tornado", "pg-finewsasia-2021-mas-dpt-licences", "pg-goodwin-2013-03-26-fincen",
  "pg-hindustantimes-2018-04-rbi", "pg-hoganlovells-2024-sg-psa-amendments", "pg-intelliphants-2021-06-fca-binance",
  "pg-mamotcv-2022-06-30-mica", "pg-mediaite-2022-12-12-sbf-arrest", "pg-newsnation-2022-11-23-ny-mining-moratorium",
  "pg-semafor-2023-11-21-binance-doj", "pg-theblock-2023-03-23-do-kwon", "pg-thetimes-2021-06-09-elsalvador",
  "pg-xinhua-chinagate-2016-05-25-japan", "pg-yicai-2017-09-05",
]);

// Pages deliberately absent from the server (404), so the extractor has to fall back to feed content.
// Their feed items carry the full text.
const MISSING_IDS = new Set([
  "pg-am1280-2014-03-irs-property",
  "pg-worldcoinindex-2020-03-btc-plunge",
  "cc-2020-01-06-6692721",
  "cn-2023-05-17-bitcoin-startup-river-raises-35-million-funding-",
  "pg-iqwiki-2024-01-sec-spot-etf-zh",
]);

// ---------------------------------------------------------------------------------------------------
// Encodings

/** True when `ch` encodes in strict GB2312 (EUC-CN rows A1-F7) or in Big5 proper (CP950 round trip). */
const encodableCache = new Map();
function encodable(ch, enc) {
  const key = enc + ch;
  let ok = encodableCache.get(key);
  if (ok !== undefined) return ok;
  if (ch.codePointAt(0) < 0x80) ok = true;
  else if (enc === "gb2312") {
    const b = iconv.encode(ch, "gbk");
    ok = b.length === 2 && b[0] >= 0xa1 && b[0] <= 0xf7 && b[1] >= 0xa1 && b[1] <= 0xfe && iconv.decode(b, "gbk") === ch;
  } else if (enc === "big5") {
    const b = iconv.encode(ch, "cp950");
    ok = b.length === 2 && iconv.decode(b, "cp950") === ch;
  } else ok = true;
  encodableCache.set(key, ok);
  return ok;
}

/** Serialises an XML document in `enc`; characters the charset lacks become numeric character references. */
function encodeXml(xml, enc) {
  if (enc === "utf-8") return Buffer.from(xml, "utf8");
  let out = "";
  for (const ch of xml) out += encodable(ch, enc) ? ch : `&#x${ch.codePointAt(0).toString(16).toUpperCase()};`;
  const buf = iconv.encode(out, enc === "gb2312" ? "gbk" : "cp950");
  if (iconv.decode(buf, enc === "gb2312" ? "gbk" : "cp950") !== out) throw new Error(`lossy ${enc} encoding`);
  return buf;
}

function isTraditional(r) {
  if (r.lang !== "zh") return false;
  let missing = 0;
  for (const ch of r.title + r.text) if (!encodable(ch, "gb2312")) missing++;
  return missing > 3;
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

const esc = (s) =>
  String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const cdata = (s) => `<![CDATA[${String(s).replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;

const ABBREV =
  /(?:\b(?:[A-Z]\.){1,3}|\b(?:Mr|Mrs|Ms|Dr|Prof|Inc|Ltd|Co|Corp|Jr|Sr|St|No|vs|Gov|Sen|Rep|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e)\.)$/;

function sentences(text, lang) {
  if (lang === "zh") return text.match(/[^。！？!?]+(?:[。！？!?]+[”」』）)]*|$)/g) ?? [text];
  const parts = text.split(/(?<=[.!?][”"’')\]]*)\s+(?=[“"‘'(\[]?[A-Z0-9])/);
  const out = [];
  for (const p of parts) {
    if (out.length && ABBREV.test(out[out.length - 1])) out[out.length - 1] += " " + p;
    else out.push(p);
  }
  return out;
}

/** Article body blocks: each source line is a paragraph; long lines are split into groups of sentences. */
function blocks(text, lang) {
  const zh = lang === "zh";
  const lines = text.replace(/\r\n?/g, "\n").split(/\n+/).map((l) => l.trim()).filter(Boolean);
  const out = [];
  lines.forEach((line, i) => {
    const bullet = /^(?:[-•*]|\u2022)\s+(.*)$/.exec(line);
    if (bullet) {
      const last = out[out.length - 1];
      if (last?.type === "ul") last.items.push(bullet[1]);
      else out.push({ type: "ul", items: [bullet[1]] });
      return;
    }
    const isHeading = zh
      ? /^(?:[一二三四五六七八九十]+、|引言$)/.test(line) && line.length < 40
      : i > 0 && i < lines.length - 1 && line.length < 60 && /^[A-Z][A-Za-z ,'’-]+$/.test(line) && line.split(" ").length <= 8;
    if (isHeading) return out.push({ type: "h2", text: line });
    const limit = zh ? 220 : 600;
    if (line.length <= limit) return out.push({ type: "p", text: line });
    let cur = "";
    let n = 0;
    for (const s of sentences(line, lang)) {
      cur += cur && !zh ? " " + s.trim() : s.trim();
      n++;
      if (cur.length >= (zh ? 120 : 320) || n >= 3) {
        out.push({ type: "p", text: cur });
        cur = "";
        n = 0;
      }
    }
    if (cur) {
      const last = out[out.length - 1];
      // fold a short tail into the previous paragraph rather than leave a one-liner
      if (last?.type === "p" && cur.length < (zh ? 30 : 80)) last.text += zh ? cur : " " + cur;
      else out.push({ type: "p", text: cur });
    }
  });
  return out;
}

function blocksHtml(bs, indent = "      ") {
  return bs
    .map((b) =>
      b.type === "ul"
        ? `${indent}<ul>\n${b.items.map((t) => `${indent}  <li>${esc(t)}</li>`).join("\n")}\n${indent}</ul>`
        : `${indent}<${b.type}>${esc(b.text)}</${b.type}>`,
    )
    .join("\n");
}

function summaryOf(text, lang) {
  const flat = text.replace(/\s+/g, lang === "zh" ? "" : " ").trim();
  const max = lang === "zh" ? 120 : 200;
  if (flat.length <= max) return flat;
  const head = flat.slice(0, max);
  const stop = Math.max(...[...(lang === "zh" ? "。！？" : ".!?")].map((c) => head.lastIndexOf(c)));
  if (stop >= max / 2) return head.slice(0, stop + 1);
  const sp = lang === "zh" ? -1 : head.lastIndexOf(" ");
  return (sp > max / 2 ? head.slice(0, sp) : head).replace(/[\s,;:，、]+$/, "") + "…";
}

function slugify(s) {
  const words = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ");
  let out = "";
  for (const w of words) {
    if ((out + "-" + w).length > 72) break;
    out = out ? out + "-" + w : w;
  }
  return out;
}

/** Publisher of a record, from the URL its `source` names (the wire or page it was taken from). */
function publisherOf(r) {
  if (r.id === SEED_ID) return "Bloomberg";
  const m = /original: (https?:\/\/[^\s)]+)/.exec(r.source) ?? /^(https?:\/\/\S+)/.exec(r.source);
  if (!m) return "Staff";
  return new URL(m[1]).hostname.replace(/^www\./, "");
}

// Date-only source dates are published at 12:00 UTC so that the calendar date is the same in every
// time zone the feeds render it in.
function instant(r) {
  return r.published ? new Date(`${r.published}T12:00:00Z`) : null;
}
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
function rfc822(d, offsetHours = 0, zone = "GMT") {
  const t = new Date(d.getTime() + offsetHours * 3600_000);
  const p = (n) => String(n).padStart(2, "0");
  const tz = zone === "GMT" ? "GMT" : `${offsetHours < 0 ? "-" : "+"}${p(Math.abs(offsetHours))}00`;
  return `${DAYS[t.getUTCDay()]}, ${p(t.getUTCDate())} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} ${tz}`;
}
const iso = (d) => d.toISOString().replace(".000Z", "Z");
const longDate = (d) => `${MONTHS_LONG[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
const zhDate = (d) => `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;

// ---------------------------------------------------------------------------------------------------
// Feeds

const FEEDS = [
  {
    id: "regradar-policy-wire",
    title: "The Regulatory Ledger — Policy & Enforcement",
    description: "Regulators, courts and law enforcement on crypto-assets, from around the web.",
    format: "rss2", encoding: "utf-8", lang: "en", tags: ["en", "regulation"],
    contentType: "application/rss+xml; charset=utf-8", section: "Regulation",
    site: { name: "The Regulatory Ledger", template: ["ledger", "brief"] },
    pick: (r) => r.id === SEED_ID || POLICY_IDS.has(r.id),
  },
  {
    id: "regradar-markets-wire",
    title: "MarketPulse — Crypto Markets",
    description: "Prices, funds, hacks and the wider finance beat.",
    format: "rss2", encoding: "utf-8", lang: "en", tags: ["en", "markets"],
    contentType: "application/rss+xml; charset=utf-8", section: "Markets",
    site: { name: "MarketPulse", template: ["pulse"] },
    pick: (r) => r.id.startsWith("pg-") && r.lang === "en" && !POLICY_IDS.has(r.id),
  },
  {
    id: "newswire-digest-rdf",
    title: "Crypto Newswire Digest",
    description: "A daily digest of crypto headlines (RSS 1.0).",
    format: "rss1", encoding: "utf-8", lang: "en", tags: ["en", "markets", "rss1"],
    contentType: "application/rdf+xml; charset=utf-8", section: "Digest",
    site: { name: "Compliance Brief", template: ["brief"] },
    pick: (r) => r.id.startsWith("cc-"),
  },
  {
    id: "cryptonews-atom",
    title: "Chain Street — Bitcoin News",
    description: "Bitcoin and crypto news, spring 2023.",
    format: "atom", encoding: "utf-8", lang: "en", tags: ["en", "markets", "atom"],
    contentType: "application/atom+xml; charset=utf-8", section: "Bitcoin",
    site: { name: "Chain Street", template: ["pulse"] },
    pick: (r) => r.id.startsWith("cn-"),
  },
  {
    id: "lianwen-gb2312",
    title: "链闻财经 — 区块链监管",
    description: "区块链与数字货币监管新闻（GB2312 编码）",
    format: "rss2", encoding: "gb2312", lang: "zh-CN", tags: ["zh", "regulation", "gb2312"],
    contentType: "application/rss+xml; charset=gb2312", section: "监管",
    site: { name: "链闻财经", template: ["portal"] },
    pick: (r) => r.lang === "zh" && !isTraditional(r),
  },
  {
    id: "qukuailian-big5",
    title: "區塊鏈週報 — 監管動態",
    description: "香港及台灣區塊鏈與虛擬資產新聞（Big5 編碼）",
    format: "rss2", encoding: "big5", lang: "zh-TW", tags: ["zh", "regulation", "big5"],
    contentType: "application/rss+xml; charset=big5", section: "監管動態",
    site: { name: "區塊鏈週報", template: ["portal"] },
    pick: (r) => r.lang === "zh" && isTraditional(r),
  },
];

// Assign records to feeds, newest first (undated items last, in source order).
const items = [];
const usedSlugs = new Set();
for (const feed of FEEDS) {
  const mine = records.filter(feed.pick);
  mine.sort((a, b) => (b.published ?? "").localeCompare(a.published ?? ""));
  feed.items = mine.map((r, i) => {
    const headlineWritten = !r.title && !!HEADLINES[r.id];
    const title = r.title || HEADLINES[r.id];
    if (!title) throw new Error(`no headline for ${r.id}`);
    let slug = r.id === SEED_ID ? SEED_SLUG : r.lang === "en" ? slugify(title) : r.id.replace(/^(pg|cc|cn)-/, "");
    slug = slug.replace(/-+$/, "");
    while (usedSlugs.has(slug)) slug += "-2";
    usedSlugs.add(slug);
    const item = {
      record: r,
      feed,
      index: i,
      title,
      headlineWritten,
      slug,
      path: `/articles/${slug}.html`,
      url: `${BASE}/articles/${slug}.html`,
      date: instant(r),
      publisher: publisherOf(r),
      summary: summaryOf(r.text, r.lang),
      blocks: blocks(r.text, r.lang),
      missing: MISSING_IDS.has(r.id),
      template: feed.site.template[i % feed.site.template.length],
    };
    items.push(item);
    return item;
  });
}
const unassigned = records.filter((r) => !items.some((it) => it.record === r));
if (unassigned.length) throw new Error(`records in no feed: ${unassigned.map((r) => r.id).join(", ")}`);
for (const id of MISSING_IDS) if (!items.some((it) => it.record.id === id)) throw new Error(`unknown missing id ${id}`);

const fullHtml = (it) => blocksHtml(it.blocks, "").replace(/\n/g, "");
const latest = (feed) => feed.items.map((it) => it.date).filter(Boolean).sort((a, b) => b - a)[0];

function rss2(feed) {
  const zh = feed.encoding !== "utf-8";
  const tz = zh ? 8 : 0;
  const zone = zh ? "offset" : feed.id.includes("markets") ? "offset" : "GMT";
  const last = latest(feed);
  const item = (it) => {
    const guid =
      feed.id === "regradar-policy-wire"
        ? `<guid isPermaLink="true">${esc(it.url)}</guid>`
        : `<guid isPermaLink="false">${esc(feed.id)}:${esc(it.record.id)}</guid>`;
    // Non-UTF-8 feeds avoid CDATA: characters the charset lacks must be written as character references.
    const description = zh
      ? esc(it.missing ? it.record.text.replace(/\s*\n\s*/g, " ") : it.summary)
      : feed.id === "regradar-markets-wire"
        ? cdata(`<p>${esc(it.summary)}</p>`)
        : esc(it.summary);
    const content =
      !zh && (it.missing || feed.id === "regradar-markets-wire") ? `\n      <content:encoded>${cdata(fullHtml(it))}</content:encoded>` : "";
    return `    <item>
      <title>${esc(it.title)}</title>
      <link>${esc(it.url)}</link>
      ${guid}${it.date ? `\n      <pubDate>${rfc822(it.date, tz, zone)}</pubDate>` : ""}
      <dc:creator>${esc(it.publisher)}</dc:creator>
      <category>${esc(feed.section)}</category>
      <description>${description}</description>${content}
    </item>`;
  };
  const xml = `<?xml version="1.0" encoding="${feed.encoding}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>${esc(feed.title)}</title>
    <link>${BASE}/</link>
    <atom:link href="${BASE}/feeds/${feed.id}.xml" rel="self" type="application/rss+xml"/>
    <description>${esc(feed.description)}</description>
    <language>${feed.lang}</language>${last ? `\n    <lastBuildDate>${rfc822(last, tz, zone)}</lastBuildDate>` : ""}
    <generator>RegRadar demo data builder</generator>
    <ttl>30</ttl>
${feed.items.map(item).join("\n")}
  </channel>
</rss>
`;
  return encodeXml(xml, feed.encoding);
}

function rss1(feed) {
  const last = latest(feed);
  const item = (it) => `  <item rdf:about="${esc(it.url)}">
    <title>${esc(it.title)}</title>
    <link>${esc(it.url)}</link>
    <description>${esc(it.missing ? it.record.text : it.summary)}</description>${it.date ? `\n    <dc:date>${it.date.toISOString().replace(".000Z", "+00:00")}</dc:date>` : ""}
    <dc:creator>${esc(it.publisher)}</dc:creator>
    <dc:subject>${esc(feed.section)}</dc:subject>${it.missing ? `\n    <content:encoded>${cdata(fullHtml(it))}</content:encoded>` : ""}
  </item>`;
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="${BASE}/feeds/${feed.id}.xml">
    <title>${esc(feed.title)}</title>
    <link>${BASE}/</link>
    <description>${esc(feed.description)}</description>
    <dc:language>${feed.lang}</dc:language>${last ? `\n    <dc:date>${last.toISOString().replace(".000Z", "+00:00")}</dc:date>` : ""}
    <items>
      <rdf:Seq>
${feed.items.map((it) => `        <rdf:li rdf:resource="${esc(it.url)}"/>`).join("\n")}
      </rdf:Seq>
    </items>
  </channel>
${feed.items.map(item).join("\n")}
</rdf:RDF>
`;
  return encodeXml(xml, "utf-8");
}

function atom(feed) {
  const last = latest(feed);
  const entry = (it) => {
    if (!it.date) throw new Error(`atom entry without date: ${it.record.id}`);
    return `  <entry>
    <id>urn:regradar-demo:${esc(it.record.id)}</id>
    <title type="text">${esc(it.title)}</title>
    <link rel="alternate" type="text/html" href="${esc(it.url)}"/>
    <published>${iso(it.date)}</published>
    <updated>${iso(it.date)}</updated>
    <author><name>${esc(it.publisher)}</name></author>
    <category term="${esc(feed.section)}"/>
    <summary type="text">${esc(it.summary)}</summary>
    <content type="html">${esc(fullHtml(it))}</content>
  </entry>`;
  };
  const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>urn:regradar-demo:feed:${feed.id}</id>
  <title type="text">${esc(feed.title)}</title>
  <subtitle>${esc(feed.description)}</subtitle>
  <link rel="self" type="application/atom+xml" href="${BASE}/feeds/${feed.id}.xml"/>
  <link rel="alternate" type="text/html" href="${BASE}/"/>
  <updated>${iso(last)}</updated>
  <generator>RegRadar demo data builder</generator>
${feed.items.map(entry).join("\n")}
</feed>
`;
  return encodeXml(xml, "utf-8");
}

// ---------------------------------------------------------------------------------------------------
// Pages

const COMMENTS_EN = [
  ["satoshi_fan_21", "Regulators are always a step behind. By the time the rules land the market has moved on."],
  ["j.morales", "Does anyone have a link to the original filing? Would like to read the full document."],
  ["quietobserver", "Good write-up. Curious how this will actually be enforced in practice."],
  ["hodl_mike", "Same story every cycle. Buy the rumour, sell the news."],
];
const COMMENTS_ZH = [
  ["链上观察员", "支持规范发展，市场健康才能走得长远。"],
  ["匿名网友", "有没有原文链接？想看看完整的文件。"],
  ["币圈老韭菜", "每次都是这样，消息一出就大跌。"],
];
const COMMENTS_ZH_HANT = [
  ["鏈上觀察員", "支持規範發展，市場健康才能走得長遠。"],
  ["匿名網友", "有沒有原文連結？想看看完整的文件。"],
];

function related(it) {
  const others = it.feed.items.filter((o) => o !== it && !o.missing);
  const start = others.length ? (it.index * 3) % others.length : 0;
  const picked = [];
  for (let k = 0; k < Math.min(4, others.length); k++) picked.push(others[(start + k) % others.length]);
  return picked;
}

function sourceComment(it) {
  const r = it.record;
  const notes = [`Source: ${r.source}`, `Record: ${r.id}`];
  if (it.headlineWritten) notes.push("Headline written for the RegRadar demo; the source text carries none.");
  if (r.titleNote) notes.push(`Headline: ${r.titleNote}.`);
  notes.push("Article text is the source excerpt; everything around it is demo page chrome.");
  return `<!--\n  ${notes.map((n) => n.replace(/--/g, "- -")).join("\n  ")}\n-->`;
}

function headMeta(it, { jsonLd, lang }) {
  const r = it.record;
  const ld = jsonLd
    ? `\n  <script type="application/ld+json">${JSON.stringify({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        headline: it.title,
        ...(it.date ? { datePublished: iso(it.date), dateModified: iso(it.date) } : {}),
        author: [{ "@type": "Organization", name: it.publisher }],
        publisher: { "@type": "Organization", name: it.feed.site.name },
        mainEntityOfPage: it.url,
        inLanguage: lang,
        description: it.summary,
      }).replace(/</g, "\\u003c")}</script>`
    : "";
  return `  <meta name="description" content="${esc(it.summary)}">
  <meta name="author" content="${esc(it.publisher)}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="${esc(it.title)}">
  <meta property="og:url" content="${esc(it.url)}">
  <meta property="og:site_name" content="${esc(it.feed.site.name)}">${it.date ? `\n  <meta property="article:published_time" content="${iso(it.date)}">` : ""}
  <meta property="article:section" content="${esc(it.feed.section)}">
  <link rel="canonical" href="${esc(it.url)}">${ld}
  <!-- ${esc(r.id)} -->`;
}

const ANALYTICS = `  <script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("js",new Date());gtag("config","G-DEMO000000");</script>`;

function footerSource(it, label = "Source:") {
  return `<p class="source-attribution">${label} ${esc(it.record.source)}</p>`;
}

/** "The Regulatory Ledger": semantic HTML5 news page with JSON-LD. */
function ledgerPage(it) {
  const rel = related(it);
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(it.title)} | ${esc(it.feed.site.name)}</title>
${headMeta(it, { jsonLd: true, lang: "en" })}
  <link rel="stylesheet" href="/static/ledger.css">
${ANALYTICS}
</head>
<body class="article-page">
${sourceComment(it)}
  <div id="cookie-banner" class="cookie-banner" role="dialog">We use cookies to improve your experience. <button>Accept</button> <a href="/privacy">Privacy policy</a></div>
  <header class="site-header">
    <a class="logo" href="/">The Regulatory Ledger</a>
    <nav class="main-nav" aria-label="Sections">
      <ul>
        <li><a href="/section/policy">Policy</a></li>
        <li><a href="/section/enforcement">Enforcement</a></li>
        <li><a href="/section/markets">Markets</a></li>
        <li><a href="/section/asia">Asia</a></li>
        <li><a href="/newsletter">Newsletter</a></li>
      </ul>
    </nav>
    <form class="search" action="/search"><input name="q" placeholder="Search the Ledger"></form>
  </header>
  <nav class="breadcrumbs"><a href="/">Home</a> › <a href="/section/policy">${esc(it.feed.section)}</a></nav>
  <main>
    <article class="story">
      <header>
        <p class="kicker">${esc(it.feed.section)}</p>
        <h1>${esc(it.title)}</h1>
        <p class="byline">By <span class="author">${esc(it.publisher)}</span>${it.date ? ` · <time datetime="${iso(it.date)}">${longDate(it.date)}</time>` : ""}</p>
      </header>
      <div class="story-body">
${blocksHtml(it.blocks, "        ")}
      </div>
    </article>
    <div class="share-bar" aria-label="Share">
      <span>Share this story</span>
      <a href="https://twitter.com/intent/tweet?url=${encodeURIComponent(it.url)}">Twitter</a>
      <a href="https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(it.url)}">LinkedIn</a>
      <a href="mailto:?subject=${encodeURIComponent(it.title)}">Email</a>
      <button class="copy-link">Copy link</button>
    </div>
    <section class="related">
      <h2>Related stories</h2>
      <ul>
${rel.map((o) => `        <li><a href="${o.path}">${esc(o.title)}</a></li>`).join("\n")}
      </ul>
    </section>
    <section class="comments" id="comments">
      <h2>${COMMENTS_EN.length - 1} comments</h2>
${COMMENTS_EN.slice(0, 3)
  .map(([who, said]) => `      <div class="comment"><p class="comment-author">${esc(who)}</p><p class="comment-text">${esc(said)}</p><a class="reply" href="#comments">Reply</a></div>`)
  .join("\n")}
      <form class="comment-form"><textarea placeholder="Join the discussion"></textarea><button>Post comment</button></form>
    </section>
  </main>
  <aside class="newsletter-promo"><h3>The Ledger Daily</h3><p>Regulatory news in your inbox every morning.</p><form><input type="email" placeholder="you@example.com"><button>Subscribe</button></form></aside>
  <footer class="site-footer">
    <ul class="footer-links"><li><a href="/about">About</a></li><li><a href="/contact">Contact</a></li><li><a href="/terms">Terms</a></li><li><a href="/privacy">Privacy</a></li></ul>
    ${footerSource(it)}
    <p class="copyright">© The Regulatory Ledger (RegRadar demo site). All rights reserved.</p>
  </footer>
  <script src="/static/ledger.js" defer></script>
</body>
</html>
`;
}

/** "Compliance Brief": law-firm insight layout with sidebar, no JSON-LD, disclaimer after the body. */
function briefPage(it) {
  const rel = related(it);
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>${esc(it.title)} - Compliance Brief</title>
${headMeta(it, { jsonLd: false, lang: "en" })}
<style>.sidebar{float:right;width:30%}.content{width:65%}.disclaimer{font-size:small}</style>
</head>
<body>
${sourceComment(it)}
<div id="wrapper">
  <div id="top-bar"><a href="/login">Client login</a> | <a href="/careers">Careers</a> | <a href="/offices">Offices</a></div>
  <div id="masthead"><a href="/"><img src="/static/brief-logo.png" alt="Compliance Brief"></a>
    <ul id="menu"><li><a href="/insights">Insights</a></li><li><a href="/people">People</a></li><li><a href="/practices">Practices</a></li><li><a href="/events">Events</a></li></ul>
  </div>
  <div id="page">
    <div class="content">
      <article class="insight">
        <h1 class="insight-title">${esc(it.title)}</h1>
        <div class="insight-meta">${it.date ? `<span class="date">${it.date.getUTCDate()} ${MONTHS_LONG[it.date.getUTCMonth()]} ${it.date.getUTCFullYear()}</span> | ` : ""}<span class="author">${esc(it.publisher)}</span> | <span class="topic">${esc(it.feed.section)}</span></div>
${blocksHtml(it.blocks, "        ")}
      </article>
      <div class="disclaimer"><p>This material is provided for general information only and does not constitute legal advice. Please contact your usual adviser for advice on specific matters.</p></div>
      <div class="share">Share: <a href="https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(it.url)}">LinkedIn</a> · <a href="https://twitter.com/intent/tweet?url=${encodeURIComponent(it.url)}">X</a> · <a href="javascript:window.print()">Print</a></div>
      <div id="comments"><h3>Comments</h3>
${COMMENTS_EN.slice(1, 3).map(([who, said]) => `        <div class="cmt"><b>${esc(who)}</b> wrote:<br>${esc(said)}</div>`).join("\n")}
      </div>
    </div>
    <div class="sidebar">
      <div class="widget"><h3>Subscribe to updates</h3><p>Get our regulatory insights by email.</p><a class="btn" href="/subscribe">Sign up</a></div>
      <div class="widget"><h3>More insights</h3><ul>
${rel.map((o) => `        <li><a href="${o.path}">${esc(o.title)}</a></li>`).join("\n")}
      </ul></div>
      <div class="widget"><h3>Topics</h3><p><a href="/topics/aml">AML</a> <a href="/topics/licensing">Licensing</a> <a href="/topics/enforcement">Enforcement</a> <a href="/topics/digital-assets">Digital assets</a></p></div>
    </div>
  </div>
  <div id="footer">
    <p>Compliance Brief is a RegRadar demo site. <a href="/legal">Legal notices</a> · <a href="/cookies">Cookies</a></p>
    ${footerSource(it)}
  </div>
</div>
</body>
</html>
`;
}

/** "MarketPulse" / "Chain Street": div-heavy markets site with ads and a newsletter box inside the article. */
function pulsePage(it) {
  const rel = related(it);
  const body = [];
  it.blocks.forEach((b, i) => {
    body.push(blocksHtml([b], "          "));
    if (i === 1 && it.blocks.length > 3)
      body.push(`          <div class="ad-slot ad-inarticle" data-ad-unit="mid-article"><span class="ad-label">Advertisement</span><div class="ad-creative">Trade 200+ coins with zero fees. Sign up today.</div></div>`);
    if (i === 3 && it.blocks.length > 5 && rel[0])
      body.push(`          <aside class="inline-related"><strong>Also read:</strong> <a href="${rel[0].path}">${esc(rel[0].title)}</a></aside>`);
  });
  const ticker = ["BTC $—", "ETH $—", "XRP $—", "SOL $—"].map((t) => `<span class="tick">${t}</span>`).join("");
  return `<!doctype html>
<html lang="en-US" class="no-js">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(it.title)} – ${esc(it.feed.site.name)}</title>
${headMeta(it, { jsonLd: false, lang: "en" })}
<meta name="twitter:card" content="summary_large_image">
<link rel="preload" href="/static/pulse.css" as="style">
<link rel="stylesheet" href="/static/pulse.css">
</head>
<body class="single single-post">
${sourceComment(it)}
<div class="ticker-bar">${ticker}</div>
<div class="top-nav"><div class="container">
  <a class="brand" href="/">${esc(it.feed.site.name)}</a>
  <div class="menu"><a href="/news">News</a><a href="/price">Prices</a><a href="/analysis">Analysis</a><a href="/learn">Learn</a><a href="/podcast">Podcast</a></div>
  <a class="btn-subscribe" href="/subscribe">Subscribe</a>
</div></div>
<div class="ad-slot ad-leaderboard"><span class="ad-label">Advertisement</span></div>
<div class="container layout">
  <div class="col-main">
    <article class="post" itemscope itemtype="https://schema.org/NewsArticle">
      <div class="post-header">
        <a class="post-category" href="/news">${esc(it.feed.section)}</a>
        <h1 class="post-title" itemprop="headline">${esc(it.title)}</h1>
        <div class="post-meta"><span class="post-author" itemprop="author">${esc(it.publisher)}</span>${it.date ? `<span class="sep">|</span><time class="post-date" itemprop="datePublished" datetime="${iso(it.date)}">${it.date.getUTCDate()} ${MONTHS[it.date.getUTCMonth()]} ${it.date.getUTCFullYear()}</time>` : ""}<span class="sep">|</span><span class="read-time">${Math.max(1, Math.round(it.record.text.split(/\s+/).length / 200))} min read</span></div>
      </div>
      <div class="post-content" itemprop="articleBody">
${body.join("\n")}
      </div>
      <div class="post-tags">Tags: <a href="/tag/bitcoin">Bitcoin</a> <a href="/tag/${esc(it.feed.section.toLowerCase())}">${esc(it.feed.section)}</a></div>
    </article>
    <div class="newsletter-box"><h4>Never miss a story</h4><p>Join 50,000 readers getting the morning markets brief.</p><input type="email" placeholder="Email address"><button>Sign me up</button></div>
    <div class="share-buttons"><a class="share-x" href="https://twitter.com/intent/tweet?url=${encodeURIComponent(it.url)}">Share on X</a><a class="share-fb" href="https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(it.url)}">Facebook</a><a class="share-tg" href="https://t.me/share/url?url=${encodeURIComponent(it.url)}">Telegram</a></div>
    <div class="disqus" id="disqus_thread">
      <div class="comment-count">${COMMENTS_EN.length} Comments</div>
${COMMENTS_EN.map(([who, said]) => `      <div class="comment"><span class="name">${esc(who)}</span><div class="body">${esc(said)}</div></div>`).join("\n")}
    </div>
  </div>
  <div class="col-side">
    <div class="widget trending"><h3>Trending</h3><ol>
${rel.map((o) => `      <li><a href="${o.path}">${esc(o.title)}</a></li>`).join("\n")}
    </ol></div>
    <div class="ad-slot ad-sidebar"><span class="ad-label">Advertisement</span></div>
  </div>
</div>
<footer class="site-footer"><div class="container">
  <p>${esc(it.feed.site.name)} is a RegRadar demo site. Nothing here is investment advice.</p>
  ${footerSource(it)}
  <p><a href="/about">About</a> · <a href="/advertise">Advertise</a> · <a href="/privacy">Privacy</a></p>
</div></footer>
<script>document.documentElement.className="js";</script>
<script async src="/static/ads.js"></script>
</body>
</html>
`;
}

/** Chinese portal page (simplified or traditional), JSON-LD on simplified pages. */
function portalPage(it) {
  const hant = it.feed.encoding === "big5";
  const rel = related(it);
  const L = hant
    ? { home: "首頁", nav: ["新聞", "監管", "行情", "專欄", "快訊"], share: "分享到：", wechat: "微信", weibo: "微博", copy: "複製連結", related: "相關閱讀", comments: "網友評論", post: "發表評論", src: "來源：", editor: "責任編輯：編輯部", rights: "版權聲明：本站為 RegRadar 演示網站。", comments_list: COMMENTS_ZH_HANT }
    : { home: "首页", nav: ["新闻", "监管", "行情", "专栏", "快讯"], share: "分享到：", wechat: "微信", weibo: "微博", copy: "复制链接", related: "相关阅读", comments: "网友评论", post: "发表评论", src: "来源：", editor: "责任编辑：编辑部", rights: "版权声明：本站为 RegRadar 演示网站。", comments_list: COMMENTS_ZH };
  const lang = hant ? "zh-Hant" : "zh-CN";
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>${esc(it.title)}_${esc(it.feed.section)}_${esc(it.feed.site.name)}</title>
<meta name="keywords" content="${esc(it.feed.section)},区块链,数字货币">
${headMeta(it, { jsonLd: !hant, lang })}
<link rel="stylesheet" href="/static/portal.css">
<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");hm.src="/static/hm.js";document.head.appendChild(hm);})();</script>
</head>
<body>
${sourceComment(it)}
<div class="topbar"><div class="w1200"><a href="/">${L.home}</a> | <a href="/app">APP</a> | <a href="/login">登录</a></div></div>
<div class="header w1200"><a class="logo" href="/">${esc(it.feed.site.name)}</a>
  <ul class="nav">${L.nav.map((n, i) => `<li><a href="/channel/${i}">${n}</a></li>`).join("")}</ul>
</div>
<div class="w1200 crumbs"><a href="/">${L.home}</a> &gt; <a href="/channel/1">${esc(it.feed.section)}</a> &gt; 正文</div>
<div class="w1200 main clearfix">
  <div class="left">
    <article class="article-box">
      <h1 class="article-title">${esc(it.title)}</h1>
      <div class="article-info">${it.date ? `<span class="time">${zhDate(it.date)}</span>` : ""}<span class="source">${L.src}${esc(it.publisher)}</span></div>
      <div class="article-content" id="artibody">
${blocksHtml(it.blocks, "        ")}
      </div>
      <p class="editor">${L.editor}</p>
    </article>
    <div class="share-box">${L.share}<a class="wx" href="javascript:;">${L.wechat}</a><a class="wb" href="https://service.weibo.com/share/share.php?url=${encodeURIComponent(it.url)}">${L.weibo}</a><a class="cp" href="javascript:;">${L.copy}</a></div>
    <div class="related-box"><h3>${L.related}</h3><ul>
${rel.map((o) => `      <li><a href="${o.path}">${esc(o.title)}</a></li>`).join("\n")}
    </ul></div>
    <div class="comment-box"><h3>${L.comments}</h3>
${L.comments_list.map(([who, said]) => `      <div class="cmt-item"><span class="cmt-user">${esc(who)}</span><p>${esc(said)}</p></div>`).join("\n")}
      <textarea placeholder="${L.post}"></textarea><button>${L.post}</button>
    </div>
  </div>
  <div class="right">
    <div class="hot"><h3>${hant ? "熱門文章" : "热门文章"}</h3><ol>${rel.slice(0, 3).map((o) => `<li><a href="${o.path}">${esc(o.title)}</a></li>`).join("")}</ol></div>
    <div class="ad"><img src="/static/ad-300x250.png" alt="广告"></div>
  </div>
</div>
<div class="footer"><div class="w1200">
  <p><a href="/about">${hant ? "關於我們" : "关于我们"}</a> | <a href="/contact">${hant ? "聯繫我們" : "联系我们"}</a> | <a href="/disclaimer">${hant ? "免責聲明" : "免责声明"}</a></p>
  <p>${L.rights}</p>
  ${footerSource(it, "Source:")}
</div></div>
</body>
</html>
`;
}

const TEMPLATES = { ledger: ledgerPage, brief: briefPage, pulse: pulsePage, portal: portalPage };

// ---------------------------------------------------------------------------------------------------
// Write

for (const dir of ["feeds", "pages"]) rmSync(join(OUT, dir), { recursive: true, force: true });
mkdirSync(join(OUT, "feeds"), { recursive: true });
mkdirSync(join(OUT, "pages"), { recursive: true });

const manifest = { baseUrl: BASE, feeds: [], pages: [], missingPages: [] };
for (const feed of FEEDS) {
  const bytes = feed.format === "rss2" ? rss2(feed) : feed.format === "rss1" ? rss1(feed) : atom(feed);
  const file = `feeds/${feed.id}.xml`;
  writeFileSync(join(OUT, file), bytes);
  manifest.feeds.push({
    id: feed.id,
    title: feed.title,
    path: `/${file}`,
    file,
    contentType: feed.contentType,
    format: feed.format,
    encoding: feed.encoding,
    items: feed.items.length,
    tags: feed.tags,
  });
}
for (const it of items) {
  if (it.missing) {
    manifest.missingPages.push(it.path);
    continue;
  }
  const file = `pages/${it.slug}.html`;
  writeFileSync(join(OUT, file), TEMPLATES[it.template](it));
  manifest.pages.push({ path: it.path, file, sourceId: it.record.id, feedId: it.feed.id, template: it.template });
}
manifest.pages.sort((a, b) => a.path.localeCompare(b.path));
manifest.missingPages.sort();
writeFileSync(join(OUT, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");

console.log(
  manifest.feeds.map((f) => `${f.path} ${f.format} ${f.encoding} items=${f.items}`).join("\n") +
    `\npages=${manifest.pages.length} missing=${manifest.missingPages.length} items=${items.length}`,
);
