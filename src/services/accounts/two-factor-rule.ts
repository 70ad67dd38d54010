// The project rule "every member must use a second factor". Checked where a team member's (or an
// instance admin's) standing on a project is decided — access.ts `projectRole` — so every case,
// page and API route of the project is covered; lists that gather cases across projects drop the
// projects the actor is barred from (`barredProjects`). A user "has" a second factor when the
// account has TOTP or a passkey and, for a browser session, the session was opened with it.
import type { Kysely } from 'kysely';
import { SecondFactorRequiredError } from '../../domain/errors.ts';
import type { Database } from '../../storage/schema.ts';
import { projectsRequiring2fa } from '../../storage/repositories/account-security.repository.ts';
import type { Actor } from '../actor.ts';

/** Throws SecondFactorRequiredError when the project requires 2FA and the actor lacks it. */
export async function assertSecondFactorFor(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
): Promise<void> {
  if (actor.kind !== 'user' || actor.user.hasSecondFactor) return;
  if ((await projectsRequiring2fa(db, [projectId])).length) throw new SecondFactorRequiredError();
}

/** Ids of the projects (among `ids`, or all) the actor may not act on for want of a second factor. */
export async function barredProjects(
  db: Kysely<Database>,
  actor: Actor,
  ids?: string[],
): Promise<Set<string>> {
  if (actor.kind !== 'user' || actor.user.hasSecondFactor) return new Set();
  return new Set(await projectsRequiring2fa(db, ids));
}
