import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase, migrateToLatest } from '../../storage/db.ts';
import path from 'node:path';
import { output } from '../run.ts';

export function registerMigrate(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const config = loadConfig();
      const h = openDatabase({
        databaseUrl: config.databaseUrl,
        sqlitePath: path.join(config.dataDir, 'parley.db'),
      });
      try {
        const applied = await migrateToLatest(h.db, h.describe);
        output(
          opts.json,
          { database: h.describe, applied },
          applied.length ? `Applied ${applied.join(', ')} to ${h.describe}` : `${h.describe} is up to date`,
        );
      } finally {
        await h.close();
      }
    });
}
