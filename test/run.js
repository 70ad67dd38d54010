#!/usr/bin/env node
// `npm test`: unit, integration (SQLite and PostgreSQL) and e2e (Chromium) tests through node:test.
// PostgreSQL and Chromium are probed first. Without them their suites are skipped with a visible
// message — except under CI=true, where a missing PostgreSQL server fails the run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pgUrl = process.env.PARLEY_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const ci = process.env.CI === 'true' || process.env.CI === '1';

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    s.setTimeout(2000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

const env = { ...process.env };
if (await reachable(pgUrl)) {
  env.PARLEY_TEST_PG_URL = pgUrl;
  console.log(`PostgreSQL suite: on (${new URL(pgUrl).host})`);
} else if (ci) {
  console.error(
    `PostgreSQL suite is mandatory with CI=true, but no server answers at ${new URL(pgUrl).host}.`,
  );
  process.exit(1);
} else {
  env.PARLEY_TEST_PG_URL = '';
  console.log(
    `\n*** PostgreSQL suite SKIPPED: no server at ${new URL(pgUrl).host} (set PARLEY_TEST_PG_URL) ***\n`,
  );
}
const chromium = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
if (fs.existsSync(chromium)) {
  env.PARLEY_CHROMIUM = chromium;
  console.log(`E2E suite: on (${chromium})`);
} else {
  env.PARLEY_CHROMIUM = '';
  console.log(`\n*** E2E suite SKIPPED: no Chromium at ${chromium} (apt-get install chromium) ***\n`);
}
// test/integration/scanner-smoke.test.ts skips itself without them; say so up front too.
const scanners = ['sqlmap', 'wapiti'].filter(
  (c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status !== 0,
);
if (scanners.length) {
  console.log(
    `\n*** Scanner smoke test SKIPPED: ${scanners.join(' and ')} missing (apt-get install sqlmap wapiti) ***\n`,
  );
} else {
  console.log('Scanner smoke test: on (sqlmap, wapiti)');
}

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'helpers' ? [] : findTests(p);
    return /\.test\.tsx?$/.test(d.name) ? [p] : [];
  });
}
const only = process.argv.slice(2);
const files = only.length
  ? only
  : [...findTests(path.join(root, 'test')), ...findTests(path.join(root, 'src'))].sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
