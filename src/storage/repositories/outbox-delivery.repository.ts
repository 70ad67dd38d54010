// The outbox as a delivery queue: the worker claims due rows with a lease (locked_by, locked_until),
// exactly like the job queue (job.repository.ts), and records each attempt while it still holds the
// claim it made. `attempts` is the fencing token. Also the admin's dead-letter list and retry.
import type { Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import type { Database, OutboxRow, OutboxTable } from '../schema.ts';

type Db = Kysely<Database>;
type Channel = OutboxTable['channel'];

/** A cheap read before the claim, so an idle worker does not take SQLite's write lock every poll. */
export async function hasDueOutbox(db: Db, channels: Channel[], now: string): Promise<boolean> {
  if (!channels.length) return false;
  const r = await db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('channel', 'in', channels)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

export interface OutboxClaim {
  workerId: string;
  channels: Channel[];
  now: string;
  lockedUntil: string;
  limit: number;
}

/**
 * Takes up to `limit` due rows: pending, due, and not held by a live lease (a row whose worker died
 * is taken again when its lease ends). One statement, so on SQLite it is its own short write
 * transaction; on PostgreSQL concurrent workers skip each other's rows (SKIP LOCKED).
 */
export async function claimOutbox(db: Db, dialect: Dialect, c: OutboxClaim): Promise<OutboxRow[]> {
  if (c.limit <= 0 || !c.channels.length) return [];
  return db
    .updateTable('outbox')
    .set((eb) => ({
      locked_by: c.workerId,
      locked_until: c.lockedUntil,
      attempts: eb('attempts', '+', 1),
      last_attempt_at: c.now,
    }))
    .where('id', 'in', (eb) => {
      const due = eb
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('channel', 'in', c.channels)
        .where('next_attempt_at', '<=', c.now)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', c.now)]))
        .orderBy('next_attempt_at')
        .limit(c.limit);
      return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
    })
    .returningAll()
    .execute();
}

export type OutboxOutcome =
  | { status: 'sent'; at: string; response: string }
  | { status: 'pending'; nextAttemptAt: string; error: string; response: string | null }
  | { status: 'failed'; error: string; response: string | null };

/**
 * Records an attempt's outcome while this worker still holds the claim (same worker, same attempt
 * count); false when the lease ran out and another worker took the row meanwhile.
 */
export async function finishOutbox(
  db: Db,
  id: string,
  claim: { workerId: string; attempts: number },
  outcome: OutboxOutcome,
): Promise<boolean> {
  const base = { locked_by: null, locked_until: null };
  const set =
    outcome.status === 'sent'
      ? {
          ...base,
          status: 'sent' as const,
          sent_at: outcome.at,
          last_response: outcome.response,
          last_error: null,
        }
      : outcome.status === 'pending'
        ? {
            ...base,
            status: 'pending' as const,
            next_attempt_at: outcome.nextAttemptAt,
            last_error: outcome.error,
            last_response: outcome.response,
          }
        : { ...base, status: 'failed' as const, last_error: outcome.error, last_response: outcome.response };
  const r = await db
    .updateTable('outbox')
    .set(set)
    .where('id', '=', id)
    .where('locked_by', '=', claim.workerId)
    .where('attempts', '=', claim.attempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Gives a claimed row back, due at once, when the worker stops before delivering it (graceful
 * shutdown). A row never handed to its sender gets its attempt back; one whose send was cut off
 * keeps it counted (it may have reached the receiver). Fenced like finishOutbox: a late send that
 * ends after the release records nothing.
 */
export async function releaseOutbox(
  db: Db,
  id: string,
  claim: { workerId: string; attempts: number },
  refundAttempt: boolean,
): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set((eb) => ({
      locked_by: null,
      locked_until: null,
      ...(refundAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('locked_by', '=', claim.workerId)
    .where('attempts', '=', claim.attempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Rows whose lease ran out on their last allowed attempt (the worker died each time while sending
 * them) become dead letters instead of being tried forever. Returns how many.
 */
export async function buryExhaustedOutbox(db: Db, maxAttempts: number, now: string): Promise<number> {
  const r = await db
    .updateTable('outbox')
    .set({
      status: 'failed',
      locked_by: null,
      locked_until: null,
      last_error: 'The lease ran out on the last attempt: the worker stopped while delivering.',
    })
    .where('status', '=', 'pending')
    .where('locked_until', '<=', now)
    .where('attempts', '>=', maxAttempts)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface OutboxListFilter {
  status?: OutboxTable['status'];
  channel?: Channel;
  limit: number;
  /** Rows created before this (created_at, id) pair: keyset paging, newest first. */
  before?: { createdAt: string; id: string };
}

export async function listOutbox(db: Db, f: OutboxListFilter): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll();
  if (f.status) q = q.where('status', '=', f.status);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.before) {
    const b = f.before;
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', b.createdAt),
        eb.and([eb('created_at', '=', b.createdAt), eb('id', '<', b.id)]),
      ]),
    );
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

export async function findOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Puts a dead letter back in the queue, due now, with a fresh attempt budget. */
export async function requeueOutbox(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'held'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Every dead letter back in the queue; returns how many. */
export async function requeueAllFailed(db: Db, now: string): Promise<number> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_by: null, locked_until: null })
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
