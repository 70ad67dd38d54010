// `parley backup FILE` and `parley restore FILE`: see services/backup/backup.service.ts and
// docs/operations.md ("Backup and restore", "Moving from SQLite to PostgreSQL"). After a restore the
// audit log's hash chain is verified on the restored database.
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.ts';
import { output, withCore } from '../run.ts';
import {
  KEYS_GUIDANCE,
  backupInstance,
  restoreInstance,
  type InstanceLocation,
} from '../../services/backup/backup.service.ts';
import type { BackupKind } from '../../storage/backup/backup-format.ts';
import { EXIT_BROKEN } from './audit.command.ts';

function locationOf(config: Config): InstanceLocation {
  return {
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, 'parley.db'),
    keyFile: config.secretKeyFile,
  };
}

function parseFormat(v: string): BackupKind {
  if (v !== 'sqlite' && v !== 'dump') throw new Error(`--format is sqlite or dump, not ${v}`);
  return v;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function registerBackup(program: Command) {
  program
    .command('backup')
    .argument('<file>', 'where to write the backup')
    .summary('write a consistent backup of the database while Parley runs')
    .description(
      'Write a consistent backup of the database, safe while Parley serves. On SQLite: an online snapshot ' +
        '(a SQLite file). On PostgreSQL, or with --format dump: a logical dump (gzip’d JSON lines) read in one ' +
        'repeatable-read transaction. Encrypted values stay encrypted; the key file is NOT in the backup: keep ' +
        'a copy of PARLEY_SECRET_KEY_FILE apart from the backups, or the encrypted data cannot be restored.',
    )
    .option('--format <kind>', 'sqlite (SQLite only; the default there) or dump (any database)', parseFormat)
    .option('--overwrite', 'replace FILE if it exists')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: { format?: BackupKind; overwrite?: boolean; json?: boolean }) => {
      const config = loadConfig();
      const r = await backupInstance(locationOf(config), {
        file,
        ...(opts.format ? { format: opts.format } : {}),
        overwrite: !!opts.overwrite,
      });
      const keys = r.header.keyIds.length ? r.header.keyIds.join(', ') : 'none';
      output(
        opts.json,
        { ...r, keyFile: config.secretKeyFile, keysGuidance: KEYS_GUIDANCE },
        [
          `Backed up ${r.header.dialect} (schema ${r.header.migrations.at(-1) ?? 'none'}) to ${r.file}: ` +
            `${r.kind === 'sqlite' ? 'SQLite snapshot' : 'dump'}, ${mb(r.bytes)}, ${(r.ms / 1000).toFixed(1)} s.`,
          `Data keys needed to read it: ${keys} (in ${config.secretKeyFile}).`,
          KEYS_GUIDANCE,
        ].join('\n'),
      );
    });

  program
    .command('restore')
    .argument('<file>', 'a file written by parley backup (SQLite snapshot or dump)')
    .summary('load a backup into the configured, empty database')
    .description(
      'Load a backup (either kind, from either database) into the configured database, which must be empty: ' +
        'stop Parley, point DATABASE_URL / PARLEY_DATA_DIR at a new database, and keep PARLEY_SECRET_KEY_FILE ' +
        'the key file of the backed-up instance. Everything loads in one transaction, is compared with the ' +
        'backup, migrated to this version, and the audit log is verified. There is no --force: restore never ' +
        'writes over data.',
    )
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: { json?: boolean }) => {
      const config = loadConfig();
      const r = await restoreInstance(locationOf(config), file);
      const audit = await withCore((core) => core.services.audit.verify('system', {}));
      if (!audit.ok) process.exitCode = EXIT_BROKEN;
      const total = Object.values(r.rows).reduce((a, b) => a + b, 0);
      const lines = [
        `Restored ${file} (${r.kind === 'sqlite' ? 'SQLite file' : 'dump'} of a ${r.header.dialect} instance` +
          `${r.header.createdAt ? ` taken ${r.header.createdAt}` : ''}) into ${config.databaseUrl ? 'PostgreSQL' : 'SQLite'}: ` +
          `${total} rows in ${Object.keys(r.rows).length} tables, verified, ${(r.ms / 1000).toFixed(1)} s.`,
        ...(r.upgraded.length ? [`Migrated to this version: ${r.upgraded.join(', ')}.`] : []),
        audit.ok
          ? `Audit log intact: ${audit.checked} entries checked.`
          : `Audit log BROKEN at entry #${audit.firstBroken?.id}: ${audit.firstBroken?.reason} (it was so in the backup).`,
      ];
      output(opts.json, { ...r, audit }, lines.join('\n'));
    });
}
