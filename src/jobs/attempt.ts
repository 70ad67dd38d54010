// One attempt at a claimed job: run its handler (renewing the lease meanwhile), then record the
// outcome — done, queued again after a backoff delay, or dead with its last error.
import type { Kysely } from 'kysely';
import type { Clock } from '../services/deps.ts';
import * as jobs from '../storage/repositories/job.repository.ts';
import type { Database, JobRow } from '../storage/schema.ts';
import type { JobHandler, JobLogger } from './job.types.ts';

export type AttemptOutcome = 'done' | 'retried' | 'dead';

/** A job while it runs; the runner clears the heartbeat if it gives up waiting for the handler. */
export interface RunningJob {
  job: JobRow;
  heartbeat: NodeJS.Timeout | undefined;
}

export interface AttemptDeps {
  db: Kysely<Database>;
  clock: Clock;
  log: JobLogger;
  workerId: string;
  handlers: ReadonlyMap<string, JobHandler>;
  leaseMs: number;
  renewLeases: boolean;
  backoff: (attempt: number) => number;
}

const ERROR_MAX = 4000;

function describeError(e: unknown): string {
  const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  return text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX)}…` : text;
}

function parsePayload(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export async function runAttempt(run: RunningJob, deps: AttemptDeps): Promise<AttemptOutcome> {
  const { job } = run;
  const attempt = job.attempts;
  const log = { jobId: job.id, kind: job.kind, attempt };
  const handler = deps.handlers.get(job.kind);
  const payload = parsePayload(job.payload);
  let outcome: jobs.JobOutcome;
  if (!handler) {
    outcome = { status: 'dead', error: `No handler is registered for job kind "${job.kind}".` };
  } else if (!payload.ok) {
    outcome = { status: 'dead', error: 'The job payload is not valid JSON.' };
  } else {
    if (deps.renewLeases) run.heartbeat = heartbeat(job, deps);
    try {
      await handler(payload.value, {
        jobId: job.id,
        attempt,
        now: deps.clock.now(),
        runAt: new Date(job.run_at),
      });
      outcome = { status: 'done' };
    } catch (e) {
      const error = describeError(e);
      const retryAt = new Date(deps.clock.now().getTime() + deps.backoff(attempt)).toISOString();
      outcome =
        attempt >= job.max_attempts ? { status: 'dead', error } : { status: 'queued', error, runAt: retryAt };
    } finally {
      clearInterval(run.heartbeat);
    }
  }
  try {
    const now = deps.clock.now().toISOString();
    const kept = await jobs.finishJobAttempt(deps.db, job.id, deps.workerId, attempt, now, outcome);
    if (!kept) deps.log.warn(log, 'job finished after its lease was lost; its result was not recorded');
  } catch (e) {
    // The lease runs out and the job runs again: at least once, never lost.
    deps.log.error({ ...log, err: e }, 'could not record the end of a job');
  }
  if (outcome.status === 'done') {
    deps.log.info(log, 'job done');
    return 'done';
  }
  if (outcome.status === 'dead') {
    deps.log.error({ ...log, error: outcome.error }, 'job failed for the last time and is dead');
    return 'dead';
  }
  deps.log.warn({ ...log, error: outcome.error, retryAt: outcome.runAt }, 'job failed; will retry');
  return 'retried';
}

/** Extends the lease every third of its length, so a long job is not taken by another runner. */
function heartbeat(job: JobRow, deps: AttemptDeps): NodeJS.Timeout {
  return setInterval(
    () => {
      const until = new Date(deps.clock.now().getTime() + deps.leaseMs).toISOString();
      jobs.renewJobLease(deps.db, job.id, deps.workerId, job.attempts, until).then(
        (ok) => {
          if (!ok) deps.log.warn({ jobId: job.id, kind: job.kind }, 'job lease lost while running');
        },
        (e: unknown) => deps.log.warn({ jobId: job.id, err: e }, 'could not renew a job lease'),
      );
    },
    Math.max(1000, Math.floor(deps.leaseMs / 3)),
  );
}
