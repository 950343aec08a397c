import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openQueues } from "@regradar/shared";
import { openStores } from "@regradar/store";
import { onTestFinished } from "vitest";
import { startRedisServer } from "../packages/cli/src/redis-server.js";
import { until, webhookReceiver } from "./support/alert-receivers.js";
import { seed } from "./support/article-fixtures.js";
import { describe, expect, inject, test } from "./support/fixtures.js";
import { startTestServer } from "./support/misbehaving-server.js";

/*
 * The operator's first day (issue 10): the compiled CLI as a person or a supervisor runs it, against
 * real Redis, SQLite and local HTTP servers.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = path.join(ROOT, "packages/cli/dist/main.js");

interface Outcome { code: number | null; stdout: string; stderr: string; ms: number }

/** Runs the CLI to completion (killed after `timeoutMs`, which then shows as code null). */
function regradar(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000, command = [process.execPath, CLI]): Promise<Outcome> {
  const started = Date.now();
  const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd: env.CWD ?? ROOT, env: { ...process.env, REGRADAR_LOG_LEVEL: "info", ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => { stdout += String(d); });
  child.stderr.on("data", (d) => { stderr += String(d); });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => child.once("close", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - started }); }));
}

/** A long-running CLI process (run, worker) whose stderr is read while it runs. */
function background(args: string[], env: Record<string, string>): { child: ChildProcess; stderr: () => string; stop(): Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, REGRADAR_LOG_LEVEL: "info", ...env } });
  let stderr = "";
  child.stderr!.on("data", (d) => { stderr += String(d); });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    return exited;
  };
  onTestFinished(async () => { if (child.exitCode === null) child.kill("SIGKILL"); await exited; });
  return { child, stderr: () => stderr, stop };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const lines = (s: string) => s.split("\n").filter((l) => l.trim());
const jsonLines = (s: string) => lines(s).map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });
const COMMAND_NAMES = [
  "demo", "run", "worker", "search", "feeds list", "feeds add", "feeds remove", "feeds import", "subscriptions add",
  "subscriptions list", "subscriptions remove", "subscriptions test", "reindex", "feed parse", "article extract", "mentions extract",
];

describe("CLI conventions", () => {
  test("-h/--help on every command and subcommand prints its usage on stdout, exit 0, and starts nothing", async () => {
    // An unreachable Redis: a command that started anything would hang or complain on stderr.
    const env = { REDIS_URL: "redis://127.0.0.1:1" };
    for (const name of COMMAND_NAMES) {
      for (const flag of ["--help", "-h"]) {
        const r = await regradar([...name.split(" "), flag], env, 10_000);
        expect({ name, flag, code: r.code, stderr: r.stderr }).toEqual({ name, flag, code: 0, stderr: "" });
        expect(r.stdout).toMatch(new RegExp(`^usage: regradar ${name}`));
        expect(r.ms).toBeLessThan(5_000);
      }
    }
    for (const group of ["feeds", "subscriptions"]) {
      const r = await regradar([group, "--help"], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${group} add`);
    }
    const top = await regradar(["--help"]);
    expect(top.code).toBe(0);
    for (const name of COMMAND_NAMES) expect(top.stdout).toContain(name);
    expect((await regradar(["help", "search"])).stdout).toMatch(/^usage: regradar search/);
  });

  test("--version prints the version; an unknown option is a usage error naming --help", async () => {
    const v = await regradar(["--version"]);
    expect(v).toMatchObject({ code: 0, stderr: "" });
    expect(v.stdout).toMatch(/^regradar \d+\.\d+\.\d+\n$/);
    const bad = await regradar(["search", "x", "--no-such-flag"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no-such-flag.*regradar search --help/);
    expect(lines(bad.stderr)).toHaveLength(1);
  });

  test("every command that prints JSON accepts --json", async ({ tmpDir }) => {
    const feed = path.join(tmpDir, "f.xml");
    await writeFile(feed, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`);
    const page = path.join(tmpDir, "p.html");
    await writeFile(page, "<html><body><article><p>Text of the article, long enough to be the body.</p></article></body></html>");
    const doc = path.join(tmpDir, "m.json");
    await writeFile(doc, JSON.stringify({ title: "t", text: "The SEC sued Binance.", lang: "en" }));
    for (const args of [["feed", "parse", feed], ["article", "extract", page], ["mentions", "extract", doc]]) {
      const r = await regradar([...args, "--json"]);
      expect(r.code, args.join(" ")).toBe(0);
      JSON.parse(r.stdout);
    }
    const env = { REGRADAR_FEEDS: path.join(tmpDir, "feeds.yaml"), REGRADAR_DATA_DIR: tmpDir, REDIS_URL: "redis://127.0.0.1:1" };
    const added = await regradar(["feeds", "add", "--url", "https://www.sec.gov/news/pressreleases.rss", "--json"], env);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ added: { id: "sec-gov-news-pressreleases-rss" }, scheduled: false });
    // The registry edit stands without Redis; one line says what did not happen.
    expect(lines(added.stderr)).toEqual([expect.stringMatching(/warning: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED; feed schedules/)]);
  });
});

describe("fail fast, clearly, once", () => {
  test("an unreachable or mistyped REDIS_URL: one line naming Redis and the URL, non-zero, within seconds", async ({ tmpDir }) => {
    const cases: Array<[string, RegExp]> = [
      ["redis://127.0.0.1:1", /Redis at redis:\/\/127\.0\.0\.1:1: ECONNREFUSED/],
      ["localhost:6379", /REDIS_URL: expected a URL such as redis:\/\/127\.0\.0\.1:6379 \(got "localhost:6379"\)/],
      ["http://127.0.0.1:6379", /REDIS_URL: expected a URL such as redis:\/\/.*\(got "http:\/\/127\.0\.0\.1:6379"\)/],
    ];
    const commands = [["subscriptions", "list"], ["demo", "--json", "--port", "0"], ["worker", "fetcher"], ["run"]];
    for (const [url, expected] of cases) {
      for (const args of commands) {
        // run/worker wait for a Redis that is down (tested below); a malformed URL fails them at once.
        if (url === "redis://127.0.0.1:1" && (args[0] === "run" || args[0] === "worker")) continue;
        const r = await regradar(args, { REDIS_URL: url, REGRADAR_DATA_DIR: tmpDir, REGRADAR_FEEDS: path.join(tmpDir, "none.yaml") }, 15_000);
        const label = `${url} ${args.join(" ")}`;
        expect(r.code, label).not.toBe(0);
        expect(r.code, label).not.toBeNull();
        expect(lines(r.stderr), label).toHaveLength(1);
        expect(r.stderr, label).toMatch(expected);
        // The connection attempt itself gives up in under a second; the rest is Node loading the
        // command's modules on a shared, loaded 2-core box.
        expect(r.ms, label).toBeLessThan(10_000);
      }
    }
    const sub = await regradar(["subscriptions", "add", "--name", "n", "--channel", "email", "--target", "a@b.example"], { REDIS_URL: "redis://127.0.0.1:1", REGRADAR_DATA_DIR: tmpDir });
    expect(sub.code).toBe(1);
    expect(lines(sub.stderr)).toEqual([expect.stringMatching(/^regradar: cannot reach Redis at redis:\/\/127\.0\.0\.1:1/)]);
  });

  test("a worker whose Redis is down logs one line when it goes and one when it is back, never one per retry", async ({ tmpDir, prefix }) => {
    const port = await freePort();
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    await writeFile(feedsFile, "feeds: []\n");
    const w = background(["worker", "fetcher"], {
      REDIS_URL: `redis://127.0.0.1:${port}`, REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_LOG_FORMAT: "json",
    });
    await until(() => w.stderr().includes("Redis unreachable"), 10_000, "the outage line");
    // Several reconnection attempts happen in these 3 s; none of them may add a line.
    await new Promise((r) => setTimeout(r, 3_000));
    const down = jsonLines(w.stderr());
    expect(down).toEqual([expect.objectContaining({ level: 40, msg: "Redis unreachable; retrying with backoff", redis: `redis://127.0.0.1:${port}`, reason: "ECONNREFUSED" })]);
    const redis = await startRedisServer({ port, dir: path.join(tmpDir, "redis"), appendOnly: false });
    onTestFinished(() => redis.stop());
    await until(() => w.stderr().includes("workers started"), 40_000, "the stage to start once Redis is up");
    expect(jsonLines(w.stderr()).map((l) => l.msg)).toEqual([
      "Redis unreachable; retrying with backoff", "Redis reachable again", "feed schedules synced", "workers started",
    ]);
    // Redis goes away under the running worker, then comes back: again one line each way.
    await redis.stop();
    await until(() => jsonLines(w.stderr()).filter((l) => l.msg.startsWith("Redis unreachable")).length === 2, 10_000, "the second outage line");
    await new Promise((r) => setTimeout(r, 2_000));
    const again = await startRedisServer({ port, dir: path.join(tmpDir, "redis"), appendOnly: false });
    onTestFinished(() => again.stop());
    await until(() => jsonLines(w.stderr()).filter((l) => l.msg === "Redis reachable again").length === 2, 40_000, "the second recovery line");
    expect(jsonLines(w.stderr()).filter((l) => l.level >= 40).map((l) => l.msg)).toEqual(["Redis unreachable; retrying with backoff", "Redis unreachable; retrying with backoff"]);
    expect(await w.stop()).toBe(0);
  }, 120_000);

  test("an unreachable Elasticsearch is named; an unusable data directory is one line", async ({ tmpDir }) => {
    const es = await regradar(["search", "bitcoin"], { ELASTICSEARCH_URL: "http://127.0.0.1:1" }, 15_000);
    expect(es.code).toBe(1);
    expect(lines(es.stderr)).toEqual([expect.stringMatching(/^regradar: cannot reach Elasticsearch at http:\/\/127\.0\.0\.1:1/)]);
    const file = path.join(tmpDir, "a-file");
    await writeFile(file, "not a directory");
    for (const args of [["search", "bitcoin"], ["subscriptions", "list"]]) {
      const r = await regradar(args, { REGRADAR_DATA_DIR: path.join(file, "data"), REDIS_URL: inject("redisUrl") }, 15_000);
      expect(r.code, args.join(" ")).toBe(1);
      expect(lines(r.stderr), args.join(" ")).toEqual([expect.stringMatching(/REGRADAR_DATA_DIR \(.*a-file\/data\): ENOTDIR/)]);
      expect(r.ms).toBeLessThan(6_000);
    }
  });

  test("run with an invalid or missing feeds.yaml exits non-zero, naming the file and the line", async ({ tmpDir, prefix }) => {
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    await writeFile(feedsFile, "feeds:\n  - id: sec\n    url: https://www.sec.gov/rss\n  - id: bad\n    url: nope\n");
    const env = { REDIS_URL: inject("redisUrl"), REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_LOG_LEVEL: "warn" };
    const r = await regradar(["run"], env, 20_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${feedsFile}:5: feeds\\.1\\.url`));
    const missing = await regradar(["run"], { ...env, REGRADAR_FEEDS: path.join(tmpDir, "feeds.yml") }, 20_000);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/feeds\.yml: no such feed registry/);
    const list = await regradar(["feeds", "list"], { ...env, REGRADAR_FEEDS: path.join(tmpDir, "feeds.yml") });
    expect(list.code).toBe(1);
  });

  test("an invalid edit of feeds.yaml while running keeps the last good registry and is logged once", async ({ tmpDir, prefix, redis }) => {
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    await writeFile(feedsFile, "feeds:\n  - id: sec\n    url: http://127.0.0.1:9/rss\n    interval: 3600\n");
    const w = background(["worker", "fetcher"], { REDIS_URL: inject("redisUrl"), REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_LOG_FORMAT: "json" });
    await until(() => w.stderr().includes("workers started"), 20_000, "start");
    await writeFile(feedsFile, "feeds:\n  - id: sec\n\turl: http://127.0.0.1:9/rss\n");
    await until(() => w.stderr().includes("keeping the last good registry"), 10_000, "the invalid-edit line");
    await new Promise((r) => setTimeout(r, 1_000));
    const invalid = jsonLines(w.stderr()).filter((l) => l.level >= 50);
    expect(invalid).toEqual([expect.objectContaining({ msg: "feed registry edit is invalid; keeping the last good registry", err: expect.stringMatching(/feeds\.yaml:3/) })]);
    const queues = openQueues(redis, prefix);
    onTestFinished(() => queues.close());
    // The last good registry still schedules its feed: one pending poll of `sec`.
    expect((await queues.feeds.jobs(["waiting", "delayed", "active", "completed", "failed"])).map((j) => j.data.feedId)).toContain("sec");
    expect(await w.stop()).toBe(0);
  });

  test("feeds import refuses what is not OPML; imports and edits keep the operator's comments", async ({ tmpDir }) => {
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    const env = { REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: tmpDir, REDIS_URL: "redis://127.0.0.1:1" };
    const written = "# our feeds\nfeeds:\n  # regulators\n  - id: sec # the SEC\n    url: https://www.sec.gov/rss\n";
    await writeFile(feedsFile, written);
    for (const [name, content] of [["page.html", "<!doctype html><html><body>hi</body></html>"], ["empty.opml", ""], ["notes.txt", "a list of feeds"]]) {
      const file = path.join(tmpDir, name!);
      await writeFile(file, content!);
      const r = await regradar(["feeds", "import", file], env);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(/not an OPML file/);
    }
    const opml = path.join(tmpDir, "list.opml");
    await writeFile(opml, `<?xml version="1.0"?><opml version="2.0"><body><outline text="FCA" xmlUrl="https://www.fca.org.uk/news/rss.xml"/></body></opml>`);
    expect((await regradar(["feeds", "import", opml], env)).code).toBe(0);
    expect((await regradar(["feeds", "add", "--url", "https://www.esma.europa.eu/rss.xml", "--id", "esma"], env)).code).toBe(0);
    expect((await regradar(["feeds", "remove", "fca"], env)).code).toBe(0);
    const after = await readFile(feedsFile, "utf8");
    expect(after.startsWith(written)).toBe(true);
    expect(after).toContain("id: esma");
    expect(after).not.toContain("fca");
  });

  test("search filters are validated like subscription filters; entity and authority match in any case", async ({ tmpDir }) => {
    const bad = await regradar(["search", "bitcoin", "--jurisdiction", "china"], { REGRADAR_DATA_DIR: tmpDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--jurisdiction: must be a 2-letter code such as CN or US, got "china"/);
    expect((await regradar(["search", "--action", "banned"], { REGRADAR_DATA_DIR: tmpDir })).stderr).toMatch(/--action: must be one of ban, shutdown_order/);
    const stores = await openStores({ dataDir: tmpDir, elasticsearch: undefined }, { articles: true });
    await stores.articles.upsertArticles([seed]);
    await stores.close();
    const env = { REGRADAR_DATA_DIR: tmpDir, NO_COLOR: "" };
    for (const args of [["--entity", "huobi"], ["--authority", "people's bank of china"], ["--jurisdiction", "cn"]]) {
      const r = await regradar(["search", "exchanges", ...args, "--json"], env);
      expect(r.code, args.join(" ")).toBe(0);
      expect(JSON.parse(r.stdout).total, args.join(" ")).toBe(1);
    }
    // Not a terminal: no ANSI codes around the highlighted words; simple commands log nothing at INFO.
    const text = await regradar(["search", "exchanges"], env);
    expect(text.stdout).toContain("1 match");
    expect(text.stdout).not.toMatch(/\x1b\[/);
    expect(text.stderr).toBe("");
  });

  test("subscriptions add: --tz validated, digest needs --every, a blocked webhook target refused unless allow-listed", async ({ tmpDir, prefix }) => {
    const env = { REDIS_URL: inject("redisUrl"), REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix };
    const add = (...more: string[]) => regradar(["subscriptions", "add", "--name", "n", ...more], env);
    const tz = await add("--channel", "email", "--target", "a@b.example", "--mode", "digest", "--every", "1h", "--tz", "Mars/Olympus");
    expect(tz.code).toBe(2);
    expect(tz.stderr).toMatch(/--tz: expected an IANA time zone/);
    const every = await add("--channel", "email", "--target", "a@b.example", "--mode", "digest");
    expect(every.code).toBe(2);
    expect(every.stderr).toMatch(/--every: a digest needs its window/);
    for (const target of ["http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://169.254.169.254/latest", "http://[::1]:9/x"]) {
      const r = await add("--channel", "webhook", "--target", target);
      expect(r.code, target).toBe(2);
      expect(r.stderr, target).toMatch(/is a \w+ address, where alerts are not sent; to allow it, add .* to REGRADAR_ALLOW_HOSTS/);
    }
    const allowed = await regradar(["subscriptions", "add", "--name", "n", "--channel", "webhook", "--target", "http://127.0.0.1:9/hook"], { ...env, REGRADAR_ALLOW_HOSTS: "127.0.0.1" });
    expect(allowed.code).toBe(0);
    // A one-shot command: its answer on stdout, nothing on stderr at the default level.
    expect(allowed.stderr).toBe("");
    expect(JSON.parse(allowed.stdout)).toMatchObject({ channel: "webhook", target: "http://127.0.0.1:9/hook" });
  });
});

describe("see the system", () => {
  test("a running pipeline serves Prometheus metrics: jobs, durations, depths, fetches, bytes, documents, deliveries, Node", async ({ tmpDir, prefix }) => {
    const server = await startTestServer();
    onTestFinished(() => server.close());
    server.route("/feed.xml", (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/rss+xml" }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
        <item><title>SEC sues exchange</title><link>${server.url}/a</link><description>The SEC sued the Binance exchange over unregistered offerings of crypto assets.</description></item></channel></rss>`);
    });
    server.route("/a", (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body><article><h1>SEC sues exchange</h1><p>The U.S. Securities and Exchange Commission sued the Binance exchange on Monday, accusing it of offering unregistered crypto securities to American investors.</p></article></body></html>");
    });
    const hook = webhookReceiver(server, "/hook");
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    await writeFile(feedsFile, `feeds:\n  - id: wire\n    url: ${server.url}/feed.xml\n    interval: 3600\n`);
    const env = {
      REDIS_URL: inject("redisUrl"), REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix,
      REGRADAR_ALLOW_HOSTS: "127.0.0.1", REGRADAR_HOST_DELAY_MS: "0",
    };
    expect((await regradar(["subscriptions", "add", "--name", "all", "--channel", "webhook", "--target", `${server.url}/hook`], env)).code).toBe(0);
    const port = await freePort();
    const run = background(["run"], { ...env, REGRADAR_METRICS_PORT: String(port), REGRADAR_LOG_FORMAT: "json" });
    await until(() => hook.received.length > 0, 30_000, "the alert");
    let text = "";
    await until(async () => {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return /regradar_deliveries_total\{channel="webhook",outcome="sent"\} 1/.test(text);
    }, 10_000, "the delivery to be counted");
    for (const expected of [
      /regradar_jobs_total\{queue="feeds",outcome="completed"\} [1-9]/,
      /regradar_jobs_total\{queue="articles",outcome="completed"\} 1/,
      /regradar_job_duration_seconds_count\{queue="index"\} 1/,
      /regradar_queue_jobs\{queue="feeds",state="delayed"\} \d+/,
      /regradar_feed_fetches_total\{outcome="parsed"\} 1/,
      /regradar_fetched_bytes_total [1-9]\d*/,
      /regradar_documents_indexed_total\{status="created"\} 1/,
      /process_cpu_user_seconds_total/,
      /nodejs_eventloop_lag_seconds/,
    ]) expect(text).toMatch(expected);
    // Not a terminal: every log line is JSON; REGRADAR_LOG_FORMAT=pretty would make them readable lines.
    expect(jsonLines(run.stderr()).length).toBeGreaterThan(3);
    expect(await run.stop()).toBe(0);
  });

  test("logs are readable lines with REGRADAR_LOG_FORMAT=pretty, JSON otherwise", async ({ tmpDir }) => {
    const env = { REDIS_URL: "redis://127.0.0.1:1", REGRADAR_FEEDS: path.join(tmpDir, "none.yaml"), REGRADAR_DATA_DIR: tmpDir };
    const w = background(["worker", "extractor"], { ...env, REGRADAR_LOG_FORMAT: "pretty", NO_COLOR: "1" });
    await until(() => w.stderr().includes("Redis unreachable"), 10_000, "a log line");
    expect(w.stderr()).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: Redis unreachable; retrying with backoff\n {4}redis: "redis:\/\/127\.0\.0\.1:1"$/m);
    expect(w.stderr()).not.toMatch(/\x1b\[/);
    // SIGTERM while Redis is down: a prompt, clean exit, not the 30 s shutdown deadline.
    const stopping = Date.now();
    expect(await w.stop()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
  });
});

describe("the README works as written", () => {
  test("the demo works after `regradar run` used the same folder; the README's JSON and search examples work", async ({ tmpDir, prefix }) => {
    // `run` leaves a schedule for each registered feed in Redis, as it does in a real folder.
    const feedsFile = path.join(tmpDir, "feeds.yaml");
    await writeFile(feedsFile, "feeds:\n  - id: sec\n    url: http://127.0.0.1:9/rss\n    interval: 3600\n");
    const env = { REDIS_URL: inject("redisUrl"), REGRADAR_FEEDS: feedsFile, REGRADAR_DATA_DIR: tmpDir, REGRADAR_QUEUE_PREFIX: prefix, REGRADAR_LOG_FORMAT: "json" };
    const run = background(["run"], env);
    await until(() => run.stderr().includes("workers started"), 20_000, "run to start");
    // The feed is on a loopback address: refused, and the refusal says how to allow it.
    let listed = "";
    await until(async () => (listed = (await regradar(["feeds", "list"], env)).stdout).includes("FAILING"), 20_000, "the refused poll");
    expect(listed).toMatch(/blocked_address: refusing to connect to 127\.0\.0\.1 .*; to allow it, add 127\.0\.0\.1 to REGRADAR_ALLOW_HOSTS/);
    expect(await run.stop()).toBe(0);

    const readme = await readFile(path.join(ROOT, "README.md"), "utf8");
    const commandOf = (pattern: RegExp) => {
      const line = readme.split("\n").find((l) => pattern.test(l));
      expect(line, String(pattern)).toBeDefined();
      // A table cell's `code`, or a shell line without its # comment.
      return (/`([^`]+)`/.exec(line!)?.[1] ?? line!.replace(/\s+#.*$/, "")).trim();
    };
    // The README's JSON example, as written, plus a free port (8787 may be taken by a parallel run).
    const demoLine = commandOf(/^\S.*demo.*--json/);
    expect(demoLine).toMatch(/^npx regradar demo --json$/);
    const port = String(await freePort());
    const demo = await regradar(["demo", "--json", "--port", port], env, 120_000, ["npx", "--no-install", "regradar"]);
    expect(demo.code, demo.stderr).toBe(0);
    const summary = JSON.parse(demo.stdout);
    expect(summary.indexed).toBeGreaterThan(10);

    const searchLine = commandOf(/npx regradar search .*--since/);
    const args = searchLine.replace(/^npx regradar /, "").match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ""));
    const found = await regradar([...args, "--json"], env);
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).total, searchLine).toBeGreaterThan(0);
  }, 180_000);

  test("bench:extract and bench:mentions say what data they need when it is absent", async ({ tmpDir }) => {
    for (const [script, variable] of [["bench-extract.mjs", "AEB_DIR"], ["bench-mentions.mjs", "MENTIONS_DIR"]] as const) {
      const r = await regradar([], { [variable]: tmpDir }, 30_000, [process.execPath, path.join(ROOT, "scripts", script)]);
      expect(r.code, script).toBe(2);
      expect(r.stderr, script).toMatch(new RegExp(`needs the .*benchmark.*\\n.*set ${variable} to its folder`));
      expect(r.stderr, script).not.toMatch(/\n\s+at /);
    }
  });
});
