import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { loadConfig, type StoredArticle } from "@regradar/shared";
import { enqueueAlertMatching } from "@regradar/indexer";
import type { SubscriptionStore, UpsertDocument } from "@regradar/store";
import {
  createSubscription, enqueueDelivery, listSubscriptions, sweepDigests, verifyWebhookSignature,
  type SubscriptionsContext,
} from "@regradar/alerter";
import type { StageName } from "@regradar/shared";
import { openPipeline, type Pipeline } from "../packages/cli/src/pipeline.js";
import type { RunningStages } from "../packages/cli/src/stages.js";
import { waitForDrain } from "../packages/cli/src/drain.js";
import { startTestServer, type TestServer } from "./support/misbehaving-server.js";
import { mailHeader, mimePart, startSmtpSink, until, webhookReceiver } from "./support/alert-receivers.js";
import { articleDoc, chinese, koreaBan, secEtf, seed as seedDoc, seedCopy } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";
import { articlePage, rss } from "./support/news-site.js";

const CLI = fileURLToPath(new URL("../packages/cli/dist/main.js", import.meta.url));
const seed = JSON.parse(await readFile(new URL("../packages/cli/demo-data/sources/seed-article.json", import.meta.url), "utf8")) as { title: string; text: string };

interface Alerting { rt: Pipeline; subs: SubscriptionStore; ctx: SubscriptionsContext; env: Record<string, string>; close(): Promise<void> }

async function openAlerting(prefix: string, dir: string, extra: Record<string, string> = {}): Promise<Alerting> {
  const feedsFile = path.join(dir, "feeds.yaml");
  await writeFile(feedsFile, YAML.stringify({ feeds: [] }));
  const env = {
    REDIS_URL: inject("redisUrl"), REGRADAR_DATA_DIR: dir, REGRADAR_FEEDS: feedsFile, REGRADAR_ALLOW_HOSTS: "127.0.0.1",
    REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_HOST_DELAY_MS: "0", REGRADAR_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    REGRADAR_FETCH_TIMEOUT_MS: "5000", REGRADAR_ALERT_BACKOFF_MS: "50", REGRADAR_DIGEST_SWEEP_MS: "3600000", ...extra,
  };
  const rt = await openPipeline(loadConfig(env));
  const subs = rt.subscriptions;
  return { rt, subs, ctx: { subscriptions: subs, redis: rt.redis, prefix }, env, close: () => rt.close() };
}

/** Articles straight into the store and on to matching, as the indexer does. */
async function indexAndQueue(rt: Pipeline, docs: UpsertDocument[]): Promise<void> {
  const outcome = await rt.store.upsertArticles(docs);
  expect(outcome.rejected).toEqual([]);
  await enqueueAlertMatching(rt.queues.alerts, docs.map((d) => d.id));
}

const drainAlerts = (rt: Pipeline) => waitForDrain(rt.queues, ["alerts", "deliveries"], 30_000);
const start = (rt: Pipeline, stages: StageName[] = ["alerter"]): Promise<RunningStages> => rt.start(stages);
const webhookSub = (name: string, url: string, extra: Record<string, unknown> = {}) =>
  ({ name, channel: "webhook", target: url, secret: "receiver-secret-1", ...extra });

describe("alerts end to end (real Redis, SQLite or Elasticsearch, local HTTP and SMTP receivers)", () => {
  test("the seed story through the pipeline alerts a CN shutdown_order subscriber exactly once, signed; a taxation subscriber gets nothing", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const a = await openAlerting(prefix, tmpDir);
    const cnHook = webhookReceiver(server, "/hooks/cn");
    const taxHook = webhookReceiver(server, "/hooks/tax");
    const cn = await createSubscription(a.ctx, webhookSub("China shutdowns", cnHook.url, { jurisdictions: ["CN"], actions: ["shutdown_order"] }));
    await createSubscription(a.ctx, webhookSub("Taxation", taxHook.url, { actions: ["taxation"] }));

    const seedUrl = server.serveFile("/news/seed.html", articlePage(seed.title, seed.text), { "content-type": "text/html; charset=utf-8" });
    const feedUrl = server.serveFile("/feed.xml", rss([{ title: seed.title, link: seedUrl, description: seed.text.slice(0, 200) }]), { "content-type": "application/rss+xml" });
    await writeFile(a.rt.config.feedsFile, YAML.stringify({ feeds: [{ id: "wire", url: feedUrl, interval: 3600, tags: [] }] }));
    const running = await start(a.rt, ["fetcher", "extractor", "indexer", "alerter"]);
    try {
      await a.rt.queues.feeds.enqueue({ name: "poll", data: { feedId: "wire" }, jobId: "first-wire" });
      await waitForDrain(a.rt.queues, ["feeds", "articles", "index", "alerts", "deliveries"], 60_000);

      expect(cnHook.received).toHaveLength(1);
      expect(taxHook.received).toHaveLength(0);
      const [hit] = cnHook.received;
      const h = hit!.headers;
      expect(h["content-type"]).toBe("application/json");
      expect(verifyWebhookSignature("receiver-secret-1", String(h["x-regradar-timestamp"]), hit!.body, String(h["x-regradar-signature"]))).toBe(true);
      const body = JSON.parse(hit!.body) as { subscription: { id: string; name: string }; articles: Array<StoredArticle & { snippet: string }>; sentAt: string };
      expect(body.subscription).toEqual({ id: cn.id, name: "China shutdowns" });
      expect(body.articles).toHaveLength(1);
      expect(body.articles[0]).toMatchObject({ url: seedUrl, jurisdictions: expect.arrayContaining(["CN"]), actions: expect.arrayContaining(["shutdown_order"]) });
      expect(body.articles[0]!.snippet.length).toBeGreaterThan(20);
      expect(h["x-regradar-delivery"]).toBe(`instant-${cn.id}-${body.articles[0]!.id}`);

      // Replays change nothing: the same article matched again, and a second poll of the feed.
      await a.rt.queues.alerts.enqueue({ name: "match", data: { articleId: body.articles[0]!.id }, jobId: "replay-1" });
      await a.rt.queues.feeds.enqueue({ name: "poll", data: { feedId: "wire" }, jobId: "second-wire" });
      await waitForDrain(a.rt.queues, ["feeds", "articles", "index", "alerts", "deliveries"], 60_000);
      expect(cnHook.received).toHaveLength(1);

      const listed = await listSubscriptions(a.ctx);
      expect(listed.find((s) => s.id === cn.id)).toMatchObject({ secret: "[redacted]", deliveries: { sent: 1, failed: 0, pending: 0, lastStatus: "sent" } });
    } finally {
      await running.close();
      await a.close();
      await server.close();
    }
  });

  test("a receiver down with 503 gets the alert once it is back; a 410 receiver is dead-lettered after one try; near-duplicates do not alert again", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const a = await openAlerting(prefix, tmpDir);
    const flaky = webhookReceiver(server, "/hooks/flaky", (n) => (n < 3 ? 503 : 200));
    const gone = webhookReceiver(server, "/hooks/gone", () => 410);
    const flakySub = await createSubscription(a.ctx, webhookSub("Flaky", flaky.url, { jurisdictions: ["CN"] }));
    const goneSub = await createSubscription(a.ctx, webhookSub("Gone", gone.url, { entities: ["huobi"] }));
    const running = await start(a.rt);
    try {
      await indexAndQueue(a.rt, [seedDoc]);
      await drainAlerts(a.rt);
      // The syndicated copy (the indexer marked it duplicateOf the seed) and a replay of the seed.
      await indexAndQueue(a.rt, [{ ...seedCopy, duplicateOf: seedDoc.id }]);
      await a.rt.queues.alerts.enqueue({ name: "match", data: { articleId: seedDoc.id }, jobId: "replay" });
      await drainAlerts(a.rt);

      expect(flaky.received.map((r) => r.status)).toEqual([503, 503, 503, 200]);
      expect(new Set(flaky.received.map((r) => r.headers["x-regradar-delivery"]))).toEqual(new Set([`instant-${flakySub.id}-${seedDoc.id}`]));
      expect(flaky.accepted()).toHaveLength(1);
      expect(await a.subs.getDelivery(`instant-${flakySub.id}-${seedDoc.id}`)).toMatchObject({ status: "sent", attempts: 4, lastError: null });

      expect(gone.received).toHaveLength(1);
      const failed = await a.subs.getDelivery(`instant-${goneSub.id}-${seedDoc.id}`);
      expect(failed).toMatchObject({ status: "failed", attempts: 1, lastError: expect.stringMatching(/HTTP 410/) });
      const letters = (await a.rt.redis.lrange(`${prefix}:dead-letters`, 0, -1)).map((s) => JSON.parse(s) as { queue: string; reason: string });
      expect(letters).toEqual([expect.objectContaining({ queue: "deliveries", reason: expect.stringMatching(/delivery_refused.*410/) })]);
      expect(await a.subs.getAlert(flakySub.id, seedCopy.id)).toBeNull();
    } finally {
      await running.close();
      await a.close();
      await server.close();
    }
  });

  test("a digest subscriber gets one message per window listing all its matches by score", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const a = await openAlerting(prefix, tmpDir);
    const hook = webhookReceiver(server, "/hooks/digest");
    const sub = await createSubscription(a.ctx, webhookSub("Daily Asia", hook.url, { jurisdictions: ["CN", "KR"], mode: "digest", every: "daily@08:00", timezone: "Asia/Shanghai" }));
    const running = await start(a.rt);
    try {
      await indexAndQueue(a.rt, [seedDoc, chinese, koreaBan, secEtf]);
      await drainAlerts(a.rt);
      expect(hook.received).toHaveLength(0);

      // The window closes at the next 08:00 in Shanghai; two sweeps (two alerter processes) then, one message.
      const afterWindow = new Date(Date.now() + 24 * 3600_000);
      const sweep = () => sweepDigests({ subscriptions: a.subs, now: () => afterWindow, enqueueDelivery: (d) => enqueueDelivery(a.rt.queues.deliveries, d) });
      const [first, second] = [await sweep(), await sweep()];
      expect(first).toEqual({ deliveries: 1, articles: 3 });
      expect(second).toEqual({ deliveries: 0, articles: 0 });
      await drainAlerts(a.rt);

      expect(hook.received).toHaveLength(1);
      const body = JSON.parse(hook.received[0]!.body) as { articles: Array<{ id: string; score: number }> };
      const expected = [seedDoc, chinese, koreaBan].sort((x, y) => y.score - x.score || x.id.localeCompare(y.id)).map((d) => d.id);
      expect(body.articles.map((x) => x.id)).toEqual(expected);
      expect(String(hook.received[0]!.headers["x-regradar-delivery"])).toMatch(new RegExp(`^digest-${sub.id}-\\d+$`));
    } finally {
      await running.close();
      await a.close();
      await server.close();
    }
  });

  test("an e-mail subscriber receives a real SMTP message with escaped HTML and List-Unsubscribe", async ({ prefix, tmpDir }) => {
    const smtp = await startSmtpSink();
    const a = await openAlerting(prefix, tmpDir, { SMTP_URL: smtp.url, SMTP_FROM: "RegRadar <alerts@regradar.test>", REGRADAR_PUBLIC_URL: "https://regradar.example.org" });
    const sub = await createSubscription(a.ctx, { name: "Ana <compliance>", channel: "email", target: "ana@example.org", entities: ["Huobi"] });
    const tricky = articleDoc({
      url: "https://news.example.com/2017/09/tricky", title: "<b>Huobi</b> & OKCoin told to \"stop\" trading",
      text: "Regulators <script>alert('x')</script> told Huobi & OKCoin to stop trading by September 30.", publishedAt: "2017-09-20T00:00:00.000Z",
      jurisdictions: ["CN"], actions: ["shutdown_order"], entities: [{ name: "Huobi", type: "exchange" }],
    });
    const running = await start(a.rt);
    try {
      await indexAndQueue(a.rt, [tricky]);
      await drainAlerts(a.rt);
      expect(smtp.messages).toHaveLength(1);
      const [mail] = smtp.messages;
      expect(mail!.to).toEqual(["ana@example.org"]);
      expect(mailHeader(mail!.raw, "List-Unsubscribe")).toMatch(new RegExp(`^<https://regradar.example.org/unsubscribe/${sub.id}\\.[\\w-]{32}>$`));
      expect(mailHeader(mail!.raw, "X-RegRadar-Delivery")).toBe(`instant-${sub.id}-${tricky.id}`);
      const html = mimePart(mail!.raw, "text/html")!;
      expect(html).toContain("&lt;b&gt;Huobi&lt;/b&gt; &amp; OKCoin told to &quot;stop&quot; trading");
      expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
      expect(html).not.toMatch(/<script|<b>Huobi/);
      const text = mimePart(mail!.raw, "text/plain")!;
      expect(text).toContain("<b>Huobi</b> & OKCoin");
      expect(text).toContain("https://regradar.example.org/unsubscribe/");
    } finally {
      await running.close();
      await a.close();
      await smtp.close();
    }
  });

  test("an alerter killed mid-delivery and a second one taking over duplicate nothing a deduping receiver sees", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const a = await openAlerting(prefix, tmpDir, { REGRADAR_LOCK_MS: "1500" });
    // The 6th request hangs: its alerter is killed while the receiver holds it.
    const hook = webhookReceiver(server, "/hooks/all", (n) => (n === 5 ? null : 200));
    const sub = await createSubscription(a.ctx, webhookSub("Everything", hook.url));
    const docs = Array.from({ length: 20 }, (_, i) => articleDoc({
      url: `https://news.example.com/crash/${i}`, title: `Story ${i}`, publishedAt: "2024-01-01T00:00:00.000Z", score: i / 20,
      text: `${i} ${["Regulators", "Lawmakers", "Courts", "Ministers"][i % 4]} met on day ${i} about topic ${i * 7919} in city ${i * 104729}.`,
    }));
    const childEnv = { ...process.env, ...a.env, REGRADAR_CONCURRENCY: "2" };
    const alerter = (): ChildProcess => spawn(process.execPath, [CLI, "worker", "alerter"], { env: childEnv, stdio: ["ignore", "ignore", process.env.TEST_LOG_LEVEL ? "inherit" : "ignore"] });
    const children: ChildProcess[] = [];
    try {
      await indexAndQueue(a.rt, docs);
      const first = alerter();
      children.push(first);
      await until(() => hook.received.length >= 6, 30_000, "the hanging request");
      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      const second = alerter();
      children.push(second);
      await until(async () => (await a.rt.queues.deliveries.counts("completed")).completed === docs.length, 60_000, "all deliveries");

      const ids = docs.map((d) => `instant-${sub.id}-${d.id}`);
      // What a receiver that dedupes on X-RegRadar-Delivery accepted: each alert once.
      expect(hook.accepted().sort()).toEqual([...ids].sort());
      // Raw requests: at most the ones in flight at the kill were repeated.
      expect(hook.received.length).toBeLessThanOrEqual(docs.length + 2);
      for (const id of ids) expect(await a.subs.getDelivery(id)).toMatchObject({ status: "sent" });
      expect(await a.rt.queues.deliveries.counts("failed")).toEqual({ failed: 0 });
    } finally {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) { c.kill("SIGTERM"); await new Promise((r) => c.once("exit", r)); }
      await a.close();
      await server.close();
    }
  });

  test("slack and telegram receive their own payloads; the bot token never reaches the delivery log; a per-channel rate limit spreads deliveries without using attempts", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const token = "123456:SECRET-bot-token";
    const a = await openAlerting(prefix, tmpDir, { TELEGRAM_API_BASE: `${server.url}/tg`, TELEGRAM_BOT_TOKEN: token, REGRADAR_ALERT_RATE_SLACK: "2" });
    const slack = webhookReceiver(server, "/services/T000/B000/XXXX");
    const telegram = webhookReceiver(server, `/tg/bot${token}/sendMessage`, (n) => (n === 0 ? 200 : 400));
    const slackSub = await createSubscription(a.ctx, { name: "Slack <all>", channel: "slack", target: slack.url, jurisdictions: ["CN", "KR", "US"] });
    const tgSub = await createSubscription(a.ctx, { name: "Telegram CN", channel: "telegram", target: "-1001234567890", jurisdictions: ["CN"] });
    const running = await start(a.rt);
    try {
      const started = Date.now();
      await indexAndQueue(a.rt, [seedDoc, chinese, koreaBan, secEtf]);
      await drainAlerts(a.rt);

      // Four slack messages at 2/s: a burst of two, then one every half second.
      expect(slack.received).toHaveLength(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      for (const d of await Promise.all([seedDoc, chinese, koreaBan, secEtf].map((x) => a.subs.getDelivery(`instant-${slackSub.id}-${x.id}`)))) {
        expect(d).toMatchObject({ status: "sent", attempts: 1 });
      }
      const payload = JSON.parse(slack.received[0]!.body) as { text: string; blocks: Array<{ type: string }> };
      expect(payload.text).toContain("Slack &lt;all&gt;");
      expect(payload.blocks.map((b) => b.type)).toEqual(["header", "section"]);

      expect(telegram.received).toHaveLength(2);
      const sent = JSON.parse(telegram.received[0]!.body) as { chat_id: string; parse_mode: string; text: string };
      expect(sent).toMatchObject({ chat_id: "-1001234567890", parse_mode: "HTML" });
      const tgDeliveries = await a.subs.listDeliveries(tgSub.id, 10);
      expect(tgDeliveries.map((d) => d.status).sort()).toEqual(["failed", "sent"]);
      const failed = tgDeliveries.find((d) => d.status === "failed")!;
      expect(failed.lastError).toMatch(/telegram answered HTTP 400/);
      const letters = await a.rt.redis.lrange(`${prefix}:dead-letters`, 0, -1);
      expect(JSON.stringify([tgDeliveries, letters])).not.toContain("SECRET-bot-token");
    } finally {
      await running.close();
      await a.close();
      await server.close();
    }
  });

  test("with Elasticsearch configured, subscriptions, alert records and the delivery log live in Elasticsearch", async ({ prefix, tmpDir }) => {
    const server = await startTestServer();
    const a = await openAlerting(prefix, tmpDir, { ELASTICSEARCH_URL: inject("elasticsearchUrl"), REGRADAR_ES_INDEX: `${prefix}-articles` });
    const hook = webhookReceiver(server, "/hooks/es");
    const running = await start(a.rt);
    try {
      expect([a.rt.store.kind, a.subs.kind]).toEqual(["elasticsearch", "elasticsearch"]);
      const sub = await createSubscription(a.ctx, webhookSub("ES China", hook.url, { jurisdictions: ["CN"], actions: ["shutdown_order"] }));
      await indexAndQueue(a.rt, [seedDoc, secEtf]);
      await drainAlerts(a.rt);
      await a.rt.queues.alerts.enqueue({ name: "match", data: { articleId: seedDoc.id }, jobId: "replay" });
      await drainAlerts(a.rt);
      expect(hook.received).toHaveLength(1);
      expect(JSON.parse(hook.received[0]!.body).articles.map((x: { id: string }) => x.id)).toEqual([seedDoc.id]);
      expect((await listSubscriptions(a.ctx))[0]).toMatchObject({ id: sub.id, deliveries: { sent: 1, failed: 0 } });
    } finally {
      await running.close();
      await (a.subs as unknown as { drop(): Promise<void> }).drop();
      await (a.rt.store as unknown as { destroy(): Promise<void> }).destroy();
      await a.close();
      await server.close();
    }
  });

  test("regradar subscriptions add/list/remove through the CLI (contract 5)", async ({ prefix, tmpDir }) => {
    const env = { ...process.env, REDIS_URL: inject("redisUrl"), REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_DATA_DIR: tmpDir, REGRADAR_LOG_LEVEL: "silent" };
    const run = (args: string[], withEnv: Record<string, string | undefined> = env) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [CLI, "subscriptions", ...args], { env: withEnv });
      let stdout = "", stderr = "";
      p.stdout.on("data", (d) => (stdout += String(d)));
      p.stderr.on("data", (d) => (stderr += String(d)));
      p.once("exit", (code) => resolve({ code, stdout, stderr }));
    });
    const added = await run(["add", "--name", "CN exchanges", "--channel", "webhook", "--target", "https://hooks.example.com/x", "--jurisdiction", "cn",
      "--action", "shutdown_order", "--entity", "Huobi", "--min-score", "0.5", "--json"]);
    expect(added.code).toBe(0);
    const sub = JSON.parse(added.stdout) as { id: string; secret: string; filters: { jurisdictions: string[]; minScore: number } };
    expect(sub.id).toMatch(/^sub-/);
    expect(sub.secret.length).toBeGreaterThan(16);
    expect(sub.filters).toMatchObject({ jurisdictions: ["CN"], minScore: 0.5 });

    const bad = await run(["add", "--name", "x", "--channel", "email", "--target", "nobody", "--action", "shutdown", "--json"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe("");
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/e-mail address|actions\.0/);

    const listed = await run(["list", "--json"]);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: sub.id, secret: "[redacted]", deliveries: expect.objectContaining({ sent: 0 }) })]);
    // `test` sends a sample alert through the real channel and says how it went.
    const server = await startTestServer();
    try {
      const hook = webhookReceiver(server, "/hooks/cli");
      // A loopback target is refused at `add` unless allow-listed; allowed then, the delivery guard still
      // refuses it once the allow-list no longer names it.
      const refused = await run(["add", "--name", "local", "--channel", "webhook", "--target", hook.url, "--json"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/REGRADAR_ALLOW_HOSTS/);
      const allowedEnv = { ...env, REGRADAR_ALLOW_HOSTS: "127.0.0.1" };
      const local = JSON.parse((await run(["add", "--name", "local", "--channel", "webhook", "--target", hook.url, "--secret", "cli-secret-1", "--json"], allowedEnv)).stdout) as { id: string };
      const blocked = await run(["test", local.id, "--json"]);
      expect(blocked.code).toBe(1);
      expect(JSON.parse(blocked.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/blocked_address/) });
      expect(hook.received).toHaveLength(0);
      env.REGRADAR_ALLOW_HOSTS = "127.0.0.1";
      const ok = await run(["test", local.id, "--json"]);
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, channel: "webhook" });
      const h = hook.received[0]!.headers;
      expect(verifyWebhookSignature("cli-secret-1", String(h["x-regradar-timestamp"]), hook.received[0]!.body, String(h["x-regradar-signature"]))).toBe(true);
      expect((await run(["remove", local.id])).code).toBe(0);
    } finally {
      await server.close();
    }
    expect((await run(["remove", sub.id, "--json"])).stdout).toBe(`${JSON.stringify({ removed: sub.id })}\n`);
    expect(JSON.parse((await run(["list", "--json"])).stdout)).toEqual([]);
  });
});
