import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { serve } from '../../http/server.ts';

export function registerServe(program: Command) {
  program
    .command('serve')
    .description(
      'Serve the web UI, API, jobs and mail (HOST, PORT, PARLEY_* from the environment). ' +
        'Refuses a database with pending migrations unless --migrate is given',
    )
    .option(
      '--migrate',
      'apply pending migrations first (single-process installs; also PARLEY_MIGRATE_ON_START=true)',
    )
    .action(async (opts: { migrate?: boolean }) => {
      const config = loadConfig();
      await serve({ ...config, migrateOnStart: config.migrateOnStart || !!opts.migrate });
    });
}
