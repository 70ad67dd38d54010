// `parley keys` as an operator runs it: a real process on a real SQLite data directory holding a
// report — help, status, rotation (the old key leaves the file, the report still reads), the audit
// entry, and a clear error for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { openCore } from '../../src/bootstrap.ts';
import { readKeyFile } from '../../src/storage/encryption/key-file.ts';
import { reportInput } from '../helpers/factories.ts';

const bin = path.resolve('bin/parley.js');

function parley(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('keys status and rotate on a data directory with a report', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-keys-'));
  const env = { PARLEY_DATA_DIR: dir, DATABASE_URL: '', LOG_LEVEL: 'silent' };
  try {
    const help = parley(['keys', 'rotate', '--help'], env);
    assert.equal(help.code, 0, help.err);
    assert.match(help.out, /--batch-size <rows>/);
    assert.match(help.out, /run it again to resume/);

    const config = loadConfig(env);
    const core = await openCore(config, { migrate: true });
    await core.services.projects.create('system', { slug: 'conure', name: 'Conure', key: 'CONURE' });
    const report = await core.services.cases.submitReport(
      'conure',
      reportInput({ title: 'Encrypted title' }),
      'api',
    );
    await core.close();
    const [first] = readKeyFile(config.secretKeyFile)!.dataKeys;

    const status = parley(['keys', 'status', '--json'], env);
    assert.equal(status.code, 0, status.err);
    const s = JSON.parse(status.out);
    assert.equal(s.file, config.secretKeyFile);
    assert.equal(s.plain, 0);
    assert.deepEqual(
      s.keys.map((k: { id: string; current: boolean }) => [k.id, k.current]),
      [[first!.id, true]],
    );
    assert.ok(s.keys[0].values >= 8, 'the report fields and its timeline entry');

    const rotated = parley(['keys', 'rotate', '--json'], env);
    assert.equal(rotated.code, 0, rotated.err);
    const r = JSON.parse(rotated.out);
    assert.notEqual(r.keyId, first!.id);
    assert.deepEqual(r.retired, [first!.id]);
    assert.equal(r.reencrypted.cases, 1);
    assert.deepEqual(
      readKeyFile(config.secretKeyFile)!.dataKeys.map((k) => k.id),
      [r.keyId],
    );

    const text = parley(['keys', 'status'], env);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, new RegExp(`${r.keyId} .* values {2}\\(current\\)`));

    const after = await openCore(config, { migrate: false });
    try {
      const row = await after.handle.db
        .selectFrom('cases')
        .select('title')
        .where('id', '=', report.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.title, 'Encrypted title');
      const audit = await after.handle.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'keys.rotated')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_kind, 'system');
      assert.equal(audit[0]!.target, r.keyId);
    } finally {
      await after.close();
    }

    const bad = parley(['keys', 'rotate', '--batch-size', '0'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--batch-size must be a positive integer/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
