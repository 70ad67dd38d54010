// Need-to-know rules in one place. A case is visible to its project's team (and instance admins),
// through its secret token to its reporter, to the collaborators invited to that one case, and to
// the contacts of the parties (vendors, distributors) invited to it — each seeing only their part.
// Anything else answers "not found", so that the existence of a case never leaks.
import type { Kysely } from 'kysely';
import { NotFoundError, ForbiddenError, UnauthenticatedError } from '../domain/errors.ts';
import type { ProjectRole } from '../domain/roles.ts';
import type { Database, CaseRow, ProjectRow } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import { findGuestAccess } from '../storage/repositories/coordination.repository.ts';
import type { Actor, UserIdentity } from './actor.ts';
import { assertSecondFactorFor } from './accounts/two-factor-rule.ts';

export type CaseAccess =
  | { as: 'team'; role: ProjectRole | 'admin'; user: UserIdentity }
  | { as: 'reporter' }
  /** Invited to this one case: reads it as the team does, writes internal notes, changes nothing. */
  | { as: 'collaborator'; user: UserIdentity }
  /** A contact of a party: sees only what is shared with parties and its own party's thread. */
  | { as: 'party'; user: UserIdentity; partyId: string };

/**
 * The actor's standing on a project: its role, 'admin' for instance admins, or undefined. Throws
 * SecondFactorRequiredError when the project requires 2FA and the member (or admin) lacks it.
 */
export async function projectRole(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
): Promise<ProjectRole | 'admin' | undefined> {
  if (actor.kind !== 'user') return undefined;
  const role =
    (await projects.findRole(db, projectId, actor.user.id)) ?? (actor.user.isAdmin ? 'admin' : undefined);
  if (role) await assertSecondFactorFor(db, actor, projectId);
  return role;
}

export async function caseAccess(
  db: Kysely<Database>,
  actor: Actor,
  c: CaseRow,
): Promise<CaseAccess | undefined> {
  if (actor.kind === 'reporter') return actor.caseId === c.id ? { as: 'reporter' } : undefined;
  if (actor.kind !== 'user') return undefined;
  const role = await projectRole(db, actor, c.project_id);
  if (role) return { as: 'team', role, user: actor.user };
  const guest = await findGuestAccess(db, c.id, actor.user.id);
  if (guest.collaborator) return { as: 'collaborator', user: actor.user };
  if (guest.partyId) return { as: 'party', user: actor.user, partyId: guest.partyId };
  return undefined;
}

/** Loads a case by opaque id or key and the actor's access to it, or throws NotFound. */
export async function loadCase(db: Kysely<Database>, actor: Actor, ref: { id?: string; key?: string }) {
  if (actor.kind === 'anonymous') throw new NotFoundError('No such case.');
  const c = ref.id
    ? await cases.findCaseById(db, ref.id)
    : ref.key
      ? await cases.findCaseByKey(db, ref.key)
      : undefined;
  const access = c ? await caseAccess(db, actor, c) : undefined;
  if (!c || !access) throw new NotFoundError('No such case.');
  return { row: c, access };
}

/**
 * The case's team (or an admin). Others who may see the case (its reporter, collaborators, parties)
 * get 403 for a change and 404 for a read: a refused read never says the thing exists.
 */
export function requireCaseTeam(
  access: CaseAccess,
  kind: 'read' | 'write',
  what = 'does this',
): Extract<CaseAccess, { as: 'team' }> {
  if (access.as === 'team') return access;
  if (kind === 'read') throw new NotFoundError('Not found.');
  throw new ForbiddenError(`Only the security team ${what}.`);
}

export function requireUser(actor: Actor): UserIdentity {
  if (actor.kind !== 'user') throw new UnauthenticatedError();
  return actor.user;
}

export function requireAdmin(actor: Actor): UserIdentity {
  const user = requireUser(actor);
  if (!user.isAdmin) throw new ForbiddenError('Only an instance admin can do this.');
  return user;
}

/** Maintainers of the project and instance admins manage a project's team and settings. */
export async function requireMaintainer(
  db: Kysely<Database>,
  actor: Actor,
  project: ProjectRow,
): Promise<UserIdentity> {
  const user = requireUser(actor);
  const role = await projectRole(db, actor, project.id);
  if (role === 'maintainer' || role === 'admin') return user;
  // Team members learn they lack the role; everyone else does not learn that the settings exist.
  if (role) throw new ForbiddenError('Only a maintainer of this project can do this.');
  throw new NotFoundError('No such project.');
}
