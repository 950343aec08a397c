import { DelayedError, type Worker } from "bullmq";
import { enqueue, startStageWorker, type JobData, type QueueSet, type StageWiring } from "@regradar/shared";
import type { ArticleStore } from "@regradar/indexer";
import type { SendAlert } from "./channels/index.js";
import { deliverAlert } from "./deliver-alert.js";
import { matchArticle } from "./match-article.js";
import type { ChannelThrottle } from "./rate-limit.js";
import { compiledSubscriptionsCache } from "./subscription-cache.js";
import type { SubscriptionStore } from "./subscription-store.js";
import { sweepDigests } from "./sweep-digests.js";

export interface AlerterWiring extends StageWiring {
  articles: ArticleStore;
  subscriptions: SubscriptionStore;
  send: SendAlert;
  throttle: ChannelThrottle;
  concurrency: number;
  /** Base delay of a delivery's exponential backoff. */
  backoffMs: number;
  /** How often due digest windows are closed. */
  digestSweepMs: number;
  now?: () => Date;
}

/** One message to one subscriber; the delivery id is the job id, so a repeat is a no-op. */
export const enqueueDelivery = (queues: QueueSet, d: JobData<"deliveries">, backoffMs: number) =>
  enqueue(queues, "deliveries", "deliver", { deliveryId: d.deliveryId, subscriptionId: d.subscriptionId, articleIds: d.articleIds }, {
    jobId: d.deliveryId, backoff: { type: "exponential", delay: backoffMs },
  });

const DIGEST_SWEEP_SCHEDULER = "digest-sweep";

export interface AlerterWorkers {
  matcher: Worker;
  deliveries: Worker;
  digests: Worker;
  /** Upstream first: no new matches, then deliveries finish, then the sweep. */
  close(): Promise<void>;
}

/**
 * The alerter stage: matches each indexed article (queue `alerts`), delivers (queue
 * `deliveries`), and closes digest windows (queue `digests`, one job scheduler).
 */
export function startAlerterWorkers(w: AlerterWiring): AlerterWorkers {
  const now = w.now ?? (() => new Date());
  // Jobs wait for the store's tables/indices; a failed init fails the job (which retries) and is tried again.
  let initialising: Promise<void> | null = null;
  const ready = () => (initialising ??= w.subscriptions.init().catch((err: unknown) => { initialising = null; throw err; }));
  const compiled = compiledSubscriptionsCache({ redis: w.redis, prefix: w.prefix, subscriptions: w.subscriptions });
  const toDelivery = (d: JobData<"deliveries">) => enqueueDelivery(w.queues, d, w.backoffMs);
  const common = { connection: w.connection, redis: w.redis, prefix: w.prefix, lockMs: w.lockMs, log: w.log };

  const matcher = startStageWorker({
    ...common, queue: "alerts", concurrency: w.concurrency,
    async handle({ articleId }) {
      await ready();
      return matchArticle(articleId, { articles: w.articles, subscriptions: w.subscriptions, compiled, enqueueDelivery: toDelivery, now });
    },
  });

  const deliveries = startStageWorker({
    ...common, queue: "deliveries", concurrency: w.concurrency,
    async handle(data, ctx) {
      await ready();
      const outcome = await deliverAlert(data, { number: ctx.attempt, final: ctx.finalAttempt }, {
        articles: w.articles, subscriptions: w.subscriptions, send: w.send, throttle: w.throttle, now,
      });
      if (outcome.status === "throttled") {
        // Back to the delayed set without using an attempt: BullMQ's pattern for a manual rate limit.
        await ctx.job.moveToDelayed(Date.now() + outcome.waitMs, ctx.token);
        throw new DelayedError();
      }
      return outcome.status;
    },
  });

  const digests = startStageWorker({
    ...common, queue: "digests", concurrency: 1,
    async handle() {
      await ready();
      return sweepDigests({ subscriptions: w.subscriptions, enqueueDelivery: toDelivery, now });
    },
  });
  w.queues.get("digests").upsertJobScheduler(DIGEST_SWEEP_SCHEDULER, { every: w.digestSweepMs }, { name: "sweep", data: { sweep: true } })
    .catch((err: unknown) => w.log.error({ err }, "could not schedule the digest sweep"));

  return {
    matcher, deliveries, digests,
    async close() {
      await matcher.close();
      await deliveries.close();
      await digests.close();
    },
  };
}
