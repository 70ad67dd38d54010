// The `parley` command as an operator runs it: a real process, real SQLite file, stdin for passwords,
// --json output, clear errors with a non-zero exit, and `serve` printing the setup link and shutting
// down cleanly on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { MIGRATION_NAMES } from '../../src/storage/migrations/index.ts';

const bin = path.resolve('bin/parley.js');

function parley(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test('admin, project and token commands on a fresh data directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
  const env = { PARLEY_DATA_DIR: dir, DATABASE_URL: '' };
  try {
    const mig = parley(['migrate', '--json'], env);
    assert.equal(mig.code, 0, mig.err);
    assert.deepEqual(JSON.parse(mig.out).applied, MIGRATION_NAMES);
    assert.match(parley(['migrate'], env).out, /up to date/);

    const admin = parley(
      ['admin', 'create', '--email', 'Root@Example.org', '--password-stdin', '--json'],
      env,
      'a sufficiently long password\n',
    );
    assert.equal(admin.code, 0, admin.err);
    assert.equal(JSON.parse(admin.out).email, 'root@example.org');
    const dup = parley(
      ['admin', 'create', '--email', 'root@example.org', '--password-stdin'],
      env,
      'a sufficiently long password\n',
    );
    assert.equal(dup.code, 1);
    assert.match(dup.err, /exists already/);
    const weak = parley(
      ['admin', 'create', '--email', 'weak@example.org', '--password-stdin'],
      env,
      'short\n',
    );
    assert.equal(weak.code, 1);
    assert.match(weak.err, /password: Use at least 12 characters/);

    const proj = parley(
      [
        'project',
        'create',
        '--slug',
        'conure',
        '--name',
        'Conure',
        '--key',
        'CONURE',
        '--maintainer',
        'root@example.org',
        '--json',
      ],
      env,
    );
    assert.equal(proj.code, 0, proj.err);
    assert.deepEqual(JSON.parse(proj.out), {
      slug: 'conure',
      name: 'Conure',
      key: 'CONURE',
      description: '',
    });
    const bad = parley(['project', 'create', '--slug', 'Bad Slug!', '--name', ''], env);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /slug:/);
    assert.match(bad.err, /name:/);

    const tok = parley(['token', 'create', '--email', 'root@example.org', '--name', 'ci'], env);
    assert.equal(tok.code, 0, tok.err);
    assert.match(tok.out.trim(), /^pat_[A-Za-z0-9_-]{43}$/);
    const none = parley(['token', 'create', '--email', 'ghost@example.org', '--name', 'x'], env);
    assert.equal(none.code, 1);
    assert.match(none.err, /No account/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bad configuration is reported in full and exits non-zero', () => {
  const r = parley(['migrate'], { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
  assert.equal(r.code, 1);
  for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) assert.match(r.err, new RegExp(name));
});

test('--help lists the commands', () => {
  const r = parley(['--help'], {});
  assert.equal(r.code, 0);
  for (const c of ['serve', 'migrate', 'admin', 'project', 'token'])
    assert.match(r.out, new RegExp(`\\b${c}\\b`));
});

test('serve --migrate: migrates, prints the one-time setup link, answers health checks, stops on SIGTERM', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-serve-'));
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve', '--migrate'], {
    env: { ...process.env, PARLEY_DATA_DIR: dir, DATABASE_URL: '', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  try {
    const deadline = Date.now() + 30_000;
    while (!/setup\/[A-Za-z0-9_-]{43}/.test(log)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no setup link in time:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const link = /(http:\/\/localhost:\d+\/setup\/[A-Za-z0-9_-]{43})/.exec(log)![1]!;
    const url = new URL(link);
    assert.equal(url.port, String(port), 'the link points at this server');
    assert.equal((await fetch(`http://127.0.0.1:${port}${url.pathname}`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    assert.ok(fs.existsSync(path.join(dir, 'parley.db')));
    assert.equal((fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toString(8), '600');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
