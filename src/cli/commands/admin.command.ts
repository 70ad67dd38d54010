import type { Command } from 'commander';
import { output, readStdin, withCore } from '../run.ts';

export function registerAdmin(program: Command) {
  const admin = program.command('admin').description('Instance administrators');
  admin
    .command('create')
    .description('Create an instance admin; the password is read from standard input')
    .requiredOption('--email <email>', 'e-mail address (login name)')
    .option('--name <name>', 'display name (default: the part before @)')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .action(async (opts: { email: string; name?: string; json?: boolean }) => {
      const password = await readStdin();
      await withCore(async (core) => {
        const user = await core.services.auth.createUser(
          { email: opts.email, name: opts.name ?? opts.email.split('@')[0], password },
          { admin: true },
        );
        output(opts.json, { id: user.id, email: user.email, admin: true }, `Created admin ${user.email}`);
      });
    });
}
