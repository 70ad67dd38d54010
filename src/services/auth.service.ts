// Accounts: the first-run setup link, admins, password login (first step), personal API tokens
// from the CLI, account activation links, and turning a presented credential (cookie or bearer)
// into an Actor. Second factors, sessions, tokens and resets live in services/accounts/.
import {
  ValidationError,
  UnauthenticatedError,
  ConflictError,
  NotFoundError,
  type FieldError,
} from '../domain/errors.ts';
import { isEmail } from '../domain/report.ts';
import * as users from '../storage/repositories/user.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import { hashSecret, iso, type ServiceDeps } from './deps.ts';
import { ANONYMOUS, type Actor, type UserIdentity } from './actor.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';
import { recordAudit } from './audit/audit-log.ts';
import { accountHasSecondFactor } from '../storage/repositories/account-security.repository.ts';
import { openSession, SESSION_TTL_MS, type ClientMeta } from './accounts/sessions.service.ts';
import { createTokenForEmail, PERSONAL_TOKEN_PREFIX } from './accounts/api-tokens.service.ts';
import { parseStoredScopes } from '../domain/token-scopes.ts';

export { SESSION_TTL_MS, PERSONAL_TOKEN_PREFIX };

export const SETUP_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const ACTIVATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const CASE_TOKEN_PREFIX = 'rct_';

export interface AccountInput {
  email?: unknown;
  name?: unknown;
  password?: unknown;
}

function checkPassword(password: unknown, errors: FieldError[]): string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN) {
    errors.push({ field: 'password', message: `Use at least ${PASSWORD_MIN} characters.` });
    return '';
  }
  if (password.length > PASSWORD_MAX)
    errors.push({ field: 'password', message: `Use at most ${PASSWORD_MAX} characters.` });
  return password;
}

function parseAccount(input: AccountInput, needPassword: boolean) {
  const errors: FieldError[] = [];
  const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
  if (!isEmail(email)) errors.push({ field: 'email', message: 'Enter a valid e-mail address.' });
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name || name.length > 200)
    errors.push({ field: 'name', message: 'Enter a name (at most 200 characters).' });
  const password = needPassword ? checkPassword(input.password, errors) : '';
  if (errors.length) throw new ValidationError(errors);
  return { email, name, password };
}

function identity(
  u: { id: string; email: string; name: string; is_admin: number },
  hasSecondFactor = false,
): UserIdentity {
  const id: UserIdentity = { id: u.id, email: u.email, name: u.name, isAdmin: u.is_admin === 1 };
  // Only when true, so identities compare equal however they were read.
  if (hasSecondFactor) id.hasSecondFactor = true;
  return id;
}

export class AuthService {
  // A real argon2id hash of a random password, verified when the e-mail is unknown so that a
  // failed login takes as long whether or not the account exists.
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: ServiceDeps) {}

  private now() {
    return this.deps.clock.now();
  }

  async hasAdmin(): Promise<boolean> {
    return (await users.countAdmins(this.deps.db)) > 0;
  }

  /** Creates an account; `admin` makes it an instance admin. Used by the CLI and the setup page. */
  async createUser(input: AccountInput, opts: { admin: boolean }): Promise<UserIdentity> {
    const { email, name, password } = parseAccount(input, true);
    if (await users.findUserByEmail(this.deps.db, email)) {
      throw new ConflictError(`An account for ${email} exists already.`, 'account-exists');
    }
    const row = {
      id: this.deps.random.uuid(),
      email,
      name,
      password_hash: await this.deps.passwords.hash(password),
      is_admin: opts.admin ? 1 : 0,
      created_at: iso(this.now()),
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await users.insertUser(trx, row);
        // 'system': the operator's CLI or the one-time setup link; invitations are audited by the inviter.
        const action = opts.admin ? 'admin.created' : 'account.created';
        await recordAudit(trx, this.deps, {
          action,
          actor: 'system',
          target: email,
          data: { userId: row.id },
        });
      });
    } catch (e) {
      // A concurrent sign-up with the same e-mail lost the race on the unique index.
      if (await users.findUserByEmail(this.deps.db, email))
        throw new ConflictError(`An account for ${email} exists already.`, 'account-exists');
      throw e;
    }
    return identity(row);
  }

  /**
   * When no admin exists, issues a fresh one-time setup link (older ones stop working) and returns
   * its path; otherwise null. Called at every `serve` start.
   */
  async issueSetupLinkIfNeeded(): Promise<string | null> {
    if (await this.hasAdmin()) return null;
    const token = this.deps.random.token(32);
    const now = this.now();
    await this.deps.db.transaction().execute(async (trx) => {
      await users.expireAccountTokens(trx, 'setup', iso(now));
      await users.insertAccountToken(trx, {
        token_hash: hashSecret(token),
        purpose: 'setup',
        user_id: null,
        created_at: iso(now),
        expires_at: iso(new Date(now.getTime() + SETUP_LINK_TTL_MS)),
      });
    });
    return `/setup/${token}`;
  }

  async isSetupTokenValid(token: string): Promise<boolean> {
    if (await this.hasAdmin()) return false;
    return !!(await users.findUsableAccountToken(this.deps.db, hashSecret(token), 'setup', iso(this.now())));
  }

  /** Creates the first admin through the one-time link. The link works once and only while no admin exists. */
  async completeSetup(token: string, input: AccountInput): Promise<UserIdentity> {
    if (!(await this.isSetupTokenValid(token)))
      throw new NotFoundError('This setup link is not valid any more.');
    parseAccount(input, true); // validate before consuming the link, so a typo does not burn it
    const ok = await users.consumeAccountToken(this.deps.db, hashSecret(token), iso(this.now()));
    if (!ok) throw new NotFoundError('This setup link is not valid any more.');
    return this.createUser(input, { admin: true });
  }

  /** Creates an account without a password and returns a one-time activation path to hand to its owner. */
  async createInvitedUser(
    email: string,
    name: string,
  ): Promise<{ user: UserIdentity; activationPath: string }> {
    const parsed = parseAccount({ email, name, password: undefined }, false);
    // Same answer as createUser, rather than the database's unique-constraint error.
    if (await users.findUserByEmail(this.deps.db, parsed.email)) {
      throw new ConflictError(`An account for ${parsed.email} exists already.`, 'account-exists');
    }
    const now = this.now();
    const row = {
      id: this.deps.random.uuid(),
      email: parsed.email,
      name: parsed.name,
      password_hash: null,
      is_admin: 0,
      created_at: iso(now),
    };
    await users.insertUser(this.deps.db, row);
    const activationPath = await this.issueActivationLink(row.id);
    return { user: identity(row), activationPath };
  }

  async issueActivationLink(userId: string): Promise<string> {
    const token = this.deps.random.token(32);
    const now = this.now();
    await users.insertAccountToken(this.deps.db, {
      token_hash: hashSecret(token),
      purpose: 'activate',
      user_id: userId,
      created_at: iso(now),
      expires_at: iso(new Date(now.getTime() + ACTIVATION_TTL_MS)),
    });
    return `/activate/${token}`;
  }

  async findActivation(token: string): Promise<{ email: string; name: string } | null> {
    const t = await users.findUsableAccountToken(
      this.deps.db,
      hashSecret(token),
      'activate',
      iso(this.now()),
    );
    if (!t?.user_id) return null;
    const u = await users.findUserById(this.deps.db, t.user_id);
    return u ? { email: u.email, name: u.name } : null;
  }

  async activate(token: string, password: unknown): Promise<UserIdentity> {
    const t = await users.findUsableAccountToken(
      this.deps.db,
      hashSecret(token),
      'activate',
      iso(this.now()),
    );
    if (!t?.user_id) throw new NotFoundError('This activation link is not valid any more.');
    const errors: FieldError[] = [];
    const pw = checkPassword(password, errors);
    if (errors.length) throw new ValidationError(errors);
    if (!(await users.consumeAccountToken(this.deps.db, t.token_hash, iso(this.now())))) {
      throw new NotFoundError('This activation link is not valid any more.');
    }
    await users.updateUser(this.deps.db, t.user_id, { password_hash: await this.deps.passwords.hash(pw) });
    const u = await users.findUserById(this.deps.db, t.user_id);
    return identity(u!);
  }

  /**
   * Checks e-mail and password. An account with a second factor gets a pending session (the second
   * step is /login/second-factor; `pending` is true), any other a full one. Returns the cookie value.
   */
  async login(email: unknown, password: unknown, meta: ClientMeta) {
    const fail = async (target: unknown, userId?: string) => {
      await recordAudit(this.deps.db, this.deps, {
        action: 'auth.login-failed',
        actor: ANONYMOUS,
        ip: meta.ip,
        target: typeof target === 'string' ? target.trim().toLowerCase() : null,
        data: userId ? { userId } : {},
      });
      return new UnauthenticatedError('Wrong e-mail or password.');
    };
    if (typeof email !== 'string' || typeof password !== 'string' || password.length > PASSWORD_MAX)
      throw await fail(email);
    const user = await users.findUserByEmail(this.deps.db, email.trim());
    if (!user || !user.password_hash || user.disabled_at) {
      this.dummyHash ??= this.deps.passwords.hash(this.deps.random.token(16));
      await this.deps.passwords.verify(await this.dummyHash, password);
      throw await fail(email, user?.id);
    }
    if (!(await this.deps.passwords.verify(user.password_hash, password))) throw await fail(email, user.id);
    const pending = await accountHasSecondFactor(this.deps.db, user.id);
    const ident = identity(user);
    const sessionSecret = await this.deps.db.transaction().execute(async (trx) => {
      const secret = await openSession(trx, this.deps, user.id, pending ? null : 'none', meta);
      if (!pending)
        await recordAudit(trx, this.deps, {
          action: 'auth.login',
          actor: { kind: 'user', user: ident, via: 'session' },
          ip: meta.ip,
          data: { secondFactor: 'none' },
        });
      return secret;
    });
    return { sessionSecret, user: ident, pending };
  }

  async logout(sessionSecret: string, meta: ClientMeta = {}): Promise<void> {
    const user = await this.resolveSession(sessionSecret);
    await this.deps.db.transaction().execute(async (trx) => {
      await users.deleteSession(trx, hashSecret(sessionSecret));
      if (user)
        await recordAudit(trx, this.deps, {
          action: 'auth.logout',
          actor: { kind: 'user', user, via: 'session' },
          ip: meta.ip,
        });
    });
  }

  /**
   * The user behind a session cookie, or null; null too for a login still waiting for its second
   * factor, which counts as signed in nowhere. Renews the session's expiry at most once a minute.
   */
  async resolveSession(sessionSecret: string): Promise<UserIdentity | null> {
    const now = this.now();
    const idHash = hashSecret(sessionSecret);
    const s = await users.findSessionUser(this.deps.db, idHash, iso(now));
    if (!s || s.disabled_at || s.second_factor === null) return null;
    if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) {
      await users.touchSession(this.deps.db, idHash, iso(now), iso(new Date(now.getTime() + SESSION_TTL_MS)));
    }
    // Two-factor standing needs both: the account has a factor now, and this session was opened with one.
    return identity(s, Number(s.has_second_factor) === 1 && s.second_factor !== 'none');
  }

  /** A personal API token for the account with this e-mail (the CLI); see createTokenForEmail. */
  createApiToken(email: string, name: string, opts: { scopes?: unknown; expiresAt?: Date | null } = {}) {
    return createTokenForEmail(this.deps, email, name, opts);
  }

  /** A bearer token is either a personal API token (with its scopes) or a reporter's case token. */
  async resolveBearer(token: string): Promise<Actor | null> {
    if (token.length > 200) return null;
    const now = this.now();
    if (token.startsWith(PERSONAL_TOKEN_PREFIX)) {
      const t = await users.findApiTokenUser(this.deps.db, hashSecret(token));
      if (!t || t.revoked_at || t.disabled_at) return null;
      if (t.expires_at && t.expires_at <= iso(now)) return null;
      if (!t.last_used_at || now.getTime() - Date.parse(t.last_used_at) > 60_000) {
        await users.markApiTokenUsed(this.deps.db, t.token_id, iso(now));
      }
      return {
        kind: 'user',
        user: identity(t, Number(t.has_second_factor) === 1),
        via: 'api-token',
        scopes: parseStoredScopes(t.scopes),
      };
    }
    return this.resolveCaseToken(token);
  }

  async resolveCaseToken(token: string): Promise<Actor | null> {
    if (!token.startsWith(CASE_TOKEN_PREFIX) || token.length > 200) return null;
    const c = await cases.findCaseByTokenHash(this.deps.db, hashSecret(token));
    return c ? { kind: 'reporter', caseId: c.id } : null;
  }
}
