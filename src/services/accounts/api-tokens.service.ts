// Personal API tokens made by their owner on /account/tokens: a name, scopes (read, write,
// publish: domain/token-scopes.ts) and an expiry (90 days unless chosen otherwise, at most a year);
// the secret is shown once and stored as a digest. The owner lists them with their last use and
// revokes them. The CLI path (AuthService.createApiToken) shares `issueApiToken`.
import { NotFoundError, ValidationError, type FieldError } from '../../domain/errors.ts';
import {
  formatScopes,
  isTokenScope,
  parseStoredScopes,
  TOKEN_SCOPES,
  type TokenScope,
} from '../../domain/token-scopes.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Actor } from '../actor.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import { requireSessionUser } from './account-guard.ts';

export const PERSONAL_TOKEN_PREFIX = 'pat_';
export const DEFAULT_TOKEN_DAYS = 90;
/** Choices offered on the page; the CLI takes any number of days up to the maximum, or `never`. */
export const TOKEN_DAY_CHOICES = [7, 30, 90, 365] as const;
export const MAX_TOKEN_DAYS = 365;

function parseScopes(raw: unknown, errors: FieldError[]): TokenScope[] {
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[,\s]+/).filter(Boolean) : [];
  const bad = list.filter((s) => !isTokenScope(s));
  if (bad.length) errors.push({ field: 'scopes', message: `Unknown scope: ${bad.map(String).join(', ')}.` });
  const scopes = list.filter(isTokenScope);
  if (!scopes.length && !bad.length) errors.push({ field: 'scopes', message: 'Choose at least one scope.' });
  return [...new Set(scopes)];
}

/** Inserts a token for an account (audited as `account.token-created`) and returns its secret once. */
export async function issueApiToken(
  deps: ServiceDeps,
  actor: Actor | 'system',
  user: { id: string; email: string },
  input: { name: unknown; scopes: unknown; expiresAt: Date | null },
  meta: { ip?: string | undefined } = {},
): Promise<{ token: string; id: string; scopes: TokenScope[]; expiresAt: string | null }> {
  const errors: FieldError[] = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name || name.length > 100)
    errors.push({ field: 'name', message: 'Give the token a name (at most 100 characters).' });
  const scopes = parseScopes(input.scopes, errors);
  const now = deps.clock.now();
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime())
    errors.push({ field: 'expires', message: 'The expiry must be in the future.' });
  if (errors.length) throw new ValidationError(errors);
  const token = PERSONAL_TOKEN_PREFIX + deps.random.token(32);
  const id = deps.random.uuid();
  const expiresAt = input.expiresAt ? iso(input.expiresAt) : null;
  await deps.db.transaction().execute(async (trx) => {
    await users.insertApiToken(trx, {
      id,
      user_id: user.id,
      name,
      token_hash: hashSecret(token),
      created_at: iso(now),
      expires_at: expiresAt,
      scopes: formatScopes(scopes),
    });
    await recordAudit(trx, deps, {
      action: 'account.token-created',
      actor,
      ip: meta.ip,
      target: user.email,
      data: { tokenId: id, name, scopes, expiresAt },
    });
  });
  return { token, id, scopes, expiresAt };
}

/**
 * A token for the account with this e-mail, made by the operator (the CLI). Without options it keeps
 * the behaviour from before scopes existed, full access (`read,write,publish`), but lasts 90 days.
 */
export async function createTokenForEmail(
  deps: ServiceDeps,
  email: string,
  name: string,
  opts: { scopes?: unknown; expiresAt?: Date | null } = {},
) {
  const user = await users.findUserByEmail(deps.db, email);
  if (!user) throw new NotFoundError(`No account has the e-mail ${email}.`);
  return issueApiToken(deps, 'system', user, {
    name,
    scopes: opts.scopes ?? [...TOKEN_SCOPES],
    expiresAt:
      opts.expiresAt === undefined
        ? new Date(deps.clock.now().getTime() + DEFAULT_TOKEN_DAYS * 86_400_000)
        : opts.expiresAt,
  });
}

export interface TokenView {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
}

export class ApiTokenService {
  constructor(private readonly deps: ServiceDeps) {}

  /** A token for the signed-in owner. `days`: 1 to 365 (default 90); never without expiry here. */
  async create(actor: Actor, input: { name?: unknown; scopes?: unknown; days?: unknown }, meta = {}) {
    const user = requireSessionUser(actor);
    const raw = input.days === undefined || input.days === '' ? DEFAULT_TOKEN_DAYS : Number(input.days);
    if (!Number.isInteger(raw) || raw < 1 || raw > MAX_TOKEN_DAYS)
      throw new ValidationError([
        { field: 'days', message: `Choose an expiry from 1 to ${MAX_TOKEN_DAYS} days.` },
      ]);
    const expiresAt = new Date(this.deps.clock.now().getTime() + raw * 86_400_000);
    return issueApiToken(this.deps, actor, user, { name: input.name, scopes: input.scopes, expiresAt }, meta);
  }

  async list(actor: Actor): Promise<TokenView[]> {
    const user = requireSessionUser(actor);
    const now = iso(this.deps.clock.now());
    return (await sec.listApiTokens(this.deps.db, user.id)).map((t) => ({
      id: t.id,
      name: t.name,
      scopes: parseStoredScopes(t.scopes),
      createdAt: t.created_at,
      lastUsedAt: t.last_used_at,
      expiresAt: t.expires_at,
      revokedAt: t.revoked_at,
      status: t.revoked_at ? 'revoked' : t.expires_at && t.expires_at <= now ? 'expired' : 'active',
    }));
  }

  async revoke(actor: Actor, id: string, meta: { ip?: string | undefined } = {}): Promise<void> {
    const user = requireSessionUser(actor);
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await sec.revokeApiToken(trx, user.id, id, iso(this.deps.clock.now()));
      if (!row) throw new NotFoundError('No such token, or it was revoked already.');
      await recordAudit(trx, this.deps, {
        action: 'account.token-revoked',
        actor,
        ip: meta.ip,
        target: user.email,
        data: { tokenId: row.id, name: row.name },
      });
    });
  }
}
