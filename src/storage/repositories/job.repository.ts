// The durable job queue. Runners take jobs with a lease (locked_by, locked_until): a claim is one
// atomic UPDATE … RETURNING, so two processes sharing the database never take the same job, and a
// job whose runner died is taken again once its lease has run out. `attempts` is the fencing token:
// a runner only finishes a job while it still holds the claim it made.
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Dialect } from '../db.ts';
import type { Database, JobRow, JobsTable } from '../schema.ts';

type Db = Kysely<Database>;

/** Inserts a job; with a unique_key already present nothing is written. True when inserted. */
export async function insertJob(db: Db, row: Insertable<JobsTable>): Promise<boolean> {
  const r = await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/** Inserts several jobs at once; rows whose unique_key exists already are skipped. */
export async function insertJobs(db: Db, rows: Insertable<JobsTable>[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('jobs')
    .values(rows)
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .execute();
}

export async function findJobById(db: Db, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findJobByUniqueKey(db: Db, uniqueKey: string): Promise<JobRow | undefined> {
  return db.selectFrom('jobs').selectAll().where('unique_key', '=', uniqueKey).executeTakeFirst();
}

/** A cheap read before the claim, so an idle runner does not take SQLite's write lock every poll. */
export async function hasClaimableJobs(db: Db, now: string): Promise<boolean> {
  const r = await db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<=', now)]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Jobs whose lease ran out on their last allowed attempt: their runner died (or hung) each time,
 * so they are given up rather than taken again. Returns how many.
 */
export async function buryExhaustedJobs(db: Db, now: string): Promise<number> {
  const r = await db
    .updateTable('jobs')
    .set({
      status: 'dead',
      finished_at: now,
      locked_by: null,
      locked_until: null,
      last_error: 'The lease ran out on the last attempt: the runner stopped or hung while running the job.',
    })
    .where('status', '=', 'running')
    .where('locked_until', '<=', now)
    .where((eb) => eb('attempts', '>=', eb.ref('max_attempts')))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface ClaimOptions {
  workerId: string;
  now: string;
  lockedUntil: string;
  limit: number;
}

/**
 * Takes up to `limit` due jobs — queued ones whose run_at has come, and running ones whose lease
 * has expired — oldest first, marks them running under this worker's lease and counts the attempt.
 * PostgreSQL: the inner SELECT locks its rows FOR UPDATE SKIP LOCKED, so concurrent claimers pass
 * each other's rows instead of waiting for them. SQLite: one statement outside any transaction is
 * its own write transaction, taking the single write lock when it starts (as BEGIN IMMEDIATE
 * would) and releasing it when it ends. An explicit transaction would hold the lock across awaits,
 * and better-sqlite3 waits for a lock synchronously (busy_timeout): a second connection in the same
 * process would then block the very event loop that has to commit the first, until SQLITE_BUSY.
 */
export async function claimJobs(db: Db, dialect: Dialect, opts: ClaimOptions): Promise<JobRow[]> {
  if (opts.limit <= 0) return [];
  return db
    .updateTable('jobs')
    .set((eb) => ({
      status: 'running',
      locked_by: opts.workerId,
      locked_until: opts.lockedUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', (eb) => {
      const due = eb
        .selectFrom('jobs')
        .select('id')
        .where((w) =>
          w.or([
            w.and([w('status', '=', 'queued'), w('run_at', '<=', opts.now)]),
            w.and([
              w('status', '=', 'running'),
              w('locked_until', '<=', opts.now),
              w('attempts', '<', w.ref('max_attempts')),
            ]),
          ]),
        )
        .orderBy('run_at')
        .limit(opts.limit);
      return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    })
    .returningAll()
    .execute();
}

/** Extends a running job's lease; false when the runner no longer holds the job. */
export async function renewJobLease(
  db: Db,
  id: string,
  workerId: string,
  attempt: number,
  lockedUntil: string,
): Promise<boolean> {
  return updateHeldJob(db, id, workerId, attempt, { locked_until: lockedUntil });
}

/**
 * Gives a running job back to the queue, due at once, when its runner stops before the handler
 * ends (graceful shutdown): another runner, or this one after the restart, takes it right away
 * instead of after the lease. `attempts` stays counted, so the claim stays fenced: a handler that
 * still ends afterwards finds neither its worker nor its attempt and records nothing.
 */
export async function releaseJob(db: Db, id: string, workerId: string, attempt: number): Promise<boolean> {
  return updateHeldJob(db, id, workerId, attempt, { status: 'queued', locked_by: null, locked_until: null });
}

export type JobOutcome =
  { status: 'done' } | { status: 'queued'; runAt: string; error: string } | { status: 'dead'; error: string };

/**
 * Records how an attempt ended, while this runner still holds the claim it made (same worker, same
 * attempt): a runner whose lease ran out and whose job was taken again must not overwrite the
 * newer attempt. False when the claim was lost.
 */
export async function finishJobAttempt(
  db: Db,
  id: string,
  workerId: string,
  attempt: number,
  now: string,
  outcome: JobOutcome,
): Promise<boolean> {
  const released = { locked_by: null, locked_until: null };
  const patch =
    outcome.status === 'done'
      ? { ...released, status: 'done' as const, finished_at: now }
      : outcome.status === 'dead'
        ? { ...released, status: 'dead' as const, finished_at: now, last_error: outcome.error }
        : { ...released, status: 'queued' as const, run_at: outcome.runAt, last_error: outcome.error };
  return updateHeldJob(db, id, workerId, attempt, patch);
}

/**
 * The fence of every write to a claimed job: it applies only while the job is still running under
 * this worker's claim and attempt, so a runner that lost its claim changes nothing. False then.
 */
async function updateHeldJob(
  db: Db,
  id: string,
  workerId: string,
  attempt: number,
  patch: Updateable<Database['jobs']>,
): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .where('attempts', '=', attempt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Counts by kind and status, for an operator's view of the queue. */
export async function jobStats(db: Db): Promise<{ kind: string; status: string; count: number }[]> {
  const rows = await db
    .selectFrom('jobs')
    .select(['kind', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['kind', 'status'])
    .orderBy('kind')
    .orderBy('status')
    .execute();
  return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.n) }));
}

/**
 * Deletes jobs that finished before `before`. Keep them longer than any schedule's catch-up window
 * and any unique_key's useful life: a deleted key can be enqueued again.
 */
export async function deleteFinishedJobs(db: Db, before: string): Promise<number> {
  const r = await db
    .deleteFrom('jobs')
    .where('status', 'in', ['done', 'dead'])
    .where('finished_at', '<', before)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
