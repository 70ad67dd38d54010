// A project's OpenPGP key pair (table project_keys, one row per project at most).
import type { Insertable, Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { ProjectKeyRow, ProjectKeysTable } from '../schema-channels.ts';

type Db = Kysely<Database>;

export async function findProjectKey(db: Db, projectId: string): Promise<ProjectKeyRow | undefined> {
  return db.selectFrom('project_keys').selectAll().where('project_id', '=', projectId).executeTakeFirst();
}

/** The public parts only, for pages and security.txt (the private key stays in the database). */
export async function findPublicProjectKey(db: Db, projectId: string) {
  return db
    .selectFrom('project_keys')
    .select(['project_id', 'fingerprint', 'user_id_text', 'public_key', 'source', 'created_at', 'expires_at'])
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

/** Stores the project's key, replacing the one it had. */
export async function saveProjectKey(db: Db, row: Insertable<ProjectKeysTable>): Promise<void> {
  const { project_id: _id, ...rest } = row;
  await db
    .insertInto('project_keys')
    .values(row)
    .onConflict((oc) => oc.column('project_id').doUpdateSet(rest))
    .execute();
}

export async function deleteProjectKey(db: Db, projectId: string): Promise<boolean> {
  const r = await db.deleteFrom('project_keys').where('project_id', '=', projectId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
