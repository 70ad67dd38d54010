// `npm run bench`: report-intake throughput of Parley against a bare Fastify route. Each server runs
// in a child process (bench/server-child.ts, bench/bare-child.ts); autocannon drives it from here.
// Prints a table, checks that every 2xx answer left a case in the database, and rewrites the
// "Report intake (API)" section of docs/benchmarks.md. Exits 1 if any request failed.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startChild,
  stopChild,
  sqliteDatabase,
  postgresDatabase,
  type BenchDatabase,
  type Child,
} from './children.ts';
import { drive, PROJECT_SLUG, REPORT, type LoadResult } from './load.ts';
import { cpuBusy, table, writeDoc, type Row } from './report-doc.ts';

const CONNECTIONS = 100;
const SECONDS = 10;
const WARMUP_REQUESTS = 1000;
const WARMUP_SECONDS = 2;
/** CPU use by other processes (%) above which figures are flagged as unreliable. */
const BUSY = 15;
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');

interface Target {
  name: string;
  file: string;
  database?: () => Promise<BenchDatabase>;
  /** Diagnostic: Parley's HTTP stack with the intake's database work stubbed out (no durability check). */
  stub?: boolean;
}

const targets: Target[] = [
  { name: 'bare route', file: 'bare-child.ts' },
  { name: 'Parley on SQLite', file: 'server-child.ts', database: async () => sqliteDatabase() },
  { name: 'Parley on PostgreSQL', file: 'server-child.ts', database: () => postgresDatabase(PG_URL) },
  {
    name: 'Parley, database stubbed',
    file: 'server-child.ts',
    database: async () => sqliteDatabase(),
    stub: true,
  },
];

const problems: string[] = [];
const durability: string[] = [];
const backgrounds: string[] = [];
let busyMachine = false;
const results = new Map<string, LoadResult>();
let current: { child?: Child; db?: BenchDatabase } = {};

/** Requests for about `seconds` at `rps`: a whole number per connection, at least 10 each. */
function sized(rps: number, seconds: number): number {
  return Math.max(10, Math.round((rps * seconds) / CONNECTIONS)) * CONNECTIONS;
}

/** CPU use by other processes before a run (%); waits up to 30 s for the machine to quieten down. */
async function quietMachine(): Promise<number> {
  let busy = await cpuBusy(1000);
  for (let waited = 0; busy > BUSY && waited < 30; waited++) {
    if (waited === 0)
      console.log(`(machine busy: ${busy} % CPU in use by other processes; waiting up to 30 s)`);
    busy = await cpuBusy(1000);
  }
  return busy;
}

function check(name: string, phase: string, r: LoadResult) {
  if (r.non2xx || r.errors || r.timeouts || r.twoxx !== r.requests) {
    problems.push(
      `${name} (${phase}): ${r.twoxx} 2xx, ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors, ${r.timeouts} timeouts`,
    );
  }
}

async function runTarget(t: Target) {
  const db = await t.database?.();
  current = { db };
  try {
    const child = await startChild(t.file, {
      ...db?.env,
      BENCH_PROJECT: PROJECT_SLUG,
      LOG_LEVEL: 'silent',
      PARLEY_INTAKE_RATE_LIMIT: '10000000',
      // 100 connections from one address: the production cap of 50 per address would close half.
      PARLEY_MAX_CONNECTIONS_PER_IP: '0',
      // Every bench report comes from one address: per-reporter limits would refuse all but the first few.
      PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
      PARLEY_REPORTER_REPORTS_PER_DAY: '0',
      PARLEY_PUBLIC_URL: 'http://localhost:8080',
      ...(t.stub ? { BENCH_STUB_INTAKE: '1' } : {}),
    });
    current.child = child;
    const url = `http://127.0.0.1:${child.port}`;
    const background = await quietMachine();
    backgrounds.push(`${t.name}: ${background} %`);
    if (background > BUSY) busyMachine = true;
    process.stdout.write(`${t.name} (${child.database}, background CPU ${background} %): warm-up… `);
    // Warm up (JIT, caches, database pages) until the rate settles, then size the measured run from it.
    const warmups = [await drive(url, { connections: CONNECTIONS, amount: WARMUP_REQUESTS })];
    for (let i = 0; i < 3; i++) {
      const rate = warmups.at(-1)!.rps;
      const w = await drive(url, { connections: CONNECTIONS, amount: sized(rate, WARMUP_SECONDS) });
      warmups.push(w);
      if (w.rps < rate * 1.2) break;
    }
    warmups.forEach((w) => check(t.name, 'warm-up', w));
    const warm = warmups.at(-1)!;
    const amount = sized(warm.rps, SECONDS);
    process.stdout.write(`${Math.round(warm.rps)}/s; measuring ${amount} requests… `);
    const main = await drive(url, { connections: CONNECTIONS, amount });
    check(t.name, 'measured run', main);
    results.set(t.name, main);
    console.log(`${Math.round(main.rps)}/s in ${main.seconds.toFixed(1)} s`);
    if (db && !t.stub) {
      await stopChild(child, 'SIGKILL');
      const cases = await db.countCases();
      const answered = [...warmups, main].reduce((sum, r) => sum + r.twoxx, 0);
      const ok = cases === answered;
      durability.push(
        `${t.name}: ${cases} cases in the database, ${answered} 2xx answers (warm-up and measured run): ${ok ? 'equal' : 'MISMATCH'}.`,
      );
      if (!ok) problems.push(`${t.name}: ${cases} cases in the database but ${answered} 2xx answers`);
    }
  } finally {
    await cleanup();
  }
}

async function cleanup() {
  const { child, db } = current;
  current = {};
  if (child) await stopChild(child, 'SIGTERM');
  await db?.drop();
}

process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));

// The machine's speed drifts between runs (shared host), so the bare route is measured right before
// each Parley server and each ratio is taken against that neighbouring run.
const bareTarget = targets.find((t) => t.name === 'bare route')!;
const bareRuns: LoadResult[] = [];
const pairedBare = new Map<string, LoadResult>();
for (const t of targets) {
  if (t === bareTarget) continue;
  await runTarget(bareTarget);
  const bare = results.get(bareTarget.name)!;
  bareRuns.push(bare);
  pairedBare.set(t.name, bare);
  await runTarget(t);
}
const median = [...bareRuns].sort((a, b) => a.rps - b.rps)[Math.floor(bareRuns.length / 2)]!;
results.set(bareTarget.name, median);

const rows: Row[] = targets.map((t) => {
  const r = results.get(t.name)!;
  const bare = pairedBare.get(t.name);
  return {
    name: t === bareTarget ? `bare route (median of ${bareRuns.length} runs)` : t.name,
    rps: r.rps,
    p50: r.p50,
    p99: r.p99,
    requests: r.requests,
    seconds: r.seconds,
    ...(bare ? { ratio: r.rps / bare.rps, bareRps: bare.rps } : {}),
  };
});
const bareRange = `${Math.round(Math.min(...bareRuns.map((b) => b.rps)))}–${Math.round(Math.max(...bareRuns.map((b) => b.rps)))}`;
console.log(`\n${table(rows)}\n`);

if (problems.length) {
  console.error(
    `BENCH FAILED — not every request was answered 2xx, or a 2xx answer left no case:\n  - ${problems.join('\n  - ')}`,
  );
  console.error('docs/benchmarks.md was not updated.');
  process.exit(1);
}

const sqlite = rows.find((r) => r.name === 'Parley on SQLite')!;
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');
const targetLines = [
  `Parley on SQLite ≥ 30 % of the bare route's throughput: ${met(sqlite.ratio! >= 0.3)} (${(sqlite.ratio! * 100).toFixed(1)} %).`,
  `Parley on SQLite p99 latency < 50 ms: ${met(sqlite.p99 < 50)} (${sqlite.p99} ms).`,
];
if (busyMachine) {
  targetLines.unshift(
    '**Other processes were using the CPU when a run started: these figures are unreliable; run again on a quiet machine.**',
  );
}
targetLines.forEach((l) => console.log(l.replaceAll('**', '')));
durability.forEach((l) => console.log(l));
writeDoc(DOC, {
  date: new Date().toISOString(),
  rows,
  connections: CONNECTIONS,
  targetSeconds: SECONDS,
  bodyBytes: Buffer.byteLength(JSON.stringify({ ...REPORT, title: 'Bench report 1000' })),
  warmup: `${WARMUP_REQUESTS.toLocaleString('en-US')} requests, then rounds of about ${WARMUP_SECONDS} s until the rate rises by less than 20 %`,
  targets: targetLines,
  background: backgrounds,
  durability,
  bareRange,
});
console.log(`Wrote ${path.relative(process.cwd(), DOC)}.`);

// Deadline arithmetic, measured in this process after the servers are gone (its own section).
await import('./clocks.ts');
await import('./osv.ts');
await import('./mail.ts');
await import('./encryption.ts');
await import('./similar.ts');
await import('./audit.ts');
await import('./backup.ts');
await import('./crash.ts');
await import('./fuzz.ts');
await import('./flood.ts');
