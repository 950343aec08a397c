import { describe, expect, test } from "vitest";
import {
  startSilentTcpServer,
  startTestServer,
  type TestServer,
} from "../../../../test/support/misbehaving-server.js";
import { createHttpClient, type HttpClient, type HttpClientOptions } from "./http-client.js";
import { HttpFetchError, type HttpFetchReason } from "./http-fetch-error.js";
import { parseRetryAfter } from "./retry-after.js";

const USER_AGENT = "RegRadar/0.1 (+https://github.com/regradar/regradar; test)";

type MakeClient = (overrides?: Partial<HttpClientOptions>) => HttpClient;

// Small limits so every failure mode resolves in well under a second.
const it = test.extend<{ server: TestServer; makeClient: MakeClient }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startTestServer();
      await use(server);
      await server.close();
    },
    { scope: "file" },
  ],
  // eslint-disable-next-line no-empty-pattern
  makeClient: async ({}, use) => {
    const clients: HttpClient[] = [];
    await use((overrides = {}) => {
      const client = createHttpClient({
        allowHosts: ["127.0.0.1"],
        userAgent: USER_AGENT,
        connectTimeoutMs: 1_000,
        headersTimeoutMs: 2_000,
        bodyTimeoutMs: 2_000,
        totalTimeoutMs: 5_000,
        maxBodyBytes: 1024 * 1024,
        ...overrides,
      });
      clients.push(client);
      return client;
    });
    await Promise.all(clients.map((c) => c.close()));
  },
});

async function fetchError(promise: Promise<unknown>): Promise<HttpFetchError> {
  const err = await promise.then(
    () => {
      throw new Error("expected the fetch to fail");
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpFetchError);
  return err as HttpFetchError;
}

async function expectReason(promise: Promise<unknown>, reason: HttpFetchReason): Promise<HttpFetchError> {
  const err = await fetchError(promise);
  expect(err.reason, err.message).toBe(reason);
  return err;
}

describe("address guard on real connections", () => {
  it("lets an allow-listed 127.0.0.1 through", async ({ server, makeClient }) => {
    const url = server.serveFile("/ok.xml", "<rss/>", { "content-type": "application/rss+xml" });
    const res = await makeClient().get(url);
    expect(res).toMatchObject({ status: 200, url, redirects: [] });
    expect(res.body.toString()).toBe("<rss/>");
    expect(res.headers["content-type"]).toBe("application/rss+xml");
  });

  it("refuses 127.0.0.1 without the allow-list, before sending anything", async ({ server, makeClient }) => {
    const url = server.serveFile("/private.xml", "secret");
    const err = await expectReason(makeClient({ allowHosts: [] }).get(url), "blocked_address");
    expect(err.retryable).toBe(false);
    expect(server.requests.some((r) => r.path === "/private.xml")).toBe(false);
  });

  it("refuses loopback spelled in other forms", async ({ server, makeClient }) => {
    const client = makeClient({ allowHosts: [] });
    await expectReason(client.get(`http://0x7f.1:${server.port}/`), "blocked_address");
    await expectReason(client.get(`http://[::ffff:127.0.0.1]:${server.port}/`), "blocked_address");
    await expectReason(client.get(`http://[::1]:${server.port}/`), "blocked_address");
  });

  it("checks resolved names too: localhost is refused unless its address is allowed", async ({
    server,
    makeClient,
  }) => {
    server.serveFile("/by-name", "hello");
    await expectReason(makeClient({ allowHosts: [] }).get(`http://localhost:${server.port}/by-name`), "blocked_address");
    const res = await makeClient().get(`http://localhost:${server.port}/by-name`);
    expect(res.body.toString()).toBe("hello");
  });

  it("refuses a name that resolves to the metadata address (DNS rebinding)", async ({ makeClient }) => {
    const client = makeClient({ resolveHost: async () => [{ address: "169.254.169.254", family: 4 }] });
    await expectReason(client.get("http://feeds.rebind.test/rss"), "blocked_address");
  });

  it("connects only to the permitted addresses of a name", async ({ server, makeClient }) => {
    server.serveFile("/mixed", "reached the allowed address");
    const client = makeClient({
      resolveHost: async () => [
        { address: "10.0.0.1", family: 4 },
        { address: "127.0.0.1", family: 4 },
      ],
    });
    const res = await client.get(`http://mixed.rebind.test:${server.port}/mixed`);
    expect(res.body.toString()).toBe("reached the allowed address");
  });

  it("refuses metadata host names without resolving them", async ({ makeClient }) => {
    let resolved = false;
    const client = makeClient({
      resolveHost: async () => {
        resolved = true;
        return [{ address: "8.8.8.8", family: 4 }];
      },
    });
    await expectReason(client.get("http://metadata.google.internal/computeMetadata/v1/"), "blocked_address");
    expect(resolved).toBe(false);
  });

  it.for([
    ["the metadata address", "http://169.254.169.254/latest/meta-data/"],
    ["a private address", "http://10.0.0.1/admin"],
    ["an IPv4-mapped metadata address", "http://[::ffff:169.254.169.254]/"],
    ["the metadata host name", "http://metadata.google.internal/"],
  ])("refuses a redirect to %s even though the first host was allowed", async ([, target], { server, makeClient }) => {
    const url = server.behaviours.redirectTo(target);
    const err = await expectReason(makeClient().get(url), "blocked_address");
    expect(err.url).toBe(new URL(target).href);
  });
});

describe("redirects", () => {
  it("follows a chain and reports every hop", async ({ server, makeClient }) => {
    const url = server.behaviours.redirectChain({ hops: 3 });
    const res = await makeClient().get(url);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("end of chain");
    expect(res.redirects).toHaveLength(3);
    expect(res.redirects[0]).toBe(url);
    expect(res.url).toMatch(/\/end$/);
  });

  it("gives up after maxRedirects", async ({ server, makeClient }) => {
    const url = server.behaviours.redirectChain({ hops: 4 });
    const before = server.requests.length;
    const err = await expectReason(makeClient({ maxRedirects: 3 }).get(url), "too_many_redirects");
    expect(err.retryable).toBe(false);
    expect(server.requests.length - before).toBe(4);
    expect((await makeClient({ maxRedirects: 4 }).get(url)).status).toBe(200);
  });

  it("breaks a redirect loop", async ({ server, makeClient }) => {
    await expectReason(makeClient().get(server.behaviours.redirectLoop()), "too_many_redirects");
  });

  it("refuses non-http schemes, at the start or in a redirect", async ({ server, makeClient }) => {
    const client = makeClient();
    await expectReason(client.get("not a url"), "bad_url");
    await expectReason(client.get("file:///etc/passwd"), "bad_url");
    await expectReason(client.get(server.behaviours.redirectTo("ftp://example.com/feed")), "bad_url");
    await expectReason(client.get(server.behaviours.redirectTo("file:///etc/passwd")), "bad_url");
  });

  it("drops credentials when a redirect changes origin", async ({ server, makeClient }) => {
    server.serveFile("/landing", "landed");
    const url = server.behaviours.redirectTo(`http://localhost:${server.port}/landing`);
    const res = await makeClient().get(url, { headers: { Authorization: "Bearer s3cret", "X-Keep": "yes" } });
    expect(res.body.toString()).toBe("landed");
    const landing = server.requests.findLast((r) => r.path === "/landing")!;
    expect(landing.headers["authorization"]).toBeUndefined();
    expect(landing.headers["x-keep"]).toBe("yes");
  });
});

describe("limits and timeouts", () => {
  it("refuses a huge Content-Length before reading the body", async ({ server, makeClient }) => {
    const started = Date.now();
    const err = await expectReason(makeClient().get(server.behaviours.hugeContentLength()), "too_large");
    expect(err.retryable).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("accepts a streamed body exactly at the cap and refuses one byte more", async ({ server, makeClient }) => {
    const chunked = (bytes: number) =>
      server.route(`/chunked-${bytes}`, (_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" }); // no Content-Length: chunked
        res.write(Buffer.alloc(bytes - 1, "a"));
        res.end("z");
      });
    const client = makeClient({ maxBodyBytes: 4096 });
    expect((await client.get(chunked(4096))).body.length).toBe(4096);
    await expectReason(client.get(chunked(4097)), "too_large");
  });

  it("aborts an endless body as soon as it passes the cap", async ({ server, makeClient }) => {
    const started = Date.now();
    await expectReason(makeClient({ maxBodyBytes: 256 * 1024 }).get(server.behaviours.endlessBody()), "too_large");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses a gzip bomb on its decompressed size", async ({ server, makeClient }) => {
    const url = server.behaviours.gzipBomb({ decompressedBytes: 64 * 1024 * 1024 });
    const started = Date.now();
    const err = await expectReason(makeClient({ maxBodyBytes: 1024 * 1024 }).get(url), "too_large");
    expect(err.message).toMatch(/decompressed/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("gives up on a slow drip at the total timeout", async ({ server, makeClient }) => {
    const url = server.behaviours.slowBody({ totalBytes: 1000, chunkBytes: 1, intervalMs: 20 });
    const started = Date.now();
    const err = await expectReason(makeClient({ totalTimeoutMs: 300 }).get(url), "timeout");
    expect(err.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("times out a server that never sends headers", async ({ server, makeClient }) => {
    const started = Date.now();
    const err = await expectReason(
      makeClient({ headersTimeoutMs: 200 }).get(server.behaviours.stallBeforeHeaders()),
      "timeout",
    );
    expect(err.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("times out a body that goes silent", async ({ server, makeClient }) => {
    const started = Date.now();
    await expectReason(makeClient({ bodyTimeoutMs: 200 }).get(server.behaviours.stallAfterHeaders()), "timeout");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("reports a connect timeout when the handshake never completes", async ({ makeClient }) => {
    const silent = await startSilentTcpServer();
    try {
      const started = Date.now();
      const err = await expectReason(
        makeClient({ connectTimeoutMs: 200 }).get(`https://127.0.0.1:${silent.port}/feed`),
        "connect_timeout",
      );
      expect(err.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await silent.close();
    }
  });

  it("reports a refused connection as retryable", async ({ makeClient }) => {
    const gone = await startSilentTcpServer();
    await gone.close(); // the port is now (very likely) closed
    const err = await expectReason(makeClient().get(`http://127.0.0.1:${gone.port}/`), "connection_failed");
    expect(err.retryable).toBe(true);
  });

  it("reports a connection reset mid-body", async ({ server, makeClient }) => {
    await expectReason(makeClient().get(server.behaviours.resetMidBody()), "connection_failed");
  });

  it("reports DNS failures", async ({ makeClient }) => {
    const client = makeClient({
      resolveHost: async (host) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
      },
    });
    await expectReason(client.get("http://no-such-feed.example/rss"), "dns_failure");
  });

  it("rejects with the caller's reason when the caller aborts", async ({ server, makeClient }) => {
    const controller = new AbortController();
    const pending = makeClient().get(server.behaviours.stallBeforeHeaders(), { signal: controller.signal });
    const reason = new Error("shutting down");
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });
});

describe("content encodings", () => {
  const text = "比特币交易所 — Huobi, OKCoin. ".repeat(50);

  it.for(["gzip", "deflate", "deflate-raw", "br"] as const)("decodes %s", async (encoding, { server, makeClient }) => {
    const res = await makeClient().get(server.behaviours.compressed(text, encoding));
    expect(res.body.toString("utf8")).toBe(text);
  });

  it("refuses a body that does not decode", async ({ server, makeClient }) => {
    const url = server.serveFile("/corrupt.gz", Buffer.from("definitely not gzip data"), { "content-encoding": "gzip" });
    const err = await expectReason(makeClient().get(url), "bad_encoding");
    expect(err.retryable).toBe(false);
  });

  it("refuses an unknown content encoding", async ({ server, makeClient }) => {
    const url = server.serveFile("/zstd", Buffer.from("??"), { "content-encoding": "zstd" });
    await expectReason(makeClient().get(url), "bad_encoding");
  });

  it("hands back bytes undecoded by charset: that is the caller's job", async ({ server, makeClient }) => {
    const gb2312 = Buffer.from([0xb1, 0xc8, 0xcc, 0xd8, 0xb1, 0xd2]); // 比特币 in GB2312
    const url = server.behaviours.wrongCharset({ body: gb2312, declaredCharset: "utf-8" });
    const res = await makeClient().get(url);
    expect(res.body.equals(gb2312)).toBe(true);
    expect(res.headers["content-type"]).toContain("charset=utf-8");
  });
});

describe("politeness", () => {
  it("sends a real User-Agent, Accept-Encoding and the conditional headers", async ({ server, makeClient }) => {
    const url = server.serveFile("/headers", "ok");
    await makeClient().get(url, {
      ifNoneMatch: '"v1"',
      ifModifiedSince: new Date("2017-09-15T08:00:00Z"),
      headers: { Accept: "application/rss+xml" },
    });
    const sent = server.requests.findLast((r) => r.path === "/headers")!;
    expect(sent.method).toBe("GET");
    expect(sent.headers["user-agent"]).toBe(USER_AGENT);
    expect(sent.headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(sent.headers["accept"]).toBe("application/rss+xml");
    expect(sent.headers["if-none-match"]).toBe('"v1"');
    expect(sent.headers["if-modified-since"]).toBe("Fri, 15 Sep 2017 08:00:00 GMT");
  });

  it("returns 304 with an empty body when the ETag matches", async ({ server, makeClient }) => {
    const { url, stats } = server.behaviours.conditional({ etag: '"feed-v1"', body: "<rss>v1</rss>" });
    const client = makeClient();
    const first = await client.get(url);
    expect(first.status).toBe(200);
    expect(first.headers["etag"]).toBe('"feed-v1"');
    const second = await client.get(url, { ifNoneMatch: first.headers["etag"] });
    expect(second.status).toBe(304);
    expect(second.body.length).toBe(0);
    expect(stats).toEqual({ requests: 2, notModified: 1 });
  });

  it.for([429, 503] as const)("returns %i with Retry-After instead of throwing", async (status, { server, makeClient }) => {
    const res = await makeClient().get(server.behaviours.retryAfter({ status, retryAfter: "120" }));
    expect(res.status).toBe(status);
    expect(parseRetryAfter(res.headers["retry-after"], new Date())).toBe(120_000);
  });

  it("hands hostile XML over untouched: parsing it safely is the parser's job", async ({ server, makeClient }) => {
    const client = makeClient();
    const bomb = await client.get(server.behaviours.billionLaughs());
    expect(bomb.body.toString()).toContain("<!ENTITY lol9");
    const broken = await client.get(server.behaviours.invalidXml());
    expect(broken.status).toBe(200);
  });

  it("returns a 404 rather than throwing", async ({ server, makeClient }) => {
    const res = await makeClient().get(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
  });
});

describe("post", () => {
  it("sends the body and headers", async ({ server, makeClient }) => {
    const url = server.route("/hook", (_req, res) => res.writeHead(204).end());
    const payload = JSON.stringify({ subscription: { id: "s1" } });
    const res = await makeClient().post(url, payload, { headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(204);
    const sent = server.requests.findLast((r) => r.path === "/hook")!;
    expect(sent.method).toBe("POST");
    expect(sent.body.toString()).toBe(payload);
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(sent.headers["user-agent"]).toBe(USER_AGENT);
  });

  it("repeats the POST on 307 and turns it into a GET on 303", async ({ server, makeClient }) => {
    const target = server.route("/hook-target", (req, res) => res.writeHead(200).end(req.method));
    const client = makeClient();
    const kept = await client.post(server.behaviours.redirectTo(target, 307), "payload");
    expect(kept.body.toString()).toBe("POST");
    expect(server.requests.findLast((r) => r.path === "/hook-target")!.body.toString()).toBe("payload");
    const switched = await client.post(server.behaviours.redirectTo(target, 303), "payload");
    expect(switched.body.toString()).toBe("GET");
  });

  it("is guarded like GET", async ({ server, makeClient }) => {
    const url = server.route("/hook-private", (_req, res) => res.writeHead(204).end());
    await expectReason(makeClient({ allowHosts: [] }).post(url, "{}"), "blocked_address");
  });
});
