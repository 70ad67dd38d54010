// Password reset by mail. Asking gives the same answer, in about the same time, whether or not an
// account has the address (no account enumeration); a link goes out through the outbox only for an
// active account, at most MAX_PER_HOUR per account (the per-IP limit is in the HTTP layer). The
// link is one-time, stored as a digest, valid for an hour; setting a new password through it ends
// every session of the account and every other reset link, and is audited. It does not switch off
// a second factor: the next sign-in still asks for it.
import { NotFoundError, ValidationError, type FieldError } from '../../domain/errors.ts';
import { isEmail } from '../../domain/report.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { ANONYMOUS } from '../actor.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import { queueMail } from '../outbox/outbox-queue.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../passwords.ts';
import type { ClientMeta } from './sessions.service.ts';

export const RESET_TTL_MS = 60 * 60 * 1000;
export const MAX_PER_HOUR = 3;
/** Every request takes at least this long, so a mail being queued does not show in the timing. */
export const MIN_ANSWER_MS = 250;

export class PasswordResetService {
  constructor(private readonly deps: ServiceDeps) {}

  private now() {
    return this.deps.clock.now();
  }

  /** Queues a reset link when the address belongs to an active account. Answers nothing either way. */
  async request(email: unknown, meta: ClientMeta = {}): Promise<void> {
    const started = performance.now();
    const address = typeof email === 'string' ? email.trim().toLowerCase() : '';
    if (!isEmail(address) || address.length > 254)
      throw new ValidationError([{ field: 'email', message: 'Enter a valid e-mail address.' }]);
    try {
      await this.issue(address, meta);
    } finally {
      const left = MIN_ANSWER_MS - (performance.now() - started);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
    }
  }

  private async issue(address: string, meta: ClientMeta): Promise<void> {
    const user = await users.findUserByEmail(this.deps.db, address);
    if (!user || user.disabled_at) return;
    const now = this.now();
    const hourAgo = iso(new Date(now.getTime() - 60 * 60 * 1000));
    if ((await sec.countAccountTokensSince(this.deps.db, user.id, 'reset', hourAgo)) >= MAX_PER_HOUR) return;
    const token = this.deps.random.token(32);
    const tokenHash = hashSecret(token);
    const link = new URL(`/password-reset/${token}`, this.deps.publicUrl).toString();
    const host = this.deps.publicUrl.host;
    await this.deps.db.transaction().execute(async (trx) => {
      await users.insertAccountToken(trx, {
        token_hash: tokenHash,
        purpose: 'reset',
        user_id: user.id,
        created_at: iso(now),
        expires_at: iso(new Date(now.getTime() + RESET_TTL_MS)),
      });
      await queueMail(trx, this.deps, {
        to: user.email,
        recipientUserId: user.id,
        kind: 'account.password-reset',
        subject: `Reset your Parley password (${host})`,
        text: [
          `Hello ${user.name},`,
          '',
          `someone (hopefully you) asked to reset the password of your Parley account on ${host}.`,
          'To choose a new password, open this link within one hour. It works once:',
          '',
          link,
          '',
          'Setting a new password signs you out everywhere. If you did not ask for this, ignore this',
          'mail: your password stays as it is.',
          meta.ip ? `\nThe request came from the address ${meta.ip}.` : '',
        ].join('\n'),
        dedupeKey: `mail:password-reset:${tokenHash}`,
      });
    });
  }

  /** The account a usable reset link belongs to (for the form), or null. */
  async check(token: string): Promise<{ email: string } | null> {
    if (token.length > 200) return null;
    const t = await users.findUsableAccountToken(this.deps.db, hashSecret(token), 'reset', iso(this.now()));
    if (!t?.user_id) return null;
    const u = await users.findUserById(this.deps.db, t.user_id);
    return u && !u.disabled_at ? { email: u.email } : null;
  }

  /** Sets the new password through a reset link: every session ends, every other link dies. */
  async complete(token: string, password: unknown, meta: ClientMeta = {}): Promise<{ email: string }> {
    const gone = () => new NotFoundError('This reset link is not valid any more. Ask for a new one.');
    if (token.length > 200) throw gone();
    const errors: FieldError[] = [];
    if (typeof password !== 'string' || password.length < PASSWORD_MIN)
      errors.push({ field: 'password', message: `Use at least ${PASSWORD_MIN} characters.` });
    else if (password.length > PASSWORD_MAX)
      errors.push({ field: 'password', message: `Use at most ${PASSWORD_MAX} characters.` });
    if (errors.length) throw new ValidationError(errors);
    const now = iso(this.now());
    const t = await users.findUsableAccountToken(this.deps.db, hashSecret(token), 'reset', now);
    const user = t?.user_id ? await users.findUserById(this.deps.db, t.user_id) : undefined;
    if (!t || !user || user.disabled_at) throw gone();
    const hash = await this.deps.passwords.hash(password as string);
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await users.consumeAccountToken(trx, t.token_hash, now))) throw gone();
      await users.updateUser(trx, user.id, { password_hash: hash });
      await sec.expireAccountTokensOfUser(trx, user.id, 'reset', now);
      const ended = await sec.deleteSessionsOfUser(trx, user.id);
      await recordAudit(trx, this.deps, {
        action: 'auth.password-reset',
        actor: ANONYMOUS,
        ip: meta.ip,
        target: user.email,
        data: { userId: user.id, sessionsEnded: ended },
      });
    });
    return { email: user.email };
  }
}
