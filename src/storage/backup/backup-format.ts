// What a Parley backup is: a header (format, schema version, the data-key ids its encrypted values
// need — never the keys), then every table's rows as stored, ciphertext included. Two kinds of file
// hold it: a SQLite database (`parley backup` on SQLite: an online snapshot with the header in a
// `parley_backup` table) and a logical dump (gzip'd JSON lines, any dialect). This module holds the
// header, the kind detection, the JSON encoding of values and the dialect-neutral row digest that
// proves a restore read back exactly what the backup held.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Dialect } from '../db.ts';

export const BACKUP_FORMAT = 'parley-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** The table a SQLite snapshot keeps its header in (not restored). */
export const HEADER_TABLE = 'parley_backup';
/** Tables of the migrator: the schema version travels in the header, not as rows. */
export const MIGRATOR_TABLES = ['kysely_migration', 'kysely_migration_lock'];

export type BackupKind = 'sqlite' | 'dump';

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  kind: BackupKind;
  createdAt: string;
  /** The dialect of the database backed up. */
  dialect: Dialect;
  /** Migrations applied to it, in order: its schema version is the last one. */
  migrations: string[];
  /** Ids of the data keys (PARLEY_SECRET_KEY_FILE) that encrypt values in it. */
  keyIds: string[];
  /** A one-way fingerprint of the instance secret of the key file in use, to check the key file on restore. */
  secretId: string | null;
}

/** A refusal or a damaged file: the message says what to do; nothing was changed. */
export class BackupError extends Error {
  override name = 'BackupError';
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** The kind of a backup file by its first bytes. */
export function detectKind(file: string): BackupKind {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(16);
      head = head.subarray(0, fs.readSync(fd, head, 0, 16, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    throw new BackupError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (head.equals(SQLITE_MAGIC)) return 'sqlite';
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'dump';
  throw new BackupError(`${file} is not a Parley backup (neither a SQLite database nor a gzip'd dump)`);
}

/** Checks a header read from a file; answers it typed. */
export function checkHeader(h: unknown, file: string): BackupHeader {
  const x = h as Partial<BackupHeader> | undefined;
  if (!x || x.format !== BACKUP_FORMAT)
    throw new BackupError(`${file} is not a Parley backup (no ${BACKUP_FORMAT} header)`);
  if (x.version !== BACKUP_FORMAT_VERSION)
    throw new BackupError(
      `${file} is in backup format ${x.version}; this Parley reads format ${BACKUP_FORMAT_VERSION}: use a newer Parley`,
    );
  if (!Array.isArray(x.migrations) || !Array.isArray(x.keyIds))
    throw new BackupError(`${file} has a damaged header`);
  return x as BackupHeader;
}

/**
 * A stored value as JSON: binary as {"$b": base64}, integers past 2^53 as {"$i": digits}. Strings,
 * numbers and null are themselves, so nothing else is ever an object.
 */
export function encodeValue(v: unknown): unknown {
  if (v instanceof Uint8Array)
    return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (typeof v === 'bigint') return { $i: v.toString() };
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  return v ?? null;
}

export function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as { $b?: string; $i?: string };
  if (typeof o.$b === 'string') return Buffer.from(o.$b, 'base64');
  if (typeof o.$i === 'string') return BigInt(o.$i);
  throw new BackupError('a value in the dump is neither text, a number, binary nor null');
}

/**
 * A value in a form both dialects give back alike: integers (numbers, bigints, booleans as
 * SQLite stores them) as digits, text as itself, binary as base64.
 */
export function canonical(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 'i1' : 'i0';
  if (typeof v === 'bigint') return `i${v}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `i${v}` : `f${v}`;
  if (v instanceof Uint8Array)
    return `b${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')}`;
  if (v instanceof Date) return `s${v.toISOString()}`;
  return `s${String(v)}`;
}

/** One row as canonical JSON, columns in name order. */
export function canonicalRow(columns: readonly string[], row: readonly unknown[]): string {
  const pairs = columns.map((c, i) => [c, canonical(row[i])] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(pairs);
}

const MOD = 1n << 256n;

/** Column positions in name order, so a row hashes the same whatever order its columns came in. */
function nameOrder(columns: readonly string[]): number[] {
  return columns
    .map((c, i) => [c, i] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, i]) => i);
}

/**
 * An order-independent digest of a table: the sum of its rows' SHA-256 modulo 2^256, so the two
 * sides need not read rows in the same order (collations differ between dialects). A row hashes its
 * columns in name order, each value in its canonical() form, length-prefixed; binary is hashed as
 * bytes (no base64 of every attachment).
 */
export class TableDigest {
  rows = 0;
  #sum = 0n;
  #columns: readonly string[] | undefined;
  #order: number[] = [];

  add(columns: readonly string[], row: readonly unknown[]): void {
    if (columns !== this.#columns) [this.#columns, this.#order] = [columns, nameOrder(columns)];
    const h = crypto.createHash('sha256');
    for (const i of this.#order) {
      const v = row[i];
      h.update(`${columns[i]}\0`);
      if (v instanceof Uint8Array) {
        h.update(`b${v.byteLength}\0`);
        h.update(v);
      } else {
        const c = canonical(v);
        h.update(c === null ? 'n\0' : `${c.length}\0${c}`);
      }
    }
    this.#sum = (this.#sum + BigInt(`0x${h.digest('hex')}`)) % MOD;
    this.rows++;
  }

  hex(): string {
    return this.#sum.toString(16).padStart(64, '0');
  }
}
