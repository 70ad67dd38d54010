// The second step of signing in. After a correct password an account with a second factor holds a
// pending session (signed in nowhere); a TOTP code, a recovery code or a passkey (passkey.service.ts)
// turns it into a real session under a NEW secret, so a cookie planted before sign-in never gains
// rights. Wrong answers are audited and counted per account: after MAX_FAILURES the second step is
// refused for LOCK_MS, whatever the address (the per-IP rate limit is in the HTTP layer).
import { TooManyRequestsError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import * as keys from '../../storage/repositories/passkey.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ANONYMOUS, type Actor, type UserIdentity } from '../actor.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import { looksLikeRecoveryCode } from './account-crypto.ts';
import { openSession, type ClientMeta } from './sessions.service.ts';
import type { TotpService } from './totp.service.ts';

export const MAX_FAILURES = 10;
export const LOCK_MS = 15 * 60 * 1000;

export interface PendingLogin {
  idHash: string;
  user: UserIdentity;
  /** Which second factors the account has. */
  totp: boolean;
  passkeys: boolean;
  challenge: string | null;
  failures: number;
  failedAt: string | null;
}

export class SecondFactorService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly totp: TotpService,
  ) {}

  private now() {
    return this.deps.clock.now();
  }

  /** The login waiting for its second step behind this cookie, or null. */
  async pending(sessionSecret: string | undefined): Promise<PendingLogin | null> {
    if (!sessionSecret || sessionSecret.length > 200) return null;
    const idHash = hashSecret(sessionSecret);
    const row = await sec.findPendingSession(this.deps.db, idHash, iso(this.now()));
    if (!row || row.disabled_at) return null;
    return {
      idHash,
      user: { id: row.id, email: row.email, name: row.name, isAdmin: row.is_admin === 1 },
      totp: row.totp_enabled_at !== null,
      passkeys: (await keys.countPasskeys(this.deps.db, row.id)) > 0,
      challenge: row.challenge,
      failures: row.mfa_failures,
      failedAt: row.mfa_failed_at,
    };
  }

  /** Throws while the account is locked after too many wrong second factors. */
  assertNotLocked(p: PendingLogin): void {
    if (p.failures < MAX_FAILURES || !p.failedAt) return;
    const left = Date.parse(p.failedAt) + LOCK_MS - this.now().getTime();
    if (left > 0)
      throw new TooManyRequestsError(
        `Too many wrong codes for this account. Try again in ${Math.ceil(left / 60_000)} minutes.`,
      );
  }

  /**
   * Completes the pending login with a TOTP code or a recovery code. Returns the new session's
   * secret and, after a recovery code, how many are left.
   */
  async verifyCode(sessionSecret: string | undefined, code: unknown, meta: ClientMeta) {
    const p = await this.pending(sessionSecret);
    if (!p) throw new UnauthenticatedError('Your sign-in has expired. Enter your e-mail and password again.');
    this.assertNotLocked(p);
    const input = typeof code === 'string' ? code.trim() : '';
    let factor: 'totp' | 'recovery' | null = null;
    if (/^\d{3}\s?\d{3}$/.test(input)) {
      if (p.totp && (await this.totp.useCode(p.user.id, input))) factor = 'totp';
    } else if (looksLikeRecoveryCode(input)) {
      if (await this.totp.useRecoveryCode(p.user.id, input)) factor = 'recovery';
    }
    if (!factor) {
      await this.fail(p, /^\d/.test(input) ? 'totp' : 'recovery', meta);
      throw new ValidationError(
        [{ field: 'code', message: 'That code is not right, or it was used already.' }],
        'That code is not right, or it was used already.',
      );
    }
    const secret = await this.complete(p, factor, meta);
    const recoveryCodesLeft =
      factor === 'recovery' ? await sec.countUnusedRecoveryCodes(this.deps.db, p.user.id) : null;
    return { sessionSecret: secret, recoveryCodesLeft };
  }

  /** Counts and audits a wrong second factor. */
  async fail(p: PendingLogin, factor: string, meta: ClientMeta): Promise<void> {
    const at = iso(this.now());
    await this.deps.db.transaction().execute(async (trx) => {
      await sec.recordMfaFailure(trx, p.user.id, at);
      await recordAudit(trx, this.deps, {
        action: 'auth.second-factor-failed',
        actor: ANONYMOUS,
        ip: meta.ip,
        target: p.user.email,
        data: { userId: p.user.id, factor },
      });
    });
  }

  /** Replaces the pending session by a full one opened with `factor`; returns the new secret. */
  async complete(p: PendingLogin, factor: 'totp' | 'passkey' | 'recovery', meta: ClientMeta) {
    return this.deps.db.transaction().execute(async (trx) => {
      await users.deleteSession(trx, p.idHash);
      await sec.resetMfaFailures(trx, p.user.id);
      const secret = await openSession(trx, this.deps, p.user.id, factor, meta);
      const actor: Actor = { kind: 'user', user: { ...p.user, hasSecondFactor: true }, via: 'session' };
      await recordAudit(trx, this.deps, {
        action: 'auth.second-factor',
        actor,
        ip: meta.ip,
        data: { factor },
      });
      await recordAudit(trx, this.deps, {
        action: 'auth.login',
        actor,
        ip: meta.ip,
        data: { secondFactor: factor },
      });
      return secret;
    });
  }

  /** Abandons a pending login (the "cancel" link): the password must be given again. */
  async cancel(sessionSecret: string | undefined): Promise<void> {
    const p = await this.pending(sessionSecret);
    if (p) await users.deleteSession(this.deps.db, p.idHash);
  }
}
