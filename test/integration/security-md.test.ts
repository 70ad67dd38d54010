// Parley's own SECURITY.md is rendered by Parley from security/parley.yaml (`npm run security-md`).
// This test renders it again with the same command and fails when the committed file differs, so
// the policy file stays the one source and SECURITY.md never drifts from it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe("Parley's own SECURITY.md", () => {
  it('is what `npm run security-md` renders from security/parley.yaml', () => {
    const script = pkg.scripts['security-md'] ?? '';
    assert.ok(script.endsWith('> SECURITY.md'), 'the script writes SECURITY.md');
    // The same command, to standard output instead of the file.
    const command = script.slice(0, -'> SECURITY.md'.length).trim();
    const rendered = execFileSync('sh', ['-c', command], { cwd: root, encoding: 'utf8' });
    const committed = fs.readFileSync(path.join(root, 'SECURITY.md'), 'utf8');
    assert.ok(rendered.includes('# Security policy of Parley'));
    assert.equal(committed, rendered, 'SECURITY.md is stale: run `npm run security-md`');
  });

  it('passes `parley policy check` without warnings', () => {
    const out = execFileSync(
      process.execPath,
      ['bin/parley.js', 'policy', 'check', 'security/parley.yaml', '--json'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(out), { ok: true, warnings: [] });
  });
});
