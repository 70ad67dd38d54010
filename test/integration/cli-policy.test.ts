// `parley policy check|render` as a maintainer or CI job runs it: a real process, files on disk,
// FILE:line:column problems on stderr, exit codes 0 / 1 (invalid policy) / 2 (bad usage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const bin = path.resolve('bin/parley.js');
const example = path.resolve('examples/policies/raft-kv.yaml');

function parley(args: string[], env: Record<string, string | undefined> = {}) {
  const base: Record<string, string | undefined> = { ...process.env, DATABASE_URL: '', PORT: undefined };
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...base, PARLEY_PUBLIC_URL: 'https://parley.example', ...env } as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tempFile(name: string, text: string): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-policy-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('policy check: a valid file exits 0 and says ok', () => {
  const r = parley(['policy', 'check', example]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `${example}: ok\n`);
  assert.equal(r.err, '');
  const json = parley(['policy', 'check', example, '--json']);
  assert.equal(json.code, 0, json.err);
  assert.deepEqual(JSON.parse(json.out), { ok: true, warnings: [] });
});

test('policy check: a broken file exits 1 with FILE:line:column: message per problem', () => {
  const { file, cleanup } = tempFile(
    'broken.yaml',
    [
      'policyFormat: 1',
      'sla:',
      '  timeZone: Mars/Olympus',
      '  tmeZone: UTC',
      'supportedVersions:',
      '  - { range: "1.2.x.y", supported: true }',
      '',
    ].join('\n'),
  );
  try {
    const r = parley(['policy', 'check', file]);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    const lines = r.err.trim().split('\n');
    assert.equal(lines.length, 3, r.err);
    assert.match(lines[0]!, new RegExp(`^${escape(file)}:3:13: .*Mars/Olympus.*IANA time zone`));
    assert.match(lines[1]!, new RegExp(`^${escape(file)}:4:3: .*unknown property`));
    assert.match(lines[2]!, new RegExp(`^${escape(file)}:6:14: .*semver range`));

    const json = parley(['policy', 'check', file, '--json']);
    assert.equal(json.code, 1);
    const body = JSON.parse(json.out);
    assert.equal(body.ok, false);
    assert.deepEqual(
      body.problems.map((p: { path: string; line: number; column: number }) => [p.path, p.line, p.column]),
      [
        ['/sla/timeZone', 3, 13],
        ['/sla/tmeZone', 4, 3],
        ['/supportedVersions/0/range', 6, 14],
      ],
    );
  } finally {
    cleanup();
  }
});

test('policy check: YAML syntax errors and warnings', () => {
  const bad = tempFile('syntax.yaml', 'policyFormat: 1\nsla:\n  timeZone: UTC\n  timeZone: UTC\n');
  const doubtful = tempFile(
    'doubtful.yaml',
    'policyFormat: 1\nscope:\n  outOfScope:\n    - { id: spam, title: Spam }\n',
  );
  try {
    const r = parley(['policy', 'check', bad.file]);
    assert.equal(r.code, 1);
    assert.match(r.err, new RegExp(`^${escape(bad.file)}:4:3: YAML: duplicate key "timeZone"`));
    const w = parley(['policy', 'check', doubtful.file]);
    assert.equal(w.code, 0, w.err);
    assert.equal(w.out, `${doubtful.file}: ok\n`);
    assert.match(w.err, new RegExp(`^${escape(doubtful.file)}:4:7: warning: .*no reason given`));
  } finally {
    bad.cleanup();
    doubtful.cleanup();
  }
});

test('policy render security-txt: URLs from PARLEY_PUBLIC_URL and the slug', () => {
  const r = parley(['policy', 'render', example, '--format', 'security-txt']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.equal(
    lines.filter((l) => l.startsWith('Contact: '))[0],
    'Contact: https://parley.example/p/raft-kv/report',
  );
  assert.ok(lines.includes('Contact: mailto:security@raft-kv.example'));
  assert.ok(lines.includes('Canonical: https://parley.example/p/raft-kv/security.txt'));
  assert.ok(lines.includes('Policy: https://parley.example/p/raft-kv'));
  assert.ok(!lines.some((l) => l.startsWith('Acknowledgments:')), 'no hall of fame page to point at yet');
  assert.equal(lines.filter((l) => l.startsWith('Expires: ')).length, 1);
  const expires = Date.parse(lines.find((l) => l.startsWith('Expires: '))!.slice(9));
  assert.ok(expires > Date.now() && expires < Date.now() + 365 * 24 * 3600 * 1000);

  const slug = parley(['policy', 'render', example, '--format', 'security-txt', '--slug', 'kv'], {
    PARLEY_PUBLIC_URL: undefined,
  });
  assert.equal(slug.code, 0, slug.err);
  assert.match(slug.out, /^Policy: http:\/\/localhost:8080\/p\/kv$/m, 'default public URL');
});

test('policy render security-md: the project name and the policy tables', () => {
  const r = parley(['policy', 'render', example, '--format', 'security-md', '--project-name', 'Raft KV']);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.out.startsWith('# Security policy of Raft KV\n'));
  assert.match(r.out, /\| Critical \| 9\.0–10\.0 \| 24–48 hours \|/);
  assert.match(r.out, /\| 1\.x \| ✅ \|/);
  assert.match(r.out, /<https:\/\/parley\.example\/p\/raft-kv\/report>/);
});

test('policy render: unknown format exits 2, invalid policy and missing file exit 1', () => {
  const fmt = parley(['policy', 'render', example, '--format', 'html']);
  assert.equal(fmt.code, 2);
  assert.match(fmt.err, /unknown format "html".*security-md, security-txt/);
  assert.equal(fmt.out, '');

  const { file, cleanup } = tempFile('invalid.yaml', 'policyFormat: 1\ndisclosure: { maxEmbargoDays: 30 }\n');
  try {
    const bad = parley(['policy', 'render', file, '--format', 'security-md']);
    assert.equal(bad.code, 1);
    assert.equal(bad.out, '');
    assert.match(bad.err, new RegExp(`^${escape(file)}:2:31: .*maxEmbargoDays`));
  } finally {
    cleanup();
  }
  const missing = parley(['policy', 'check', '/nonexistent/policy.yaml']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no such file/);
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
