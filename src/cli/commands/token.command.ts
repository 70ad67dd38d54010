// `parley token create`: a personal API token for an account, printed once (stored as a digest).
// Without --scopes it has every scope and without --expires it lasts 90 days (docs/accounts.md).
import type { Command } from 'commander';
import { ValidationError } from '../../domain/errors.ts';
import { TOKEN_SCOPES } from '../../domain/token-scopes.ts';
import { DEFAULT_TOKEN_DAYS } from '../../services/accounts/api-tokens.service.ts';
import { output, withCore } from '../run.ts';

/** `--expires`: a number of days (`30`, `30d`), a date (`2027-01-31`, end of that day UTC) or `never`. */
export function parseExpiry(raw: string | undefined, now: Date): Date | null {
  const value = (raw ?? `${DEFAULT_TOKEN_DAYS}d`).trim().toLowerCase();
  if (value === 'never') return null;
  const days = /^(\d{1,5})d?$/.exec(value);
  if (days && Number(days[1]) >= 1) return new Date(now.getTime() + Number(days[1]) * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T23:59:59.999Z`);
    if (!Number.isNaN(d.getTime()) && d.toISOString().startsWith(value)) return d;
  }
  throw new ValidationError([
    { field: 'expires', message: 'Give --expires as days (30 or 30d), a date (2027-01-31) or never.' },
  ]);
}

export function registerToken(program: Command) {
  const token = program.command('token').description('Personal API tokens');
  token
    .command('create')
    .description('Create a personal API token for an account and print it (shown once, stored hashed)')
    .requiredOption('--email <email>', 'the account')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scopes <list>', `comma-separated: ${TOKEN_SCOPES.join(', ')} (default: all)`)
    .option(
      '--expires <when>',
      `days (30 or 30d), a date (2027-01-31) or never (default: ${DEFAULT_TOKEN_DAYS}d)`,
    )
    .option('--json', 'machine-readable output')
    .action(
      async (opts: { email: string; name: string; scopes?: string; expires?: string; json?: boolean }) => {
        await withCore(async (core) => {
          const expiresAt = parseExpiry(opts.expires, core.services.deps.clock.now());
          const t = await core.services.auth.createApiToken(opts.email, opts.name, {
            ...(opts.scopes !== undefined ? { scopes: opts.scopes } : {}),
            expiresAt,
          });
          output(opts.json, { id: t.id, token: t.token, scopes: t.scopes, expiresAt: t.expiresAt }, t.token);
        });
      },
    );
}
