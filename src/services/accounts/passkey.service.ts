// Passkeys (WebAuthn, via @simplewebauthn/server): registered, renamed and removed by their owner;
// used as the second step after a password, or alone (passwordless: a discoverable credential with
// user verification, which is two factors in itself). The relying party is this instance: rpID is
// the public URL's host name, the origin its origin. Every challenge is used once: a registration or
// second-step challenge sits on the session row, a passwordless one (no session yet) as a hashed
// one-time row in account_tokens that expires after five minutes.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { credentialId, notVerified, parseName, passkeyHandle, verifyAssertion } from './passkey-checks.ts';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../../domain/errors.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import * as keys from '../../storage/repositories/passkey.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ANONYMOUS, type Actor } from '../actor.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import { confirmPassword, requireSessionUser, requireVerifiedSession } from './account-guard.ts';
import { openSession, type ClientMeta } from './sessions.service.ts';
import type { SecondFactorService } from './second-factor.service.ts';
import type { TotpService } from './totp.service.ts';

const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const MAX_PASSKEYS = 20;
const TIMEOUT_MS = 120_000;

export class PasskeyService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly totp: TotpService,
    private readonly secondFactor: SecondFactorService,
  ) {}

  private get rpID() {
    return this.deps.publicUrl.hostname;
  }

  private get origin() {
    return this.deps.publicUrl.origin;
  }

  private now() {
    return this.deps.clock.now();
  }

  async list(actor: Actor) {
    const user = requireSessionUser(actor);
    return (await keys.listPasskeys(this.deps.db, user.id)).map((p) => ({
      id: p.id,
      handle: passkeyHandle(p.id),
      name: p.name,
      createdAt: p.created_at,
      lastUsedAt: p.last_used_at,
    }));
  }

  /** Options for navigator.credentials.create(); the challenge is kept on the current session. */
  async registrationOptions(actor: Actor, sessionSecret: string) {
    const user = await requireVerifiedSession(this.deps, actor);
    const existing = await keys.listPasskeys(this.deps.db, user.id);
    if (existing.length >= MAX_PASSKEYS)
      throw new ConflictError(`An account has at most ${MAX_PASSKEYS} passkeys. Remove one first.`);
    const options = await generateRegistrationOptions({
      rpName: `Parley (${this.deps.publicUrl.host})`,
      rpID: this.rpID,
      userName: user.email,
      userDisplayName: user.name,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      timeout: TIMEOUT_MS,
      excludeCredentials: existing.map((p) => ({
        id: p.id,
        ...(p.transports ? { transports: p.transports.split(',') } : {}),
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await sec.setSessionChallenge(this.deps.db, hashSecret(sessionSecret), `reg:${options.challenge}`);
    return options;
  }

  /** Verifies and stores a new passkey; returns recovery codes when the account had none yet. */
  async register(
    actor: Actor,
    sessionSecret: string,
    input: { name?: unknown; response?: unknown },
    meta: ClientMeta = {},
  ): Promise<{ id: string; recoveryCodes: string[] | null }> {
    const user = await requireVerifiedSession(this.deps, actor);
    const name = parseName(input.name);
    credentialId(input.response);
    const idHash = hashSecret(sessionSecret);
    const challenge = await sec.takeSessionChallenge(this.deps.db, idHash);
    if (!challenge?.startsWith('reg:')) throw notVerified();
    let info;
    try {
      const v = await verifyRegistrationResponse({
        response: input.response as RegistrationResponseJSON,
        expectedChallenge: challenge.slice(4),
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        requireUserVerification: false,
      });
      if (!v.verified) throw notVerified();
      info = v.registrationInfo;
    } catch {
      throw notVerified();
    }
    const cred = info.credential;
    if (await keys.findPasskey(this.deps.db, cred.id))
      throw new ConflictError('This passkey is registered already.');
    const hadFactor = await sec.accountHasSecondFactor(this.deps.db, user.id);
    const at = iso(this.now());
    const recoveryCodes = await this.deps.db.transaction().execute(async (trx) => {
      await keys.insertPasskey(trx, {
        id: cred.id,
        user_id: user.id,
        name,
        public_key: Buffer.from(cred.publicKey).toString('base64url'),
        counter: cred.counter,
        transports: cred.transports?.length ? cred.transports.join(',').slice(0, 200) : null,
        created_at: at,
        last_used_at: null,
      });
      // Set up in this session: it now counts as opened with a second factor.
      if (!hadFactor) await sec.setSessionSecondFactor(trx, idHash, 'passkey');
      const fresh =
        (await sec.countUnusedRecoveryCodes(trx, user.id)) > 0
          ? null
          : await this.totp.storeRecoveryCodes(trx, user.id);
      // Audit entries last: on PostgreSQL they take the chain's lock until commit.
      await recordAudit(trx, this.deps, {
        action: 'account.passkey-added',
        actor,
        ip: meta.ip,
        target: user.email,
        data: { name, passkey: cred.id.slice(0, 16) },
      });
      if (fresh) await this.totp.auditRecoveryCodes(trx, actor, meta);
      return fresh;
    });
    return { id: cred.id, recoveryCodes };
  }

  /** The owner's passkey named by its id or its handle (pages use the short handle in URLs). */
  private async own(userId: string, ref: string): Promise<string> {
    const mine = await keys.listPasskeys(this.deps.db, userId);
    const p = mine.find((k) => k.id === ref || passkeyHandle(k.id) === ref);
    if (!p) throw new NotFoundError('No such passkey.');
    return p.id;
  }

  async rename(actor: Actor, ref: string, name: unknown): Promise<void> {
    const user = await requireVerifiedSession(this.deps, actor);
    const id = await this.own(user.id, ref);
    if (!(await keys.renamePasskey(this.deps.db, user.id, id, parseName(name))))
      throw new NotFoundError('No such passkey.');
  }

  /** Removes a passkey, given the password again. */
  async remove(actor: Actor, ref: string, password: unknown, meta: ClientMeta = {}): Promise<void> {
    const user = await requireVerifiedSession(this.deps, actor);
    await confirmPassword(this.deps, user.id, password);
    const id = await this.own(user.id, ref);
    await this.deps.db.transaction().execute(async (trx) => {
      const p = await keys.findPasskey(trx, id);
      if (!p || p.user_id !== user.id || !(await keys.deletePasskey(trx, user.id, id)))
        throw new NotFoundError('No such passkey.');
      if (!(await sec.accountHasSecondFactor(trx, user.id)))
        await sec.replaceRecoveryCodes(trx, user.id, [], iso(this.now()));
      await recordAudit(trx, this.deps, {
        action: 'account.passkey-removed',
        actor,
        ip: meta.ip,
        target: user.email,
        data: { name: p.name, passkey: p.id.slice(0, 16) },
      });
    });
  }

  /**
   * Options for navigator.credentials.get(). With a pending login (password given) they name the
   * account's passkeys; without one they are for a passwordless sign-in with any discoverable one.
   */
  async loginOptions(pendingSecret: string | undefined) {
    const p = await this.secondFactor.pending(pendingSecret);
    if (p) {
      this.secondFactor.assertNotLocked(p);
      const mine = await keys.listPasskeys(this.deps.db, p.user.id);
      const options = await generateAuthenticationOptions({
        rpID: this.rpID,
        timeout: TIMEOUT_MS,
        userVerification: 'preferred',
        allowCredentials: mine.map((k) => ({
          id: k.id,
          ...(k.transports ? { transports: k.transports.split(',') } : {}),
        })),
      });
      await sec.setSessionChallenge(this.deps.db, p.idHash, `auth:${options.challenge}`);
      return options;
    }
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      timeout: TIMEOUT_MS,
      userVerification: 'required',
    });
    const now = this.now();
    await sec.deleteExpiredChallenges(this.deps.db, iso(now));
    await users.insertAccountToken(this.deps.db, {
      token_hash: hashSecret(options.challenge),
      purpose: 'passkey',
      user_id: null,
      created_at: iso(now),
      expires_at: iso(new Date(now.getTime() + CHALLENGE_TTL_MS)),
    });
    return options;
  }

  /** Signs in with a passkey answer: completes a pending login, or signs in without a password. */
  async login(pendingSecret: string | undefined, response: unknown, meta: ClientMeta) {
    const id = credentialId(response);
    const p = await this.secondFactor.pending(pendingSecret);
    const key = await keys.findPasskey(this.deps.db, id);
    if (p) {
      this.secondFactor.assertNotLocked(p);
      const challenge = await sec.takeSessionChallenge(this.deps.db, p.idHash);
      const ok =
        !!key &&
        key.user_id === p.user.id &&
        !!challenge?.startsWith('auth:') &&
        (await verifyAssertion(this.deps, key, response, challenge.slice(5), false));
      if (!ok) {
        await this.secondFactor.fail(p, 'passkey', meta);
        throw notVerified();
      }
      return { sessionSecret: await this.secondFactor.complete(p, 'passkey', meta) };
    }
    // Passwordless: the challenge must be one this instance handed out in the last minutes, unused.
    const user = key ? await users.findUserById(this.deps.db, key.user_id) : undefined;
    const handle = (response as AuthenticationResponseJSON).response?.userHandle;
    const ok =
      !!key &&
      !!user &&
      !user.disabled_at &&
      (handle === undefined || handle === Buffer.from(user.id, 'utf8').toString('base64url')) &&
      (await verifyAssertion(
        this.deps,
        key,
        response,
        async (c) => sec.consumeChallengeToken(this.deps.db, hashSecret(c), iso(this.now())),
        true,
      ));
    if (!ok || !user) {
      await recordAudit(this.deps.db, this.deps, {
        action: 'auth.login-failed',
        actor: ANONYMOUS,
        ip: meta.ip,
        target: user?.email ?? null,
        data: { method: 'passkey' },
      });
      throw new UnauthenticatedError('That passkey could not sign you in.');
    }
    const identity = { id: user.id, email: user.email, name: user.name, isAdmin: user.is_admin === 1 };
    const sessionSecret = await this.deps.db.transaction().execute(async (trx) => {
      const secret = await openSession(trx, this.deps, user.id, 'passkey', meta);
      await recordAudit(trx, this.deps, {
        action: 'auth.login',
        actor: { kind: 'user', user: { ...identity, hasSecondFactor: true }, via: 'session' },
        ip: meta.ip,
        data: { secondFactor: 'passkey', passwordless: true },
      });
      return secret;
    });
    return { sessionSecret };
  }
}
