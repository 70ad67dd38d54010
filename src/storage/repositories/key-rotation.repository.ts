// The SQL of key rotation (services/keys/key.service.ts): walking an encrypted table by primary key,
// swapping a re-encrypted value in only if the row still holds what was read, and counting values per
// data key. All of it on the connection without the encryption plugin: rotation handles envelopes
// itself. Report text is never compared here, only envelopes (the key id prefix, or a whole value).
/* eslint-disable @typescript-eslint/no-explicit-any -- tables and columns come from the registry */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { Dialect } from '../db.ts';
import type { EncryptedTable } from '../encryption/encrypted-columns.ts';
import { TEXT_PREFIX } from '../encryption/cipher.ts';

type Raw = Kysely<any>;
export type RawConnection = Raw;

/** The connection as it is, without encryption at rest. */
export function rawConnection(db: Kysely<Database>): Raw {
  return db.withoutPlugins() as unknown as Raw;
}

export type Row = Record<string, unknown>;

/** Up to `limit` rows after the primary key `after` (from the start when undefined), in key order. */
export async function pageOfRows(
  db: Raw,
  table: string,
  t: EncryptedTable,
  after: unknown,
  limit: number,
): Promise<Row[]> {
  let q = db.selectFrom(table).select([t.pk, ...t.text, ...t.blob]);
  if (after !== undefined) q = q.where(t.pk, '>', after);
  return q.orderBy(t.pk).limit(limit).execute();
}

export interface ValueSwap {
  column: string;
  from: unknown;
  to: unknown;
}

/**
 * Writes the new values only while the row still holds the ones read: a change made meanwhile by the
 * app wins (and is encrypted with whichever key its process held; the next pass looks again).
 */
export async function swapValues(
  db: Raw,
  table: string,
  pk: string,
  id: unknown,
  swaps: ValueSwap[],
): Promise<boolean> {
  let q = db
    .updateTable(table)
    .set(Object.fromEntries(swaps.map((s) => [s.column, s.to])))
    .where(pk, '=', id);
  for (const s of swaps) q = q.where(s.column, '=', s.from);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * How many non-null values of a column each data key encrypted; `plain` counts values that are not
 * envelopes (written before encryption, or a database default).
 */
export async function countByKeyId(
  db: Raw,
  table: string,
  column: string,
  kind: 'text' | 'blob',
  keyIdOfHead: (head: unknown) => string | undefined,
): Promise<Map<string, number>> {
  const ref = sql.ref(column);
  // Text: the key id sits at characters 8-15 of an envelope. Blobs: the first 14 bytes are grouped
  // (the magic and the key id), which the caller reads.
  const head =
    kind === 'text'
      ? sql`case when substr(${ref}, 1, 7) = ${sql.lit(TEXT_PREFIX)} then substr(${ref}, 1, 16) else '' end`
      : sql`substr(${ref}, 1, 14)`;
  const rows = await db
    .selectFrom(table)
    .select([head.as('head'), sql<number | string>`count(*)`.as('n')])
    .where(column, 'is not', null)
    .groupBy(head)
    .execute();
  const out = new Map<string, number>();
  for (const r of rows) {
    const id = keyIdOfHead(r.head) ?? 'plain';
    out.set(id, (out.get(id) ?? 0) + Number(r.n));
  }
  return out;
}

/** SQLite: zero what a rewrite frees, so replaced plaintext does not linger in free pages. */
export async function beginRewrite(db: Raw, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') await sql`pragma secure_delete = on`.execute(db);
}

/**
 * After a rewrite: SQLite moves the WAL into the database and empties it (false when a reader kept
 * it from finishing); with `vacuum`, the database is rebuilt (SQLite VACUUM, PostgreSQL VACUUM FULL
 * of the tables), so no free page or dead row version keeps what was replaced.
 */
export async function endRewrite(
  db: Raw,
  dialect: Dialect,
  tables: readonly string[],
  vacuum: boolean,
): Promise<{ walEmptied: boolean }> {
  if (dialect === 'postgres') {
    if (vacuum) for (const t of tables) await sql`vacuum full ${sql.table(t)}`.execute(db);
    return { walEmptied: true };
  }
  if (vacuum) await sql`vacuum`.execute(db);
  const r = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  return { walEmptied: r.rows[0]?.busy === 0 };
}
