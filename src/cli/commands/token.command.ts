import type { Command } from 'commander';
import { output, withCore } from '../run.ts';

export function registerToken(program: Command) {
  const token = program.command('token').description('Personal API tokens');
  token
    .command('create')
    .description('Create a personal API token for an account and print it (shown once, stored hashed)')
    .requiredOption('--email <email>', 'the account')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--json', 'machine-readable output')
    .action(async (opts: { email: string; name: string; json?: boolean }) => {
      await withCore(async (core) => {
        const t = await core.services.auth.createApiToken(opts.email, opts.name);
        output(opts.json, { id: t.id, token: t.token }, t.token);
      });
    });
}
