import { createLogger, loadConfig, STAGE_NAMES, type StageName } from "@regradar/shared";
import { startApi, type RunningApi } from "@regradar/api";
import { CliError } from "../cli-error.js";
import { withRedis } from "../redis-context.js";
import { startStages } from "../stages.js";
import { untilSignal } from "../until-signal.js";

const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * Runs stages (and, for `run`, the API: how a single-machine user opens the web app) until
 * SIGTERM/SIGINT, then drains: no new requests or jobs, active ones finish, connections close.
 */
async function serve(names: readonly StageName[], withApi: boolean): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  await withRedis(config, async ({ config: withEndpoint }) => {
    const running = await startStages(withEndpoint, log, names);
    log.info({ stages: names }, "workers started");
    let api: RunningApi | null = null;
    try {
      if (withApi) {
        api = await startApi(withEndpoint, log);
        process.stderr.write(`RegRadar web app and API on ${api.url}/\n`);
      }
    } catch (err) {
      await running.close();
      throw err;
    }
    await untilSignal(log);
    const deadline = setTimeout(() => { log.error("shutdown deadline passed, exiting"); process.exit(1); }, SHUTDOWN_DEADLINE_MS);
    await api?.close();
    await running.close();
    clearTimeout(deadline);
  });
}

export const run = (_argv: string[]) => serve(STAGE_NAMES, true);

export async function worker(argv: string[]): Promise<void> {
  const stage = argv[0] as StageName;
  if (!STAGE_NAMES.includes(stage)) throw new CliError(`usage: regradar worker ${STAGE_NAMES.join("|")}`);
  await serve([stage], false);
}
