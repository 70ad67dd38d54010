// The `parley` command line: serve, migrate, and the admin chores that need no browser.
import { Command } from 'commander';
import { registerServe } from './commands/serve.command.ts';
import { registerMigrate } from './commands/migrate.command.ts';
import { registerAdmin } from './commands/admin.command.ts';
import { registerProject } from './commands/project.command.ts';
import { registerToken } from './commands/token.command.ts';
import { registerPolicy } from './commands/policy.command.ts';
import { registerAdvisoryCommands } from './commands/advisory.command.ts';
import { registerAudit } from './commands/audit.command.ts';
import { registerKeys } from './commands/keys.command.ts';
import { registerBackup } from './commands/backup.command.ts';
import { runCommand } from './run.ts';

const program = new Command()
  .name('parley')
  .description('Parley — coordinated vulnerability disclosure')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: true });

registerServe(program);
registerMigrate(program);
registerAdmin(program);
registerProject(program);
registerToken(program);
registerPolicy(program);
registerAdvisoryCommands(program);
registerAudit(program);
registerKeys(program);
registerBackup(program);

await runCommand(() => program.parseAsync(process.argv));
