// Opens the database the configuration names: SQLite in the data directory by default, PostgreSQL
// when DATABASE_URL is set. SQLite runs in WAL mode with synchronous=FULL so that a committed
// transaction (and so every 2xx answer) survives a crash or power loss. Given a key ring, report text
// is encrypted at rest by a plugin on the connection (encryption/encryption-plugin.ts).
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, Migrator, sql, type KyselyPlugin } from 'kysely';
import type { Database } from './schema.ts';
import { migrationProvider } from './migrations/index.ts';
import { assertNotNewer } from './schema-status.ts';
import { sqliteDialect } from './sqlite-dialect.ts';
import { kyselyBatchWriter, type ReportBatchWriter } from './report-intake.ts';
import { sqliteIntakeWorker } from './sqlite-intake-worker.ts';
import type { KeyRing } from './encryption/key-ring.ts';
import { EncryptionPlugin, sealRow } from './encryption/encryption-plugin.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, without credentials, for logs. */
  describe: string;
  /** Writes batches of new reports (see report-intake.ts): a worker thread on a SQLite file. */
  writeReportBatch: ReportBatchWriter;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  /** SQLite file; ignored for PostgreSQL. */
  sqlitePath?: string;
  poolSize?: number;
  /** The data keys of encryption at rest; without them everything is stored as it is. */
  keyRing?: KeyRing | undefined;
}

export function openDatabase(opts: DatabaseOptions): DatabaseHandle {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: plugins(opts) });
    const u = new URL(opts.databaseUrl);
    return {
      db,
      dialect: 'postgres',
      describe: `postgres ${u.host}${u.pathname}`,
      writeReportBatch: kyselyBatchWriter(db),
      close: () => db.destroy(),
    };
  }
  const file = opts.sqlitePath ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: sqliteDialect(sqlite), plugins: plugins(opts) });
  // An in-memory database is private to its connection, so only a file can be shared with the worker.
  const worker = file === ':memory:' ? undefined : sqliteIntakeWorker(file);
  return {
    db,
    dialect: 'sqlite',
    describe: `sqlite ${file}`,
    writeReportBatch: worker ? sealedBatches(worker.write, opts.keyRing) : kyselyBatchWriter(db),
    close: async () => {
      await worker?.close();
      await db.destroy();
    },
  };
}

function plugins(opts: DatabaseOptions): KyselyPlugin[] {
  return opts.keyRing ? [new EncryptionPlugin(opts.keyRing)] : [];
}

/** The intake worker writes with raw SQL, past the plugin: its rows are encrypted before they go. */
function sealedBatches(write: ReportBatchWriter, ring: KeyRing | undefined): ReportBatchWriter {
  if (!ring) return write;
  return (reports) =>
    write(
      reports.map((r) => ({
        ...r,
        row: sealRow(ring, 'cases', r.row),
        event: sealRow(ring, 'case_events', r.event),
        ...(r.job ? { job: sealRow(ring, 'jobs', r.job) } : {}),
      })),
    );
}

/**
 * Applies every pending migration; returns their names. Refuses (NewerSchemaError) a database that a
 * newer Parley migrated, before Kysely would fail on it with "corrupted migrations".
 */
export async function migrateToLatest(db: Kysely<Database>, database = 'the database'): Promise<string[]> {
  await assertNotNewer(db, database);
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the database answers a trivial query; used by /readyz. */
export async function isReachable(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
