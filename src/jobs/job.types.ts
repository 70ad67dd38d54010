// Shared types of the job runner: what a handler receives and the logger it reports to.

export interface JobContext {
  jobId: string;
  /** 1 on the first run; counts every claim, including runs whose runner died. */
  attempt: number;
  /** When this attempt started, by the runner's clock (inject a clock to test time-based jobs). */
  now: Date;
  /** When the job was due; for a schedule tick, the tick it stands for. */
  runAt: Date;
}

/**
 * Runs one job. Jobs run at least once, not exactly once (a runner can die after the work and
 * before recording it), so a handler must be safe to repeat: dedupe keys on what it writes help.
 */
export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void>;

/** The part of a pino logger the runner uses. */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: JobLogger = { info() {}, warn() {}, error() {} };

export interface EnqueueOptions {
  /** When the job becomes due; now when absent. */
  runAt?: Date;
  /** At most one job ever exists per key (until finished jobs are purged). */
  uniqueKey?: string;
  /** Attempts before the job is given up as dead; the runner's default when absent. */
  maxAttempts?: number;
}

export interface EnqueueResult {
  /** False when a job with the same unique key already existed. */
  inserted: boolean;
  /** The new job, or the existing one with the same unique key. */
  id: string | undefined;
}

export interface RunSummary {
  ran: number;
  done: number;
  /** Failed and queued again with a delay. */
  retried: number;
  dead: number;
}
