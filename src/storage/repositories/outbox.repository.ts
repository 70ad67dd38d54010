// The outbox: one row per outgoing notification (e-mail, webhook), written in the same transaction
// as whatever caused it, and delivered later by a job. The dedupe key makes queueing idempotent.
import type { Insertable, Kysely } from 'kysely';
import type { Database, OutboxRow, OutboxTable } from '../schema.ts';

type Db = Kysely<Database>;

/** Queues a message; when its dedupe_key is already queued nothing is written. True when inserted. */
export async function insertOutbox(db: Db, row: Insertable<OutboxTable>): Promise<boolean> {
  const r = await db
    .insertInto('outbox')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Queues many messages with one multi-row INSERT per chunk (an announcement to 10,000 subscribers is
 * 20 statements, not 10,000); rows whose dedupe_key is already queued are skipped. Every row must
 * set the same columns. Returns how many rows were written. 500 rows of ~22 columns stay far below
 * SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
 */
export async function insertOutboxMany(
  db: Db,
  rows: Insertable<OutboxTable>[],
  chunkSize = 500,
): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < rows.length; i += chunkSize) {
    const r = await db
      .insertInto('outbox')
      .values(rows.slice(i, i + chunkSize))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .execute();
    inserted += r.length;
  }
  return inserted;
}

export async function findOutboxByDedupeKey(db: Db, dedupeKey: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();
}

export async function listOutboxForUser(db: Db, userId: string, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('recipient_user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export interface OutboxCount {
  channel: OutboxTable['channel'];
  status: OutboxTable['status'];
  count: number;
  /** Creation time of the oldest row in the group: a growing age means nothing delivers them. */
  oldest: string;
}

export async function outboxCounts(db: Db): Promise<OutboxCount[]> {
  const rows = await db
    .selectFrom('outbox')
    .select([
      'channel',
      'status',
      (eb) => eb.fn.countAll<number | string>().as('n'),
      (eb) => eb.fn.min('created_at').as('oldest'),
    ])
    .groupBy(['channel', 'status'])
    .orderBy('channel')
    .orderBy('status')
    .execute();
  return rows.map((r) => ({ channel: r.channel, status: r.status, count: Number(r.n), oldest: r.oldest }));
}
