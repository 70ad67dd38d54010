// `parley backup` and `parley restore`. A backup copies every table as stored — encrypted columns stay
// ciphertext — so it never holds report text in the clear, and reading a restored instance needs the
// SAME key file (PARLEY_SECRET_KEY_FILE): the header lists the data-key ids the data needs and a
// one-way fingerprint of the instance secret, never the keys, and restore refuses a key file that
// lacks them. On SQLite the backup is an online snapshot (a SQLite file); on PostgreSQL (or with
// format `dump`) a logical dump. Restore reads either into either dialect, into an empty database only.
// Operator tooling, run with the configuration at hand: no actor, not part of createServices.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { openDatabase, migrateToLatest, type Dialect } from '../../storage/db.ts';
import { MIGRATION_NAMES } from '../../storage/migrations/index.ts';
import { readKeyFile } from '../../storage/encryption/key-file.ts';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupError,
  detectKind,
  type BackupHeader,
  type BackupKind,
} from '../../storage/backup/backup-format.ts';
import { openSqliteSource, snapshotSqlite } from '../../storage/backup/sqlite-source.ts';
import { openPostgresSource } from '../../storage/backup/postgres-source.ts';
import { openDumpSource, writeDump } from '../../storage/backup/dump-file.ts';
import { inspectTarget, loadBackup, migrateTargetTo } from '../../storage/backup/restore-target.ts';
import type { BackupSource } from '../../storage/backup/source.ts';
import { derivedKey } from '../deps.ts';

export { BackupError };

export interface InstanceLocation {
  databaseUrl: string | undefined;
  /** The SQLite file (used when databaseUrl is unset). */
  sqlitePath: string;
  /** PARLEY_SECRET_KEY_FILE. */
  keyFile: string;
}

export interface BackupOptions {
  file: string;
  /** `sqlite` (SQLite only, the default there) or `dump` (the default on PostgreSQL). */
  format?: BackupKind;
  overwrite?: boolean;
}

export interface BackupResult {
  file: string;
  kind: BackupKind;
  bytes: number;
  ms: number;
  header: BackupHeader;
  /** Rows per table (dumps only: a snapshot is a page copy). */
  rows?: Record<string, number>;
}

export interface RestoreResult {
  file: string;
  kind: BackupKind;
  ms: number;
  header: BackupHeader;
  rows: Record<string, number>;
  /** Migrations applied after the load (the backup came from an older schema). */
  upgraded: string[];
}

/** What cannot be restored without: shown by the CLI after every backup. */
export const KEYS_GUIDANCE =
  'The backup holds encrypted values as ciphertext, never the keys. Keep a copy of the key file ' +
  '(PARLEY_SECRET_KEY_FILE) apart from the backups, offline: a restore needs that same file, and ' +
  'without it the encrypted data is lost.';

/** A one-way fingerprint of the instance secret (says nothing about the secret). */
export function secretIdOf(keyFile: string): string | null {
  const k = readKeyFile(keyFile);
  return k ? derivedKey(k.secret, 'parley/backup/secret-id/v1').toString('hex').slice(0, 16) : null;
}

function dialectOf(loc: InstanceLocation): Dialect {
  return loc.databaseUrl ? 'postgres' : 'sqlite';
}

export async function backupInstance(loc: InstanceLocation, opts: BackupOptions): Promise<BackupResult> {
  const t0 = performance.now();
  const dialect = dialectOf(loc);
  const kind: BackupKind = opts.format ?? (dialect === 'sqlite' ? 'sqlite' : 'dump');
  if (kind === 'sqlite' && dialect === 'postgres')
    throw new BackupError('a PostgreSQL instance is backed up as a dump (--format dump)');
  if (fs.existsSync(opts.file) && !opts.overwrite)
    throw new BackupError(`${opts.file} exists: choose another name, or pass --overwrite`);
  if (dialect === 'sqlite' && !fs.existsSync(loc.sqlitePath))
    throw new BackupError(`there is no database at ${loc.sqlitePath} (is PARLEY_DATA_DIR right?)`);
  const base = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    kind,
    createdAt: new Date().toISOString(),
    dialect,
    secretId: secretIdOf(loc.keyFile),
  } as const;
  // Written beside the target and renamed into place: a failed backup never leaves a partial file.
  fs.mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
  const tmp = `${opts.file}.${crypto.randomBytes(4).toString('hex')}.partial`;
  try {
    let header: BackupHeader;
    let rows: Record<string, number> | undefined;
    if (kind === 'sqlite') header = await snapshotSqlite(loc.sqlitePath, tmp, base);
    else {
      const handle =
        dialect === 'postgres' ? openDatabase({ databaseUrl: loc.databaseUrl, poolSize: 1 }) : undefined;
      let source: BackupSource | undefined;
      try {
        source = handle
          ? await openPostgresSource(handle.db.withoutPlugins(), base)
          : await openSqliteSource(loc.sqlitePath, { live: true, header: base });
        header = source.header;
        const written = await writeDump(source, tmp);
        rows = Object.fromEntries(Object.entries(written).map(([t, w]) => [t, w.rows]));
      } finally {
        await source?.close();
        await handle?.close();
      }
    }
    fs.renameSync(tmp, opts.file);
    const bytes = fs.statSync(opts.file).size;
    return { file: opts.file, kind, bytes, ms: performance.now() - t0, header, ...(rows ? { rows } : {}) };
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Why the key file cannot read the backup's data, or undefined when it can. */
export function keyFileProblem(header: BackupHeader, keyFile: string): string | undefined {
  const k = readKeyFile(keyFile);
  if (!k) {
    if (!header.keyIds.length && !header.secretId) return undefined;
    const needs = header.keyIds.length
      ? `values encrypted with data key(s) ${header.keyIds.join(', ')}`
      : 'secrets sealed with its instance secret';
    return (
      `the backup holds ${needs}, and the key file ${keyFile} does not exist: copy the key file of the ` +
      'backed-up instance there (PARLEY_SECRET_KEY_FILE)'
    );
  }
  const held = new Set(k.dataKeys.map((d) => d.id));
  const missing = header.keyIds.filter((id) => !held.has(id));
  if (missing.length)
    return (
      `the key file ${keyFile} lacks data key(s) ${missing.join(', ')} that encrypt values in the backup: ` +
      'use the key file of the backed-up instance (PARLEY_SECRET_KEY_FILE)'
    );
  if (header.secretId && secretIdOf(keyFile) !== header.secretId)
    return (
      `the key file ${keyFile} holds another instance secret than the backed-up instance's (sign-in ` +
      'second factors and webhook secrets would not open): use the key file of the backed-up instance'
    );
  return undefined;
}

async function openBackup(file: string, kind: BackupKind): Promise<BackupSource> {
  return kind === 'sqlite' ? openSqliteSource(file, { live: false }) : openDumpSource(file);
}

export async function restoreInstance(
  loc: InstanceLocation,
  file: string,
  /** Rows per INSERT (tests make it 1 so rows meet references to rows not loaded yet). */
  opts: { batchRows?: number } = {},
): Promise<RestoreResult> {
  const t0 = performance.now();
  const kind = detectKind(file);
  const source = await openBackup(file, kind);
  try {
    const { header } = source;
    const unknown = header.migrations.filter((m) => !MIGRATION_NAMES.includes(m));
    if (unknown.length)
      throw new BackupError(
        `the backup comes from a newer Parley (schema ${unknown.join(', ')} is unknown to this version, ` +
          `whose latest is ${MIGRATION_NAMES.at(-1)}): restore it with that version or a later one`,
      );
    const version = header.migrations.at(-1);
    if (!version) throw new BackupError(`${file} holds no Parley schema (taken from an empty database?)`);
    const problem = keyFileProblem(header, loc.keyFile);
    if (problem) throw new BackupError(problem);

    const dialect = dialectOf(loc);
    const handle = openDatabase({ databaseUrl: loc.databaseUrl, sqlitePath: loc.sqlitePath, poolSize: 2 });
    try {
      const raw = handle.db.withoutPlugins();
      const target = await inspectTarget(raw, dialect);
      if (target.nonEmpty.length)
        throw new BackupError(
          `${handle.describe} is not empty (${target.nonEmpty.map((t) => `${t.table}: ${t.rows}`).join(', ')}); ` +
            'restore only goes into an empty database: create a new one (or move the SQLite file away) and run again',
        );
      const ahead = target.migrations.filter((m) => !header.migrations.includes(m));
      if (ahead.length)
        throw new BackupError(
          `${handle.describe} is already migrated past the backup's schema (${version}): ` +
            'restore into a new database that no Parley has started on, then Parley migrates it after the load',
        );
      await migrateTargetTo(raw, version);
      const loaded = await loadBackup(raw, dialect, source, opts);
      const upgraded = await migrateToLatest(handle.db, handle.describe);
      return {
        file,
        kind,
        ms: performance.now() - t0,
        header,
        rows: Object.fromEntries(Object.entries(loaded).map(([t, w]) => [t, w.rows])),
        upgraded,
      };
    } finally {
      await handle.close();
    }
  } finally {
    await source.close();
  }
}
