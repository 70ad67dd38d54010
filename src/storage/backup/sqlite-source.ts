// Reading a SQLite database for backup and restore, on its own better-sqlite3 connection (never the
// server's Kysely one, whose transactions take the write lock): a live database inside one read
// transaction — in WAL mode a consistent snapshot that never blocks the server's writers — or a
// backup file. Also the online snapshot itself (`parley backup` on SQLite), made with SQLite's
// backup API, and the header it keeps inside the copy.
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  HEADER_TABLE,
  checkHeader,
  type BackupHeader,
} from './backup-format.ts';
import { appliedMigrations, describeSchema, ident, keyIdsIn, loadOrder, type Query } from './schema-info.ts';
import type { BackupSource, SourceTable } from './source.ts';

const BATCH = 500;

export function sqliteQuery(db: SQLite.Database): Query {
  return async (text, params = []) => db.prepare(text).all(...params) as Record<string, unknown>[];
}

/** Integers come back as bigints (exact), then as numbers where that loses nothing. */
function exact(row: unknown[]): unknown[] {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER))
      row[i] = Number(v);
  }
  return row;
}

/**
 * A SQLite database as a backup source. `live`: the server's database, read in one read transaction
 * with a header made from that snapshot; otherwise a backup file with its `parley_backup` header
 * (a plain copy of a stopped instance's parley.db, without one, is accepted too).
 */
export async function openSqliteSource(
  file: string,
  opts: { live: true; header: Omit<BackupHeader, 'migrations' | 'keyIds'> } | { live: false },
): Promise<BackupSource> {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { fileMustExist: true, readonly: !opts.live });
  } catch (e) {
    throw new BackupError(`cannot open ${file}: ${(e as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const q = sqliteQuery(db);
    if (opts.live) db.exec('begin'); // deferred: the first read below fixes the snapshot
    const schema = await describeSchema(q, 'sqlite');
    let header: BackupHeader;
    const hasHeader =
      !opts.live &&
      (await q("select 1 from sqlite_master where type = 'table' and name = ?", [HEADER_TABLE])).length;
    const stored = hasHeader ? await q(`select value from ${HEADER_TABLE} limit 1`) : [];
    if (stored.length) header = checkHeader(JSON.parse(String(stored[0]!.value)), file);
    else
      header = {
        ...(opts.live
          ? opts.header
          : // a copy of a stopped instance's parley.db: what it holds, without a fingerprint to check
            ({
              format: BACKUP_FORMAT,
              version: BACKUP_FORMAT_VERSION,
              kind: 'sqlite',
              createdAt: '',
              dialect: 'sqlite',
              secretId: null,
            } as const)),
        migrations: await appliedMigrations(q, 'sqlite'),
        keyIds: await keyIdsIn(q, new Set(schema.keys())),
      };
    const order = loadOrder(schema);
    return {
      header,
      async *tables(): AsyncGenerator<SourceTable> {
        for (const name of order) {
          const columns = schema.get(name)!.columns.map((c) => c.name);
          yield {
            name,
            columns,
            async *batches() {
              const stmt = db
                .prepare(`select ${columns.map(ident).join(', ')} from ${ident(name)}`)
                .raw(true)
                .safeIntegers(true);
              let batch: unknown[][] = [];
              for (const row of stmt.iterate() as Iterable<unknown[]>) {
                batch.push(exact(row));
                if (batch.length >= BATCH) {
                  yield batch;
                  batch = [];
                }
              }
              if (batch.length) yield batch;
            },
          };
        }
      },
      async close() {
        if (db.inTransaction) db.exec('commit');
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e instanceof BackupError ? e : new BackupError(`${file}: ${(e as Error).message}`);
  }
}

/**
 * The online snapshot: SQLite's backup API copies the live database page by page while the server
 * keeps writing. After a first small step the rest goes in one step (one read transaction), so a
 * busy writer cannot make it start over and over. The copy gets its header and leaves WAL mode, so
 * it is one self-contained file.
 */
export async function snapshotSqlite(
  file: string,
  dest: string,
  header: Omit<BackupHeader, 'migrations' | 'keyIds'>,
): Promise<BackupHeader> {
  const src = new SQLite(file, { fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    await src.backup(dest, { progress: ({ remainingPages }) => Math.max(remainingPages, 1) + 1_000_000 });
  } finally {
    src.close();
  }
  const copy = new SQLite(dest);
  try {
    copy.pragma('journal_mode = DELETE');
    fs.chmodSync(dest, 0o600); // as private as the database it copies
    const q = sqliteQuery(copy);
    const schema = await describeSchema(q, 'sqlite');
    const full: BackupHeader = {
      ...header,
      migrations: await appliedMigrations(q, 'sqlite'),
      keyIds: await keyIdsIn(q, new Set(schema.keys())),
    };
    copy.exec(`create table ${HEADER_TABLE} (value text not null)`);
    copy.prepare(`insert into ${HEADER_TABLE} (value) values (?)`).run(JSON.stringify(full));
    return full;
  } finally {
    copy.close();
    fs.rmSync(`${dest}-wal`, { force: true });
    fs.rmSync(`${dest}-shm`, { force: true });
  }
}
