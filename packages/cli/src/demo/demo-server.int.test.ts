import { readFile } from "node:fs/promises";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PLACEHOLDER_BASE, defaultDemoDataDir, startDemoServer, type DemoServer } from "./demo-server.js";

interface Manifest {
  feeds: { id: string; path: string; contentType: string }[];
  pages: { path: string; file: string; sourceId: string }[];
  missingPages: string[];
}

describe("demo server", () => {
  let server: DemoServer;
  let manifest: Manifest;

  beforeAll(async () => {
    manifest = JSON.parse(await readFile(new URL("manifest.json", defaultDemoDataDir()), "utf8")) as Manifest;
    server = await startDemoServer({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("listens on 127.0.0.1 and lists the bundled feeds with absolute URLs", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.feeds.length).toBeGreaterThanOrEqual(5);
    for (const f of server.feeds) expect(f.url.startsWith(server.url + "/feeds/")).toBe(true);
  });

  it("serves the GB2312 feed as GB2312 bytes, rebased onto the real port", async () => {
    const feed = manifest.feeds.find((f) => /charset=gb2312/i.test(f.contentType));
    expect(feed).toBeDefined();
    const res = await fetch(server.url + feed!.path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=gb2312");
    const bytes = Buffer.from(await res.arrayBuffer());

    // Not UTF-8: a UTF-8 decoder must hit invalid sequences.
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    // "株" is D6EA in GB2312.
    expect(bytes.includes(Buffer.from([0xd6, 0xea]))).toBe(true);

    const xml = iconv.decode(bytes, "gb2312");
    expect(xml.startsWith('<?xml version="1.0" encoding="gb2312"?>')).toBe(true);
    expect(xml).toContain("<title>株洲破获涉案金额近150亿元传销案</title>");
    expect(xml).toContain("乌海警方捣毁一虚拟币洗钱窝点");
    // A character GB2312 lacks (祎) travels as a numeric character reference.
    expect(xml).toContain("&#x794E;");
    expect(xml).toContain(`<link>${server.url}/articles/`);
    expect(xml).not.toContain(DEMO_PLACEHOLDER_BASE);
  });

  it("serves the Big5 feed as Big5 bytes", async () => {
    const feed = manifest.feeds.find((f) => /charset=big5/i.test(f.contentType));
    expect(feed).toBeDefined();
    const bytes = Buffer.from(await (await fetch(server.url + feed!.path)).arrayBuffer());
    const xml = iconv.decode(bytes, "big5");
    expect(xml).toContain("首起比特幣跨國網絡傳銷案告破涉案金額超400億元");
  });

  it("serves the seed story's article page as UTF-8 HTML", async () => {
    const page = manifest.pages.find((p) => p.sourceId === "seed-2017-09-18-bloomberg");
    expect(page).toBeDefined();
    const res = await fetch(server.url + page!.path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain("<h1>WeChat users defect to Telegram as China cracks down on bitcoin</h1>");
    expect(html).toContain("Huobi (火幣)");
    expect(html).toContain("Source: Bloomberg (via South China Morning Post)");
    expect(html).toContain(`<link rel="canonical" href="${server.url}${page!.path}">`);
  });

  it("answers If-None-Match with 304 on feeds", async () => {
    const path = manifest.feeds[0]!.path;
    const first = await fetch(server.url + path);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    await first.arrayBuffer();

    const again = await fetch(server.url + path, { headers: { "If-None-Match": etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const weak = await fetch(server.url + path, { headers: { "If-None-Match": `"other", W/${etag}` } });
    expect(weak.status).toBe(304);

    const changed = await fetch(server.url + path, { headers: { "If-None-Match": '"stale"' } });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it("returns 404 for pages the manifest lists as missing and for unknown paths", async () => {
    expect(manifest.missingPages.length).toBeGreaterThan(0);
    const missing = await fetch(server.url + manifest.missingPages[0]!);
    expect(missing.status).toBe(404);
    await missing.text();
    const unknown = await fetch(server.url + "/articles/../manifest.json");
    expect(unknown.status).toBe(404);
    await unknown.text();
  });
});
