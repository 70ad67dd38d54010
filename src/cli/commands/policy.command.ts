// `parley policy check FILE` and `parley policy render FILE --format …`: work on a policy file before it
// is saved in Parley (in CI, or while editing). They need no database; URLs come from PARLEY_PUBLIC_URL.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, publicLink } from '../../config.ts';
import { parsePolicy, type PolicyProblem } from '../../domain/policy/policy-parse.ts';
import type { Policy } from '../../domain/policy/policy.types.ts';
import { renderSecurityMd } from '../../domain/policy/render-security-md.ts';
import { renderSecurityTxt, type PolicyRenderContext } from '../../domain/policy/render-security-txt.ts';

const FORMATS = {
  'security-md': renderSecurityMd,
  'security-txt': renderSecurityTxt,
} satisfies Record<string, (policy: Policy, ctx: PolicyRenderContext) => string>;

const isFormat = (f: string): f is keyof typeof FORMATS => Object.hasOwn(FORMATS, f);

function readPolicyFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/** `FILE:line:column: message`, the form editors and CI annotations understand. */
function printProblems(file: string, problems: PolicyProblem[], kind = '') {
  for (const p of problems) console.error(`${file}:${p.line}:${p.column}: ${kind}${p.message}`);
}

/** Parses FILE or prints its problems and sets exit code 1. */
function loadPolicy(file: string): Policy | null {
  const r = parsePolicy(readPolicyFile(file));
  if (r.ok) return r.policy;
  printProblems(file, r.problems);
  process.exitCode = 1;
  return null;
}

export function registerPolicy(program: Command) {
  const policy = program.command('policy').description('Check and render policy files (no database needed)');

  policy
    .command('check')
    .description('Validate a policy file; problems are printed as FILE:line:column: message')
    .argument('<file>', 'policy YAML file')
    .option('--json', 'machine-readable output: {ok, problems} or {ok, warnings}')
    .action((file: string, opts: { json?: boolean }) => {
      const r = parsePolicy(readPolicyFile(file));
      if (opts.json) {
        console.log(
          JSON.stringify(
            r.ok ? { ok: true, warnings: r.warnings } : { ok: false, problems: r.problems },
            null,
            2,
          ),
        );
      } else if (r.ok) {
        console.log(`${file}: ok`);
        printProblems(file, r.warnings, 'warning: ');
      } else {
        printProblems(file, r.problems);
      }
      if (!r.ok) process.exitCode = 1;
    });

  policy
    .command('render')
    .description('Render SECURITY.md or security.txt from a policy file to standard output')
    .argument('<file>', 'policy YAML file')
    .requiredOption('--format <format>', `output format: ${Object.keys(FORMATS).join(' or ')}`)
    .option('--project-name <name>', 'project name shown in the output (default: the slug)')
    .option('--slug <slug>', "project slug in the URLs (default: the file's name without extension)")
    .action((file: string, opts: { format: string; projectName?: string; slug?: string }) => {
      if (!isFormat(opts.format)) {
        console.error(
          `error: unknown format "${opts.format}"; use one of: ${Object.keys(FORMATS).join(', ')}`,
        );
        process.exitCode = 2;
        return;
      }
      const config = loadConfig(process.env);
      const policy = loadPolicy(file);
      if (!policy) return;
      const name = opts.slug ?? path.basename(file).replace(/\.[^.]*$/, '');
      const slug = encodeURIComponent(name);
      const link = (p: string) => publicLink(config, p);
      const text = FORMATS[opts.format](policy, {
        projectName: opts.projectName ?? name,
        reportUrl: link(`/p/${slug}/report`),
        policyUrl: link(`/p/${slug}`),
        securityTxtUrls: [link(`/p/${slug}/security.txt`)],
        // No Acknowledgments line until the hall of fame exists (it comes with advisories).
        acknowledgmentsUrl: null,
        now: new Date(),
      });
      process.stdout.write(text);
    });
}
