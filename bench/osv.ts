// OSV import and the osv.dev-compatible query API, measured on SQLite and PostgreSQL: the time to
// import both shared data sets (../shared/data/osv), /v1/querybatch with 1,000 mixed queries (hits
// and misses) against a target of < 50 ms per batch, and single /v1/query throughput under load.
// Everything goes through the real server over loopback HTTP. Rewrites the "OSV import and query
// API" section of docs/benchmarks.md. Run alone with `node --import tsx bench/osv.ts`.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config.ts';
import { openCore } from '../src/bootstrap.ts';
import { buildApp } from '../src/http/app.ts';
import { readOsvFiles } from '../src/integrations/osv/osv-files.ts';
import { sqliteDatabase, postgresDatabase, type BenchDatabase } from './children.ts';
import { writeSection } from './report-doc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC = path.join(here, '..', 'docs', 'benchmarks.md');
const HEADING = '## OSV import and query API';
const DATA = path.join(here, '..', '..', 'shared', 'data', 'osv');
const SETS = [path.join(DATA, 'pypa'), path.join(DATA, 'rustsec')];
const PG_URL = process.env.PARLEY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCHES = 30;
const TARGET_MS = 50;

type Query = { package: { name: string; ecosystem: string }; version: string };

/** 1,000 queries from the data itself: half at a version a record lists as affected, half misses. */
async function buildQueries(): Promise<Query[]> {
  const hits: Query[] = [];
  const misses: Query[] = [];
  for await (const item of readOsvFiles(SETS)) {
    const r = item.raw as {
      affected?: {
        package?: { name: string; ecosystem: string };
        versions?: string[];
        ranges?: { type: string; events: Record<string, string>[] }[];
      }[];
    };
    for (const a of r?.affected ?? []) {
      if (!a.package) continue;
      const pkg = { name: a.package.name, ecosystem: a.package.ecosystem };
      const introduced = a.ranges
        ?.flatMap((g) => g.events.map((e) => e.introduced))
        .find((v) => v && v !== '0');
      const version = a.versions?.[0] ?? introduced;
      if (version && hits.length < 500) hits.push({ package: pkg, version });
      if (misses.length < 250) misses.push({ package: pkg, version: '99999.0.0' });
    }
  }
  for (let i = 0; misses.length < 500; i++)
    misses.push({ package: { name: `no-such-package-${i}`, ecosystem: 'PyPI' }, version: '1.0' });
  const all = [...hits, ...misses];
  // Interleave so hits and misses are spread through the batch.
  return all
    .map((q, i) => ({ q, k: (i * 7919) % all.length }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.q);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

interface Figures {
  name: string;
  importMs: number;
  imported: number;
  refused: number;
  batchMedian: number;
  batchP95: number;
  batchHits: number;
  queryRps: number;
  queryP50: number;
  queryP99: number;
}

async function measure(name: string, db: BenchDatabase, queries: Query[]): Promise<Figures> {
  const config = loadConfig({ ...db.env, LOG_LEVEL: 'silent', PARLEY_QUERY_RATE_LIMIT: '10000000' });
  const core = await openCore(config, { migrate: true });
  try {
    await core.services.projects.create('system', { slug: 'imports', name: 'Imported advisories' });
    const t0 = performance.now();
    const report = await core.services.advisoryImport.importOsv('system', 'imports', readOsvFiles(SETS));
    const importMs = performance.now() - t0;
    const app = await buildApp({
      config,
      services: core.services,
      secret: Buffer.alloc(32, 1),
      logger: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}`;
    try {
      const body = JSON.stringify({ queries });
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < BATCHES + 3; i++) {
        const s = performance.now();
        const res = await fetch(`${url}/v1/querybatch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const json = (await res.json()) as { results: { vulns?: unknown[] }[] };
        const ms = performance.now() - s;
        if (res.status !== 200 || json.results.length !== queries.length)
          throw new Error(`querybatch answered ${res.status}: ${JSON.stringify(json).slice(0, 500)}`);
        hits = json.results.filter((r) => r.vulns?.length).length;
        if (i >= 3) times.push(ms); // the first batches warm the caches
      }
      const single = await autocannon({
        url,
        connections: 10,
        duration: 5,
        requests: [
          {
            method: 'POST',
            path: '/v1/query',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(queries.find((q) => !q.package.name.startsWith('no-such'))),
          },
        ],
      });
      if (single.non2xx || single.errors)
        throw new Error(`/v1/query: ${single.non2xx} non-2xx, ${single.errors} errors`);
      return {
        name,
        importMs,
        imported: report.created,
        refused: report.invalid.length,
        batchMedian: median(times),
        batchP95: pct(times, 0.95),
        batchHits: hits,
        queryRps: single.requests.average,
        queryP50: single.latency.p50,
        queryP99: single.latency.p99,
      };
    } finally {
      await app.close();
    }
  } finally {
    await core.close();
  }
}

const queries = await buildQueries();
const figures: Figures[] = [];
for (const [name, make] of [
  ['SQLite', async () => sqliteDatabase()],
  ['PostgreSQL', () => postgresDatabase(PG_URL)],
] as const) {
  const db = await make();
  try {
    figures.push(await measure(name, db, queries));
  } finally {
    await db.drop();
  }
}

const missed = figures.filter((f) => f.batchMedian >= TARGET_MS);
const section = `${HEADING}

Run with \`npm run bench\` (bench/osv.ts). Last run: ${new Date().toISOString()}.

**Machine:** ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}.

**Method.** Both shared data sets (PyPA, 2,661 YAML records; RustSec, 1,206 JSON records) imported with
\`parley import osv\`'s service into a fresh database. Then, over loopback HTTP against the real server:
${BATCHES} POSTs of one \`/v1/querybatch\` with ${queries.length.toLocaleString('en-US')} queries (half at a
version a record lists as affected; half at version 99999.0.0 of a known package or for an unknown package —
open-ended ranges make a few of those hit too), after 3 warm-up batches; and \`/v1/query\` (one package and version that has advisories, full OSV records in the answer) with
autocannon, 10 connections for 5 s. Target: a batch in < ${TARGET_MS} ms.

| database | import both sets | records imported / refused | querybatch (1,000) median | p95 | queries with hits | /v1/query req/s | p50 | p99 |
|---|---|---|---|---|---|---|---|---|
${figures
  .map(
    (f) =>
      `| ${f.name} | ${(f.importMs / 1000).toFixed(1)} s | ${f.imported} / ${f.refused} | ${f.batchMedian.toFixed(1)} ms | ${f.batchP95.toFixed(1)} ms | ${f.batchHits} | ${Math.round(f.queryRps)} | ${f.queryP50} ms | ${f.queryP99} ms |`,
  )
  .join('\n')}

${missed.length ? `**Target missed** on ${missed.map((f) => f.name).join(', ')}.` : `Both databases meet the < ${TARGET_MS} ms target.`}
`;
writeSection(DOC, HEADING, section);
console.log(section);
if (missed.length) process.exitCode = 1;
