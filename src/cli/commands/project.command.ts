import type { Command } from 'commander';
import { output, withCore } from '../run.ts';

export function registerProject(program: Command) {
  const project = program.command('project').description('Projects');
  project
    .command('create')
    .description('Create a project that takes reports')
    .requiredOption('--slug <slug>', 'URL name, e.g. flux2')
    .requiredOption('--name <name>', 'display name')
    .option('--key <KEY>', 'case key prefix, e.g. FLUX (default: from the slug)')
    .option('--description <text>', 'one-paragraph description')
    .option('--maintainer <email>', 'make this existing account a maintainer')
    .option('--parent <slug>', 'umbrella project this one is a component of')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        slug: string;
        name: string;
        key?: string;
        description?: string;
        maintainer?: string;
        parent?: string;
        json?: boolean;
      }) => {
        await withCore(async (core) => {
          const p = await core.services.projects.create('system', opts);
          if (opts.maintainer)
            await core.services.projects.addMemberAsSystem(p.slug, opts.maintainer, 'maintainer');
          output(opts.json, p, `Created project ${p.name} (/p/${p.slug}), case keys ${p.key}-n`);
        });
      },
    );
}
