// Accounts: the first-run setup link, admins, login sessions, personal API tokens, account
// activation links, and turning a presented credential (cookie or bearer) into an Actor.
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
import type { Actor, UserIdentity } from './actor.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000; // sliding: renewed while used
export const SETUP_LINK_TTL_MS = 24 * 60 * 60 * 1000;
export const ACTIVATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const PERSONAL_TOKEN_PREFIX = 'pat_';
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

function identity(u: { id: string; email: string; name: string; is_admin: number }): UserIdentity {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.is_admin === 1 };
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
      await users.insertUser(this.deps.db, row);
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

  /** Checks e-mail and password; on success opens a session and returns its secret cookie value. */
  async login(email: unknown, password: unknown, meta: { ip?: string; userAgent?: string }) {
    const fail = () => new UnauthenticatedError('Wrong e-mail or password.');
    if (typeof email !== 'string' || typeof password !== 'string' || password.length > PASSWORD_MAX)
      throw fail();
    const user = await users.findUserByEmail(this.deps.db, email.trim());
    if (!user || !user.password_hash || user.disabled_at) {
      this.dummyHash ??= this.deps.passwords.hash(this.deps.random.token(16));
      await this.deps.passwords.verify(await this.dummyHash, password);
      throw fail();
    }
    if (!(await this.deps.passwords.verify(user.password_hash, password))) throw fail();
    const secret = this.deps.random.token(32);
    const now = this.now();
    await users.insertSession(this.deps.db, {
      id_hash: hashSecret(secret),
      user_id: user.id,
      created_at: iso(now),
      last_seen_at: iso(now),
      expires_at: iso(new Date(now.getTime() + SESSION_TTL_MS)),
      ip: meta.ip?.slice(0, 64) ?? null,
      user_agent: meta.userAgent?.slice(0, 512) ?? null,
    });
    return { sessionSecret: secret, user: identity(user) };
  }

  async logout(sessionSecret: string): Promise<void> {
    await users.deleteSession(this.deps.db, hashSecret(sessionSecret));
  }

  /** The user behind a session cookie, or null. Renews the session's expiry at most once a minute. */
  async resolveSession(sessionSecret: string): Promise<UserIdentity | null> {
    const now = this.now();
    const idHash = hashSecret(sessionSecret);
    const s = await users.findSessionUser(this.deps.db, idHash, iso(now));
    if (!s || s.disabled_at) return null;
    if (now.getTime() - Date.parse(s.last_seen_at) > 60_000) {
      await users.touchSession(this.deps.db, idHash, iso(now), iso(new Date(now.getTime() + SESSION_TTL_MS)));
    }
    return identity(s);
  }

  /** Creates a personal API token for the account with this e-mail; returns the secret once. */
  async createApiToken(email: string, name: string): Promise<{ token: string; id: string }> {
    const user = await users.findUserByEmail(this.deps.db, email);
    if (!user) throw new NotFoundError(`No account has the e-mail ${email}.`);
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 100)
      throw new ValidationError([
        { field: 'name', message: 'Give the token a name (at most 100 characters).' },
      ]);
    const token = PERSONAL_TOKEN_PREFIX + this.deps.random.token(32);
    const id = this.deps.random.uuid();
    await users.insertApiToken(this.deps.db, {
      id,
      user_id: user.id,
      name: trimmed,
      token_hash: hashSecret(token),
      created_at: iso(this.now()),
    });
    return { token, id };
  }

  /** A bearer token is either a personal API token or a reporter's case token. */
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
      return { kind: 'user', user: identity(t), via: 'api-token' };
    }
    return this.resolveCaseToken(token);
  }

  async resolveCaseToken(token: string): Promise<Actor | null> {
    if (!token.startsWith(CASE_TOKEN_PREFIX) || token.length > 200) return null;
    const c = await cases.findCaseByTokenHash(this.deps.db, hashSecret(token));
    return c ? { kind: 'reporter', caseId: c.id } : null;
  }
}
