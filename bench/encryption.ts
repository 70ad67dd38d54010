// Encryption at rest, measured: AES-256-GCM throughput of the envelopes (a title, a description, an
// attachment), and what it adds to reading the inbox and a case — the same 2,000 cases stored once in
// plaintext (no key ring) and once encrypted, read through the same services on SQLite and PostgreSQL.
// Rewrites the "Encryption at rest" section of docs/benchmarks.md. Run alone with
// `node --import tsx bench/encryption.ts`, or as part of `npm run bench`.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, migrateToLatest, type DatabaseHandle, type Dialect } from '../src/storage/db.ts';
import { createServices, type Services } from '../src/services/index.ts';
import { cryptoRandom, systemClock } from '../src/services/deps.ts';
import type { Actor } from '../src/services/actor.ts';
import { KeyRing } from '../src/storage/encryption/key-ring.ts';
import { newDataKey } from '../src/storage/encryption/key-file.ts';
import { columnAad, openValue, sealBlob, sealText } from '../src/storage/encryption/cipher.ts';
import { sealRow } from '../src/storage/encryption/encryption-plugin.ts';
import { insertCases, insertMessage } from '../src/storage/repositories/case.repository.ts';
import { writeSection } from './report-doc.ts';
import { benchCaseRow, text } from './bench-cases.ts';

const DOC = path.resolve('docs/benchmarks.md');
const HEADING = '## Encryption at rest';
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CASES = 2_000;
const MESSAGES = 20;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function timeIt(rounds: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm up: statement cache, JIT
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const ring = KeyRing.ofKeys(crypto.randomBytes(32), [newDataKey([])]);
const key = ring.current();

/** Seal and open ops per second and MB/s for a value of `bytes`. */
async function cipherRate(bytes: number, blob: boolean) {
  const aad = columnAad(blob ? 'attachments' : 'cases', blob ? 'content' : 'description');
  const value = blob ? crypto.randomBytes(bytes) : text(bytes);
  const n = Math.max(20, Math.min(20_000, Math.floor(50_000_000 / bytes)));
  const sealed = blob ? sealBlob(key, aad, value as Buffer) : sealText(key, aad, value as string);
  const seal = await timeIt(5, () => {
    for (let i = 0; i < n; i++) {
      if (blob) sealBlob(key, aad, value as Buffer);
      else sealText(key, aad, value as string);
    }
  });
  const open = await timeIt(5, () => {
    for (let i = 0; i < n; i++) openValue(ring, [aad], sealed);
  });
  const rate = (ms: number) => ({ ops: (n / ms) * 1000, mbs: ((n * bytes) / ms / 1000) | 0 });
  return { seal: rate(seal), open: rate(open) };
}

interface Store {
  handle: DatabaseHandle;
  services: Services;
  admin: Actor;
  key: string;
  drop(): Promise<void>;
}

/** A fresh database with CASES cases (one with MESSAGES messages), encrypted or not. */
async function store(dialect: Dialect, encrypted: boolean): Promise<Store> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-enc-'));
  let databaseUrl: string | undefined;
  const name = `parley_bench_enc_${crypto.randomBytes(4).toString('hex')}`;
  if (dialect === 'postgres') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(PG_URL);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const handle = openDatabase({
    databaseUrl,
    sqlitePath: path.join(dir, 'parley.db'),
    keyRing: encrypted ? ring : undefined,
  });
  await migrateToLatest(handle.db);
  const services = createServices({
    db: handle.db,
    dialect,
    clock: systemClock,
    random: cryptoRandom,
    passwords: { hash: async (p) => p, verify: async (h, p) => h === p },
    publicUrl: new URL('http://localhost:8080'),
    secret: ring.secret,
  });
  const user = await services.auth.createUser(
    { email: 'bench@example.org', name: 'Bench', password: 'x'.repeat(16) },
    { admin: true },
  );
  const admin: Actor = { kind: 'user', user, via: 'session' };
  const project = await services.projects.create('system', { slug: 'bench', name: 'Bench', key: 'BENCH' });
  const projectId = (await handle.db
    .selectFrom('projects')
    .select('id')
    .where('slug', '=', project.slug)
    .executeTakeFirstOrThrow())!.id;
  const now = new Date().toISOString();
  const rows = Array.from({ length: CASES }, (_, i) => benchCaseRow(projectId, i + 1, now));
  for (let i = 0; i < rows.length; i += 200) await insertCases(handle.db, rows.slice(i, i + 200));
  await handle.db.updateTable('projects').set({ last_case_number: CASES }).execute();
  const viewed = rows[CASES - 1]!;
  for (let m = 0; m < MESSAGES; m++)
    await insertMessage(handle.db, {
      id: cryptoRandom.uuid(),
      case_id: viewed.id,
      author_kind: m % 2 ? 'user' : 'reporter',
      author_user_id: m % 2 ? user.id : null,
      visibility: 'reporter',
      channel: 'web',
      body: text(600),
      created_at: now,
    });
  return {
    handle,
    services,
    admin,
    key: viewed.key,
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

/**
 * Median times of `fn` on the plaintext and the encrypted store, measured in alternation so that load
 * from other processes falls on both alike.
 */
async function compare(a: Store, b: Store, fn: (s: Store) => Promise<unknown>, rounds = 200) {
  for (let i = 0; i < 30; i++) {
    await fn(a);
    await fn(b);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [s, out] of r % 2
      ? ([
          [b, tb],
          [a, ta],
        ] as const)
      : ([
          [a, ta],
          [b, tb],
        ] as const)) {
      const t0 = performance.now();
      await fn(s);
      out.push(performance.now() - t0);
    }
  }
  return { plain: median(ta), sealed: median(tb) };
}

/** Bytes the cases table takes (SQLite: its pages; PostgreSQL: with its TOAST table). */
async function casesBytes(s: Store, dialect: Dialect): Promise<number> {
  const q =
    dialect === 'sqlite'
      ? sql<{ n: number }>`select sum(pgsize) as n from dbstat where name = 'cases'`
      : sql<{ n: string }>`select pg_total_relation_size('cases') as n`;
  return Number((await q.execute(s.handle.db)).rows[0]!.n);
}

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const sizes = [
  { what: 'title (70 B)', bytes: 70, blob: false },
  { what: 'description (4 KB)', bytes: 4096, blob: false },
  { what: 'attachment (1 MB)', bytes: 1 << 20, blob: true },
];
const cipherRows: string[] = [];
for (const s of sizes) {
  const r = await cipherRate(s.bytes, s.blob);
  const f = (x: { ops: number; mbs: number }) =>
    `${Math.round(x.ops).toLocaleString('en-US')}/s (${x.mbs} MB/s)`;
  cipherRows.push(`| ${s.what} | ${f(r.seal)} | ${f(r.open)} |`);
}

/** One report as intake writes it: the case row and its first timeline entry, every text field sealed. */
const { title, description, steps_to_reproduce, impact, affected_versions, suggested_fix, credit_name } =
  benchCaseRow('bench', 1, '');
const reportRow = {
  title,
  description,
  steps_to_reproduce,
  impact,
  affected_versions,
  suggested_fix,
  credit_name,
};
const sealedRow = sealRow(ring, 'cases', reportRow);
const reportSeal = await timeIt(5, () => {
  for (let i = 0; i < 2000; i++) {
    sealRow(ring, 'cases', reportRow);
    sealRow(ring, 'case_events', { data: '{"channel":"api","policyVersion":0}' });
  }
});
const reportOpen = await timeIt(5, () => {
  for (let i = 0; i < 2000; i++)
    for (const [k, v] of Object.entries(sealedRow)) openValue(ring, [columnAad('cases', k)], v);
});
const perReport = (ms: number) => `${((ms / 2000) * 1000).toFixed(0)} µs`;
cipherRows.push(
  `| one report (7 case fields, 3.6 KB, and its timeline entry) | ${perReport(reportSeal)} | ${perReport(reportOpen)} |`,
);

const loadBefore = os.loadavg()[0]!;
const readRows: string[] = [];
const dialects: Dialect[] = (await pgReachable()) ? ['sqlite', 'postgres'] : ['sqlite'];
for (const dialect of dialects) {
  const plain = await store(dialect, false);
  const sealed = await store(dialect, true);
  try {
    const inbox = await compare(plain, sealed, (s) => s.services.cases.list(s.admin, { limit: 50 }));
    const view = await compare(plain, sealed, (s) => s.services.cases.get(s.admin, { key: s.key }));
    const row = (what: string, r: { plain: number; sealed: number }) =>
      `| ${dialect} | ${what} | ${r.plain.toFixed(2)} ms | ${r.sealed.toFixed(2)} ms | ` +
      `${r.sealed >= r.plain ? '+' : ''}${(r.sealed - r.plain).toFixed(2)} ms |`;
    const [pa, pb] = [await casesBytes(plain, dialect), await casesBytes(sealed, dialect)];
    readRows.push(
      row(`inbox page (50 of ${CASES.toLocaleString('en-US')} cases)`, inbox),
      row(`case view (${MESSAGES} messages)`, view),
      `| ${dialect} | size of the cases table | ${(pa / 1e6).toFixed(1)} MB | ${(pb / 1e6).toFixed(1)} MB | ` +
        `+${(((pb - pa) / pa) * 100).toFixed(0)} % |`,
    );
  } finally {
    await plain.drop();
    await sealed.drop();
  }
}

const section = `${HEADING}

Run with \`npm run bench\` (bench/encryption.ts). Last run: ${new Date().toISOString()}.

**Machine:** ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}.

**Method.** AES-256-GCM through node:crypto as Parley stores values (random 96-bit IV, column-bound
additional data, base64url text envelopes); median of 5 rounds. Reads: ${CASES.toLocaleString('en-US')} cases
(title 70 B, description 2 KB, steps 800 B, impact 300 B, fix 400 B) and ${MESSAGES} messages of 600 B on the
viewed case, stored once without a key ring and once encrypted, then read through the services as an admin
(\`cases.list\` with 50 rows — the inbox; \`cases.get\` — the case page, timeline and messages included);
median of 200 rounds after 30 warm-up rounds, the two stores measured in alternation. Load average (1 min)
before and after: ${loadBefore.toFixed(1)}, ${os.loadavg()[0]!.toFixed(1)} (other work on the machine inflates all times, both columns alike).
The report intake section above is measured by bench/run.ts with encryption on from this release; its
figures were last written before encryption at rest existed. The cost intake adds per report is the
"one report" row below (on the main thread, before the batch goes to the writer). Reads pay for decryption
(see the first table: about 0.5 ms for the inbox's 50 titles) and for larger rows: an envelope is base64,
a third longer than its text plus about 55 characters, and SQLite's inbox query walks past the long text columns.

| value | encrypt (per second, or per report) | decrypt |
|---|---|---|
${cipherRows.join('\n')}

| database | read | plaintext | encrypted | difference |
|---|---|---|---|---|
${readRows.join('\n')}
`;

writeSection(DOC, HEADING, section);
console.log(section);
