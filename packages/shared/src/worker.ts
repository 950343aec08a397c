import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { InvalidJobError, parseJob, queueCatalog, type JobData, type QueueKey, type QueueSet } from "./queues.js";
import type { Logger } from "./logger.js";

/** A failure no retry can fix: bad payload, 404/410, unparseable input. */
export class PermanentError extends UnrecoverableError {
  constructor(message: string, readonly reason: string) {
    super(message);
    this.name = "PermanentError";
  }
}

export interface DeadLetter {
  queue: string;
  jobId: string;
  jobName: string;
  reason: string;
  attempts: number;
  failedAt: string;
  data: unknown;
}

const deadLetterKey = (prefix: string) => `${prefix}:dead-letters`;
const DEAD_LETTERS_KEPT = 10_000;

/** Jobs that exhausted their attempts, with why: the record an operator reads and can replay. */
export async function recordDeadLetter(redis: Redis, prefix: string, letter: DeadLetter): Promise<void> {
  await redis.multi().lpush(deadLetterKey(prefix), JSON.stringify(letter)).ltrim(deadLetterKey(prefix), 0, DEAD_LETTERS_KEPT - 1).exec();
}

export async function listDeadLetters(redis: Redis, prefix: string, limit = 100): Promise<DeadLetter[]> {
  return (await redis.lrange(deadLetterKey(prefix), 0, limit - 1)).map((s) => JSON.parse(s) as DeadLetter);
}

export interface StepContext { log: Logger; job: Job; token: string | undefined; attempt: number; finalAttempt: boolean }

/** What every stage's worker is wired with; each stage adds its own ports. */
export interface StageWiring {
  queues: QueueSet;
  connection: ConnectionOptions;
  redis: Redis;
  prefix: string;
  log: Logger;
  /** A crashed worker's jobs return to the queue after this long. */
  lockMs?: number;
}

export interface StageWorkerOptions<K extends QueueKey> {
  queue: K;
  connection: ConnectionOptions;
  /** For dead-letter records; workers never share a connection with BullMQ's blocking one. */
  redis: Redis;
  prefix: string;
  concurrency: number;
  /** A crashed worker's jobs return to the queue after this long. */
  lockMs?: number;
  log: Logger;
  /** The stage's step. Throw to retry, throw PermanentError to stop, return to complete. */
  handle(data: JobData<K>, ctx: StepContext): Promise<unknown>;
}

/**
 * The thin adapter between BullMQ and a step: validates the payload that crossed Redis,
 * binds a per-job logger, and dead-letters a job after its last attempt.
 */
export function startStageWorker<K extends QueueKey>(opts: StageWorkerOptions<K>): Worker {
  const def = queueCatalog[opts.queue];
  const attempts = (def.defaults as { attempts?: number }).attempts ?? 1;
  const worker = new Worker(def.name, async (job: Job, token?: string) => {
    const attempt = job.attemptsMade + 1;
    const log = opts.log.child({ queue: def.name, job: job.name, jobId: job.id, attempt });
    let data: JobData<K>;
    try {
      data = parseJob(opts.queue, job.data);
    } catch (err) {
      if (err instanceof InvalidJobError) throw new PermanentError(err.message, "invalid_payload");
      throw err;
    }
    const started = Date.now();
    const result = await opts.handle(data, { log, job, token, attempt, finalAttempt: attempt >= attempts });
    log.info({ outcome: result, ms: Date.now() - started }, "job completed");
    return result;
  }, {
    connection: opts.connection, prefix: opts.prefix, concurrency: opts.concurrency, autorun: true,
    ...(opts.lockMs ? { lockDuration: opts.lockMs, stalledInterval: opts.lockMs } : {}),
  });

  worker.on("failed", (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? attempts);
    const log = opts.log.child({ queue: def.name, job: job.name, jobId: job.id, attempt: job.attemptsMade });
    if (!final) { log.warn({ err }, "job failed, will retry"); return; }
    log.error({ err }, "job failed permanently");
    const reason = err instanceof PermanentError ? `${err.reason}: ${err.message}` : err.message;
    recordDeadLetter(opts.redis, opts.prefix, {
      queue: def.name, jobId: job.id ?? "", jobName: job.name, reason, attempts: job.attemptsMade, failedAt: new Date().toISOString(), data: job.data,
    }).catch((e) => log.error({ err: e }, "could not record dead letter"));
  });
  worker.on("error", (err) => opts.log.error({ err, queue: def.name }, "worker error"));
  return worker;
}
