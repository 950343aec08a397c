import { createLogger, loadConfig, STAGE_NAMES, type StageName } from "@regradar/shared";
import { CliError } from "../cli-error.js";
import { withRedis } from "../redis-context.js";
import { startStages } from "../stages.js";

const SHUTDOWN_DEADLINE_MS = 30_000;

/** Runs stages until SIGTERM/SIGINT, then drains: no new jobs, active ones finish, connections close. */
async function serve(names: readonly StageName[]): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  await withRedis(config, async ({ config: withEndpoint }) => {
    const running = await startStages(withEndpoint, log, names);
    log.info({ stages: names }, "workers started");
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => { log.info({ signal }, "draining"); resolve(); };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
    const deadline = setTimeout(() => { log.error("shutdown deadline passed, exiting"); process.exit(1); }, SHUTDOWN_DEADLINE_MS);
    await running.close();
    clearTimeout(deadline);
  });
}

export const run = (_argv: string[]) => serve(STAGE_NAMES);

export async function worker(argv: string[]): Promise<void> {
  const stage = argv[0] as StageName;
  if (!STAGE_NAMES.includes(stage)) throw new CliError(`usage: regradar worker ${STAGE_NAMES.join("|")}`);
  await serve([stage]);
}
