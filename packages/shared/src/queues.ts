import { Queue, type JobsOptions, type ConnectionOptions } from "bullmq";
import { z } from "zod";
import { articleCandidateSchema, articleDocumentSchema } from "./domain.js";

/**
 * Every queue of the pipeline, declared once: name, payload schema, default job options.
 * Names are live contracts with Redis: never rename one.
 */
export const queueCatalog = {
  /** One repeatable poll job per feed (job schedulers keyed by feed id). */
  feeds: {
    name: "feeds",
    schema: z.object({ feedId: z.string().min(1) }),
    // A failed poll is retried by the next scheduled poll, not by BullMQ.
    defaults: { attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 },
  },
  articles: {
    name: "articles",
    schema: articleCandidateSchema,
    defaults: { attempts: 5, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  },
  index: {
    name: "index",
    schema: articleDocumentSchema,
    defaults: { attempts: 8, backoff: { type: "exponential", delay: 1_000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  },
  /** Newly indexed article ids, for matching against subscriptions. */
  alerts: {
    name: "alerts",
    schema: z.object({ articleId: z.string().regex(/^[0-9a-f]{32}$/) }),
    defaults: { attempts: 5, backoff: { type: "exponential", delay: 1_000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  },
  /** One message to one subscriber: an instant alert or a digest window. */
  deliveries: {
    name: "deliveries",
    schema: z.object({
      deliveryId: z.string().min(1),
      subscriptionId: z.string().min(1),
      articleIds: z.array(z.string()).min(1),
    }),
    defaults: { attempts: 8, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  },
  /** A periodic sweep (one job scheduler) that closes due digest windows into deliveries. */
  digests: {
    name: "digests",
    schema: z.object({ sweep: z.literal(true) }),
    // A failed sweep is retried by the next one.
    defaults: { attempts: 1, removeOnComplete: 100, removeOnFail: 1000 },
  },
} as const satisfies Record<string, { name: string; schema: z.ZodTypeAny; defaults: JobsOptions }>;

export type QueueKey = keyof typeof queueCatalog;
export type JobData<K extends QueueKey> = z.infer<(typeof queueCatalog)[K]["schema"]>;

export class InvalidJobError extends Error {
  constructor(queue: string, detail: string) {
    super(`invalid ${queue} job: ${detail}`);
    this.name = "InvalidJobError";
  }
}

/** Validates job data against its queue's schema; used by producers before and workers after Redis. */
export function parseJob<K extends QueueKey>(key: K, data: unknown): JobData<K> {
  const result = queueCatalog[key].schema.safeParse(data);
  if (!result.success) {
    throw new InvalidJobError(key, result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  }
  return result.data as JobData<K>;
}

export interface QueueSet {
  get<K extends QueueKey>(key: K): Queue;
  close(): Promise<void>;
}

export function openQueues(connection: ConnectionOptions, prefix: string): QueueSet {
  const queues = new Map<QueueKey, Queue>();
  return {
    get(key) {
      let q = queues.get(key);
      if (!q) {
        const def = queueCatalog[key];
        q = new Queue(def.name, { connection, prefix, defaultJobOptions: def.defaults as JobsOptions });
        queues.set(key, q);
      }
      return q;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}

/** The typed producer: validates, then enqueues with the deterministic job id. */
export async function enqueue<K extends QueueKey>(queues: QueueSet, key: K, jobName: string, data: JobData<K>, opts: JobsOptions & { jobId: string }): Promise<void> {
  const valid = parseJob(key, data);
  await queues.get(key).add(jobName, valid, opts);
}
