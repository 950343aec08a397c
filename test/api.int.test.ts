import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll } from "vitest";
import { recordDeadLetter } from "@regradar/shared";
import { searchQueryFromParams } from "@regradar/store";
import { unsubscribeToken, verifyWebhookSignature } from "@regradar/alerter";
import { replayDeadLetters } from "@regradar/api";
import { startTestServer, type TestServer } from "./support/misbehaving-server.js";
import { webhookReceiver, until } from "./support/alert-receivers.js";
import { bearer, KEYS, LINK_SECRET, openApiHarness, type ApiHarness, type StoreKind } from "./support/api-harness.js";
import { seed, seedCopy } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";
import { regradar } from "./support/compiled-cli.js";

/** `regradar search … --json` against the same index, as an outside tool would call it. */
async function cliSearch(args: string[], env: Record<string, string>): Promise<unknown> {
  const { code, stdout, stderr } = await regradar(["search", ...args, "--json"], env);
  if (code !== 0) throw new Error(`regradar search exited ${code}: ${stderr}`);
  return JSON.parse(stdout);
}

// The same questions through both doors: CLI flags and the HTTP query string.
const SAME_QUERIES: Array<{ cli: string[]; http: string }> = [
  { cli: ["huobi"], http: "q=huobi" },
  { cli: ["火幣"], http: `q=${encodeURIComponent("火幣")}` },
  { cli: ["exchange shutdown", "--jurisdiction", "cn"], http: "q=exchange+shutdown&jurisdiction=cn" },
  { cli: ["--action", "shutdown_order", "--action", "ban", "--sort", "date", "--limit", "3"], http: "action=shutdown_order&action=ban&sort=date&size=3" },
  { cli: ["--since", "2017-09-01", "--until", "2017-12-31", "--collapse"], http: "since=2017-09-01&until=2017-12-31&collapse=true" },
  { cli: ["bitcoin", "--relevant", "--offset", "1", "--limit", "2"], http: "q=bitcoin&relevant=true&offset=1&size=2" },
];

describe.each<StoreKind>(["sqlite", "elasticsearch"])("HTTP API on %s", (kind) => {
  let h: ApiHarness;
  let tmp: string;
  beforeAll(async () => {
    tmp = await (await import("node:fs/promises")).mkdtemp(`${(await import("node:os")).tmpdir()}/regradar-api-`);
    h = await openApiHarness({ kind, redisUrl: inject("redisUrl"), elasticsearchUrl: inject("elasticsearchUrl"), tmpDir: tmp });
  });
  afterAll(async () => {
    await h.close();
    await (await import("node:fs/promises")).rm(tmp, { recursive: true, force: true });
  });

  test("GET /api/search answers exactly what `regradar search --json` prints for the same query", async () => {
    for (const q of SAME_QUERIES) {
      const res = await h.app.inject({ url: `/api/search?${q.http}`, headers: bearer("reader") });
      expect(res.statusCode, q.http).toBe(200);
      expect(res.json(), q.http).toEqual(await cliSearch(q.cli, h.env));
    }
    const seedHit = (await h.app.inject({ url: "/api/search?q=huobi", headers: bearer("reader") })).json();
    expect(seedHit.hits.map((x: { id: string }) => x.id)).toContain(seed.id);
    expect(seedHit.hits.find((x: { id: string }) => x.id === seed.id).highlights.join(" ")).toMatch(/<mark>Huobi<\/mark>/i);
    expect(seedHit.facets.jurisdictions).toContainEqual({ value: "CN", count: expect.any(Number) });
    expect(seedHit.histogram[0]).toMatchObject({ month: expect.stringMatching(/^\d{4}-\d{2}$/) });
  });

  test("filters narrow, collapse hides the syndicated copy", async () => {
    const all = (await h.app.inject({ url: "/api/search", headers: bearer("reader") })).json();
    const cn = (await h.app.inject({ url: "/api/search?jurisdiction=CN", headers: bearer("reader") })).json();
    expect(cn.total).toBeGreaterThan(0);
    expect(cn.total).toBeLessThan(all.total);
    const collapsed = (await h.app.inject({ url: "/api/search?collapse=true", headers: bearer("reader") })).json();
    expect(collapsed.total).toBe(all.total - 1);
    expect(collapsed.hits.map((x: { id: string }) => x.id)).not.toContain(seedCopy.id);
  });

  test("GET /api/articles/:id gives the document, its evidence spans and its near-duplicates", async () => {
    const res = await h.app.inject({ url: `/api/articles/${seed.id}`, headers: bearer("reader") });
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a).toMatchObject({ id: seed.id, title: seed.title, text: seed.text, jurisdictions: ["CN"] });
    expect(a.mentions).toContainEqual(expect.objectContaining({ kind: "entity", value: "Huobi" }));
    expect(a.duplicates.map((d: { id: string }) => d.id)).toEqual([seedCopy.id]);
    const missing = await h.app.inject({ url: `/api/articles/${"0".repeat(32)}`, headers: bearer("reader") });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: "not_found", message: expect.stringContaining("no article") } });
  });

  test("bad input is a 400 naming the problem, never a 500", async () => {
    for (const url of ["/api/search?size=abc", "/api/search?size=5000", "/api/search?sort=sideways", "/api/search?since=someday", "/api/search?page=0", "/api/search?relevant=maybe"]) {
      const res = await h.app.inject({ url, headers: bearer("reader") });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toEqual({ error: { code: "bad_request", message: expect.stringMatching(/querystring\.(size|sort|since|page|relevant)/) } });
    }
    const odd = await h.app.inject({ url: `/api/search?q=${encodeURIComponent('"unbalanced -| ( ] * ~ : \\')}`, headers: bearer("reader") });
    expect(odd.statusCode).toBe(200);
    const badJson = await h.app.inject({ method: "POST", url: "/api/subscriptions", headers: { ...bearer("writer"), "content-type": "application/json" }, payload: "{nope" });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe("bad_request");
    const badSub = await h.app.inject({ method: "POST", url: "/api/subscriptions", headers: bearer("writer"), payload: { name: "x", channel: "pigeon", target: "roof" } });
    expect(badSub.statusCode).toBe(400);
    expect(badSub.json().error.message).toMatch(/channel/);
    const nowhere = await h.app.inject({ url: "/api/nowhere", headers: bearer("reader") });
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.json()).toEqual({ error: { code: "not_found", message: "no route GET /api/nowhere" } });
  });
});

describe("HTTP API: keys, alerts, feeds, operations (SQLite)", () => {
  let h: ApiHarness;
  let tmp: string;
  let server: TestServer;
  beforeAll(async () => {
    tmp = await (await import("node:fs/promises")).mkdtemp(`${(await import("node:os")).tmpdir()}/regradar-api-`);
    h = await openApiHarness({ kind: "sqlite", redisUrl: inject("redisUrl"), elasticsearchUrl: inject("elasticsearchUrl"), tmpDir: tmp });
    server = await startTestServer();
  });
  afterAll(async () => {
    await h.close();
    await server.close();
    await (await import("node:fs/promises")).rm(tmp, { recursive: true, force: true });
  });

  test("reads need a key unless public; writes need write scope; the board needs admin; keys never reach the log", async () => {
    expect((await h.app.inject({ url: "/api/search" })).statusCode).toBe(401);
    expect((await h.app.inject({ url: "/api/search", headers: { authorization: "Bearer not-a-key-at-all" } })).json()).toEqual({ error: { code: "unauthorized", message: "unknown API key" } });
    expect((await h.app.inject({ url: "/api/search", headers: bearer("reader") })).statusCode).toBe(200);
    const readOnlyWrite = await h.app.inject({ method: "POST", url: "/api/feeds", headers: bearer("reader"), payload: { url: "https://example.org/feed" } });
    expect(readOnlyWrite.statusCode).toBe(403);
    expect(readOnlyWrite.json().error.code).toBe("forbidden");
    const anonymousWrite = await h.app.inject({ method: "DELETE", url: "/api/subscriptions/sub-1" });
    expect(anonymousWrite.statusCode).toBe(401);
    expect((await h.app.inject({ url: "/admin/queues", headers: bearer("writer") })).statusCode).toBe(403);
    const board = await h.app.inject({ url: "/admin/queues" });
    expect(board.statusCode).toBe(401);
    expect(board.headers["www-authenticate"]).toMatch(/^Basic/);
    for (const line of h.logs) for (const key of Object.values(KEYS)) expect(line).not.toContain(key.secret);
    const withId = await h.app.inject({ url: "/healthz", headers: { "x-request-id": "trace-abc-123" } });
    expect(withId.headers["x-request-id"]).toBe("trace-abc-123");
    expect(h.logs.some((l) => JSON.parse(l).reqId === "trace-abc-123")).toBe(true);
  });

  test("public reads open search but not writes", async () => {
    const open = await openApiHarness({ kind: "sqlite", redisUrl: inject("redisUrl"), elasticsearchUrl: inject("elasticsearchUrl"), tmpDir: `${tmp}`, settings: { publicRead: true } });
    try {
      expect((await open.app.inject({ url: "/api/search?q=huobi" })).statusCode).toBe(200);
      expect((await open.app.inject({ method: "POST", url: "/api/subscriptions", payload: {} })).statusCode).toBe(401);
    } finally {
      await open.close();
    }
  });

  test("a subscription made over HTTP is listed, tested through its real webhook, and unsubscribed by its signed link", async () => {
    const hook = webhookReceiver(server, "/hook");
    const created = await h.app.inject({
      method: "POST", url: "/api/subscriptions", headers: bearer("writer"),
      payload: { name: "China exchanges", channel: "webhook", target: hook.url, query: "exchange shutdown", jurisdictions: ["cn"], actions: ["shutdown_order"] },
    });
    expect(created.statusCode).toBe(201);
    const sub = created.json();
    expect(sub).toMatchObject({ name: "China exchanges", channel: "webhook", filters: { jurisdictions: ["CN"], actions: ["shutdown_order"] } });
    expect(sub.secret).toMatch(/^[\w-]{20,}$/);

    const list = (await h.app.inject({ url: "/api/subscriptions", headers: bearer("reader") })).json();
    expect(list.subscriptions).toContainEqual(expect.objectContaining({ id: sub.id, secret: "[redacted]", deliveries: expect.objectContaining({ sent: 0 }) }));

    const tested = await h.app.inject({ method: "POST", url: `/api/subscriptions/${sub.id}/test`, headers: bearer("writer") });
    expect(tested.json()).toMatchObject({ ok: true, channel: "webhook" });
    await until(() => hook.received.length === 1, 5000, "test webhook");
    const got = hook.received[0]!;
    expect(verifyWebhookSignature(sub.secret, String(got.headers["x-regradar-timestamp"]), got.body, String(got.headers["x-regradar-signature"]), new Date())).toBe(true);

    const link = `/unsubscribe/${unsubscribeToken(sub.id, LINK_SECRET)}`;
    const page = await h.app.inject({ url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("China exchanges");
    expect(page.body).toContain('<form method="post">');
    expect((await h.app.inject({ url: `/api/subscriptions/${sub.id}`, headers: bearer("reader") })).json().active).toBe(true);
    const done = await h.app.inject({ method: "POST", url: link, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: "List-Unsubscribe=One-Click" });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain("no more alerts");
    expect((await h.app.inject({ url: `/api/subscriptions/${sub.id}`, headers: bearer("reader") })).json().active).toBe(false);
    // A bare id, or a token signed with another secret, unsubscribes nobody.
    expect((await h.app.inject({ url: `/unsubscribe/${sub.id}` })).statusCode).toBe(404);
    expect((await h.app.inject({ url: `/unsubscribe/${unsubscribeToken(sub.id, "some-other-secret-value")}` })).statusCode).toBe(404);

    expect((await h.app.inject({ method: "DELETE", url: `/api/subscriptions/${sub.id}`, headers: bearer("writer") })).json()).toEqual({ removed: sub.id });
    expect((await h.app.inject({ method: "DELETE", url: `/api/subscriptions/${sub.id}`, headers: bearer("writer") })).statusCode).toBe(404);
  });

  test("feeds: add, list with health, poll now (clearing a deferral), import OPML, remove", async () => {
    const added = await h.app.inject({ method: "POST", url: "/api/feeds", headers: bearer("writer"), payload: { url: "https://news.example.org/rss.xml", title: "Example News" } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ added: { id: "example-news", interval: 900 }, scheduled: true });
    // Scheduled: one pending poll of the new feed, due at once.
    expect((await h.queues.feeds.jobs(["waiting", "delayed"])).map((j) => j.data.feedId)).toContain("example-news");
    expect((await h.app.inject({ method: "POST", url: "/api/feeds", headers: bearer("writer"), payload: { url: "https://news.example.org/rss.xml" } })).statusCode).toBe(409);

    await h.redis.hset(`${h.prefix}:feed:example-news:state`, "nextPollNotBefore", JSON.stringify(new Date(Date.now() + 3_600_000).toISOString()));
    const listed = (await h.app.inject({ url: "/api/feeds", headers: bearer("reader") })).json();
    expect(listed.feeds).toEqual([expect.objectContaining({ id: "example-news", health: "deferred" })]);
    const polled = await h.app.inject({ method: "POST", url: "/api/feeds/example-news/poll", headers: bearer("writer") });
    expect(polled.statusCode).toBe(202);
    const waiting = await h.queues.feeds.jobs(["waiting"]);
    expect(waiting.map((j) => j.id)).toContain(polled.json().jobId);
    expect((await h.app.inject({ url: "/api/feeds", headers: bearer("reader") })).json().feeds[0].health).toBe("never_polled");
    expect((await h.app.inject({ method: "POST", url: "/api/feeds/nope/poll", headers: bearer("writer") })).statusCode).toBe(404);

    const opml = `<?xml version="1.0"?><opml version="2.0"><body><outline text="Regulators">
      <outline text="SEC" title="SEC press" type="rss" xmlUrl="https://www.sec.gov/news/pressreleases.rss"/>
      <outline text="dup" type="rss" xmlUrl="https://news.example.org/rss.xml"/></outline></body></opml>`;
    const imported = await h.app.inject({ method: "POST", url: "/api/feeds/import", headers: { ...bearer("writer"), "content-type": "text/xml" }, payload: opml });
    expect(imported.json()).toMatchObject({ added: 1, skipped: [{ url: "https://news.example.org/rss.xml", reason: "already registered" }] });
    expect((await h.app.inject({ method: "POST", url: "/api/feeds/import", headers: { ...bearer("writer"), "content-type": "text/xml" }, payload: "<html/>" })).statusCode).toBe(400);
    expect(await readFile(h.feedsFile, "utf8")).toContain("sec-press");

    expect((await h.app.inject({ method: "DELETE", url: "/api/feeds/example-news", headers: bearer("writer") })).json()).toEqual({ removed: "example-news", scheduled: true });
    expect((await h.queues.feeds.scheduleIds())).not.toContain("feed-example-news");
  });

  test("status reports store, queues and dead letters; a replayed dead letter is back on its queue", async () => {
    await recordDeadLetter(h.redis, h.prefix, { queue: "alerts", jobId: "alert-x", jobName: "match", reason: "boom", attempts: 5, failedAt: new Date().toISOString(), data: { articleId: seed.id } });
    const status = (await h.app.inject({ url: "/api/status", headers: bearer("reader") })).json();
    expect(status).toMatchObject({
      redis: { reachable: true }, elasticsearch: { configured: false, reachable: null },
      store: { kind: "sqlite", reachable: true, documents: 8, lastIndexedAt: expect.any(String) },
      deadLetters: { total: 1, recent: [expect.objectContaining({ jobId: "alert-x", reason: "boom" })] },
    });
    expect(status.queues.map((q: { name: string }) => q.name)).toEqual(["feeds", "articles", "index", "alerts", "deliveries", "digests"]);
    expect(status.warnings).toContain("1 dead letter (regradar dlq list)");

    const outcome = await replayDeadLetters(h.redis, h.queues, h.prefix, { queue: "alerts" });
    expect(outcome).toEqual({ replayed: [{ queue: "alerts", jobId: "alert-x", how: "re-enqueued" }], refused: [] });
    expect((await h.queues.alerts.jobs(["waiting"])).map((j) => j.id)).toContain("alert-x");
    expect((await h.app.inject({ url: "/api/status", headers: bearer("reader") })).json().deadLetters.total).toBe(0);
  });

  test("probes, metrics and the OpenAPI document", async () => {
    expect((await h.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await h.app.inject({ url: "/readyz" })).json()).toEqual({ status: "ready" });
    const metrics = await h.app.inject({ url: "/metrics", headers: bearer("reader") });
    expect(metrics.headers["content-type"]).toMatch(/^text\/plain/);
    const doc = (await h.app.inject({ url: "/api/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      "/api/search", "/api/articles/{id}", "/api/subscriptions", "/api/subscriptions/{id}", "/api/subscriptions/{id}/test",
      "/unsubscribe/{token}", "/api/feeds", "/api/feeds/{id}", "/api/feeds/{id}/poll", "/api/feeds/import", "/api/status", "/healthz", "/readyz", "/metrics",
    ]));
    const params = doc.paths["/api/search"].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(["q", "jurisdiction", "authority", "action", "entity", "source", "lang", "since", "until", "relevant", "collapse", "sort", "page", "size"]));
    expect(doc.paths["/api/search"].get.responses["200"].content["application/json"].schema.properties).toHaveProperty("histogram");
    expect(doc.paths["/api/subscriptions"].post.requestBody.content["application/json"].schema.properties).toHaveProperty("channel");
  });

  test("the rate limit is per key and answers in the error shape", async () => {
    const limited = await openApiHarness({ kind: "sqlite", redisUrl: inject("redisUrl"), elasticsearchUrl: inject("elasticsearchUrl"), tmpDir: tmp, settings: { ratePerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await limited.app.inject({ url: "/api/search", headers: bearer("reader") })).statusCode).toBe(200);
      const over = await limited.app.inject({ url: "/api/search", headers: bearer("reader") });
      expect(over.statusCode).toBe(429);
      expect(over.json()).toEqual({ error: { code: "rate_limited", message: expect.stringContaining("3 requests per minute") } });
      // Another key has its own budget.
      expect((await limited.app.inject({ url: "/api/search", headers: bearer("writer") })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test("the CLI's flags and the query string go through one parser", () => {
    const now = new Date("2024-01-31T00:00:00Z");
    expect(searchQueryFromParams({ q: " huobi ", jurisdiction: ["cn", "us"], since: "30d", size: "5", page: "3" }, now))
      .toEqual({ text: "huobi", jurisdictions: ["CN", "US"], since: "2024-01-01T00:00:00.000Z", limit: 5, offset: 10 });
  });
});

describe("regradar status and dlq (compiled CLI)", () => {
  test("status exits 0 when healthy and 1 when the store is unreachable; dlq lists, replays, and keeps what it cannot replay", async ({ prefix, tmpDir, redis }) => {
    const env = { REDIS_URL: inject("redisUrl"), REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_DATA_DIR: tmpDir, REGRADAR_FEEDS: `${tmpDir}/feeds.yaml`, ELASTICSEARCH_URL: "" };
    // A registry with no feeds yet: a missing one is itself a problem status reports.
    await writeFile(env.REGRADAR_FEEDS, "feeds: []\n");
    const ok = await regradar(["status", "--json"], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ healthy: true, redis: { reachable: true }, store: { kind: "sqlite", reachable: true, documents: 0 } });
    const human = await regradar(["status"], env);
    expect(human.stdout).toMatch(/^HEALTHY/);

    const down = await regradar(["status", "--json"], { ...env, ELASTICSEARCH_URL: "http://127.0.0.1:9" });
    expect(down.code).toBe(1);
    const report = JSON.parse(down.stdout);
    expect(report).toMatchObject({ healthy: false, elasticsearch: { configured: true, reachable: false }, store: { reachable: false } });
    expect(report.problems[0]).toMatch(/elasticsearch store unreachable/);

    const failedAt = new Date().toISOString();
    await recordDeadLetter(redis, prefix, { queue: "index", jobId: "index-bad", jobName: "index", reason: "invalid_payload: x", attempts: 1, failedAt, data: { nope: true } });
    await recordDeadLetter(redis, prefix, { queue: "alerts", jobId: "alert-ok", jobName: "match", reason: "store down", attempts: 5, failedAt, data: { articleId: seed.id } });
    const listed = JSON.parse((await regradar(["dlq", "list", "--json"], env)).stdout);
    expect(listed.deadLetters.map((d: { jobId: string }) => d.jobId)).toEqual(["alert-ok", "index-bad"]);
    const replayed = await regradar(["dlq", "replay", "--all"], env);
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.stdout)).toMatchObject({
      replayed: [{ queue: "alerts", jobId: "alert-ok", how: "re-enqueued" }],
      refused: [{ queue: "index", jobId: "index-bad", reason: expect.stringMatching(/invalid index job/) }],
    });
    expect(JSON.parse((await regradar(["dlq", "list", "--json"], env)).stdout).deadLetters.map((d: { jobId: string }) => d.jobId)).toEqual(["index-bad"]);
    expect((await regradar(["dlq", "replay"], env)).code).toBe(2);
  }, 120_000); // an unreachable Elasticsearch costs the client's retries
});
