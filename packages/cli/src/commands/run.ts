import { watch } from "node:fs";
import { loadConfig } from "@regradar/shared";
import { loadFeeds, redisFeedStateStore, syncSchedules } from "@regradar/fetcher";
import { CliError } from "../cli-error.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { STAGES, startWorkers, type Stage } from "../workers.js";

const SHUTDOWN_DEADLINE_MS = 30_000;

async function syncFromRegistry(rt: Runtime): Promise<void> {
  const feeds = await loadFeeds(rt.config.feedsFile);
  const state = redisFeedStateStore(rt.redis, rt.config.queuePrefix);
  const r = await syncSchedules(rt.queues.get("feeds"), feeds, async (f) => (await state.get(f.id)).intervalSeconds ?? f.interval);
  rt.log.info({ ...r, feedsFile: rt.config.feedsFile }, "feed schedules synced");
}

/** Runs stages until SIGTERM/SIGINT, then drains: no new jobs, active ones finish, connections close. */
async function serve(stages: readonly Stage[]): Promise<void> {
  const config = loadConfig(process.env);
  const rt = await openRuntime(config);
  const running = startWorkers(rt, stages);
  let watcher: ReturnType<typeof watch> | null = null;
  if (stages.includes("fetcher")) {
    await syncFromRegistry(rt);
    // Registry edits take effect without a restart.
    watcher = watch(config.feedsFile, { persistent: false }, () => { syncFromRegistry(rt).catch((err) => rt.log.error({ err }, "schedule sync failed")); });
  }
  rt.log.info({ stages }, "workers started");
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => { rt.log.info({ signal }, "draining"); resolve(); };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  const deadline = setTimeout(() => { rt.log.error("shutdown deadline passed, exiting"); process.exit(1); }, SHUTDOWN_DEADLINE_MS);
  watcher?.close();
  await running.close();
  await rt.close();
  clearTimeout(deadline);
}

export const run = (_argv: string[]) => serve(STAGES);

export async function worker(argv: string[]): Promise<void> {
  const stage = argv[0] as Stage;
  if (!STAGES.includes(stage)) throw new CliError(`usage: regradar worker ${STAGES.join("|")}`);
  await serve([stage]);
}
