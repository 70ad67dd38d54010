// `parley keys`: the data keys of encryption at rest (PARLEY_SECRET_KEY_FILE) — how many values each
// encrypts, and rotation to a new key. See docs/operations-security.md.
import type { Command } from 'commander';
import { output, withCore } from '../run.ts';
import type { KeyStatus, RotationResult } from '../../services/keys/key.service.ts';

export function registerKeys(program: Command) {
  const keys = program
    .command('keys')
    .description('Data keys of encryption at rest (in PARLEY_SECRET_KEY_FILE): status and rotation');
  keys
    .command('status')
    .description('List the data keys and how many stored values each one encrypts')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      await withCore(async (core) => {
        const s = await core.services.keys.status();
        output(opts.json, s, statusText(s));
      });
    });
  keys
    .command('rotate')
    .description(
      'Add a new data key, re-encrypt every encrypted value with it (plaintext from before encryption too), ' +
        'then remove the old keys no value uses any more. Safe to run while Parley serves; if stopped, run it ' +
        'again to resume.',
    )
    .option('--batch-size <rows>', 'rows re-encrypted per transaction', parsePositive, 200)
    .option('--new-key', 'start over with another new key even if an unfinished rotation left old keys')
    .option('--vacuum', 'rebuild the database afterwards, so no free page keeps replaced values')
    .option('--json', 'machine-readable output')
    .action(async (opts: { batchSize: number; newKey?: boolean; vacuum?: boolean; json?: boolean }) => {
      await withCore(async (core) => {
        const r = await core.services.keys.rotate({
          batchSize: opts.batchSize,
          newKey: !!opts.newKey,
          vacuum: !!opts.vacuum,
        });
        output(opts.json, r, rotationText(r));
      });
    });
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--batch-size must be a positive integer, not ${v}`);
  return n;
}

function statusText(s: KeyStatus): string {
  const lines = [`Key file: ${s.file}`];
  for (const k of s.keys)
    lines.push(
      `  ${k.id}  ${k.created}  ${String(k.values).padStart(8)} values${k.current ? '  (current)' : ''}`,
    );
  lines.push(`  plaintext ${String(s.plain).padStart(27)} values (encrypted by the next rotation)`);
  return lines.join('\n');
}

function rotationText(r: RotationResult): string {
  const lines = [
    `${r.resumed ? 'Resumed rotation to' : 'Rotated to'} data key ${r.keyId}: ${r.total} rows re-encrypted` +
      (r.passes > 1 ? ` in ${r.passes} passes` : ''),
    ...Object.entries(r.reencrypted)
      .filter(([, n]) => n > 0)
      .map(([table, n]) => `  ${table}: ${n}`),
  ];
  if (r.retired.length) lines.push(`Removed old keys from the key file: ${r.retired.join(', ')}`);
  const kept = Object.entries(r.kept);
  if (kept.length)
    lines.push(
      `Kept old keys still in use (run again to finish): ${kept.map(([id, n]) => `${id} (${n} values)`).join(', ')}`,
    );
  if (r.fromPlaintext && !r.vacuumed)
    lines.push(
      `${r.fromPlaintext} values were stored in plaintext before: their old copies may remain in the ` +
        "database's free space until it is rebuilt (run again with --vacuum).",
    );
  if (!r.walEmptied)
    lines.push('The SQLite WAL could not be emptied now (a reader was busy); it empties later.');
  lines.push('Back up the key file now: without it the data cannot be read.');
  return lines.join('\n');
}
