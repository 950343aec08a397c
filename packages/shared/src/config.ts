import { z } from "zod";
import { clusterNodes, clusterSafePrefix, isClusterUrl } from "./redis.js";

/**
 * The one place that reads the environment. Every process parses it once at start-up
 * and fails with every problem listed, one line each.
 */
const csv = z
  .string()
  .default("")
  .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  // redis://[user:pass@]host:port[/db], rediss://… (TLS), or redis+cluster://host:port,host:port for a Redis Cluster.
  REDIS_URL: z.string().optional().superRefine((url, ctx) => {
    if (url === undefined) return;
    const problem = redisUrlProblem(url);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  // One node's URL, or several comma-separated (a cluster's nodes: the client spreads requests and fails over).
  ELASTICSEARCH_URL: z.string().optional().superRefine((urls, ctx) => {
    for (const url of urls?.split(",") ?? []) {
      if (!/^https?:\/\/[^/]+/.test(url.trim())) ctx.addIssue({ code: "custom", message: `expected a URL such as http://127.0.0.1:9200, got ${JSON.stringify(redactUrl(url.trim()))}` });
    }
  }),
  REGRADAR_ES_INDEX: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "lower-case letters, digits, - and _ only").default("regradar-articles"),
  // Copies of each shard on other nodes. 0 by default: a single node cannot place a replica and would stay yellow.
  REGRADAR_ES_REPLICAS: z.coerce.number().int().min(0).default(0),
  REGRADAR_DATA_DIR: z.string().min(1).default("./data"),
  REGRADAR_FEEDS: z.string().min(1).default("./feeds.yaml"),
  REGRADAR_ALLOW_HOSTS: csv,
  REGRADAR_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Unset: readable lines when stderr is a terminal, JSON otherwise (log collectors).
  REGRADAR_LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  // Unset: no metrics endpoint. Each process of a scaled-out stage needs its own port.
  // https://no-color.org: any non-empty value turns ANSI colours off.
  NO_COLOR: z.string().optional(),
  REGRADAR_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  REGRADAR_QUEUE_PREFIX: z.string().min(1).default("regradar"),
  REGRADAR_USER_AGENT: z.string().min(1).default("RegRadar/0.1 (+https://github.com/regradar/regradar; crypto-regulation news monitor)"),
  REGRADAR_FETCH_MAX_BYTES: positiveInt(10 * 1024 * 1024),
  REGRADAR_FETCH_TIMEOUT_MS: positiveInt(30_000),
  REGRADAR_HOST_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
  // A worker waits this long in-process for a busy host before sending its job back to the delayed set.
  REGRADAR_HOST_WAIT_MS: z.coerce.number().int().min(0).default(250),
  REGRADAR_POLL_MIN_SECONDS: positiveInt(300),
  REGRADAR_POLL_MAX_SECONDS: positiveInt(6 * 3600),
  REGRADAR_SEEN_PER_FEED: positiveInt(5_000),
  // Jobs at once per worker. An extractor with 8 spent most of its time waiting on page fetches and
  // host turns (bench:scale, one process per stage: 8 -> 277 articles/s, 16 -> ~310, 32 -> 343); each
  // job may hold a body of up to REGRADAR_FETCH_MAX_BYTES, so 16 bounds that at 160 MB per process.
  REGRADAR_CONCURRENCY: positiveInt(16),
  REGRADAR_INDEX_BATCH: positiveInt(200),
  REGRADAR_LOCK_MS: positiveInt(30_000),
  SMTP_URL: z.string().url().optional(),
  SMTP_FROM: z.string().default("RegRadar <alerts@regradar.local>"),
  TELEGRAM_API_BASE: z.string().url().default("https://api.telegram.org"),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  REGRADAR_PUBLIC_URL: z.string().url().default("http://localhost:8080"),
  // Base delay of a delivery's exponential backoff; tests shorten it.
  REGRADAR_ALERT_BACKOFF_MS: positiveInt(2_000),
  // Messages per second per channel, shared by every alerter process (a Redis token bucket).
  REGRADAR_ALERT_RATE_WEBHOOK: positiveInt(50),
  REGRADAR_ALERT_RATE_EMAIL: positiveInt(5),
  // Slack incoming webhooks allow about one message per second.
  REGRADAR_ALERT_RATE_SLACK: positiveInt(1),
  // Telegram allows about 30 messages per second per bot.
  REGRADAR_ALERT_RATE_TELEGRAM: positiveInt(25),
  REGRADAR_DIGEST_SWEEP_MS: positiveInt(60_000),
  REGRADAR_API_HOST: z.string().min(1).default("127.0.0.1"),
  REGRADAR_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // name:scope:secret, comma-separated; scope read|write|admin (each includes the ones before it).
  REGRADAR_API_KEYS: csv.pipe(z.array(z.string().regex(/^[A-Za-z0-9_.-]+:(read|write|admin):\S{16,}$/,
    "each key is name:read|write|admin:secret, the secret at least 16 characters"))),
  REGRADAR_API_PUBLIC_READ: z.stringbool().default(false),
  // Requests per minute per API key (per address without one), shared by every API process through Redis.
  REGRADAR_API_RATE_LIMIT: positiveInt(600),
  // Signs the unsubscribe links in alert e-mails; when unset, one is generated once and kept in Redis.
  REGRADAR_LINK_SECRET: z.string().min(16, "at least 16 characters").optional(),
});

export type Env = z.infer<typeof envSchema>;

function elasticsearchConfig(urls: string, index: string, replicas: number): NonNullable<Config["elasticsearch"]> {
  const nodes = urls.split(",").map((u) => u.trim()).filter(Boolean);
  return { url: nodes[0]!, nodes, index, replicas };
}

function redisUrlProblem(url: string): string | null {
  // rediss:// and redis+cluster:// are the other accepted forms (README, "Scale out").
  const expected = "expected a URL such as redis://127.0.0.1:6379";
  if (isClusterUrl(url)) {
    try { clusterNodes(url); return null; } catch (err) { return `expected a URL such as redis+cluster://host:port,host:port; ${(err as Error).message}`; }
  }
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "redis:" || parsed.protocol === "rediss:") && parsed.hostname !== "" ? null : expected;
  } catch {
    return expected;
  }
}

// Never echoed in a configuration error: they hold credentials.
const SECRET_VARS = new Set(["REGRADAR_API_KEYS", "REGRADAR_LINK_SECRET", "SMTP_URL", "TELEGRAM_BOT_TOKEN"]);

export interface Config {
  redisUrl: string | undefined;
  /** url: the first node (for messages); nodes: every node given; replicas: per shard, applied to existing indices too. */
  elasticsearch: { url: string; nodes: string[]; index: string; replicas: number } | undefined;
  dataDir: string;
  feedsFile: string;
  allowHosts: string[];
  logLevel: Env["REGRADAR_LOG_LEVEL"];
  logFormat: Env["REGRADAR_LOG_FORMAT"];
  metricsPort: number | undefined;
  noColor: boolean;
  queuePrefix: string;
  http: { userAgent: string; maxBodyBytes: number; timeoutMs: number; hostDelayMs: number; hostWaitMs: number };
  polling: { minSeconds: number; maxSeconds: number; seenPerFeed: number };
  /** lockMs: how long a job stays locked to a worker that stopped renewing it (crashed) before another takes it. */
  workers: { concurrency: number; indexBatch: number; lockMs: number };
  alerts: {
    smtpUrl: string | undefined;
    smtpFrom: string;
    telegramApiBase: string;
    telegramBotToken: string | undefined;
    publicUrl: string;
    backoffMs: number;
    ratePerSecond: { webhook: number; email: number; slack: number; telegram: number };
    digestSweepMs: number;
    /** Signs unsubscribe links; when undefined, the secret kept in Redis (see link-secret.ts). */
    linkSecret: string | undefined;
  };
  api: {
    host: string;
    port: number;
    keys: ApiKey[];
    /** Reads (search, articles, status) without a key. */
    publicRead: boolean;
    ratePerMinute: number;
  };
}

/** A URL as it may appear in a message or log: the password replaced. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*:)[^/@]*@/i, "$1***@");
}

export type ApiScope = "read" | "write" | "admin";
export interface ApiKey { name: string; scope: ApiScope; secret: string }

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Typed changes to a parsed config (the demo's, a test's): nested sections merge, values replace. */
export type ConfigOverrides = { [K in keyof Config]?: Config[K] extends object | undefined ? Partial<NonNullable<Config[K]>> | Config[K] : Config[K] };

export function withOverrides(config: Config, overrides: ConfigOverrides): Config {
  const out: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(overrides)) {
    const base = out[key];
    const nested = value && base && typeof value === "object" && typeof base === "object" && !Array.isArray(value);
    out[key] = nested ? { ...(base as object), ...(value as object) } : value;
  }
  return out as unknown as Config;
}

/** Parses the environment (the process's own unless given) and applies typed overrides. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: ConfigOverrides = {}): Config {
  return withOverrides(parseEnv(env), overrides);
}

function parseEnv(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset" so that `FOO= regradar …` behaves like no FOO at all.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      return `${name}: ${i.message} (got ${SECRET_VARS.has(name) ? "[redacted]" : JSON.stringify(redactUrl(present[name] ?? ""))})`;
    }));
  }
  const e = parsed.data;
  if (e.REGRADAR_POLL_MIN_SECONDS > e.REGRADAR_POLL_MAX_SECONDS) {
    throw new ConfigError([`REGRADAR_POLL_MIN_SECONDS: must not exceed REGRADAR_POLL_MAX_SECONDS (${e.REGRADAR_POLL_MAX_SECONDS})`]);
  }
  return {
    redisUrl: e.REDIS_URL,
    elasticsearch: e.ELASTICSEARCH_URL ? elasticsearchConfig(e.ELASTICSEARCH_URL, e.REGRADAR_ES_INDEX, e.REGRADAR_ES_REPLICAS) : undefined,
    dataDir: e.REGRADAR_DATA_DIR,
    feedsFile: e.REGRADAR_FEEDS,
    allowHosts: e.REGRADAR_ALLOW_HOSTS,
    logLevel: e.REGRADAR_LOG_LEVEL,
    logFormat: e.REGRADAR_LOG_FORMAT,
    metricsPort: e.REGRADAR_METRICS_PORT,
    noColor: e.NO_COLOR !== undefined,
    queuePrefix: clusterSafePrefix(e.REGRADAR_QUEUE_PREFIX, e.REDIS_URL),
    http: {
      userAgent: e.REGRADAR_USER_AGENT,
      maxBodyBytes: e.REGRADAR_FETCH_MAX_BYTES,
      timeoutMs: e.REGRADAR_FETCH_TIMEOUT_MS,
      hostDelayMs: e.REGRADAR_HOST_DELAY_MS,
      hostWaitMs: e.REGRADAR_HOST_WAIT_MS,
    },
    polling: { minSeconds: e.REGRADAR_POLL_MIN_SECONDS, maxSeconds: e.REGRADAR_POLL_MAX_SECONDS, seenPerFeed: e.REGRADAR_SEEN_PER_FEED },
    workers: { concurrency: e.REGRADAR_CONCURRENCY, indexBatch: e.REGRADAR_INDEX_BATCH, lockMs: e.REGRADAR_LOCK_MS },
    alerts: {
      smtpUrl: e.SMTP_URL,
      smtpFrom: e.SMTP_FROM,
      telegramApiBase: e.TELEGRAM_API_BASE,
      telegramBotToken: e.TELEGRAM_BOT_TOKEN,
      publicUrl: e.REGRADAR_PUBLIC_URL,
      backoffMs: e.REGRADAR_ALERT_BACKOFF_MS,
      ratePerSecond: {
        webhook: e.REGRADAR_ALERT_RATE_WEBHOOK, email: e.REGRADAR_ALERT_RATE_EMAIL,
        slack: e.REGRADAR_ALERT_RATE_SLACK, telegram: e.REGRADAR_ALERT_RATE_TELEGRAM,
      },
      digestSweepMs: e.REGRADAR_DIGEST_SWEEP_MS,
      linkSecret: e.REGRADAR_LINK_SECRET,
    },
    api: {
      host: e.REGRADAR_API_HOST,
      port: e.REGRADAR_API_PORT,
      keys: e.REGRADAR_API_KEYS.map(parseApiKey),
      publicRead: e.REGRADAR_API_PUBLIC_READ,
      ratePerMinute: e.REGRADAR_API_RATE_LIMIT,
    },
  };
}

/** "name:scope:secret" (already validated by the schema); the secret may itself contain ':'. */
function parseApiKey(spec: string): ApiKey {
  const [name, scope, ...secret] = spec.split(":");
  return { name: name!, scope: scope as ApiScope, secret: secret.join(":") };
}
