// `parley backup` and `parley restore` as an operator runs them, real processes on real data
// directories: back up a SQLite instance, restore it into a new SQLite directory and — the documented
// way to move an instance — into a new PostgreSQL database with the same key file; `parley audit
// verify` passes there and the report reads back. Refusals exit 1 with the reason on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { openCore } from '../../src/bootstrap.ts';
import { reportInput } from '../helpers/factories.ts';
import { pgUrl } from '../helpers/db.ts';

const bin = path.resolve('bin/parley.js');

function parley(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function titleOf(env: Record<string, string>, key: string): Promise<string> {
  const core = await openCore(loadConfig({ ...env }), { migrate: false });
  try {
    const row = await core.handle.db
      .selectFrom('cases')
      .select('title')
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    return row.title;
  } finally {
    await core.close();
  }
}

test('parley backup, then restore into SQLite and into PostgreSQL with the same key file', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-backup-'));
  const from = { PARLEY_DATA_DIR: path.join(root, 'from') };
  let pgName: string | undefined;
  try {
    const core = await openCore(loadConfig(from), { migrate: true });
    await core.services.projects.create('system', { slug: 'conure', name: 'Conure', key: 'CONURE' });
    const r = await core.services.cases.submitReport('conure', reportInput({ title: 'Secret title' }), 'api');
    await core.close();

    const help = parley(['backup', '--help'], from);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /--format <kind>/);
    assert.match(help.out, /PARLEY_SECRET_KEY_FILE/);

    const file = path.join(root, 'parley.backup');
    const b = parley(['backup', file], from);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /SQLite snapshot/);
    assert.match(b.out, /Keep a copy of the key file/);

    // Restore into a new SQLite data directory holding a copy of the key file.
    const to = { PARLEY_DATA_DIR: path.join(root, 'to') };
    fs.mkdirSync(to.PARLEY_DATA_DIR);
    fs.copyFileSync(
      path.join(from.PARLEY_DATA_DIR, 'secret.key'),
      path.join(to.PARLEY_DATA_DIR, 'secret.key'),
    );
    const restored = parley(['restore', file, '--json'], to);
    assert.equal(restored.code, 0, restored.err);
    const j = JSON.parse(restored.out);
    assert.equal(j.rows.cases, 1);
    assert.equal(j.audit.ok, true);
    assert.equal(await titleOf(to, r.key), 'Secret title');
    const twice = parley(['restore', file], to);
    assert.equal(twice.code, 1);
    assert.match(twice.err, /not empty \(.*cases: 1/);

    // Without the key file: refused, naming the key.
    const nokey = { PARLEY_DATA_DIR: path.join(root, 'nokey') };
    const refused = parley(['restore', file], nokey);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /data key\(s\) [0-9a-f]{8}.*does not exist/);

    if (!pgUrl) return;
    // SQLite → PostgreSQL: a dump this time, into a fresh database.
    pgName = `parley_cli_backup_${crypto.randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${pgName}`);
    await admin.end();
    const u = new URL(pgUrl);
    u.pathname = `/${pgName}`;
    const onPg = { PARLEY_DATA_DIR: path.join(root, 'pg'), DATABASE_URL: u.toString() };
    fs.mkdirSync(onPg.PARLEY_DATA_DIR);
    fs.copyFileSync(
      path.join(from.PARLEY_DATA_DIR, 'secret.key'),
      path.join(onPg.PARLEY_DATA_DIR, 'secret.key'),
    );
    const dump = path.join(root, 'parley.dump.gz');
    const d = parley(['backup', '--format', 'dump', dump], from);
    assert.equal(d.code, 0, d.err);
    const moved = parley(['restore', dump], onPg);
    assert.equal(moved.code, 0, moved.err);
    assert.match(moved.out, /into PostgreSQL: .* verified/);
    const verify = parley(['audit', 'verify'], onPg);
    assert.equal(verify.code, 0, verify.err);
    assert.equal(await titleOf(onPg, r.key), 'Secret title');
  } finally {
    if (pgName) {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${pgName} with (force)`);
      await admin.end();
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
});
