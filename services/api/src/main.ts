import path from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { createRedisConnection, openHttpClient, openQueues, openQueuesForBoard, Resources, type Config, type Logger } from "@regradar/shared";
import { linkSecretOf, openChannels } from "@regradar/alerter";
import { openStores } from "@regradar/store";
import { collectDefaultMetrics, register } from "prom-client";
import { buildApp } from "./app.js";

/** The built web app (services/api/dist/web), found the same way from src/ (tests) and dist/. */
export const WEB_ROOT = fileURLToPath(new URL("../dist/web/", import.meta.url));

export interface RunningApi {
  /** Where it listens, e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

/**
 * The API's composition root: a producer Redis connection (fails fast when Redis is down), the
 * queue handles and the board's raw queues, both stores, the alert channels, then the app,
 * listening on config.api. Closing closes the server first, then the rest in reverse.
 */
export async function startApi(config: Config, log: Logger, listen: { host?: string; port?: number } = {}): Promise<RunningApi> {
  if (!config.redisUrl) throw new Error("api: REDIS_URL is not set");
  const resources = new Resources();
  try {
    const redis = resources.add("redis", createRedisConnection(config.redisUrl, "producer"), (r) => r.quit());
    const queues = resources.add("queues", openQueues(redis, config.queuePrefix, { deliveryBackoffMs: config.alerts.backoffMs }), (q) => q.close());
    const board = resources.add("queue board", openQueuesForBoard(redis, config.queuePrefix), (b) => b.close());
    const stores = resources.add("stores", await openStores(config), (s) => s.close());
    const http = resources.add("http client", openHttpClient(config), (h) => h.close());
    const linkSecret = await linkSecretOf(redis, config.queuePrefix, config.alerts.linkSecret);
    const channels = resources.add("channels", openChannels(config, http, linkSecret), (c) => c.close());
    // Default process metrics once per process; the pipeline's own metrics share the default registry.
    if (!register.getSingleMetric("process_cpu_seconds_total")) collectDefaultMetrics();
    const app = await buildApp(
      { articles: stores.articles, subscriptions: stores.subscriptions, redis, queues, boardQueues: board.queues, send: channels.send, linkSecret, log },
      {
        feedsFile: config.feedsFile, queuePrefix: config.queuePrefix, elasticsearch: Boolean(config.elasticsearch),
        keys: config.api.keys, publicRead: config.api.publicRead, ratePerMinute: config.api.ratePerMinute,
        webRoot: existsSync(path.join(WEB_ROOT, "index.html")) ? WEB_ROOT : undefined,
      },
    );
    resources.add("http server", app, (a) => a.close());
    const url = await app.listen({ host: listen.host ?? config.api.host, port: listen.port ?? config.api.port });
    log.info({ url, keys: config.api.keys.map((k) => `${k.name}:${k.scope}`), publicRead: config.api.publicRead }, "api listening");
    return { url, close: () => resources.close(log) };
  } catch (err) {
    await resources.close(log);
    throw err;
  }
}
