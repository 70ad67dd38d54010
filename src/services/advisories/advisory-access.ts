// Who may do what with an advisory. The project's team (maintainers, responders) and instance
// admins read and draft; maintainers and admins publish, schedule and withdraw. Anyone else gets
// "not found" for anything that is not public, so an embargoed advisory's existence never leaks.
import type { Kysely } from 'kysely';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import type { ProjectRole } from '../../domain/roles.ts';
import { ADVISORY_ID_CHARS } from '../../domain/advisory/advisory-ids.ts';
import type { AdvisoryRow, Database, ProjectRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import type { Actor, UserIdentity } from '../actor.ts';
import { projectRole, requireUser } from '../access.ts';

export interface AdvisoryAccess {
  row: AdvisoryRow;
  project: ProjectRow;
  role: ProjectRole | 'admin';
  user: UserIdentity;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds an advisory by uid or public id for a team member, or throws NotFound. */
export async function loadTeamAdvisory(
  db: Kysely<Database>,
  actor: Actor,
  ref: string,
): Promise<AdvisoryAccess> {
  if (actor.kind !== 'user' || !ADVISORY_ID_CHARS.test(ref)) throw new NotFoundError('No such advisory.');
  const row = UUID.test(ref)
    ? await advisories.findAdvisoryByUid(db, ref)
    : await advisories.findAdvisoryById(db, ref);
  const project = row ? await projects.findProjectById(db, row.project_id) : undefined;
  const role = project ? await projectRole(db, actor, project.id) : undefined;
  if (!row || !project || !role) throw new NotFoundError('No such advisory.');
  return { row, project, role, user: actor.user };
}

export function canPublish(role: ProjectRole | 'admin'): boolean {
  return role === 'maintainer' || role === 'admin';
}

export function requirePublisher(access: AdvisoryAccess): void {
  if (!canPublish(access.role)) {
    throw new ForbiddenError(
      'Only a maintainer of this project can publish, schedule or withdraw advisories.',
    );
  }
}

/** The project a new advisory goes into, if the actor is on its team. */
export async function loadTeamProject(db: Kysely<Database>, actor: Actor, slug: string) {
  const user = requireUser(actor);
  const project = await projects.findProjectBySlug(db, slug);
  const role = project ? await projectRole(db, actor, project.id) : undefined;
  if (!project || !role) throw new NotFoundError('No such project.');
  return { project, role, user };
}
