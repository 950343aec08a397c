import { loadConfig, STAGE_NAMES, type StageName } from "@regradar/shared";
import { startApi } from "@regradar/api";
import { CliError } from "../cli-error.js";
import { cliLogger } from "../cli-logger.js";
import { serveMetrics } from "../metrics-endpoint.js";
import { ensureRedis } from "../redis-server.js";
import { startStages } from "../stages.js";

const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * Runs stages (and, for `run`, the API: how a single-machine user opens the web app) until
 * SIGTERM/SIGINT, then drains: no new requests or jobs, active ones finish, connections close.
 * No producer connection here: a worker waits for Redis (logging when it goes and comes back)
 * instead of failing fast as a one-shot command does.
 */
async function serve(names: readonly StageName[], withApi: boolean): Promise<void> {
  const config = loadConfig();
  const log = cliLogger(config);
  const endpoint = await ensureRedis({ redisUrl: config.redisUrl, dataDir: config.dataDir, log });
  try {
    const withEndpoint = { ...config, redisUrl: endpoint.url };
    const metrics = config.metricsPort === undefined ? null : await serveMetrics(withEndpoint, config.metricsPort, log);
    try {
      // Listened for before the start: a stage waiting for Redis can be stopped too.
      const stopped = new Promise<string>((resolve) => {
        process.once("SIGTERM", () => resolve("SIGTERM"));
        process.once("SIGINT", () => resolve("SIGINT"));
      });
      const starting = startStages(withEndpoint, log, names);
      const first = await Promise.race([starting, stopped]);
      if (typeof first === "string") {
        // Nothing was consumed yet; the start may be waiting on Redis indefinitely, so no drain to wait for.
        log.info({ signal: first }, "stopped before the stages started");
        process.exit(0);
      }
      const running = first;
      log.info({ stages: names }, "workers started");
      const api = withApi ? await startApi(withEndpoint, log).catch(async (err: unknown) => { await running.close(); throw err; }) : null;
      if (api) log.info({ url: `${api.url}/` }, "web app and API listening");
      log.info({ signal: await stopped }, "draining");
      const deadline = setTimeout(() => { log.error("shutdown deadline passed, exiting"); process.exit(1); }, SHUTDOWN_DEADLINE_MS);
      await api?.close();
      await running.close();
      clearTimeout(deadline);
    } finally {
      await metrics?.close();
    }
  } finally {
    await endpoint.stop();
  }
}

export const run = (_argv: string[]) => serve(STAGE_NAMES, true);

export async function worker(argv: string[]): Promise<void> {
  const stage = argv[0] as StageName;
  if (!STAGE_NAMES.includes(stage) || argv.length > 1) throw new CliError(`usage: regradar worker ${STAGE_NAMES.join("|")}`);
  await serve([stage], false);
}
