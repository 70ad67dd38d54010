// Cases, their append-only timeline (case_events) and their message thread.
import type { Kysely, Insertable } from 'kysely';
import type {
  Database,
  CaseRow,
  NewCaseRow,
  CaseUpdate,
  CaseEventRow,
  CaseEventsTable,
  MessageRow,
  MessagesTable,
} from '../schema.ts';

type Db = Kysely<Database>;

export async function insertCase(db: Db, row: NewCaseRow): Promise<void> {
  await db.insertInto('cases').values(row).execute();
}

/** One multi-row INSERT (callers keep batches small enough for the dialects' parameter limits). */
export async function insertCases(db: Db, rows: NewCaseRow[]): Promise<void> {
  if (rows.length) await db.insertInto('cases').values(rows).execute();
}

export async function findCaseById(db: Db, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

/** By its current key, or by a key it had before it moved to another project (see case-move.service.ts). */
export async function findCaseByKey(db: Db, key: string): Promise<CaseRow | undefined> {
  const row = await db.selectFrom('cases').selectAll().where('key', '=', key).executeTakeFirst();
  if (row) return row;
  return db
    .selectFrom('case_key_aliases')
    .innerJoin('cases', 'cases.id', 'case_key_aliases.case_id')
    .selectAll('cases')
    .where('case_key_aliases.key', '=', key)
    .executeTakeFirst();
}

export async function findCaseByTokenHash(db: Db, tokenHash: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll().where('reporter_token_hash', '=', tokenHash).executeTakeFirst();
}

export async function updateCase(db: Db, id: string, patch: CaseUpdate): Promise<void> {
  await db.updateTable('cases').set(patch).where('id', '=', id).execute();
}

/** Updates the case only while it is still in `fromState`; false when a concurrent change got there first. */
export async function updateCaseFromState(
  db: Db,
  id: string,
  fromState: string,
  patch: CaseUpdate,
): Promise<boolean> {
  const r = await db
    .updateTable('cases')
    .set(patch)
    .where('id', '=', id)
    .where('state', '=', fromState)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export interface CaseListQuery {
  /** Restrict to these projects; undefined means every project (instance admin). */
  projectIds?: string[] | undefined;
  states?: string[] | undefined;
  order: 'deadline' | 'newest' | 'oldest';
  limit: number;
  offset: number;
}

/** What computing a case's clocks needs besides its state, severity and resolution (see case-clocks.ts). */
const CLOCK_COLUMNS = [
  'cases.project_id',
  'cases.policy_version',
  'cases.created_at',
  'cases.acknowledged_at',
  'cases.triaged_at',
  'cases.fixed_at',
  'cases.disclosed_at',
  'cases.closed_at',
  'cases.needs_info_log',
] as const;

function listQuery(db: Db, q: Pick<CaseListQuery, 'projectIds' | 'states'>) {
  let query = db
    .selectFrom('cases')
    .innerJoin('projects', 'projects.id', 'cases.project_id')
    .leftJoin('users as assignee', 'assignee.id', 'cases.assignee_id')
    .select([
      'cases.id',
      'cases.key',
      'cases.title',
      'cases.state',
      'cases.severity',
      'cases.resolution',
      'cases.needs_info',
      'cases.updated_at',
      'cases.assignee_id',
      'cases.next_due_at',
      'cases.version_status',
      ...CLOCK_COLUMNS,
      'assignee.name as assignee_name',
      'projects.slug as project_slug',
      'projects.name as project_name',
    ]);
  if (q.projectIds) query = query.where('cases.project_id', 'in', q.projectIds);
  if (q.states && q.states.length) query = query.where('cases.state', 'in', q.states);
  return query;
}

/**
 * One page of the inbox. By deadline: cases with a due time first (nearest first), then the rest
 * oldest first — read as two index-ordered queries (due times, then the undated) rather than one
 * `ORDER BY (next_due_at IS NULL), …`, which no index can serve and which made both databases sort
 * every matching row of a 100,000-case inbox for each page.
 */
export async function listCases(db: Db, q: CaseListQuery) {
  if (q.projectIds && q.projectIds.length === 0) return [];
  if (q.order !== 'deadline') {
    const dir = q.order === 'newest' ? 'desc' : 'asc';
    return listQuery(db, q)
      .orderBy('cases.created_at', dir)
      .orderBy('cases.number', dir)
      .limit(q.limit)
      .offset(q.offset)
      .execute();
  }
  const dated = await listQuery(db, q)
    .where('cases.next_due_at', 'is not', null)
    .orderBy('cases.next_due_at', 'asc')
    .orderBy('cases.created_at', 'asc')
    .orderBy('cases.number', 'asc')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  if (dated.length === q.limit) return dated;
  // The page reaches past the dated cases: how many there are decides where the undated start.
  const datedTotal =
    dated.length > 0 || q.offset === 0
      ? q.offset + dated.length
      : await countDated(db, q.projectIds, q.states);
  const undated = await listQuery(db, q)
    .where('cases.next_due_at', 'is', null)
    .orderBy('cases.created_at', 'asc')
    .orderBy('cases.number', 'asc')
    .limit(q.limit - dated.length)
    .offset(Math.max(0, q.offset - datedTotal))
    .execute();
  return [...dated, ...undated];
}

async function countDated(db: Db, projectIds: string[] | undefined, states: string[] | undefined) {
  let query = db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('cases.next_due_at', 'is not', null);
  if (projectIds) query = query.where('cases.project_id', 'in', projectIds);
  if (states && states.length) query = query.where('cases.state', 'in', states);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/**
 * How many cases match, counting at most `cap + 1` (so the answer says "more than cap"): counting
 * every one of 100,000 matching rows on each inbox page cost more than the page itself.
 */
export async function countCases(
  db: Db,
  q: Omit<CaseListQuery, 'order' | 'limit' | 'offset'>,
  cap = Number.MAX_SAFE_INTEGER - 1,
): Promise<number> {
  if (q.projectIds && q.projectIds.length === 0) return 0;
  let inner = db.selectFrom('cases').select('cases.id');
  if (q.projectIds) inner = inner.where('cases.project_id', 'in', q.projectIds);
  if (q.states && q.states.length) inner = inner.where('cases.state', 'in', q.states);
  const r = await db
    .selectFrom(inner.limit(cap + 1).as('matching'))
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// Timeline

export async function insertEvent(db: Db, row: Insertable<CaseEventsTable>): Promise<void> {
  await db.insertInto('case_events').values(row).execute();
}

export async function insertEvents(db: Db, rows: Insertable<CaseEventsTable>[]): Promise<void> {
  if (rows.length) await db.insertInto('case_events').values(rows).execute();
}

export async function listEvents(db: Db, caseId: string, visibility?: 'reporter'): Promise<CaseEventRow[]> {
  let q = db.selectFrom('case_events').selectAll().where('case_id', '=', caseId);
  if (visibility) q = q.where('visibility', '=', visibility);
  return q.orderBy('id', 'asc').execute();
}

/**
 * The latest `limit` timeline entries (oldest first) and how many there are in all, for pages of a
 * long case; `visibility` narrows to the reporter's entries.
 */
export async function listLatestEvents(
  db: Db,
  caseId: string,
  limit: number,
  visibility?: 'reporter',
): Promise<{ rows: CaseEventRow[]; total: number }> {
  let q = db.selectFrom('case_events').where('case_id', '=', caseId);
  if (visibility) q = q.where('visibility', '=', visibility);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('id', 'desc').limit(limit).execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.reverse(), total: Number(count.n) };
}

export async function listMessagesByIds(db: Db, caseId: string, ids: string[]): Promise<MessageRow[]> {
  if (!ids.length) return [];
  return db.selectFrom('messages').selectAll().where('case_id', '=', caseId).where('id', 'in', ids).execute();
}

// Messages

export async function insertMessage(db: Db, row: Insertable<MessagesTable>): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

export async function listMessages(db: Db, caseId: string, visibility?: 'reporter'): Promise<MessageRow[]> {
  let q = db.selectFrom('messages').selectAll().where('case_id', '=', caseId);
  if (visibility) q = q.where('visibility', '=', visibility);
  return q.orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
}

/** Display names of the given users, for timelines and message authors. */
export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Open cases with what their clocks need, for the reminder and digest jobs (optionally one project). */
export async function listOpenCasesForClocks(db: Db, states: readonly string[], projectId?: string) {
  let q = db
    .selectFrom('cases')
    .select([
      'cases.id',
      'cases.key',
      'cases.title',
      'cases.state',
      'cases.severity',
      'cases.resolution',
      'cases.assignee_id',
      'cases.next_due_at',
      ...CLOCK_COLUMNS,
    ])
    .where('state', 'in', [...states]);
  if (projectId) q = q.where('project_id', '=', projectId);
  return q.orderBy('created_at').execute();
}

/** Every case of the given projects (all when undefined) with its milestones, for metrics. */
export async function listCasesForMetrics(db: Db, projectIds: string[] | undefined) {
  if (projectIds && projectIds.length === 0) return [];
  let q = db
    .selectFrom('cases')
    .innerJoin('projects', 'projects.id', 'cases.project_id')
    .select([
      'cases.key',
      'cases.state',
      'cases.severity',
      'cases.resolution',
      ...CLOCK_COLUMNS,
      'projects.slug as project_slug',
    ]);
  if (projectIds) q = q.where('cases.project_id', 'in', projectIds);
  return q.execute();
}

/** Keeps the inbox's sort key current (it drifts while a clock is paused, and is unset on old cases). */
export async function setNextDueAt(db: Db, caseId: string, nextDueAt: string | null): Promise<void> {
  await db.updateTable('cases').set({ next_due_at: nextDueAt }).where('id', '=', caseId).execute();
}

/** Unassigns a person from every case of a project (they left its team); returns the cases changed. */
export async function unassignFromProject(db: Db, projectId: string, userId: string): Promise<string[]> {
  const rows = await db
    .updateTable('cases')
    .set({ assignee_id: null })
    .where('project_id', '=', projectId)
    .where('assignee_id', '=', userId)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
