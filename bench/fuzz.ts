// The big fuzz run: at least 100,000 generated inputs (by default), split across every HTTP route
// (app.inject() on a real SQLite database, test/fuzz/endpoints.ts) and the importers (OSV JSON/YAML,
// inbound mail, OpenPGP armour, policy YAML: test/fuzz/importers.ts). Counts per target, duration and
// failures (each with the seed, target and fast-check path that reproduce it) go to the "Fuzzing"
// section of docs/benchmarks.md. Exits 1 on any failure.
//   node --import tsx bench/fuzz.ts [--runs N] [--seed S] [--only TARGET] [--path P]
// (`npm run fuzz`; also the last step of bench/run.ts).
import path from 'node:path';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTestApp } from '../test/helpers/app.ts';
import { createTestServices } from '../test/helpers/services.ts';
import { endpointWorld, fuzzEndpoints } from '../test/fuzz/endpoints.ts';
import { importerWorld, fuzzImporters, type IMPORTERS } from '../test/fuzz/importers.ts';
import { formatFailure, type TargetResult } from '../test/fuzz/runner.ts';
import { machine, writeSection } from './report-doc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const DOC = path.join(here, '..', 'docs', 'benchmarks.md');
const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  // Also imported by bench/run.ts, whose own arguments are not ours.
  strict: false,
  options: {
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    only: { type: 'string' },
    path: { type: 'string' },
  },
});
const TOTAL = Number(args.runs);
const SEED = Number(args.seed);
const only = typeof args.only === 'string' ? args.only : undefined;
const replay = typeof args.path === 'string' ? args.path : undefined;
const TIMEOUT_MS = 15_000;
// Importer inputs cost more than most requests (mail parsing, OpenPGP, a database import per OSV
// file): a quarter of the inputs go to them, spread by these weights.
const IMPORTER_SHARE = 0.25;
const WEIGHTS: Record<(typeof IMPORTERS)[number], number> = {
  'osv-json': 1,
  'osv-yaml': 1,
  mail: 1,
  'pgp-public-key': 1.5,
  'pgp-decrypt': 1.5,
  'policy-yaml': 2,
};

const started = Date.now();
console.log(`fuzz: seed ${SEED}, ${TOTAL.toLocaleString('en-US')} inputs`);
const results: TargetResult[] = [];

const t = await createTestApp('sqlite');
const fw = await endpointWorld(t);
const routes = t.app.parley.routes.length;
const perRoute = Math.max(1, Math.round((TOTAL * (1 - IMPORTER_SHARE)) / routes));
const statuses = new Map<number, number>();
results.push(
  ...(await fuzzEndpoints(fw, {
    seed: SEED,
    runsPerRoute: perRoute,
    timeoutMs: TIMEOUT_MS,
    only,
    path: replay,
    statuses,
  })),
);
await t.close();
const endpointMs = Date.now() - started;
console.log(`endpoints: ${routes} routes × ${perRoute} in ${Math.round(endpointMs / 1000)} s`);

const ts = await createTestServices('sqlite');
const iw = await importerWorld(ts.services, ts.tdb.handle.db);
const weightSum = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
const unit = (TOTAL * IMPORTER_SHARE) / weightSum;
results.push(
  ...(await fuzzImporters(iw, {
    seed: SEED,
    runsPerRoute: unit,
    scale: WEIGHTS,
    timeoutMs: TIMEOUT_MS,
    only,
    path: replay,
  })),
);
await ts.close();
await fs.rm(iw.dir, { recursive: true, force: true });

const seconds = (Date.now() - started) / 1000;
const failures = results.flatMap((r) => r.failures);
const endpointRuns = results.filter((r) => r.target.startsWith('endpoint ')).reduce((n, r) => n + r.runs, 0);
const total = results.reduce((n, r) => n + r.runs, 0);
for (const f of failures) console.log(`FAILURE ${formatFailure(f)}`);
console.log(`fuzz: ${total} inputs in ${seconds.toFixed(0)} s, ${failures.length} failures`);

if (!only && !replay) {
  const importerRows = results
    .filter((r) => r.target.startsWith('importer '))
    .map(
      (r) =>
        `| ${r.target.replace('importer ', '')} | ${r.runs.toLocaleString('en-US')} | ${(r.ms / 1000).toFixed(1)} s | ${r.failures.length} |`,
    );
  const slowest = results
    .filter((r) => r.target.startsWith('endpoint '))
    .sort((a, b) => b.ms / b.runs - a.ms / a.runs)
    .slice(0, 5)
    .map((r) => `${r.target.replace('endpoint ', '`')}\` ${(r.ms / r.runs).toFixed(1)} ms`);
  const statusLine = [...statuses]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}: ${n.toLocaleString('en-US')}`)
    .join(', ');
  writeSection(
    DOC,
    '## Fuzzing',
    `## Fuzzing

Written by \`bench/fuzz.ts\` (\`npm run fuzz\`) on ${new Date().toISOString().slice(0, 10)}; ${machine()}.
Property-based fuzzing with fast-check, seed ${SEED}: ${total.toLocaleString('en-US')} generated inputs in
${seconds.toFixed(0)} s, **${failures.length} failures** (no 5xx, no exception other than a domain error, no
answer slower than ${TIMEOUT_MS / 1000} s, every API error problem+json). What is generated and the limits
enforced: [security-testing.md](security-testing.md#hostile-input-fuzzing).

| target | inputs | time | failures |
|---|---:|---:|---:|
| HTTP: all ${routes} routes (${perRoute} each; SQLite) | ${endpointRuns.toLocaleString('en-US')} | ${(endpointMs / 1000).toFixed(1)} s | ${results.filter((r) => r.target.startsWith('endpoint ')).reduce((n, r) => n + r.failures.length, 0)} |
${importerRows.join('\n')}

HTTP answers by status: ${statusLine}. Slowest routes per request: ${slowest.join(', ')}.
${failures.length ? `\nFailures (reproduce with \`node --import tsx bench/fuzz.ts --seed S --only 'TARGET' --path P\`):\n\n${failures.map((f) => `- ${f.target}: ${f.error.slice(0, 200)} (seed ${f.seed}, path ${f.path})`).join('\n')}\n` : ''}`,
  );
  console.log(`Wrote ${path.relative(process.cwd(), DOC)}.`);
}
if (failures.length) process.exitCode = 1;
