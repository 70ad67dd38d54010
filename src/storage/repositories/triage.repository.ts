// Queries for abuse defences and triage aids: per-reporter and per-case write counts (rate limits),
// a reporter's earlier cases (reputation), spam history of the reporters in an inbox page, and the
// candidate cases for duplicate suggestions. Report text (title, description) is only ever selected,
// never filtered or compared in SQL: it may be encrypted at rest, so comparisons happen in the app.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;

/** Who reported: an account when the case has one, else the (lowercased) e-mail address. */
export type ReporterKey = { userId: string } | { email: string };

/**
 * Creation times of the reporter's newest cases since `since`, at most `cap` of them, oldest first.
 * Served by the (reporter_email, created_at) and (reporter_user_id, created_at) indexes; the limit
 * bounds the work even for an address that already sent thousands.
 */
export async function reportTimesOf(db: Db, who: ReporterKey, since: string, cap: number): Promise<string[]> {
  let q = db.selectFrom('cases').select('created_at');
  q =
    'userId' in who
      ? q.where('reporter_user_id', '=', who.userId)
      : q.where('reporter_email', '=', who.email);
  q = q.where('created_at', '>=', since).orderBy('created_at', 'desc').limit(cap);
  return (await q.execute()).map((r) => r.created_at).reverse();
}

/** Creation times of the reporter's newest messages on a case since `since`, oldest first (messages_case_idx). */
export async function reporterMessageTimes(
  db: Db,
  caseId: string,
  since: string,
  cap: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('messages')
    .select('created_at')
    .where('case_id', '=', caseId)
    .where('created_at', '>=', since)
    .where('author_kind', '=', 'reporter')
    .orderBy('created_at', 'desc')
    .limit(cap)
    .execute();
  return rows.map((r) => r.created_at).reverse();
}

/** The reporter's cases, newest first, optionally within some projects, for their history. */
export async function casesOfReporter(
  db: Db,
  who: ReporterKey,
  projectIds: string[] | undefined,
  cap: number,
) {
  if (projectIds && !projectIds.length) return [];
  let q = db.selectFrom('cases').select(['id', 'key', 'project_id', 'state', 'resolution', 'created_at']);
  q =
    'userId' in who
      ? q.where('reporter_user_id', '=', who.userId)
      : q.where('reporter_email', '=', who.email);
  if (projectIds) q = q.where('project_id', 'in', projectIds);
  return q.orderBy('created_at', 'desc').limit(cap).execute();
}

/** Reporter identity of the given cases (for the inbox's spam markers). */
export async function reportersOfCases(db: Db, caseIds: string[]) {
  if (!caseIds.length) return [];
  return db
    .selectFrom('cases')
    .select(['id', 'reporter_email', 'reporter_user_id'])
    .where('id', 'in', caseIds)
    .execute();
}

/** Spam-closed cases of these reporters (optionally within some projects): who, and which case. */
export async function spamCasesOf(
  db: Db,
  emails: string[],
  userIds: string[],
  projectIds: string[] | undefined,
) {
  if ((!emails.length && !userIds.length) || (projectIds && !projectIds.length)) return [];
  // Two queries rather than one with OR, and the project filter applied here: spam cases are few,
  // and each query is then served by an index (resolution + e-mail, or the reporter account) where
  // the OR and the project filter led the planners to scan every case of the projects.
  const by = (col: 'reporter_email' | 'reporter_user_id', values: string[]) =>
    values.length
      ? db
          .selectFrom('cases')
          .select(['id', 'reporter_email', 'reporter_user_id', 'project_id'])
          .where('resolution', '=', 'spam')
          .where(col, 'in', values)
          .execute()
      : Promise.resolve([]);
  const [a, b] = await Promise.all([by('reporter_email', emails), by('reporter_user_id', userIds)]);
  const seen = new Set(a.map((r) => r.id));
  const allowed = projectIds ? new Set(projectIds) : null;
  return [...a, ...b.filter((r) => !seen.has(r.id))].filter((r) => !allowed || allowed.has(r.project_id));
}

/**
 * Candidates for duplicate suggestions: the project's open cases and those created since `since`,
 * newest first, at most `cap` — without their text, which is loaded separately for the ones not cached.
 */
export async function similarityCandidates(
  db: Db,
  projectId: string,
  openStates: readonly string[],
  since: string,
  cap: number,
) {
  return db
    .selectFrom('cases')
    .select(['id', 'key', 'state', 'resolution', 'duplicate_of_id', 'created_at', 'updated_at'])
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('state', 'in', [...openStates]), eb('created_at', '>=', since)]))
    .orderBy('created_at', 'desc')
    .limit(cap)
    .execute();
}

/** Title and description of the given cases, in chunks that stay under the dialects' parameter limits. */
export async function caseTexts(db: Db, ids: string[]) {
  const out: Array<{ id: string; title: string; description: string }> = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    out.push(
      ...(await db
        .selectFrom('cases')
        .select(['id', 'title', 'description'])
        .where('id', 'in', chunk)
        .execute()),
    );
  }
  return out;
}

/** Keys of the given cases. */
export async function caseKeys(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('cases').select(['id', 'key']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.key]));
}
