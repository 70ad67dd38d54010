// Versions of a project's policy file; the project row points at the one in force.
import type { Kysely } from 'kysely';
import type { Database, PolicyRow } from '../schema.ts';

type Db = Kysely<Database>;

export async function findPolicy(db: Db, projectId: string, version: number): Promise<PolicyRow | undefined> {
  return db
    .selectFrom('policies')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Versions newest first, without their source (the history list). */
export async function listPolicyVersions(db: Db, projectId: string) {
  return db
    .selectFrom('policies')
    .leftJoin('users', 'users.id', 'policies.created_by')
    .select(['policies.version', 'policies.note', 'policies.created_at', 'users.name as created_by_name'])
    .where('policies.project_id', '=', projectId)
    .orderBy('policies.version', 'desc')
    .execute();
}

/**
 * Stores `row` as the next version and points the project at it, but only if the project is still on
 * `expectedVersion` — two maintainers saving at once must not overwrite each other unseen. Run inside a
 * transaction; returns false when someone else saved first.
 */
export async function insertPolicyVersion(db: Db, row: PolicyRow, expectedVersion: number): Promise<boolean> {
  const moved = await db
    .updateTable('projects')
    .set({ policy_version: row.version })
    .where('id', '=', row.project_id)
    .where('policy_version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  await db.insertInto('policies').values(row).execute();
  return true;
}
