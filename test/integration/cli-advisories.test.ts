// `parley import osv` and `parley export advisory` as an operator runs them: real processes on a
// SQLite data directory, files on disk, exit codes 0 / 1 (bad usage) / 2 (some records refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = path.resolve('bin/parley.js');
const RUSTSEC = fileURLToPath(new URL('../../../shared/data/osv/rustsec/', import.meta.url));

test('import osv: progress-free output off a TTY, idempotent, invalid files listed; export in three formats', (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-adv-'));
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-osv-files-'));
  t.after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(files, { recursive: true, force: true });
  });
  const env = {
    ...process.env,
    DATABASE_URL: '',
    PORT: undefined,
    PARLEY_DATA_DIR: dataDir,
    PARLEY_PUBLIC_URL: 'https://parley.example',
  } as NodeJS.ProcessEnv;
  const parley = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const picked = fs
    .readdirSync(RUSTSEC)
    .filter((f) => f.endsWith('.json'))
    .slice(0, 3);
  fs.mkdirSync(path.join(files, 'nested'));
  for (const f of picked) fs.copyFileSync(path.join(RUSTSEC, f), path.join(files, 'nested', f));
  fs.writeFileSync(path.join(files, 'broken.json'), '{"id": ');
  fs.writeFileSync(path.join(files, 'README.txt'), 'not a record');

  assert.equal(parley('project', 'create', '--slug', 'rust', '--name', 'Rust crates').code, 0);
  const first = parley('import', 'osv', files, '--project', 'rust');
  assert.equal(first.code, 2, first.err);
  assert.match(first.out, /Read 4 records in [\d.]+ s: 3 created, 0 updated, 0 unchanged, 1 invalid\./);
  assert.match(first.out, /broken\.json/);
  assert.equal(first.err, '', 'no progress line when stderr is not a terminal');
  const again = parley('import', 'osv', path.join(files, 'nested'), '--project', 'rust', '--json');
  assert.equal(again.code, 0, again.err);
  assert.deepEqual(JSON.parse(again.out), { read: 3, created: 0, updated: 0, unchanged: 3, invalid: [] });
  assert.equal(parley('import', 'osv', files, '--project', 'nope').code, 1);

  const id = JSON.parse(fs.readFileSync(path.join(RUSTSEC, picked[0]!), 'utf8')).id as string;
  const osv = parley('export', 'advisory', id, '--format', 'osv');
  assert.equal(osv.code, 0, osv.err);
  assert.equal(JSON.parse(osv.out).id, id);
  const csaf = parley('export', 'advisory', id, '--format', 'csaf');
  assert.equal(JSON.parse(csaf.out).document.tracking.id, id);
  const bad = parley('export', 'advisory', id, '--format', 'pdf');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--format must be one of osv, csaf, cve/);
  assert.equal(parley('export', 'advisory', 'NOPE-1', '--format', 'osv').code, 1);
});
