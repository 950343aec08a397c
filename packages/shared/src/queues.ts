import { Queue, type ConnectionOptions, type JobsOptions, type JobType } from "bullmq";
import { z } from "zod";
import { articleCandidateSchema, articleDocumentSchema, articleIdSchema, type ArticleDocument } from "./domain.js";
import { batchJobId } from "./ids.js";

/** What configuration may change in the queues' retry policies; folded in once, at open. */
export interface QueueSettings {
  /** Base delay of a delivery's exponential backoff (REGRADAR_ALERT_BACKOFF_MS). */
  deliveryBackoffMs: number;
}

// Completed jobs are kept a while (the queue board shows them; a job id stays a no-op to re-enqueue).
const kept = { removeOnComplete: 10_000, removeOnFail: 50_000 } as const;
const exponential = (attempts: number, delay: number, keep: JobsOptions = kept): JobsOptions => ({ attempts, backoff: { type: "exponential", delay }, ...keep });

/**
 * Every queue of the pipeline, declared once: name, payload schema, and its whole retry policy.
 * Names are live contracts with Redis: never rename one.
 */
export const queueCatalog = {
  /** Feed polls: each feed's next poll is one delayed job (`dueAt` set); a poll by hand has none. */
  feeds: {
    name: "feeds",
    schema: z.object({ feedId: z.string().min(1), dueAt: z.number().int().positive().optional() }),
    // A failed poll is retried by the next scheduled poll, not by BullMQ.
    policy: (): JobsOptions => ({ attempts: 1, removeOnComplete: 1000, removeOnFail: 5000 }),
  },
  articles: {
    name: "articles",
    schema: articleCandidateSchema,
    policy: () => exponential(5, 2_000),
  },
  /**
   * Extracted documents, a batch per job: each job costs about 35 Redis commands and a worker round
   * trip, as much as indexing its document. A lone document (the form before batches) is accepted too.
   */
  index: {
    name: "index",
    schema: z.union([z.object({ documents: z.array(articleDocumentSchema).min(1) }), articleDocumentSchema]),
    // A tenth as many kept as other queues: each carries up to a worker's concurrency of documents
    // (~54 KB a job in bench:scale), and 10,000 completed batches held over half a gigabyte of Redis.
    policy: () => exponential(8, 1_000, { ...kept, removeOnComplete: 1_000 }),
  },
  /** Newly indexed article ids, for matching against subscriptions: a job per indexed batch (or one id, the older form). */
  alerts: {
    name: "alerts",
    schema: z.union([z.object({ articleIds: z.array(articleIdSchema).min(1) }), z.object({ articleId: articleIdSchema })]),
    policy: () => exponential(5, 1_000),
  },
  /** One message to one subscriber: an instant alert or a digest window. */
  deliveries: {
    name: "deliveries",
    schema: z.object({
      deliveryId: z.string().min(1),
      subscriptionId: z.string().min(1),
      articleIds: z.array(z.string()).min(1),
    }),
    // Receivers that are down get 8 tries over minutes (the base delay is configurable: tests shorten it).
    policy: (s: QueueSettings) => exponential(8, s.deliveryBackoffMs),
  },
  /** A periodic sweep (one job scheduler) that closes due digest windows into deliveries. */
  digests: {
    name: "digests",
    schema: z.object({ sweep: z.literal(true) }),
    // A failed sweep is retried by the next one.
    policy: (): JobsOptions => ({ attempts: 1, removeOnComplete: 100, removeOnFail: 1000 }),
  },
} as const satisfies Record<string, { name: string; schema: z.ZodTypeAny; policy: (s: QueueSettings) => JobsOptions }>;

export type QueueKey = keyof typeof queueCatalog;

/** The documents of an index job, in either form. */
export const documentsOf = (job: JobData<"index">): ArticleDocument[] => ("documents" in job ? job.documents : [job]);
/** The article ids of an alerts job, in either form. */
export const articleIdsOf = (job: JobData<"alerts">): string[] => ("articleIds" in job ? job.articleIds : [job.articleId]);
/** An index job is named by its documents' extractions, so the same batch enqueued twice is one job. */
export const indexJobId = (documents: ArticleDocument[]): string => batchJobId("index", documents.map((d) => `${d.id}@${d.fetchedAt}`));
/** An alerts job is named by its articles. */
export const alertsJobId = (articleIds: string[]): string => batchJobId("alerts", articleIds);
export const QUEUE_KEYS = Object.keys(queueCatalog) as QueueKey[];
export type JobData<K extends QueueKey> = z.infer<(typeof queueCatalog)[K]["schema"]>;

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { deliveryBackoffMs: 2_000 };

/** How many attempts a job of the queue gets before it is dead-lettered. */
export const attemptsOf = (key: QueueKey, settings: QueueSettings = DEFAULT_QUEUE_SETTINGS): number =>
  queueCatalog[key].policy(settings).attempts ?? 1;

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

export interface JobRequest<K extends QueueKey> {
  /** BullMQ's job name: what the job asks for ("poll", "extract", …), shown in logs and the queue board. */
  name: string;
  data: JobData<K>;
  /** Deterministic, so a repeated enqueue of the same work is a no-op. */
  jobId: string;
  delayMs?: number;
}

export interface QueuedJob<K extends QueueKey> {
  id: string;
  name: string;
  data: JobData<K>;
  attemptsMade: number;
  failedReason?: string;
  returnValue?: unknown;
  /** Epoch ms: enqueued, taken by a worker, finished. */
  enqueuedAt: number;
  processedOn?: number;
  finishedOn?: number;
}

/**
 * The only door to a queue: every job is validated before it reaches Redis, and gets the
 * catalog's retry policy. No raw BullMQ `Queue` leaves this module.
 */
export interface QueueHandle<K extends QueueKey> {
  readonly key: K;
  readonly name: string;
  enqueue(job: JobRequest<K>): Promise<void>;
  /** One round trip for many jobs (a big feed's items). */
  enqueueMany(jobs: Array<JobRequest<K>>): Promise<void>;
  /** Creates or updates a repeating job; failures throw (a schedule that silently never runs is worse). */
  schedule(schedulerId: string, everyMs: number, job: Omit<JobRequest<K>, "jobId" | "delayMs">): Promise<void>;
  unschedule(schedulerId: string): Promise<boolean>;
  scheduleIds(): Promise<string[]>;
  counts(...states: JobType[]): Promise<Record<string, number>>;
  /** Workers connected to the queue right now, across all processes. */
  workerCount(): Promise<number>;
  jobs(states: JobType[], start?: number, end?: number): Promise<Array<QueuedJob<K>>>;
  /** Removes the queue's waiting and delayed jobs, and its schedules (the demo, before a run). */
  drain(): Promise<void>;
  /** Moves a failed job back to waiting with its attempts reset; false when no such failed job is kept. */
  retryFailed(jobId: string): Promise<boolean>;
  /** Worker connections consuming this queue, as Redis sees them: idle time is their heartbeat age. */
  workers(): Promise<QueueWorker[]>;
}

export interface QueueWorker { name: string; addr: string; ageSeconds: number; idleSeconds: number }

export type Queues = { readonly [K in QueueKey]: QueueHandle<K> } & {
  /** The queues' names under their prefix, for the queue board and status. */
  readonly prefix: string;
  close(): Promise<void>;
};

function handleFor<K extends QueueKey>(key: K, queue: Queue): QueueHandle<K> {
  const options = (j: JobRequest<K>): JobsOptions => ({ jobId: j.jobId, ...(j.delayMs ? { delay: j.delayMs } : {}) });
  return {
    key,
    name: queue.name,
    async enqueue(job) {
      await queue.add(job.name, parseJob(key, job.data), options(job));
    },
    async enqueueMany(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(jobs.map((j) => ({ name: j.name, data: parseJob(key, j.data), opts: options(j) })));
    },
    async schedule(schedulerId, everyMs, job) {
      await queue.upsertJobScheduler(schedulerId, { every: everyMs }, { name: job.name, data: parseJob(key, job.data) });
    },
    unschedule: (schedulerId) => queue.removeJobScheduler(schedulerId),
    async scheduleIds() {
      return (await queue.getJobSchedulers(0, -1)).flatMap((s) => (s.key ? [s.key] : []));
    },
    counts: (...states) => queue.getJobCounts(...states),
    workerCount: () => queue.getWorkersCount(),
    async jobs(states, start = 0, end = -1) {
      return (await queue.getJobs(states, start, end)).filter(Boolean).map((j) => ({
        id: j.id ?? "", name: j.name, data: j.data as JobData<K>, attemptsMade: j.attemptsMade, enqueuedAt: j.timestamp,
        ...(j.processedOn ? { processedOn: j.processedOn } : {}), ...(j.finishedOn ? { finishedOn: j.finishedOn } : {}),
        ...(j.failedReason ? { failedReason: j.failedReason } : {}),
        ...(j.returnvalue !== undefined ? { returnValue: j.returnvalue as unknown } : {}),
      }));
    },
    async drain() {
      for (const id of await this.scheduleIds()) await queue.removeJobScheduler(id);
      await queue.drain(true);
    },
    async retryFailed(jobId) {
      const job = await queue.getJob(jobId);
      if (!job || !(await job.isFailed())) return false;
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    },
    async workers() {
      // CLIENT LIST fields arrive as strings; BullMQ names each worker connection after its queue.
      return (await queue.getWorkers()).map((w) => ({
        name: String(w.name ?? ""), addr: String(w.addr ?? ""), ageSeconds: Number(w.age ?? 0), idleSeconds: Number(w.idle ?? 0),
      }));
    },
  };
}

export function openQueues(connection: ConnectionOptions, prefix: string, settings: QueueSettings = DEFAULT_QUEUE_SETTINGS): Queues {
  const raw: Queue[] = [];
  const handles = Object.fromEntries(QUEUE_KEYS.map((key) => {
    const def = queueCatalog[key];
    const queue = new Queue(def.name, { connection, prefix, defaultJobOptions: def.policy(settings) });
    // Connection errors: the connection's own watcher logs an outage once (createRedisConnection);
    // without a listener BullMQ prints each one as a stack on stderr.
    queue.on("error", () => {});
    raw.push(queue);
    return [key, handleFor(key, queue)];
  })) as { [K in QueueKey]: QueueHandle<K> };
  return {
    ...handles,
    prefix,
    async close() {
      await Promise.all(raw.map((q) => q.close()));
    },
  };
}

/**
 * Raw BullMQ queues for the operators' queue board (Bull Board needs Queue objects to show and
 * retry jobs) and for nothing else: every producer goes through `openQueues`' validated handles.
 */
export function openQueuesForBoard(connection: ConnectionOptions, prefix: string): { queues: Queue[]; close(): Promise<void> } {
  const queues = QUEUE_KEYS.map((key) => new Queue(queueCatalog[key].name, { connection, prefix }));
  return { queues, close: async () => { await Promise.all(queues.map((q) => q.close())); } };
}
