// Loading a backup into the configured database (either dialect), on the connection without the
// encryption plugin so ciphertext is written back as it was read. Everything happens in ONE
// transaction: rows in batches (referenced tables first), values converted to the target's column
// types, PostgreSQL identity sequences moved past the restored ids, and then every table read back
// and compared with a digest of what was written — a mismatch, a damaged file or any error rolls it
// all back, so a failed restore leaves the target as empty as it was.
/* eslint-disable @typescript-eslint/no-explicit-any -- tables and columns come from the catalogue */
import { Migrator, type Kysely } from 'kysely';
import type { Dialect } from '../db.ts';
import { migrationProvider } from '../migrations/index.ts';
import { BackupError, TableDigest } from './backup-format.ts';
import { kyselyQuery } from './postgres-source.ts';
import {
  appliedMigrations,
  describeSchema,
  ident,
  type ColumnInfo,
  type Query,
  type TableInfo,
} from './schema-info.ts';
import type { BackupSource } from './source.ts';

/** Bound parameters per statement (SQLite allows 32766, PostgreSQL 65535) and bytes per batch. */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 500;
const MAX_BYTES = 16 * 1024 * 1024;

export interface TargetState {
  migrations: string[];
  /** Tables holding rows, with their counts: a restore only goes into an empty database. */
  nonEmpty: { table: string; rows: number }[];
}

export async function inspectTarget(db: Kysely<any>, dialect: Dialect): Promise<TargetState> {
  const q = kyselyQuery(db);
  const schema = await describeSchema(q, dialect);
  const nonEmpty: TargetState['nonEmpty'] = [];
  for (const name of schema.keys()) {
    const [r] = await q(`select count(*) as n from ${ident(name)}`);
    const rows = Number(r?.n ?? 0);
    if (rows) nonEmpty.push({ table: name, rows });
  }
  return { migrations: await appliedMigrations(q, dialect), nonEmpty };
}

/** Migrates the target to exactly this migration (the backup's schema version). */
export async function migrateTargetTo(db: Kysely<any>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

export interface LoadedTable {
  rows: number;
  digest: string;
}

/** A value as the target column takes it (SQLite keeps booleans as integers; pg's int8 is text). */
function convert(v: unknown, col: ColumnInfo, dialect: Dialect): unknown {
  if (v === null || v === undefined) return null;
  const t = col.type;
  if (t === 'boolean') return typeof v === 'boolean' ? v : Number(v) !== 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    const safe = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER);
    return safe ? Number(v) : dialect === 'postgres' ? v.toString() : v;
  }
  if (/int/.test(t) && typeof v === 'string' && /^-?\d+$/.test(v)) {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : dialect === 'sqlite' ? BigInt(v) : v;
  }
  if (/char|text|clob/.test(t) && typeof v === 'number') return String(v);
  return v;
}

function sizeOf(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.byteLength;
  return 8;
}

interface Deferred {
  table: TableInfo;
  column: string;
  key: unknown[];
  value: unknown;
}

/** Loads every table of the source into the (empty, migrated) target; answers what it wrote per table. */
export async function loadBackup(
  db: Kysely<any>,
  dialect: Dialect,
  source: BackupSource,
  opts: { batchRows?: number } = {},
): Promise<Record<string, LoadedTable>> {
  const trx = await db.startTransaction().execute();
  try {
    const q = kyselyQuery(trx);
    const schema = await describeSchema(q, dialect);
    // SQLite checks foreign keys at commit; PostgreSQL's are not deferrable, so a reference to a
    // table not loaded yet (a row pointing at a later row of its own table) is set afterwards.
    if (dialect === 'sqlite') await q('pragma defer_foreign_keys = on');
    const loaded = new Set<string>();
    const written: Record<string, LoadedTable> = {};
    const deferred: Deferred[] = [];
    for await (const t of source.tables()) {
      const info = schema.get(t.name);
      if (!info) throw new BackupError(`the backup has a table ${t.name} that this schema does not`);
      const cols = t.columns.map((c) => {
        const col = info.columns.find((x) => x.name === c);
        if (!col) throw new BackupError(`the backup has a column ${t.name}.${c} that this schema does not`);
        return col;
      });
      const later = new Set(
        dialect === 'postgres' ? info.fks.filter((f) => !loaded.has(f.refTable)).map((f) => f.column) : [],
      );
      const pkAt = info.pk.map((p) => t.columns.indexOf(p));
      if (later.size && (pkAt.some((i) => i < 0) || cols.some((c) => later.has(c.name) && !c.nullable)))
        throw new BackupError(`cannot order the rows of ${t.name}: a required reference to a later row`);
      const digest = new TableDigest();
      const perBatch = Math.max(
        1,
        Math.min(opts.batchRows ?? MAX_ROWS, Math.floor(MAX_PARAMS / t.columns.length)),
      );
      let rows: Record<string, unknown>[] = [];
      let bytes = 0;
      const flush = async () => {
        if (rows.length) await trx.insertInto(t.name).values(rows).execute();
        rows = [];
        bytes = 0;
      };
      for await (const batch of t.batches()) {
        for (const raw of batch) {
          const values = raw.map((v, i) => convert(v, cols[i]!, dialect));
          digest.add(t.columns, values);
          const row: Record<string, unknown> = {};
          for (const [i, c] of t.columns.entries()) {
            const v = values[i];
            if (later.has(c) && v !== null) {
              deferred.push({ table: info, column: c, key: pkAt.map((k) => values[k]), value: v });
              row[c] = null;
            } else row[c] = v;
            bytes += sizeOf(v);
          }
          rows.push(row);
          if (rows.length >= perBatch || bytes >= MAX_BYTES) await flush();
        }
      }
      await flush();
      loaded.add(t.name);
      written[t.name] = { rows: digest.rows, digest: digest.hex() };
    }
    for (const d of deferred) {
      let u = trx.updateTable(d.table.name).set({ [d.column]: d.value });
      for (const [i, k] of d.table.pk.entries()) u = u.where(k, '=', d.key[i]);
      await u.execute();
    }
    if (dialect === 'postgres') await moveSequences(q, schema);
    await verifyDigests(trx, q, dialect, schema, written);
    await trx.commit().execute();
    return written;
  } catch (e) {
    await trx
      .rollback()
      .execute()
      .catch(() => {});
    throw e;
  }
}

/** Identity columns continue after the largest restored id (else the next insert collides). */
async function moveSequences(q: Query, schema: ReadonlyMap<string, TableInfo>): Promise<void> {
  for (const t of schema.values())
    for (const c of t.columns.filter((x) => x.identity))
      await q(
        `select setval(pg_get_serial_sequence($1, $2), coalesce(max(${ident(c.name)}), 0) + 1, false) from ${ident(t.name)}`,
        [ident(t.name), c.name],
      );
}

/** Reads every table back (in the transaction) and compares it with what was written. */
async function verifyDigests(
  trx: Kysely<any>,
  q: Query,
  dialect: Dialect,
  schema: ReadonlyMap<string, TableInfo>,
  written: Record<string, LoadedTable>,
): Promise<void> {
  for (const [name, info] of schema) {
    const columns = info.columns.map((c) => c.name);
    const digest = new TableDigest();
    const select = `select ${columns.map(ident).join(', ')} from ${ident(name)}`;
    if (dialect === 'postgres') {
      await q(`declare parley_verify no scroll cursor for ${select}`);
      for (;;) {
        const rows = await q('fetch 500 from parley_verify');
        if (!rows.length) break;
        for (const r of rows)
          digest.add(
            columns,
            columns.map((c) => r[c]),
          );
      }
      await q('close parley_verify');
    } else {
      for await (const r of trx.selectFrom(name).select(columns).stream(500))
        digest.add(
          columns,
          columns.map((c) => (r as Record<string, unknown>)[c]),
        );
    }
    const want = written[name] ?? { rows: 0, digest: new TableDigest().hex() };
    if (digest.rows !== want.rows || digest.hex() !== want.digest)
      throw new BackupError(
        `verification failed: ${name} reads back ${digest.rows} rows that differ from the ${want.rows} written; nothing was restored`,
      );
  }
}
