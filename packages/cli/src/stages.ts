import { STAGE_NAMES, type Config, type Logger, type Stage, type StageName } from "@regradar/shared";
import { startFetcher } from "@regradar/fetcher";
import { startExtractor } from "@regradar/extractor";
import { startIndexer } from "@regradar/indexer";
import { startAlerter } from "@regradar/alerter";

export interface StageOptions {
  /** Keep feed schedules in step with the registry (the demo polls by hand instead). */
  scheduleFeeds?: boolean;
}

const STARTERS: Record<StageName, (config: Config, log: Logger, opts: StageOptions) => Promise<Stage>> = {
  fetcher: (config, log, opts) => startFetcher(config, log, opts),
  extractor: startExtractor,
  indexer: startIndexer,
  alerter: startAlerter,
};

export interface RunningStages {
  stages: Map<StageName, Stage>;
  /** Upstream first, so nothing new flows into a stage that is already closing. */
  close(): Promise<void>;
}

/** Starts the named stages, each through its own composition root (services/<stage>/src/main.ts). */
export async function startStages(config: Config, log: Logger, names: readonly StageName[], opts: StageOptions = {}): Promise<RunningStages> {
  const stages = new Map<StageName, Stage>();
  const close = async () => {
    for (const name of STAGE_NAMES) await stages.get(name)?.close();
  };
  try {
    for (const name of names) stages.set(name, await STARTERS[name](config, log, opts));
  } catch (err) {
    await close();
    throw err;
  }
  return { stages, close };
}
