// Finding or inviting the account of a person asked onto one case (collaborator or party contact).
// An unknown address gets an account without a password and a one-time activation link, sent in
// the invitation mail; the account alone opens nothing — access comes only from the case.
import { ValidationError } from '../../domain/errors.ts';
import { isEmail } from '../../domain/report.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import type { AuthService } from '../auth.service.ts';
import type { ServiceDeps } from '../deps.ts';

export interface Invitee {
  userId: string;
  email: string;
  name: string;
  /** Absolute activation link when the account was created just now. */
  activationUrl?: string | undefined;
}

export function parsePerson(raw: { email?: unknown; name?: unknown }, field = 'email') {
  const email = typeof raw.email === 'string' ? raw.email.trim().toLowerCase() : '';
  if (!isEmail(email)) throw new ValidationError([{ field, message: 'Enter a valid e-mail address.' }]);
  const name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim().slice(0, 200) : email;
  return { email, name };
}

/** Parses "Name <a@b>" or "a@b" lines (the contacts box of the add-party form). */
export function parseContactLines(text: unknown): Array<{ email: string; name: string }> {
  if (typeof text !== 'string') return [];
  const out: Array<{ email: string; name: string }> = [];
  for (const line of text.split(/[\n,;]+/)) {
    const l = line.trim();
    if (!l) continue;
    const m = /^(.*?)\s*<([^>]+)>$/.exec(l);
    out.push(parsePerson(m ? { name: m[1], email: m[2] } : { email: l }, 'contacts'));
  }
  return out;
}

export async function findOrInvite(
  deps: ServiceDeps,
  auth: AuthService,
  person: { email: string; name: string },
): Promise<Invitee> {
  const existing = await users.findUserByEmail(deps.db, person.email);
  if (existing) {
    if (existing.disabled_at)
      throw new ValidationError([{ field: 'email', message: 'That account is disabled.' }]);
    return { userId: existing.id, email: existing.email, name: existing.name };
  }
  try {
    const { user, activationPath } = await auth.createInvitedUser(person.email, person.name);
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      activationUrl: new URL(activationPath, deps.publicUrl).toString(),
    };
  } catch (e) {
    // Invited by someone else at the same moment: use that account.
    const again = await users.findUserByEmail(deps.db, person.email);
    if (again) return { userId: again.id, email: again.email, name: again.name };
    throw e;
  }
}
