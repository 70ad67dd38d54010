// Account-security helpers for tests: turn on TOTP for a member through the real service and make
// codes for any moment, and the actor of a session opened with a second factor.
import * as OTPAuth from 'otpauth';
import type { Services } from '../../src/services/index.ts';
import type { Actor, UserIdentity } from '../../src/services/actor.ts';

export function totpCode(base32: string, at: Date | number, stepOffset = 0): string {
  const t = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32), digits: 6, period: 30 });
  return t.generate({ timestamp: new Date(at).getTime() + stepOffset * 30_000 });
}

/** The actor of a browser session opened with a second factor. */
export function verified(user: UserIdentity): Actor {
  return { kind: 'user', user: { ...user, hasSecondFactor: true }, via: 'session' };
}

/**
 * Turns TOTP on for the user (as a session with no second factor yet, as on the page) at `now`;
 * returns the secret and the recovery codes.
 */
export async function enableTotp(services: Services, user: UserIdentity, now: Date = new Date()) {
  const actor: Actor = { kind: 'user', user, via: 'session' };
  const enrolment = await services.totp.beginEnrolment(actor);
  const r = await services.totp.confirmEnrolment(actor, 'no-session', totpCode(enrolment.secret, now));
  return { secret: enrolment.secret, recoveryCodes: r.recoveryCodes ?? [] };
}
