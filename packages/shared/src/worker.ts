import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { RedisClient } from "./redis.js";
import { attemptsOf, InvalidJobError, parseJob, queueCatalog, type JobData, type QueueKey, type QueueSettings } from "./queues.js";
import type { Logger } from "./logger.js";
import { metrics } from "./metrics.js";
import { isConnectionError } from "./redis.js";

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
export async function recordDeadLetter(redis: RedisClient, prefix: string, letter: DeadLetter): Promise<void> {
  await redis.multi().lpush(deadLetterKey(prefix), JSON.stringify(letter)).ltrim(deadLetterKey(prefix), 0, DEAD_LETTERS_KEPT - 1).exec();
}

export async function listDeadLetters(redis: RedisClient, prefix: string, limit = 100): Promise<DeadLetter[]> {
  return (await redis.lrange(deadLetterKey(prefix), 0, limit - 1)).map((s) => JSON.parse(s) as DeadLetter);
}

export const countDeadLetters = (redis: RedisClient, prefix: string): Promise<number> => redis.llen(deadLetterKey(prefix));

/** Removes the dead letters `pick` selects (after a replay) and returns them, newest first. */
export async function takeDeadLetters(redis: RedisClient, prefix: string, pick: (letter: DeadLetter) => boolean): Promise<DeadLetter[]> {
  const taken: DeadLetter[] = [];
  for (const raw of await redis.lrange(deadLetterKey(prefix), 0, -1)) {
    const letter = JSON.parse(raw) as DeadLetter;
    if (!pick(letter)) continue;
    // LREM by the exact stored string: a letter written meanwhile is untouched.
    await redis.lrem(deadLetterKey(prefix), 1, raw);
    taken.push(letter);
  }
  return taken;
}

/** Puts letters back (oldest end), e.g. those a replay refused. */
export async function restoreDeadLetters(redis: RedisClient, prefix: string, letters: DeadLetter[]): Promise<void> {
  if (letters.length) await redis.rpush(deadLetterKey(prefix), ...letters.map((l) => JSON.stringify(l)));
}

export interface StepContext {
  log: Logger;
  jobId: string;
  attempt: number;
  finalAttempt: boolean;
  /** The job was made by a job scheduler (a feed's repeating poll), not enqueued by hand. */
  scheduled: boolean;
}

/**
 * A step's answer meaning "not now": the job goes back to the delayed set for `ms` without
 * spending an attempt (a busy host, a channel's rate limit). BullMQ's manual-delay pattern.
 */
export class JobDelay {
  constructor(readonly ms: number, readonly reason: string) {}
}
export const delayJob = (ms: number, reason: string) => new JobDelay(ms, reason);

/** What every stage's workers are wired with; each stage adds its own ports. */
export interface StageWiring {
  connection: ConnectionOptions;
  /** For dead-letter records; workers never share a connection with BullMQ's blocking one. */
  redis: RedisClient;
  prefix: string;
  log: Logger;
  /** A crashed worker's jobs return to the queue after this long. */
  lockMs?: number;
  /** Queue retry settings from config, so a dead letter is written after the real last attempt. */
  queueSettings?: QueueSettings;
}

export interface StageWorkerOptions<K extends QueueKey> extends StageWiring {
  queue: K;
  concurrency: number;
  /** The stage's step. Throw to retry, throw PermanentError to stop, return delayJob(ms) to come back later, return to complete. */
  handle(data: JobData<K>, ctx: StepContext): Promise<unknown>;
  /**
   * Failures the stage has logged once for a whole outage (its store down): each job's retry is then
   * logged at debug, not as one warning per job. Final failures are logged and dead-lettered all the same.
   */
  alreadyReported?(err: unknown): boolean;
}

/**
 * The thin adapter between BullMQ and a step: validates the payload that crossed Redis,
 * binds a per-job logger, and dead-letters a job after its last attempt.
 */
export function startStageWorker<K extends QueueKey>(opts: StageWorkerOptions<K>): Worker {
  const def = queueCatalog[opts.queue];
  const attempts = attemptsOf(opts.queue, opts.queueSettings);
  const m = metrics();
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
    const result = await opts.handle(data, { log, jobId: job.id ?? "", attempt, finalAttempt: attempt >= attempts, scheduled: Boolean(job.repeatJobKey) })
      .finally(() => m.jobSeconds.observe({ queue: def.name }, (Date.now() - started) / 1000));
    if (result instanceof JobDelay) {
      m.jobs.inc({ queue: def.name, outcome: "delayed" });
      log.debug({ delayMs: result.ms, reason: result.reason }, "job delayed");
      await job.moveToDelayed(Date.now() + result.ms, token);
      throw new DelayedError();
    }
    m.jobs.inc({ queue: def.name, outcome: "completed" });
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
    m.jobs.inc({ queue: def.name, outcome: final ? "failed" : "retried" });
    if (!final) {
      if (opts.alreadyReported?.(err)) log.debug({ err }, "job failed, will retry");
      else log.warn({ err }, "job failed, will retry");
      return;
    }
    log.error({ err }, "job failed permanently");
    const reason = err instanceof PermanentError ? `${err.reason}: ${err.message}` : err.message;
    recordDeadLetter(opts.redis, opts.prefix, {
      queue: def.name, jobId: job.id ?? "", jobName: job.name, reason, attempts: job.attemptsMade, failedAt: new Date().toISOString(), data: job.data,
    }).catch((e) => log.error({ err: e }, "could not record dead letter"));
  });
  // While Redis is down BullMQ reports every reconnection attempt here; the connection's own
  // watcher (createRedisConnection) logs the outage once, and its end once.
  worker.on("error", (err) => {
    if (isConnectionError(err)) opts.log.debug({ err, queue: def.name }, "worker connection error");
    else opts.log.error({ err, queue: def.name }, "worker error");
  });
  return worker;
}
