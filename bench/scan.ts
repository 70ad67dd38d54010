// `npm run scan`: sqlmap and wapiti (Debian's packages) against a local, seeded Parley instance —
// public forms, sign-in, reporter case pages, team pages and the API. Writes docs/scans/ and the
// "## Scanners (sqlmap, wapiti)" section of docs/security-testing.md; exits 1 on any finding, 2 when
// the run itself went wrong (a tool missing, 429s, a target not tested).
//
//   npm run scan                 full run on SQLite (sqlmap level 3 risk 2, wapiti, three passes)
//   npm run scan -- --pg         the same on PostgreSQL (PARLEY_TEST_PG_URL or the local server)
//   npm run scan -- --quick      sqlmap level 1 risk 1 and short wapiti passes (a few minutes)
//   npm run scan -- --targets login,api-list --no-wapiti --no-doc
//   npm run scan -- --redoc      rewrite the doc section from docs/scans/summary.json (no scan)
//   npm run scan -- --crawl-seconds 600 --attack-seconds 300   (wapiti's caps; default 300 and 120)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runScan, type ScanOptions, type ScanReport } from './scan-run.ts';
import { WAPITI_MODULES } from './scan-wapiti.ts';
import { scanSection, summaries } from './scan-doc.ts';
import { writeSection } from './report-doc.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: a } = parseArgs({
  options: {
    pg: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    targets: { type: 'string' },
    'no-sqlmap': { type: 'boolean', default: false },
    'no-wapiti': { type: 'boolean', default: false },
    'no-doc': { type: 'boolean', default: false },
    'keep-logs': { type: 'boolean', default: false },
    redoc: { type: 'boolean', default: false },
    // wapiti's time caps: the crawl, and each attack module (a module stops where it is when hit).
    'crawl-seconds': { type: 'string' },
    'attack-seconds': { type: 'string' },
  },
});

const options: ScanOptions = {
  dialect: a.pg ? 'postgres' : 'sqlite',
  sqlmap: a['no-sqlmap']
    ? null
    : {
        level: a.quick ? 1 : 3,
        risk: a.quick ? 1 : 2,
        threads: a.quick ? 2 : 4,
        ...(a.targets ? { targets: a.targets.split(',') } : {}),
        timeoutMs: 30 * 60_000,
      },
  wapiti: a['no-wapiti']
    ? null
    : {
        runs: ['headers', 'public', 'team'],
        modules: WAPITI_MODULES,
        depth: a.quick ? 2 : 5,
        maxScanSeconds: Number(a['crawl-seconds'] ?? (a.quick ? 120 : 300)),
        maxAttackSeconds: Number(a['attack-seconds'] ?? (a.quick ? 30 : 120)),
      },
  log: (line) => console.log(`[scan ${new Date().toISOString().slice(11, 19)}] ${line}`),
};

const out = path.join(root, 'docs/scans');

/** Puts the written files in the repository's style (`npm run lint` checks them). */
function prettier(files: string[]) {
  const bin = path.join(root, 'node_modules/prettier/bin/prettier.cjs');
  spawnSync(process.execPath, [bin, '--write', ...files], { stdio: 'ignore' });
}

if (a.redoc) {
  // Rewrites the doc section from the last run's docs/scans/summary.json (after editing its text).
  const last = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as ScanReport;
  writeSection(
    path.join(root, 'docs/security-testing.md'),
    '## Scanners (sqlmap, wapiti)',
    scanSection(last),
  );
  prettier([path.join(root, 'docs/security-testing.md')]);
  process.exit(0);
}
const report = await runScan(options);
if (!a['no-doc']) {
  fs.mkdirSync(out, { recursive: true });
  const files = summaries(report);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(out, name), text);
  writeSection(
    path.join(root, 'docs/security-testing.md'),
    '## Scanners (sqlmap, wapiti)',
    scanSection(report),
  );
  prettier([out, path.join(root, 'docs/security-testing.md')]);
  console.log(`wrote docs/scans/{${Object.keys(files).join(',')}} and docs/security-testing.md`);
}
if (a['keep-logs']) console.log(`raw logs: ${report.workDir}`);
else fs.rmSync(report.workDir, { recursive: true, force: true });

console.log(`findings: ${report.findings}, run problems: ${report.problems}, ${report.seconds} s`);
for (const r of report.sqlmap)
  for (const f of [...r.findings, ...r.problems]) console.log(`  sqlmap ${r.name}: ${f}`);
for (const r of report.wapiti) {
  for (const f of r.findings)
    console.log(`  wapiti ${r.name}: ${f.category}: ${f.method} ${f.path} ${f.parameter} ${f.info}`);
  for (const p of r.problems) console.log(`  wapiti ${r.name}: ${p}`);
}
for (const c of report.cookies)
  if (c.problems.length) console.log(`  cookie ${c.name}: ${c.problems.join(', ')}`);
const missing = [report.versions.sqlmap ? '' : 'sqlmap', report.versions.wapiti ? '' : 'wapiti'].filter(
  Boolean,
);
if (missing.length) console.log(`not installed: ${missing.join(', ')} (apt-get install sqlmap wapiti)`);
process.exitCode = report.findings ? 1 : report.problems || missing.length ? 2 : 0;
