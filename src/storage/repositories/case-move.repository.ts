// Storage for moving cases (services/case-move.service.ts): the guarded update that re-keys a case
// into another project, the keys a case had before it moved (case_key_aliases; findCaseByKey falls
// back to them), and what the public-issue export may list of a case's files.
import type { Kysely } from 'kysely';
import type { CaseUpdate, Database } from '../schema.ts';

type Db = Kysely<Database>;

/**
 * Applies the move only while the case is still where the caller found it (same project, same key);
 * false when a concurrent move got there first. On PostgreSQL the second writer waits for the first
 * one's row lock and then re-checks the condition against the committed row.
 */
export async function moveCase(
  db: Db,
  id: string,
  from: { projectId: string; key: string },
  patch: CaseUpdate,
): Promise<boolean> {
  const r = await db
    .updateTable('cases')
    .set(patch)
    .where('id', '=', id)
    .where('project_id', '=', from.projectId)
    .where('key', '=', from.key)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertKeyAlias(db: Db, key: string, caseId: string, at: string): Promise<void> {
  await db.insertInto('case_key_aliases').values({ key, case_id: caseId, created_at: at }).execute();
}

/** Earlier keys of a case, oldest first. */
export async function keyAliasesOf(db: Db, caseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('case_key_aliases')
    .select('key')
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('key')
    .execute();
  return rows.map((r) => r.key);
}

/**
 * Names of the files the reporter could see on the case: the report's own and those of shared
 * messages — never those of internal notes or party threads.
 */
export async function reporterVisibleAttachmentNames(db: Db, caseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('attachments')
    .leftJoin('messages', 'messages.id', 'attachments.message_id')
    .select(['attachments.filename', 'attachments.created_at'])
    .where('attachments.case_id', '=', caseId)
    .where((eb) =>
      eb.or([eb('attachments.message_id', 'is', null), eb('messages.visibility', '=', 'reporter')]),
    )
    .orderBy('attachments.created_at')
    .execute();
  // File names are encrypted at rest: ties are broken here, not in SQL.
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return rows
    .sort((a, b) => byName(a.created_at, b.created_at) || byName(a.filename, b.filename))
    .map((r) => r.filename);
}
