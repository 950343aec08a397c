#!/usr/bin/env node
// check-compose-stack.mjs — the run half of `npm run test:container`, started by test-container.mjs
// inside a network namespace of its own (`unshare --net`): only loopback exists, so the compose ports
// are free and nothing here can reach beyond 127.0.0.1.
//
// As an operator following the README would: copy .env.example to .env (allowing 127.0.0.1, where this
// check's feed and webhook receiver live), `docker compose up`, then `docker compose run --rm cli …` to
// add a subscription and a feed. Passes when the feed's story reaches the index and a signed webhook
// alert, every service's health check passes, and the services drain on SIGTERM.
//
//   unshare --net node scripts/lib/check-compose-stack.mjs <json options>
// options: { repoDir, image, workDir, logDir, resultFile }; the result file gets
// { ok: true, services: [{ name, readySeconds }] } or { ok: false, failure: "<service>: <reason>" }.
import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { parseEnv } from "node:util";
import YAML from "yaml";
import { readComposeFile } from "./compose-file.mjs";
import { openStack, ServiceError } from "./compose-stack.mjs";
import { ELASTICSEARCH_VERSION, startElasticsearch } from "./elasticsearch-local.mjs";
import { run } from "./exec.mjs";

const LOOPBACK = "127.0.0.1";
const REDIS_PORT = 6379;
const ELASTICSEARCH_PORT = 9200;
// The .env keys operators need for alerts and private feeds (issue 10); .env.example must name them all.
const ENV_KEYS = ["SMTP_URL", "SMTP_FROM", "TELEGRAM_BOT_TOKEN", "REGRADAR_PUBLIC_URL", "REGRADAR_ALLOW_HOSTS"];
const ALERT_TIMEOUT_MS = 180_000;
// Stages that never touch the store: they must neither wait for Elasticsearch nor be given its URL.
const STORELESS_STAGES = ["fetcher", "extractor"];
const WEBHOOK_SECRET = randomBytes(16).toString("hex");

// The whole run takes 1-3 min; a check still going after this is stuck somewhere (say's last line tells where).
const WATCHDOG_MS = 15 * 60_000;

let lastStep = "starting";
const say = (line) => { lastStep = line; console.log(`container: ${line}`); };
const opts = JSON.parse(process.argv[2]);
const cleanups = [];

try {
  let watchdog;
  const stuck = new Promise((_, reject) => {
    watchdog = setTimeout(() => reject(new Error(`no result within ${WATCHDOG_MS / 60_000} min; last step: ${lastStep}`)), WATCHDOG_MS);
  });
  const services = await Promise.race([checkStack(opts), stuck]).finally(() => clearTimeout(watchdog));
  await fs.writeFile(opts.resultFile, JSON.stringify({ ok: true, services }));
} catch (err) {
  const failure = err instanceof ServiceError ? err.message : `stack: ${err.message.split("\n")[0]}`;
  console.error(err.stack ?? err);
  await fs.writeFile(opts.resultFile, JSON.stringify({ ok: false, failure }));
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`cleanup: ${err.message}`));
  // A stuck step may still hold handles open; everything it started has been stopped above.
  process.exit();
}

async function checkStack({ repoDir, image, workDir, logDir }) {
  await run("ip", ["link", "set", "lo", "up"]);
  const projectDir = path.join(workDir, "project");
  await prepareProject(repoDir, projectDir);
  const compose = await readComposeFile(path.join(repoDir, "docker-compose.yml"), projectDir);
  const byName = Object.fromEntries(compose.services.map((s) => [s.name, s]));
  assertTestedElasticsearch(byName.elasticsearch);

  // `up` starts the services built from the project's image that no profile holds back.
  const ours = compose.services.filter((s) => s.build && s.profiles.length === 0);
  const cli = compose.services.find((s) => s.build && s.profiles.includes("cli"));
  if (!cli) throw new ServiceError("cli", "docker-compose.yml has no `cli` service for one-off commands");

  const hosts = { redis: LOOPBACK, elasticsearch: LOOPBACK };
  const stack = await openStack({ compose, image, workDir, hosts, logDir });
  cleanups.push(() => stack.stop());
  await chownTree(path.join(projectDir, "config"), stack.user);

  // Services come up as compose brings them, each once what it depends on is healthy, in two waves:
  // Elasticsearch starts only after every service that does not depend on it is ready, which shows
  // that those really run without it.
  const storeless = ours.filter((s) => !s.dependsOn.includes("elasticsearch"));
  for (const name of STORELESS_STAGES) {
    if (!storeless.some((s) => s.name === name)) throw new ServiceError(name, "waits for Elasticsearch, which it never uses");
    if (byName[name].environment.ELASTICSEARCH_URL) throw new ServiceError(name, "is given ELASTICSEARCH_URL, which it never uses");
  }
  const readySeconds = {};
  const ready = { redis: startRedis(byName.redis, workDir) };
  const startAll = async (services) => {
    const starts = services.map(async (service) => {
      await Promise.all(service.dependsOn.map((d) => ready[d] ?? Promise.reject(new ServiceError(service.name, `depends on ${d}, which this check does not stand in for`))));
      readySeconds[service.name] = await stack.start(service);
      say(`${service.name} ready in ${readySeconds[service.name].toFixed(1)}s`);
    });
    // Settle every start before failing, so that no service is left running past the clean-up.
    const failed = (await Promise.allSettled([...Object.values(ready), ...starts])).find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
  };
  await startAll(storeless);
  const esStarted = Date.now();
  ready.elasticsearch = startElasticsearch({ httpPort: ELASTICSEARCH_PORT }).then((es) => {
    cleanups.push(() => es.stop());
    say(`elasticsearch (local ${ELASTICSEARCH_VERSION} node) ready in ${((Date.now() - esStarted) / 1000).toFixed(1)}s`);
  });
  await startAll(ours.filter((s) => !storeless.includes(s)));

  for (const service of ours) if (service.healthcheck) await stack.healthcheck(service);
  say(`health checks pass: ${ours.filter((s) => s.healthcheck).map((s) => s.name).join(", ")}`);

  const sources = await startSources();
  cleanups.push(() => sources.close());

  const sub = await cliJson(stack, cli, ["subscriptions", "add", "--name", "container-check", "--channel", "webhook",
    "--target", sources.webhookUrl, "--secret", WEBHOOK_SECRET, "--query", "exchanges", "--jurisdiction", "CN", "--json"]);
  const added = await cliJson(stack, cli, ["feeds", "add", "--url", sources.feedUrl, "--title", "Container check wire", "--json"]);
  const registry = YAML.parse(await fs.readFile(path.join(projectDir, "config", "feeds.yaml"), "utf8"));
  if (!registry.feeds.some((f) => f.url === sources.feedUrl)) throw new ServiceError("cli", "feeds add did not write the mounted config/feeds.yaml");
  if (!added.scheduled) throw new ServiceError("cli", "feeds add wrote the feed but did not schedule it on Redis");
  say("feeds add wrote the mounted config/feeds.yaml and scheduled the feed");

  const alert = await sources.nextAlert(ALERT_TIMEOUT_MS, () => stack.assertRunning());
  verifyAlert(alert, sub, sources.articleUrl);
  say(`webhook alert received for "${alert.body.articles[0].title}"`);

  const found = await cliJson(stack, cli, ["search", "exchanges", "--jurisdiction", "CN", "--json"]);
  if (!found.hits?.some((h) => h.url === sources.articleUrl)) throw new ServiceError("indexer", "the alerted article is not in the Elasticsearch index");
  // The embedded store lives on the data volume: a fresh named volume must be writable by the image's user.
  const embedded = await stack.runOnce(cli, ["search", "exchanges", "--json"], { ELASTICSEARCH_URL: "" });
  if (embedded.code !== 0) throw new ServiceError("cli", `the data volume is not usable: ${embedded.stderr.trim().split("\n").at(-1)}`);
  say("search finds the article in the index; the data volume is writable");

  stack.assertRunning();
  const exits = await stack.stop();
  const unclean = Object.entries(exits).filter(([, outcome]) => outcome !== 0);
  if (unclean.length) throw new ServiceError(unclean[0][0], `did not drain cleanly on SIGTERM (${unclean[0][1]})`);
  say(`services drained on SIGTERM: ${Object.keys(exits).join(", ")}`);
  return ours.map((s) => ({ name: s.name, readySeconds: readySeconds[s.name] }));
}

/** What an operator has after `git clone` and `cp .env.example .env`. */
async function prepareProject(repoDir, projectDir) {
  await fs.cp(path.join(repoDir, "config"), path.join(projectDir, "config"), { recursive: true });
  const example = await fs.readFile(path.join(repoDir, ".env.example"), "utf8");
  const missing = ENV_KEYS.filter((k) => !(k in parseEnv(example)));
  if (missing.length) throw new ServiceError("env_file", `.env.example does not name ${missing.join(", ")}`);
  const env = example.replace(/^REGRADAR_ALLOW_HOSTS=.*$/m, `REGRADAR_ALLOW_HOSTS=${LOOPBACK}`);
  await fs.writeFile(path.join(projectDir, ".env"), env);
}

function assertTestedElasticsearch(service) {
  const tag = service?.image.split(":").at(-1);
  if (tag !== ELASTICSEARCH_VERSION) throw new ServiceError("elasticsearch", `compose runs ${tag}, the tests run ${ELASTICSEARCH_VERSION}`);
}

/** The bind-mounted config as the README asks operators to own it: by the image's user (uid 1000). */
async function chownTree(dir, { uid, gid }) {
  for (const entry of [dir, ...(await fs.readdir(dir)).map((f) => path.join(dir, f))]) await fs.chown(entry, uid, gid);
}

/** redis-server with the compose service's own arguments, on its compose port. */
async function startRedis(service, workDir) {
  const [, ...args] = service.command;
  const dir = path.join(workDir, "redis");
  await fs.mkdir(dir);
  const child = spawn("redis-server", [...args, "--port", String(REDIS_PORT), "--bind", LOOPBACK, "--dir", dir], { stdio: "ignore" });
  cleanups.push(async () => { child.kill("SIGTERM"); await new Promise((r) => child.exitCode !== null ? r() : child.once("exit", r)); });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new ServiceError("redis", `redis-server exited with code ${child.exitCode}`);
    const pong = await run("redis-cli", ["-p", String(REDIS_PORT), "ping"]).catch(() => "");
    if (pong.trim() === "PONG") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ServiceError("redis", "redis-server did not answer within 20 s");
}

/** A news site (feed + article page) and a webhook receiver, on 127.0.0.1. */
async function startSources() {
  const seed = JSON.parse(await fs.readFile(new URL("../../packages/cli/demo-data/sources/seed-article.json", import.meta.url), "utf8"));
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const alerts = [];
  let wake = () => {};
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const base = `http://${LOOPBACK}:${server.address().port}`;
      if (req.url === "/feed.xml") {
        res.writeHead(200, { "content-type": "application/rss+xml; charset=utf-8" });
        return res.end(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Container check wire</title><link>${base}/</link><description>t</description>
<item><title>${esc(seed.title)}</title><link>${base}/news/story.html</link><guid>${base}/news/story.html</guid><pubDate>Mon, 18 Sep 2017 08:00:00 GMT</pubDate><description>${esc(seed.text.slice(0, 200))}</description></item>
</channel></rss>`);
      }
      if (req.url === "/news/story.html") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(seed.title)}</title></head><body>
<article><h1>${esc(seed.title)}</h1>${seed.text.split(/\n\n+/).map((p) => `<p>${esc(p)}</p>`).join("\n")}</article></body></html>`);
      }
      if (req.url === "/hook" && req.method === "POST") {
        alerts.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(204).end();
        return wake();
      }
      res.writeHead(404).end();
    });
  });
  await new Promise((resolve) => server.listen(0, LOOPBACK, resolve));
  const base = `http://${LOOPBACK}:${server.address().port}`;
  return {
    feedUrl: `${base}/feed.xml`,
    articleUrl: `${base}/news/story.html`,
    webhookUrl: `${base}/hook`,
    /** The next webhook delivery; `check` runs every second so a crashed service fails fast. */
    async nextAlert(timeoutMs, check) {
      const deadline = Date.now() + timeoutMs;
      while (alerts.length === 0) {
        check();
        if (Date.now() > deadline) throw new ServiceError("alerter", `no webhook alert within ${timeoutMs / 1000} s of adding the feed`);
        await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 1000); });
      }
      const { headers, raw } = alerts.shift();
      return { headers, raw, body: JSON.parse(raw) };
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function verifyAlert(alert, sub, articleUrl) {
  const ts = alert.headers["x-regradar-timestamp"];
  const expected = `sha256=${createHmac("sha256", WEBHOOK_SECRET).update(`${ts}.${alert.raw}`).digest("hex")}`;
  if (alert.headers["x-regradar-signature"] !== expected) throw new ServiceError("alerter", "the webhook alert's signature does not verify");
  const subId = sub.id ?? sub.subscription?.id;
  if (alert.body.subscription?.id !== subId) throw new ServiceError("alerter", `alert for subscription ${alert.body.subscription?.id}, expected ${subId}`);
  if (alert.body.articles?.[0]?.url !== articleUrl) throw new ServiceError("alerter", `alert for ${alert.body.articles?.[0]?.url}, expected ${articleUrl}`);
}

/** `docker compose run --rm cli <args>` whose stdout is one JSON document. */
async function cliJson(stack, cli, args) {
  const r = await stack.runOnce(cli, args);
  if (r.code !== 0) throw new ServiceError("cli", `${args.slice(0, 2).join(" ")} exited ${r.code}: ${r.stderr.trim().split("\n").at(-1)}`);
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new ServiceError("cli", `${args.slice(0, 2).join(" ")} printed no JSON: ${r.stdout.slice(0, 200)}`);
  }
}
