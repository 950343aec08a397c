import type { Worker } from "bullmq";
import { startExtractorWorker } from "@regradar/extractor";
import { redisFeedStateStore, redisHostSlots, startFetcherWorker } from "@regradar/fetcher";
import { startIndexerWorker } from "@regradar/indexer";
import { startAlerterWorkers, type AlerterWorkers } from "@regradar/alerter";
import { channelThrottle, createSubscriptionStore, openAlertChannels } from "./alerting.js";
import type { Runtime } from "./runtime.js";

export const STAGES = ["fetcher", "extractor", "indexer", "alerter"] as const;
export type Stage = (typeof STAGES)[number];

export interface RunningWorkers {
  workers: Map<Stage, Worker>;
  /** The alerter's three workers (matcher, deliveries, digest sweep), when that stage runs. */
  alerter: AlerterWorkers | null;
  /** Stops taking jobs, lets active ones finish, then closes. */
  close(): Promise<void>;
}

/** Starts the named stages' workers on the runtime's connections. */
export function startWorkers(rt: Runtime, stages: readonly Stage[], opts: { feedsFile?: string } = {}): RunningWorkers {
  const { config, log, redis, queues, store, http } = rt;
  const common = { queues, connection: redis, redis, prefix: config.queuePrefix, lockMs: config.workers.lockMs };
  const workers = new Map<Stage, Worker>();
  let alerter: (AlerterWorkers & { release(): Promise<void> }) | null = null;
  for (const stage of stages) {
    const stageLog = log.child({ stage });
    if (stage === "fetcher") {
      workers.set(stage, startFetcherWorker({
        ...common, http, log: stageLog, concurrency: config.workers.concurrency,
        state: redisFeedStateStore(redis, config.queuePrefix),
        slots: redisHostSlots(redis, config.queuePrefix, config.http.hostDelayMs),
        feedsFile: opts.feedsFile ?? config.feedsFile,
        policy: config.polling,
      }));
    } else if (stage === "extractor") {
      workers.set(stage, startExtractorWorker({ ...common, http, log: stageLog, concurrency: config.workers.concurrency }));
    } else if (stage === "alerter") {
      const subscriptions = createSubscriptionStore(rt);
      const channels = openAlertChannels(rt);
      const a = startAlerterWorkers({
        ...common, log: stageLog, articles: store, subscriptions, send: channels.send, throttle: channelThrottle(rt),
        concurrency: config.workers.concurrency, backoffMs: config.alerts.backoffMs, digestSweepMs: config.alerts.digestSweepMs,
      });
      alerter = { ...a, release: async () => { channels.email.close(); await subscriptions.close(); } };
      workers.set(stage, a.matcher);
    } else {
      workers.set(stage, startIndexerWorker({ ...common, store, log: stageLog, batchSize: config.workers.indexBatch }));
    }
  }
  return {
    workers,
    alerter,
    async close() {
      // Upstream first, so nothing new flows into a stage that is already closing.
      for (const stage of STAGES) {
        if (stage === "alerter" && alerter) { await alerter.close(); await alerter.release(); }
        else await workers.get(stage)?.close();
      }
    },
  };
}
