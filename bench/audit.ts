// The audit log, measured on SQLite and PostgreSQL with the real recorder and verifier: (1) what an
// append costs — alone in its own transaction (commit included), inside a running transaction (what an
// audited action adds before its own commit), and 20 writers at once (the chain lock serialises them);
// (2) how fast `parley audit verify` walks 100,000 entries, and the heap it needs meanwhile (it reads in
// pages, so that stays flat). Rewrites the "Audit log" section of docs/benchmarks.md.
// Run alone with `node --import tsx bench/audit.ts`.
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { openCore, type Core } from '../src/bootstrap.ts';
import { recordAudit } from '../src/services/audit/audit-log.ts';
import { auditHash, GENESIS_HASH, type AuditFields } from '../src/services/audit/audit-chain.ts';
import { sqliteDatabase, postgresDatabase, type BenchDatabase } from './children.ts';
import { cpuBusy, machine, writeSection } from './report-doc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC = path.join(here, '..', 'docs', 'benchmarks.md');
const HEADING = '## Audit log';
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ALONE = 1_000;
const IN_TRX = 2_000;
const WRITERS = 20;
const PER_WRITER = 100;
const CHAIN = 100_000;
const BATCH = 1_000;

interface Figures {
  name: string;
  aloneUs: number;
  inTrxUs: number;
  concurrentPerS: number;
  verifyPerS: number;
  verifyMs: number;
  verifiedOk: boolean;
  checked: number;
  heapMb: number;
}

/** The GC function, also when node was started without --expose-gc (as `npm run bench` is). */
function exposedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const entry = (i: number) => ({
  action: 'case.state-changed' as const,
  actor: 'system' as const,
  projectId: '0190a0b2-0000-7000-8000-000000000001',
  caseId: '0190a0b2-0000-7000-8000-000000000002',
  target: `BENCH-${i}`,
  data: { from: 'new', to: 'triaged', i },
});

/** Appends a valid chain of `n` entries quickly: hashes computed here, rows inserted in batches. */
async function fillChain(core: Core, n: number) {
  const db = core.handle.db;
  const last = await db
    .selectFrom('audit_log')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let prev = last?.hash ?? GENESIS_HASH;
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let done = 0; done < n; done += BATCH) {
    const rows = [];
    for (let i = done; i < Math.min(n, done + BATCH); i++) {
      const f: AuditFields = {
        at: new Date(start + i * 1000).toISOString(),
        action: 'case.state-changed',
        actor_kind: 'user',
        actor_user_id: '0190a0b2-0000-7000-8000-000000000003',
        actor_label: 'responder@example.org',
        ip: '203.0.113.7',
        project_id: '0190a0b2-0000-7000-8000-000000000001',
        case_id: '0190a0b2-0000-7000-8000-000000000002',
        target: `BENCH-${i}`,
        data: JSON.stringify({ from: 'new', to: 'triaged', i }),
      };
      const hash = auditHash(prev, f);
      rows.push({ ...f, prev_hash: prev, hash });
      prev = hash;
    }
    await db.insertInto('audit_log').values(rows).execute();
  }
}

async function measure(name: string, bdb: BenchDatabase): Promise<Figures> {
  const config = loadConfig({ ...bdb.env, LOG_LEVEL: 'silent', PARLEY_PUBLIC_URL: 'https://parley.example' });
  const core = await openCore(config, { migrate: true, poolSize: WRITERS });
  const { db } = core.handle;
  const deps = core.services.deps;
  try {
    for (let i = 0; i < 50; i++) await recordAudit(db, deps, entry(i)); // warm-up

    let t = performance.now();
    for (let i = 0; i < ALONE; i++) await recordAudit(db, deps, entry(i));
    const aloneUs = ((performance.now() - t) * 1000) / ALONE;

    t = performance.now();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < IN_TRX; i++) await recordAudit(trx, deps, entry(i));
    });
    const inTrxUs = ((performance.now() - t) * 1000) / IN_TRX;

    t = performance.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < PER_WRITER; i++) await recordAudit(db, deps, entry(w * PER_WRITER + i));
      }),
    );
    const concurrentPerS = (WRITERS * PER_WRITER) / ((performance.now() - t) / 1000);

    await fillChain(core, CHAIN);
    t = performance.now();
    const r = await core.services.audit.verify('system');
    const verifyMs = performance.now() - t;
    // A second walk for memory: the live heap (after a full GC) at every page, against before. Peak
    // heapUsed without GC would mostly count garbage not yet collected.
    const gc = exposedGc();
    gc();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    await core.services.audit.verify('system', {
      onPage: () => {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    return {
      name,
      aloneUs,
      inTrxUs,
      concurrentPerS,
      verifyMs,
      verifyPerS: r.checked / (verifyMs / 1000),
      verifiedOk: r.ok,
      checked: r.checked,
      heapMb: (peak - base) / 1024 / 1024,
    };
  } finally {
    await core.close();
  }
}

const figures: Figures[] = [];
// Wait up to a minute for other processes to quieten down; the figure is printed with the results.
let background = await cpuBusy(1000);
for (let waited = 0; background > 20 && waited < 60; waited++) background = await cpuBusy(1000);
for (const [name, make] of [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', () => postgresDatabase(PG_URL)],
] as const) {
  const bdb = await make();
  try {
    figures.push(await measure(name, bdb));
  } finally {
    await bdb.drop();
  }
}

const us = (n: number) => `${n < 100 ? n.toFixed(1) : Math.round(n)} µs`;
const section = `${HEADING}

Run with \`npm run bench\` (bench/audit.ts). Last run: ${new Date().toISOString()}.

**Machine:** ${machine()}. CPU in use by other processes just before the run: ${background} % (the
figures vary with it by a factor of up to two on this shared machine).

**Method.** The real recorder (\`recordAudit\`) and verifier (\`AuditService.verify\`, as \`parley audit
verify\` runs it) on a fresh database each. *Alone*: ${ALONE.toLocaleString('en-US')} appends one after
another, each in its own transaction (the commit and its fsync included). *In a transaction*:
${IN_TRX.toLocaleString('en-US')} appends inside one open transaction — what an audited action adds before
its own commit. *${WRITERS} writers*: ${WRITERS} concurrent writers (a pool of ${WRITERS} connections on
PostgreSQL) appending ${PER_WRITER} each; the chain lock serialises them. *Verify*: ${CHAIN.toLocaleString('en-US')}
entries (written in batches with their real hashes) checked from the start, in pages of 2,000;
live heap is the largest \`heapUsed\` after a full GC at each page of a second walk, above its level before.

| database | append alone | append in a transaction | ${WRITERS} writers | verify ${CHAIN / 1000}k entries | entries/s | live heap growth while verifying |
|---|---|---|---|---|---|---|
${figures
  .map(
    (f) =>
      `| ${f.name} | ${us(f.aloneUs)} | ${us(f.inTrxUs)} | ${Math.round(f.concurrentPerS).toLocaleString('en-US')} appends/s | ${(f.verifyMs / 1000).toFixed(2)} s${f.verifiedOk ? '' : ' (BROKEN)'} | ${Math.round(f.verifyPerS).toLocaleString('en-US')} | ${f.heapMb.toFixed(1)} MB |`,
  )
  .join('\n')}

The chain lock is held until commit, so audited transactions commit one after another: the ${WRITERS}-writer
figure is about the most audited actions per second this machine takes (one fsync each). Report intake
and the team's reading are not audited and do not wait for it. Verification is linear: a million entries take about
ten times the time above, in the same memory.
`;
writeSection(DOC, HEADING, section);
console.log(section);
if (figures.some((f) => !f.verifiedOk)) process.exitCode = 1;
