// Who may change an account's security settings: the account's owner in a browser session (an API
// token never manages credentials), and, once the account has a second factor, only in a session
// that was opened with it — so a password-only session left over from before enrolment cannot add
// or remove factors. Sensitive changes also ask for the password again (`confirmPassword`).
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../../domain/errors.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import { accountHasSecondFactor } from '../../storage/repositories/account-security.repository.ts';
import type { Actor, UserIdentity } from '../actor.ts';
import type { ServiceDeps } from '../deps.ts';
import { PASSWORD_MAX } from '../passwords.ts';

export function requireSessionUser(actor: Actor): UserIdentity {
  if (actor.kind !== 'user') throw new UnauthenticatedError();
  if (actor.via !== 'session')
    throw new ForbiddenError('Account security is managed in the browser, not with an API token.');
  return actor.user;
}

/** The session user, refused when the account has a second factor this session was not opened with. */
export async function requireVerifiedSession(deps: ServiceDeps, actor: Actor): Promise<UserIdentity> {
  const user = requireSessionUser(actor);
  if (!user.hasSecondFactor && (await accountHasSecondFactor(deps.db, user.id)))
    throw new ForbiddenError(
      'This session was opened before you set up a second factor. Sign out and sign in again with it first.',
    );
  return user;
}

/** Checks the account's current password (a field error on `password` when it is wrong). */
export async function confirmPassword(deps: ServiceDeps, userId: string, password: unknown): Promise<void> {
  const row = await users.findUserById(deps.db, userId);
  const ok =
    typeof password === 'string' &&
    password.length > 0 &&
    password.length <= PASSWORD_MAX &&
    !!row?.password_hash &&
    (await deps.passwords.verify(row.password_hash, password));
  if (!ok) throw new ValidationError([{ field: 'password', message: 'This is not your current password.' }]);
}
