// Advisories, their revisions and linked cases. The package and commit indexes the OSV API reads
// are in advisory-index.repository.ts.
import { sql, type Kysely } from 'kysely';
import type {
  AdvisoryRevisionRow,
  AdvisoryRow,
  AdvisoryUpdate,
  Database,
  NewAdvisoryRow,
} from '../schema.ts';

type Db = Kysely<Database>;

export async function insertAdvisory(db: Db, row: NewAdvisoryRow): Promise<void> {
  await db.insertInto('advisories').values(row).execute();
}

export async function findAdvisoryByUid(db: Db, uid: string): Promise<AdvisoryRow | undefined> {
  return db.selectFrom('advisories').selectAll().where('uid', '=', uid).executeTakeFirst();
}

export async function findAdvisoryById(db: Db, id: string): Promise<AdvisoryRow | undefined> {
  return db.selectFrom('advisories').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Applies `patch` only if the advisory is still at `revision` (and, when given, in one of `states`):
 * two editors saving at once, or an edit racing the publish job, must not overwrite each other
 * unseen. Returns false when the row moved on.
 */
export async function updateAdvisoryIf(
  db: Db,
  uid: string,
  expect: { revision?: number; states?: readonly AdvisoryRow['state'][] },
  patch: AdvisoryUpdate,
): Promise<boolean> {
  let q = db.updateTable('advisories').set(patch).where('uid', '=', uid);
  if (expect.revision !== undefined) q = q.where('revision', '=', expect.revision);
  if (expect.states) q = q.where('state', 'in', [...expect.states]);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertRevision(db: Db, row: AdvisoryRevisionRow): Promise<void> {
  await db.insertInto('advisory_revisions').values(row).execute();
}

export async function markRevisionPublic(
  db: Db,
  uid: string,
  revision: number,
  publicNumber: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('advisory_revisions')
    .set({ public_number: publicNumber, public_at: at })
    .where('advisory_uid', '=', uid)
    .where('revision', '=', revision)
    .execute();
}

/** Revisions newest first, with the editor's name. */
export async function listRevisions(db: Db, uid: string) {
  return db
    .selectFrom('advisory_revisions')
    .leftJoin('users', 'users.id', 'advisory_revisions.created_by')
    .select([
      'advisory_revisions.revision',
      'advisory_revisions.content',
      'advisory_revisions.note',
      'advisory_revisions.created_at',
      'advisory_revisions.public_number',
      'advisory_revisions.public_at',
      'users.name as created_by_name',
    ])
    .where('advisory_revisions.advisory_uid', '=', uid)
    .orderBy('advisory_revisions.revision', 'desc')
    .execute();
}

/** The published revision history of many advisories at once (feeds and CSAF directories). */
export async function listPublicRevisions(db: Db, uids: string[]) {
  if (uids.length === 0) return [];
  return db
    .selectFrom('advisory_revisions')
    .select(['advisory_uid', 'public_number', 'public_at', 'note'])
    .where('advisory_uid', 'in', uids)
    .where('public_number', 'is not', null)
    .orderBy('public_number', 'asc')
    .execute();
}

export async function maxPublicNumber(db: Db, uid: string): Promise<number> {
  const r = await db
    .selectFrom('advisory_revisions')
    .select((eb) => eb.fn.max('public_number').as('n'))
    .where('advisory_uid', '=', uid)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function linkCases(db: Db, uid: string, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  await db
    .insertInto('advisory_cases')
    .values(caseIds.map((case_id) => ({ advisory_uid: uid, case_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function unlinkCases(db: Db, uid: string, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  await db
    .deleteFrom('advisory_cases')
    .where('advisory_uid', '=', uid)
    .where('case_id', 'in', caseIds)
    .execute();
}

export async function caseIdsOf(db: Db, uid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('advisory_cases')
    .innerJoin('cases', 'cases.id', 'advisory_cases.case_id')
    .select('advisory_cases.case_id')
    .where('advisory_cases.advisory_uid', '=', uid)
    .orderBy('cases.number')
    .execute();
  return rows.map((r) => r.case_id);
}

export async function advisoriesOfCase(db: Db, caseId: string) {
  return db
    .selectFrom('advisory_cases')
    .innerJoin('advisories', 'advisories.uid', 'advisory_cases.advisory_uid')
    .select(['advisories.uid', 'advisories.id', 'advisories.title', 'advisories.state'])
    .where('advisory_cases.case_id', '=', caseId)
    .orderBy('advisories.created_at')
    .execute();
}

/** Scheduled advisories whose embargo has ended, oldest first. */
export async function dueScheduled(db: Db, now: string, limit = 100): Promise<string[]> {
  const rows = await db
    .selectFrom('advisories')
    .select('uid')
    .where('state', '=', 'scheduled')
    .where('scheduled_for', '<=', now)
    .orderBy('scheduled_for')
    .limit(limit)
    .execute();
  return rows.map((r) => r.uid);
}

/**
 * The next public number for a prefix and year, counted atomically (an upsert takes the row lock on
 * PostgreSQL; SQLite serialises writers), so two advisories published at once never share an id.
 */
export async function nextPublicNumber(db: Db, prefix: string, year: number): Promise<number> {
  const row = await db
    .insertInto('advisory_counters')
    .values({ prefix, year, last_number: 1 })
    .onConflict((oc) =>
      oc.columns(['prefix', 'year']).doUpdateSet({ last_number: sql`advisory_counters.last_number + 1` }),
    )
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return Number(row.last_number);
}
