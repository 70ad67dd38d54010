// Time-based one-time passwords (RFC 6238, 6 digits, 30 s) as a second factor, and the recovery
// codes that stand in for any second factor when it is lost. Enrolment shows the secret (text and
// QR code) and turns on only after a valid code; the secret is stored encrypted. A code is accepted
// one step either side of now, and never twice (the last step used is kept).
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import * as keys from '../../storage/repositories/passkey.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Actor } from '../actor.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import {
  newRecoveryCode,
  openTotpSecret,
  recoveryCodeDigest,
  RECOVERY_CODE_COUNT,
  sealTotpSecret,
} from './account-crypto.ts';
import { confirmPassword, requireSessionUser, requireVerifiedSession } from './account-guard.ts';

const PERIOD = 30;
const WINDOW = 1;

export interface TotpEnrolment {
  /** The secret in base32, for typing into an app by hand. */
  secret: string;
  /** otpauth:// URI (what the QR code holds). */
  uri: string;
  /** The QR code as an SVG data: URI, drawn on the server (no script, no external service). */
  qrDataUri: string;
}

export interface SecurityMeta {
  ip?: string | undefined;
}

export class TotpService {
  constructor(private readonly deps: ServiceDeps) {}

  private now() {
    return this.deps.clock.now();
  }

  private totp(email: string, base32: string) {
    return new OTPAuth.TOTP({
      issuer: this.deps.publicUrl.host,
      label: email,
      algorithm: 'SHA1',
      digits: 6,
      period: PERIOD,
      secret: OTPAuth.Secret.fromBase32(base32),
    });
  }

  /** The time step a code belongs to (within ±1 step of now), or null when it is not valid. */
  private stepOf(email: string, base32: string, code: unknown): number | null {
    if (typeof code !== 'string') return null;
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return null;
    const timestamp = this.now().getTime();
    const delta = this.totp(email, base32).validate({ token, timestamp, window: WINDOW });
    return delta === null ? null : Math.floor(timestamp / 1000 / PERIOD) + delta;
  }

  async status(actor: Actor) {
    const user = requireSessionUser(actor);
    const row = await users.findUserById(this.deps.db, user.id);
    return {
      enabled: !!row?.totp_enabled_at,
      enabledAt: row?.totp_enabled_at ?? null,
      recoveryCodesLeft: await sec.countUnusedRecoveryCodes(this.deps.db, user.id),
    };
  }

  /** Starts (or shows again) an enrolment: a new secret is kept, unused, until a code confirms it. */
  async beginEnrolment(actor: Actor, opts: { restart?: boolean } = {}): Promise<TotpEnrolment> {
    const user = await requireVerifiedSession(this.deps, actor);
    const row = await users.findUserById(this.deps.db, user.id);
    if (row?.totp_enabled_at) throw new ConflictError('An authenticator app is set up already.', 'conflict');
    let base32 =
      !opts.restart && row?.totp_secret ? openTotpSecret(this.deps.secret, user.id, row.totp_secret) : null;
    if (!base32) {
      base32 = new OTPAuth.Secret({ size: 20 }).base32;
      await sec.setTotpSecret(this.deps.db, user.id, sealTotpSecret(this.deps.secret, user.id, base32));
    }
    const uri = this.totp(user.email, base32).toString();
    const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return {
      secret: base32,
      uri,
      qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    };
  }

  /**
   * Turns TOTP on with a code from the app; returns fresh recovery codes (shown once). The current
   * session counts as opened with the second factor: the code was just given in it.
   */
  async confirmEnrolment(actor: Actor, sessionSecret: string, code: unknown, meta: SecurityMeta = {}) {
    const user = await requireVerifiedSession(this.deps, actor);
    const row = await users.findUserById(this.deps.db, user.id);
    if (row?.totp_enabled_at) throw new ConflictError('An authenticator app is set up already.', 'conflict');
    const base32 = row?.totp_secret ? openTotpSecret(this.deps.secret, user.id, row.totp_secret) : null;
    if (!base32) throw new ConflictError('Start the set-up again: no enrolment is waiting.', 'conflict');
    const step = this.stepOf(user.email, base32, code);
    if (step === null)
      throw new ValidationError([
        {
          field: 'code',
          message: 'That code is not right. Check the time on your phone and try the next one.',
        },
      ]);
    const at = iso(this.now());
    // Audit entries come last in the transaction: on PostgreSQL they take the chain's lock.
    const codes = await this.deps.db.transaction().execute(async (trx) => {
      await sec.enableTotp(trx, user.id, at, step);
      await sec.setSessionSecondFactor(trx, hashSecret(sessionSecret), 'totp');
      // Recovery codes belong to the account, not to TOTP: made with the first factor, kept after.
      const fresh =
        (await sec.countUnusedRecoveryCodes(trx, user.id)) > 0
          ? null
          : await this.storeRecoveryCodes(trx, user.id);
      await recordAudit(trx, this.deps, {
        action: 'account.totp-enabled',
        actor,
        ip: meta.ip,
        target: user.email,
      });
      if (fresh) await this.auditRecoveryCodes(trx, actor, meta);
      return fresh;
    });
    return { recoveryCodes: codes };
  }

  /** Turns TOTP off, given a current code or the password. */
  async disable(
    actor: Actor,
    proof: { code?: unknown; password?: unknown },
    meta: SecurityMeta = {},
  ): Promise<void> {
    const user = await requireVerifiedSession(this.deps, actor);
    const row = await users.findUserById(this.deps.db, user.id);
    if (!row?.totp_enabled_at) throw new ConflictError('No authenticator app is set up.', 'conflict');
    if (typeof proof.code === 'string' && proof.code.trim()) {
      if (!(await this.useCode(user.id, proof.code)))
        throw new ValidationError([{ field: 'code', message: 'That code is not right.' }]);
    } else {
      await confirmPassword(this.deps, user.id, proof.password);
    }
    await this.deps.db.transaction().execute(async (trx) => {
      await sec.setTotpSecret(trx, user.id, null);
      if ((await keys.countPasskeys(trx, user.id)) === 0)
        await sec.replaceRecoveryCodes(trx, user.id, [], iso(this.now()));
      await recordAudit(trx, this.deps, {
        action: 'account.totp-disabled',
        actor,
        ip: meta.ip,
        target: user.email,
      });
    });
  }

  /** New recovery codes (the old ones stop working); asks for the password again. */
  async regenerateRecoveryCodes(actor: Actor, password: unknown, meta: SecurityMeta = {}): Promise<string[]> {
    const user = await requireVerifiedSession(this.deps, actor);
    await confirmPassword(this.deps, user.id, password);
    if (!(await sec.accountHasSecondFactor(this.deps.db, user.id)))
      throw new ConflictError('Set up an authenticator app or a passkey first.', 'conflict');
    return this.deps.db.transaction().execute(async (trx) => {
      const codes = await this.storeRecoveryCodes(trx, user.id);
      await this.auditRecoveryCodes(trx, actor, meta);
      return codes;
    });
  }

  /** Replaces the account's recovery codes (inside the caller's transaction) and returns them. */
  async storeRecoveryCodes(trx: ServiceDeps['db'], userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const digests = codes.map((c) => recoveryCodeDigest(this.deps.secret, userId, c));
    await sec.replaceRecoveryCodes(trx, userId, digests, iso(this.now()));
    return codes;
  }

  /** The audit entry for new recovery codes: call it after the transaction's changes. */
  async auditRecoveryCodes(trx: ServiceDeps['db'], actor: Actor, meta: SecurityMeta): Promise<void> {
    await recordAudit(trx, this.deps, {
      action: 'account.recovery-codes',
      actor,
      ip: meta.ip,
      data: { count: RECOVERY_CODE_COUNT },
    });
  }

  /** Checks a TOTP code of an account with TOTP on, and uses it up. False: wrong, or used before. */
  async useCode(userId: string, code: unknown): Promise<boolean> {
    const row = await users.findUserById(this.deps.db, userId);
    if (!row?.totp_enabled_at || !row.totp_secret) return false;
    const base32 = openTotpSecret(this.deps.secret, userId, row.totp_secret);
    if (!base32) return false;
    const step = this.stepOf(row.email, base32, code);
    return step !== null && (await sec.claimTotpStep(this.deps.db, userId, step));
  }

  /** Uses up a recovery code. False: not one of the account's unused codes. */
  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    const digest = recoveryCodeDigest(this.deps.secret, userId, code);
    return sec.useRecoveryCode(this.deps.db, userId, digest, iso(this.now()));
  }
}
