// The CI share of `npm run scan` (bench/scan.ts): sqlmap at level 1 on three targets and two short
// wapiti passes against a real `parley serve` process on a seeded SQLite database, asserting no
// finding and a valid run (no 429, every target tested). Needs Debian's sqlmap and wapiti packages;
// without them it says so and is skipped. Also checks that the output readers do catch a finding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { runScan } from '../../bench/scan-run.ts';
import { parseSqlmapOutput } from '../../bench/scan-sqlmap.ts';
import { readWapitiReport } from '../../bench/scan-wapiti.ts';

const installed = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const missing = ['sqlmap', 'wapiti'].filter((c) => !installed(c));
const skip = missing.length
  ? `${missing.join(' and ')} not installed (apt-get install sqlmap wapiti): scanner smoke test SKIPPED`
  : false;
if (skip) console.log(`# ${skip}`);

test('the readers count what sqlmap and wapiti report as findings', () => {
  const confirmed = parseSqlmapOutput(
    [
      "[10:00:00] [INFO] testing for SQL injection on GET parameter 'q'",
      "[10:00:01] [INFO] GET parameter 'q' appears to be 'AND boolean-based blind' injectable",
      "[10:00:02] [INFO] GET parameter 'q' is 'Generic UNION query (NULL) - 1 to 20 columns' injectable",
      'sqlmap identified the following injection point(s) with a total of 40 HTTP(s) requests:',
      '[10:00:03] [WARNING] HTTP error codes detected during run:',
      '500 (Internal Server Error) - 2 times, 429 (Too Many Requests) - 3 times',
    ].join('\n'),
  );
  assert.deepEqual(confirmed.tested, ["GET parameter 'q'"]);
  assert.ok(confirmed.findings.some((f) => f.includes('identified the following injection point')));
  assert.ok(confirmed.findings.some((f) => f.includes('HTTP 500')));
  assert.ok(confirmed.problems.some((p) => p.includes('429')));

  const rejected = parseSqlmapOutput(
    [
      "[10:00:00] [INFO] testing for SQL injection on POST parameter 'title'",
      "[10:00:01] [INFO] POST parameter 'title' appears to be 'AND boolean-based blind' injectable ",
      "[10:00:02] [INFO] checking if the injection point on POST parameter 'title' is a false positive",
      '[10:00:02] [WARNING] false positive or unexploitable injection point detected',
      "[10:00:03] [WARNING] heuristic (basic) test shows that POST parameter 'x' might not be injectable",
    ].join('\n'),
  );
  assert.deepEqual(rejected.findings, []);
  assert.equal(rejected.rejected.length, 1);

  const items = readWapitiReport({
    vulnerabilities: {
      'Cross Site Scripting': [{ method: 'GET', path: '/advisories', parameter: 'q', info: 'XSS in q' }],
      'HTTP Secure Headers': [
        { method: 'GET', path: '/', parameter: '', info: 'X-XSS-Protection is not set' },
      ],
    },
    anomalies: {
      'Internal Server Error': [{ method: 'POST', path: '/login', parameter: 'email', info: '500' }],
    },
  });
  assert.deepEqual(
    items.filter((i) => !i.accepted).map((i) => i.category),
    ['Cross Site Scripting', 'Internal Server Error'],
  );
});

test('sqlmap and wapiti find nothing on a seeded instance', { skip, timeout: 240_000 }, async () => {
  const report = await runScan({
    dialect: 'sqlite',
    sqlmap: {
      level: 1,
      risk: 1,
      threads: 2,
      targets: ['login', 'api-list', 'osv-query'],
      timeoutMs: 120_000,
    },
    wapiti: {
      runs: ['headers', 'public'],
      modules: ['cookieflags', 'http_headers', 'csp', 'xss', 'sql', 'csrf', 'redirect'],
      depth: 1,
      maxScanSeconds: 60,
      maxAttackSeconds: 15,
    },
  });
  try {
    const detail = JSON.stringify({ sqlmap: report.sqlmap, wapiti: report.wapiti.map((w) => w.findings) });
    assert.equal(report.sqlmap.length, 3);
    for (const t of report.sqlmap) {
      assert.ok(t.tested.length >= 1, `${t.name}: sqlmap tested nothing`);
      assert.equal(t.httpErrors['429'], undefined, `${t.name} was rate limited`);
    }
    // The payloads reached the handlers: the API refused invalid values rather than all failing alike.
    assert.ok((report.sqlmap.find((t) => t.name === 'api-list')!.httpErrors['422'] ?? 0) > 0, detail);
    assert.equal(report.wapiti.length, 2);
    for (const w of report.wapiti) assert.ok((w.resources ?? 0) >= 5, `wapiti ${w.name} found too little`);
    assert.deepEqual(
      report.cookies.filter((c) => c.problems.length),
      [],
      'cookie flags',
    );
    assert.equal(report.problems, 0, detail);
    assert.equal(report.findings, 0, detail);
  } finally {
    fs.rmSync(report.workDir, { recursive: true, force: true });
  }
});
