import http from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from "prom-client";
import type { Logger } from "./logger.js";
import { QUEUE_KEYS, queueCatalog, type Queues } from "./queues.js";

/**
 * Every Prometheus metric RegRadar exposes, defined once, in prom-client's default registry. Created
 * on first use rather than at import: a process that never counts (a CLI parse command) registers nothing.
 */
function defineMetrics() {
  return {
    jobs: new Counter({ name: "regradar_jobs_total", help: "Jobs processed, by queue and outcome (completed, retried, failed, delayed)", labelNames: ["queue", "outcome"] as const }),
    jobSeconds: new Histogram({
      name: "regradar_job_duration_seconds", help: "Time a worker spent on a job, by queue", labelNames: ["queue"] as const,
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    queueJobs: new Gauge({ name: "regradar_queue_jobs", help: "Jobs in a queue, by state (read at scrape time)", labelNames: ["queue", "state"] as const }),
    fetches: new Counter({ name: "regradar_feed_fetches_total", help: "Feed polls by outcome (parsed, not_modified, unchanged, deferred, or the failure reason)", labelNames: ["outcome"] as const }),
    fetchedBytes: new Counter({ name: "regradar_fetched_bytes_total", help: "Response body bytes read by the guarded HTTP client (feeds, pages, alert receivers)" }),
    documentsIndexed: new Counter({ name: "regradar_documents_indexed_total", help: "Documents written to the store, by status (created, updated, unchanged)", labelNames: ["status"] as const }),
    deliveries: new Counter({ name: "regradar_deliveries_total", help: "Alert deliveries by channel and outcome", labelNames: ["channel", "outcome"] as const }),
  };
}

let defined: ReturnType<typeof defineMetrics> | undefined;

export function metrics(): ReturnType<typeof defineMetrics> {
  defined ??= defineMetrics();
  return defined;
}

const DEPTH_TIMEOUT_MS = 2_000;
const DEPTH_STATES = ["waiting", "active", "delayed", "failed", "completed", "prioritized"] as const;

/**
 * Serves /metrics on `port` (0: any free one), with the default Node metrics; with `queues`,
 * queue depths are read from Redis at each scrape. A failing Redis leaves the depths out of that
 * scrape rather than failing the scrape.
 */
export async function startMetricsServer(opts: { port: number; host?: string; log: Logger; queues?: Queues }): Promise<{ url: string; close(): Promise<void> }> {
  const m = metrics();
  if (!register.getSingleMetric("process_cpu_user_seconds_total")) collectDefaultMetrics();
  const server = http.createServer(async (req, res) => {
    if (req.url !== "/metrics") { res.writeHead(404).end(); return; }
    if (opts.queues) {
      const read = Promise.all(QUEUE_KEYS.map(async (key) => {
        const counts = await opts.queues![key].counts(...DEPTH_STATES);
        for (const state of DEPTH_STATES) m.queueJobs.set({ queue: queueCatalog[key].name, state }, counts[state] ?? 0);
      }));
      // Prometheus times a scrape out after 10 s; a Redis that is down must not hang it.
      const timeout = new Promise<void>((_, reject) => setTimeout(() => reject(new Error("Redis did not answer within 2 s")), DEPTH_TIMEOUT_MS).unref());
      await Promise.race([read, timeout]).catch((err: unknown) => opts.log.debug({ err }, "queue depths not read"));
    }
    res.writeHead(200, { "Content-Type": register.contentType }).end(await register.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", resolve);
  });
  const { port } = server.address() as AddressInfo;
  opts.log.info({ port }, "metrics served on /metrics");
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
