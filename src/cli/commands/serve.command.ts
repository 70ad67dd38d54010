import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { serve } from '../../http/server.ts';

export function registerServe(program: Command) {
  program
    .command('serve')
    .description('Apply migrations and serve the web UI and API (HOST, PORT, PARLEY_* from the environment)')
    .action(async () => {
      await serve(loadConfig());
    });
}
