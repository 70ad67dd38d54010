// The durable job runner. Jobs live in the `jobs` table; every Parley process may run a runner on
// the same database, and the claim (job.repository.ts) makes sure each due job goes to one of them.
// A claimed job carries a lease: if its runner dies, the job is taken again when the lease ends.
// Failures are retried with exponential backoff until max_attempts, then the job is kept as `dead`
// with its last error. Cron schedules enqueue one job per tick under a unique key, so several
// processes enqueue each tick once.
import os from 'node:os';
import type { Kysely } from 'kysely';
import { cryptoRandom, systemClock, type Clock, type Random } from '../services/deps.ts';
import type { Dialect } from '../storage/db.ts';
import * as jobs from '../storage/repositories/job.repository.ts';
import type { Database, JobRow } from '../storage/schema.ts';
import { runAttempt, type AttemptDeps, type AttemptOutcome, type RunningJob } from './attempt.ts';
import { exponentialBackoff } from './backoff.ts';
import { DEFAULT_MAX_ATTEMPTS, enqueueJob } from './enqueue.ts';
import {
  silentLogger,
  type EnqueueOptions,
  type EnqueueResult,
  type JobHandler,
  type JobLogger,
  type RunSummary,
} from './job.types.ts';
import { Schedule, type ScheduleOptions } from './schedule.ts';

export interface JobRunnerOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  clock?: Clock;
  random?: Random;
  logger?: JobLogger;
  /** Names this process in locked_by; defaults to host:pid:random. */
  workerId?: string;
  /** Jobs run at the same time by this runner (default 4). */
  concurrency?: number;
  /** Pause between looks at an idle queue (default 1 s). */
  pollIntervalMs?: number;
  /** How long a claim holds a job before another runner may take it (default 5 min). */
  leaseMs?: number;
  /** Extend the lease of a long-running job every leaseMs/3 (default true). */
  renewLeases?: boolean;
  /** How long stop() waits for running handlers (default 8 s; the server passes its shutdown budget). */
  stopTimeoutMs?: number;
  /** Delay (ms) after failed attempt n; default 30 s · 2^(n−1) up to 1 h, with jitter. */
  backoff?: (attempt: number) => number;
  defaultMaxAttempts?: number;
  /** Told of every finished attempt (the server counts them for /metrics). */
  onOutcome?: (kind: string, outcome: AttemptOutcome) => void;
}

/** What stop() did with the jobs running when it was called. */
export interface StopSummary {
  /** Handlers that ended (done, retried or dead) while stop() waited. */
  finished: number;
  /** Jobs still running at the timeout, given back to the queue. */
  released: number;
}

export class JobRunner {
  readonly workerId: string;
  readonly #db: Kysely<Database>;
  readonly #dialect: Dialect;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #log: JobLogger;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #stopTimeoutMs: number;
  readonly #defaultMaxAttempts: number;
  readonly #attemptDeps: AttemptDeps;
  readonly #onOutcome: ((kind: string, outcome: AttemptOutcome) => void) | undefined;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #schedules: Schedule[] = [];
  readonly #running = new Map<Promise<AttemptOutcome>, RunningJob>();
  #state: 'idle' | 'running' | 'stopping' = 'idle';
  #loop: Promise<void> | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;
  #wakeUp: (() => void) | undefined;

  constructor(opts: JobRunnerOptions) {
    this.#db = opts.db;
    this.#dialect = opts.dialect;
    this.#clock = opts.clock ?? systemClock;
    this.#random = opts.random ?? cryptoRandom;
    this.#log = opts.logger ?? silentLogger;
    this.workerId = opts.workerId ?? `${os.hostname()}:${process.pid}:${this.#random.token(4)}`;
    this.#concurrency = Math.max(1, opts.concurrency ?? 4);
    this.#pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.#leaseMs = opts.leaseMs ?? 5 * 60_000;
    this.#stopTimeoutMs = opts.stopTimeoutMs ?? 8000;
    this.#defaultMaxAttempts = opts.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#onOutcome = opts.onOutcome;
    this.#attemptDeps = {
      db: this.#db,
      clock: this.#clock,
      log: this.#log,
      workerId: this.workerId,
      handlers: this.#handlers,
      leaseMs: this.#leaseMs,
      renewLeases: opts.renewLeases ?? true,
      backoff: opts.backoff ?? exponentialBackoff(),
    };
  }

  register<P = unknown>(kind: string, handler: JobHandler<P>): this {
    if (this.#handlers.has(kind)) throw new Error(`A handler for job kind "${kind}" is already registered.`);
    this.#handlers.set(kind, handler as JobHandler);
    return this;
  }

  /** Enqueues `kind` on every tick of a cron expression (5 or 6 fields; see schedule.ts for catch-up). */
  schedule(kind: string, cronExpression: string, opts: ScheduleOptions = {}): this {
    this.#schedules.push(new Schedule(kind, cronExpression, opts));
    return this;
  }

  async enqueue(kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    const r = await enqueueJob(this.#db, { clock: this.#clock, random: this.#random }, kind, payload, {
      ...opts,
      defaultMaxAttempts: this.#defaultMaxAttempts,
    });
    if (r.inserted && (!opts.runAt || opts.runAt <= this.#clock.now())) this.#wake();
    return r;
  }

  /** Starts polling in the background; stop() ends it. */
  start(): void {
    if (this.#state !== 'idle') throw new Error('The job runner is already running.');
    this.#state = 'running';
    this.#log.info({ workerId: this.workerId, concurrency: this.#concurrency }, 'job runner started');
    for (const s of this.#schedules) {
      if (!this.#handlers.has(s.kind))
        this.#log.warn({ kind: s.kind }, 'scheduled job kind has no handler: its jobs will be dead');
    }
    this.#loop = this.#pollLoop();
  }

  /**
   * Stops claiming, then waits up to the stop timeout for running handlers. Jobs still running after
   * that are released (job.repository.ts releaseJob): queued again and due at once, so the restarted
   * process or another runner takes them without waiting for the lease. If the release fails (the
   * database is gone), they keep their lease and are taken again when it runs out.
   */
  async stop(timeoutMs = this.#stopTimeoutMs): Promise<StopSummary> {
    const summary: StopSummary = { finished: 0, released: 0 };
    if (this.#state === 'idle' && this.#running.size === 0) return summary;
    this.#state = 'stopping';
    this.#wake();
    await this.#loop;
    this.#loop = undefined;
    const waiting = this.#running.size;
    if (waiting) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const r = await Promise.race([Promise.allSettled([...this.#running.keys()]), timedOut]);
      clearTimeout(timer);
      if (r === 'timeout') {
        const left = [...this.#running.values()];
        for (const run of left) clearInterval(run.heartbeat);
        const released: { id: string; kind: string }[] = [];
        for (const { job } of left) {
          const ok = await jobs
            .releaseJob(this.#db, job.id, this.workerId, job.attempts)
            .catch((e: unknown) => {
              this.#log.error(
                { jobId: job.id, err: e },
                'could not release a job; it runs again when its lease ends',
              );
              return false;
            });
          if (ok) released.push({ id: job.id, kind: job.kind });
        }
        summary.released = released.length;
        this.#log.warn(
          { jobs: left.map((run) => ({ id: run.job.id, kind: run.job.kind })), released },
          'job runner stopped with jobs still running; released jobs run again at once elsewhere or after restart',
        );
      }
      summary.finished = waiting - this.#running.size;
    }
    this.#state = 'idle';
    this.#log.info({ workerId: this.workerId, ...summary }, 'job runner stopped');
    return summary;
  }

  /**
   * Enqueues due schedule ticks, then claims and runs due jobs until none is left — including jobs
   * that become due meanwhile. For tests and the CLI; safe next to running runners.
   */
  async runDueOnce(): Promise<RunSummary> {
    await this.#enqueueDueTicks();
    const summary: RunSummary = { ran: 0, done: 0, retried: 0, dead: 0 };
    while (this.#state !== 'stopping') {
      const claimed = await this.#claim(this.#concurrency);
      if (!claimed.length) break;
      const outcomes = await Promise.all(claimed.map((job) => this.#start(job)));
      for (const o of outcomes) {
        summary.ran++;
        summary[o]++;
      }
    }
    return summary;
  }

  async #pollLoop(): Promise<void> {
    let failures = 0;
    while (this.#state === 'running') {
      let more = false;
      try {
        await this.#enqueueDueTicks();
        const free = this.#concurrency - this.#running.size;
        if (free > 0) {
          const claimed = await this.#claim(free);
          for (const job of claimed) void this.#start(job);
          more = claimed.length === free;
        }
        failures = 0;
      } catch (e) {
        failures++;
        this.#log.error({ err: e, failures }, 'job runner could not poll the queue; retrying');
      }
      // Woken early by a finished handler (a slot is free), an enqueue, or stop(). While the database
      // fails, look less often (up to every 30 s) rather than log an error every poll.
      const pause = Math.min(
        this.#pollIntervalMs * 2 ** Math.min(failures, 10),
        Math.max(this.#pollIntervalMs, 30_000),
      );
      if (this.#state === 'running' && !more) await this.#sleep(pause);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.#sleepTimer);
        this.#sleepTimer = undefined;
        this.#wakeUp = undefined;
        resolve();
      };
      this.#wakeUp = done;
      this.#sleepTimer = setTimeout(done, ms);
    });
  }

  #wake(): void {
    this.#wakeUp?.();
  }

  async #enqueueDueTicks(): Promise<void> {
    const now = this.#clock.now();
    for (const s of this.#schedules) {
      const tick = s.dueTick(now);
      if (tick) {
        const r = await this.enqueue(s.kind, s.options.payload ?? {}, {
          runAt: tick,
          uniqueKey: s.uniqueKey(tick),
          ...(s.options.maxAttempts ? { maxAttempts: s.options.maxAttempts } : {}),
        });
        if (r.inserted) this.#log.info({ kind: s.kind, tick: tick.toISOString() }, 'schedule tick enqueued');
      }
      s.checked(now);
    }
  }

  async #claim(limit: number): Promise<JobRow[]> {
    const now = this.#clock.now();
    const at = now.toISOString();
    if (!(await jobs.hasClaimableJobs(this.#db, at))) return [];
    const buried = await jobs.buryExhaustedJobs(this.#db, at);
    if (buried) this.#log.error({ count: buried }, 'jobs given up: their lease ran out on the last attempt');
    return jobs.claimJobs(this.#db, this.#dialect, {
      workerId: this.workerId,
      now: at,
      lockedUntil: new Date(now.getTime() + this.#leaseMs).toISOString(),
      limit,
    });
  }

  /** Runs a claimed job, tracked so that stop() can wait for it. */
  #start(job: JobRow): Promise<AttemptOutcome> {
    const run: RunningJob = { job, heartbeat: undefined };
    const p = runAttempt(run, this.#attemptDeps)
      .then((outcome) => {
        this.#onOutcome?.(job.kind, outcome);
        return outcome;
      })
      .finally(() => {
        clearInterval(run.heartbeat);
        this.#running.delete(p);
        this.#wake();
      });
    this.#running.set(p, run);
    return p;
  }
}
