// A fresh database per test file, on each dialect: a SQLite file in a temp dir, and (when a server is
// reachable; see test/run.js) a new PostgreSQL database that is dropped afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase, migrateToLatest, type DatabaseHandle, type Dialect } from '../../src/storage/db.ts';
import { KeyRing } from '../../src/storage/encryption/key-ring.ts';

export interface TestDatabase {
  dialect: Dialect;
  handle: DatabaseHandle;
  /** DATABASE_URL for PostgreSQL, or undefined for SQLite. */
  databaseUrl: string | undefined;
  /** Data directory (for SQLite the database file lives here). */
  dataDir: string;
  /** Encryption at rest, as in production: the ring of `<dataDir>/secret.key` (PARLEY_SECRET_KEY_FILE's default). */
  keyRing: KeyRing | undefined;
  drop(): Promise<void>;
}

export const pgUrl = process.env.PARLEY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Dialects to run integration tests on; PostgreSQL only when test/run.js found a server. */
export function dialects(): Dialect[] {
  return pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];
}

export async function createTestDatabase(
  dialect: Dialect,
  opts: { migrate?: boolean; encrypt?: boolean } = {},
): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  let databaseUrl: string | undefined;
  let dbName = '';
  if (dialect === 'postgres') {
    dbName = `parley_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const keyRing = opts.encrypt === false ? undefined : KeyRing.load(path.join(dataDir, 'secret.key'));
  const handle = openDatabase({ databaseUrl, sqlitePath: path.join(dataDir, 'parley.db'), keyRing });
  if (opts.migrate !== false) await migrateToLatest(handle.db);
  return {
    dialect,
    handle,
    databaseUrl,
    dataDir,
    keyRing,
    async drop() {
      await handle.close().catch(() => {});
      if (dialect === 'postgres') {
        const admin = new pg.Client({ connectionString: pgUrl });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
