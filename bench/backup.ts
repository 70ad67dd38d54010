// Backup and restore, measured: an instance of 5,000 encrypted cases (4 messages and a timeline entry
// each, an attachment on every tenth) on SQLite and on PostgreSQL; `parley backup` of each (SQLite:
// the online snapshot and the dump; PostgreSQL: the dump) with its time and file size, and `parley
// restore` of each into an empty database — same dialect, and SQLite → PostgreSQL, the way to move an
// instance. Rewrites the "Backup and restore" section of docs/benchmarks.md. Run alone with
// `node --import tsx bench/backup.ts` (PARLEY_BENCH_CASES to change the size), or in `npm run bench`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, migrateToLatest, type DatabaseHandle, type Dialect } from '../src/storage/db.ts';
import { KeyRing } from '../src/storage/encryption/key-ring.ts';
import { insertCases, insertMessage } from '../src/storage/repositories/case.repository.ts';
import {
  backupInstance,
  restoreInstance,
  type InstanceLocation,
} from '../src/services/backup/backup.service.ts';
import type { BackupKind } from '../src/storage/backup/backup-format.ts';
import { machine, writeSection } from './report-doc.ts';
import { benchCaseRow, text } from './bench-cases.ts';

const DOC = path.resolve('docs/benchmarks.md');
const HEADING = '## Backup and restore';
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CASES = Number(process.env.PARLEY_BENCH_CASES ?? 5_000);
const MESSAGES = 4;
const ATTACHMENT_BYTES = 16 * 1024;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-backup-'));
const keyFile = path.join(root, 'secret.key');
const ring = KeyRing.load(keyFile);

interface Instance {
  loc: InstanceLocation;
  handle: DatabaseHandle;
  drop(): Promise<void>;
}

async function instance(dialect: Dialect, label: string): Promise<Instance> {
  const dir = fs.mkdtempSync(path.join(root, `${label}-`));
  fs.copyFileSync(keyFile, path.join(dir, 'secret.key'));
  let databaseUrl: string | undefined;
  const name = `parley_bench_backup_${crypto.randomBytes(4).toString('hex')}`;
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const loc = { databaseUrl, sqlitePath: path.join(dir, 'parley.db'), keyFile: path.join(dir, 'secret.key') };
  const handle = openDatabase({ ...loc, keyRing: ring });
  return {
    loc,
    handle,
    async drop() {
      await handle.close();
      if (dialect === 'postgres') {
        const a = new pg.Client({ connectionString: PG_URL });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CASES encrypted cases written straight through the storage layer (the encryption plugin on). */
async function seed(db: DatabaseHandle['db']): Promise<void> {
  await migrateToLatest(db);
  const now = new Date().toISOString();
  const projectId = crypto.randomUUID();
  await db
    .insertInto('projects')
    .values({
      id: projectId,
      slug: 'bench',
      name: 'Bench',
      key: 'BENCH',
      description: '',
      last_case_number: CASES,
      created_at: now,
    })
    .execute();
  for (let start = 0; start < CASES; start += 200) {
    const rows = Array.from({ length: Math.min(200, CASES - start) }, (_, j) =>
      benchCaseRow(projectId, start + j + 1, now),
    );
    await insertCases(db, rows);
    await db.transaction().execute(async (trx) => {
      for (const [j, c] of rows.entries()) {
        await trx
          .insertInto('case_events')
          .values({
            case_id: c.id,
            at: now,
            type: 'report.created',
            actor_kind: 'reporter',
            visibility: 'reporter',
            data: '{}',
          })
          .execute();
        for (let m = 0; m < MESSAGES; m++)
          await insertMessage(trx, {
            id: crypto.randomUUID(),
            case_id: c.id,
            author_kind: 'reporter',
            visibility: 'reporter',
            channel: 'web',
            body: text(600),
            created_at: now,
          });
        if ((start + j) % 10 === 0) {
          const content = crypto.randomBytes(ATTACHMENT_BYTES);
          await trx
            .insertInto('attachments')
            .values({
              id: crypto.randomUUID(),
              case_id: c.id,
              filename: 'proof.bin',
              content_type: 'application/octet-stream',
              size: content.length,
              sha256: crypto.createHash('sha256').update(content).digest('hex'),
              content,
              created_at: now,
            })
            .execute();
        }
      }
    });
  }
}

interface Row {
  what: string;
  backupMs?: number;
  bytes?: number;
  restoreMs: number;
}

const rows: Row[] = [];
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function measure(from: Dialect, kind: BackupKind, into: Dialect[]) {
  const src = await instance(from, `src-${from}`);
  try {
    await seed(src.handle.db);
    const file = path.join(root, `${from}.${kind}`);
    const b = await backupInstance(src.loc, { file, format: kind });
    for (const to of into) {
      const target = await instance(to, `dst-${to}`);
      try {
        const r = await restoreInstance(target.loc, file);
        rows.push({
          what: `${from} → ${kind === 'sqlite' ? 'snapshot' : 'dump'} → ${to}`,
          backupMs: b.ms,
          bytes: b.bytes,
          restoreMs: r.ms,
        });
        console.log(rows.at(-1));
      } finally {
        await target.drop();
      }
    }
    fs.rmSync(file, { force: true });
  } finally {
    await src.drop();
  }
}

try {
  await measure('sqlite', 'sqlite', ['sqlite', 'postgres']);
  await measure('sqlite', 'dump', ['sqlite', 'postgres']);
  await measure('postgres', 'dump', ['postgres', 'sqlite']);
  const table = [
    '| backup → restore | backup time | file size | restore time (load, verify, commit) |',
    '|---|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.backupMs ? s(r.backupMs) : ''} | ${r.bytes ? mb(r.bytes) : ''} | ${s(r.restoreMs)} |`,
    ),
  ].join('\n');
  writeSection(
    DOC,
    HEADING,
    `${HEADING}\n\n` +
      `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/backup.ts\` on ${machine()}. ` +
      `An instance of ${CASES.toLocaleString('en')} cases, every report field encrypted, ${MESSAGES} messages and a ` +
      `timeline entry each and a ${ATTACHMENT_BYTES / 1024} KB attachment on every tenth; backed up with ` +
      '`parley backup` (SQLite: the online snapshot, and the dump; PostgreSQL: the dump) and restored with ' +
      '`parley restore` into an empty database. Restore time includes loading in one transaction, reading ' +
      'every table back to compare it with what was written, and committing.\n\n' +
      `${table}\n\n` +
      'The dump is gzip’d JSON lines: encrypted values are base64 ciphertext, which gzip brings back to about ' +
      'the size of the encrypted bytes, and no indexes; the snapshot is a page copy of the SQLite file, indexes ' +
      `and free pages included. Load average at the start: ${os.loadavg()[0]!.toFixed(1)} ` +
      `on ${os.cpus().length} cores (other processes running make every figure slower).\n`,
  );
  console.log(table);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
