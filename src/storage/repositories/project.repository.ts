// Projects and their team memberships.
import type { Kysely, Insertable } from 'kysely';
import type { Database, ProjectRow, ProjectsTable } from '../schema.ts';
import type { ProjectRole } from '../../domain/roles.ts';

type Db = Kysely<Database>;

export async function insertProject(db: Db, row: Insertable<ProjectsTable>): Promise<void> {
  await db.insertInto('projects').values(row).execute();
}

export async function findProjectBySlug(db: Db, slug: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findProjectById(db: Db, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findProjectByKey(db: Db, key: string) {
  return db.selectFrom('projects').select(['id', 'key']).where('key', '=', key).executeTakeFirst();
}

export async function findProjectBySlugOrKey(db: Db, slug: string, key: string) {
  return db
    .selectFrom('projects')
    .select(['slug', 'key'])
    .where((eb) => eb.or([eb('slug', '=', slug), eb('key', '=', key)]))
    .executeTakeFirst();
}

export async function listProjects(db: Db): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().orderBy('name').execute();
}

/** Reserves the next `count` case numbers of a project and returns the last; run it inside the transaction that inserts the cases. */
export async function allocateCaseNumbers(db: Db, projectId: string, count: number): Promise<number> {
  const r = await db
    .updateTable('projects')
    .set((eb) => ({ last_case_number: eb('last_case_number', '+', count) }))
    .where('id', '=', projectId)
    .returning('last_case_number')
    .executeTakeFirstOrThrow();
  return Number(r.last_case_number);
}

export async function upsertMembership(
  db: Db,
  projectId: string,
  userId: string,
  role: ProjectRole,
  now: string,
) {
  await db
    .insertInto('memberships')
    .values({ project_id: projectId, user_id: userId, role, created_at: now })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

export async function deleteMembership(db: Db, projectId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('memberships')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .execute();
}

export async function findRole(db: Db, projectId: string, userId: string): Promise<ProjectRole | undefined> {
  const r = await db
    .selectFrom('memberships')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.role;
}

/** Every project the user is on, with their role there. */
export async function listMembershipsOfUser(db: Db, userId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('projects', 'projects.id', 'memberships.project_id')
    .select(['projects.id', 'projects.slug', 'projects.name', 'projects.key', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('projects.name')
    .execute();
}

export async function listMembers(db: Db, projectId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.password_hash',
      'users.disabled_at',
      'memberships.role',
      'memberships.created_at',
    ])
    .where('memberships.project_id', '=', projectId)
    .orderBy('users.email')
    .execute();
}

export async function countMaintainers(db: Db, projectId: string): Promise<number> {
  const r = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('project_id', '=', projectId)
    .where('role', '=', 'maintainer')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The components of an umbrella project. */
export async function listComponents(db: Db, parentId: string): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().where('parent_id', '=', parentId).orderBy('name').execute();
}

export async function setParent(db: Db, projectId: string, parentId: string | null): Promise<void> {
  await db.updateTable('projects').set({ parent_id: parentId }).where('id', '=', projectId).execute();
}
