import {
  articleIdsOf, delayJob, metrics, startStageWorker, workerStage,
  type JobData, type QueueHandle, type Stage, type StageWiring,
} from "@regradar/shared";
import type { ArticleStore, SubscriptionStore } from "@regradar/store";
import type { SendAlert } from "./channels/index.js";
import { deliverAlert } from "./deliver-alert.js";
import { matchArticles } from "./match-articles.js";
import type { ChannelThrottle } from "./rate-limit.js";
import { compiledSubscriptionsCache } from "./subscription-cache.js";
import { sweepDigests } from "./sweep-digests.js";

export interface AlerterPorts extends StageWiring {
  queues: { deliveries: QueueHandle<"deliveries">; digests: QueueHandle<"digests"> };
  articles: ArticleStore;
  subscriptions: SubscriptionStore;
  send: SendAlert;
  throttle: ChannelThrottle;
  concurrency: number;
  /** How often due digest windows are closed. */
  digestSweepMs: number;
  now?: () => Date;
}

/** One message to one subscriber; the delivery id is the job id, so a repeat is a no-op. */
export const enqueueDelivery = (deliveries: QueueHandle<"deliveries">, d: JobData<"deliveries">) =>
  deliveries.enqueue({ name: "deliver", data: { deliveryId: d.deliveryId, subscriptionId: d.subscriptionId, articleIds: d.articleIds }, jobId: d.deliveryId });

const DIGEST_SWEEP_SCHEDULER = "digest-sweep";

/**
 * The alerter stage: matches indexed articles (queue `alerts`, a batch per job), delivers (queue
 * `deliveries`), and closes digest windows (queue `digests`, one job scheduler).
 */
export function createAlerterStage(p: AlerterPorts): Stage {
  const now = p.now ?? (() => new Date());
  const compiled = compiledSubscriptionsCache({ redis: p.redis, prefix: p.prefix, subscriptions: p.subscriptions });
  const toDelivery = (d: JobData<"deliveries">) => enqueueDelivery(p.queues.deliveries, d);
  const { deliveries: delivered } = metrics();
  // Counted where the channel is known: each attempt at a receiver, sent or failed.
  const send: SendAlert = (sub, message) => p.send(sub, message).then(
    () => { delivered.inc({ channel: sub.channel, outcome: "sent" }); },
    (err: unknown) => { delivered.inc({ channel: sub.channel, outcome: "failed" }); throw err; },
  );

  return workerStage("alerter", async () => {
    // Failing here fails the start: digests that silently never go out are worse than a loud stop.
    await p.queues.digests.schedule(DIGEST_SWEEP_SCHEDULER, p.digestSweepMs, { name: "sweep", data: { sweep: true } });
    const matcher = startStageWorker({
      ...p, queue: "alerts",
      handle: (job) => matchArticles(articleIdsOf(job), { articles: p.articles, subscriptions: p.subscriptions, compiled, enqueueDelivery: toDelivery, now }),
    });
    const deliveries = startStageWorker({
      ...p, queue: "deliveries",
      async handle(data, ctx) {
        const outcome = await deliverAlert(data, { number: ctx.attempt, final: ctx.finalAttempt }, {
          articles: p.articles, subscriptions: p.subscriptions, send, throttle: p.throttle, now,
        });
        // The channel's rate limit is spent: back later without using an attempt.
        if (outcome.status === "throttled") return delayJob(outcome.waitMs, "channel_rate_limit");
        return outcome.status;
      },
    });
    const digests = startStageWorker({
      ...p, queue: "digests", concurrency: 1,
      handle: () => sweepDigests({ subscriptions: p.subscriptions, enqueueDelivery: toDelivery, now }),
    });
    // Upstream first: no new matches, then deliveries finish, then the sweep.
    return [matcher, deliveries, digests];
  });
}
