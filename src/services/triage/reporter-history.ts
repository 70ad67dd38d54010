// A reporter's track record, shown to triagers beside each case: how the reporter's earlier reports
// turned out (valid, not valid, duplicate, spam, still open). The reporter is their account when the
// case has one, else their e-mail address; anonymous link-only reports have no history. Need-to-know:
// a team member sees history from the projects they are on only (counts and keys of those projects'
// cases), an instance admin from every project — the view says which.
import type { Kysely } from 'kysely';
import type { CaseRow, Database } from '../../storage/schema.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as triage from '../../storage/repositories/triage.repository.ts';
import type { ReporterKey } from '../../storage/repositories/triage.repository.ts';
import { OUTCOMES, outcomeOf, type Outcome } from '../../domain/reporter-outcome.ts';
import type { UserIdentity } from '../actor.ts';

export interface ReporterHistory {
  /** What the history is keyed on; `none`: an anonymous report, nothing to link. */
  by: 'account' | 'email' | 'none';
  /** `instance`: every project (instance admin); `your-projects`: the viewer's projects only. */
  scope: 'instance' | 'your-projects';
  /** Earlier reports (this case excluded) by outcome. */
  counts: Record<Outcome, number> & { total: number };
  /** The most recent earlier reports, newest first. */
  recent: Array<{ key: string; outcome: Outcome; createdAt: string }>;
  /** More reports exist than were read (HISTORY_CAP): counts are a lower bound. */
  truncated: boolean;
}

/** Reports read per history; a reporter past this is known well enough by the last ones. */
const HISTORY_CAP = 1000;
const RECENT = 10;

/** The reporter of a case as the key of their history, or null when anonymous. */
export function reporterOf(row: Pick<CaseRow, 'reporter_user_id' | 'reporter_email'>): ReporterKey | null {
  if (row.reporter_user_id) return { userId: row.reporter_user_id };
  if (row.reporter_email) return { email: row.reporter_email.toLowerCase() };
  return null;
}

/** The projects whose cases a user may count in a history: undefined means every project (admin). */
export async function visibleProjectIds(db: Kysely<Database>, viewer: UserIdentity) {
  if (viewer.isAdmin) return undefined;
  return (await projects.listMembershipsOfUser(db, viewer.id)).map((m) => m.id);
}

export async function reporterHistory(
  db: Kysely<Database>,
  row: Pick<CaseRow, 'id' | 'reporter_user_id' | 'reporter_email'>,
  viewer: UserIdentity,
): Promise<ReporterHistory> {
  const counts = Object.fromEntries([...OUTCOMES, 'total'].map((o) => [o, 0])) as ReporterHistory['counts'];
  const scope = viewer.isAdmin ? 'instance' : 'your-projects';
  const who = reporterOf(row);
  if (!who) return { by: 'none', scope, counts, recent: [], truncated: false };
  const projectIds = await visibleProjectIds(db, viewer);
  const rows = await triage.casesOfReporter(db, who, projectIds, HISTORY_CAP + 1);
  const recent: ReporterHistory['recent'] = [];
  for (const r of rows.slice(0, HISTORY_CAP)) {
    if (r.id === row.id) continue;
    const outcome = outcomeOf(r.state, r.resolution);
    counts[outcome]++;
    counts.total++;
    if (recent.length < RECENT) recent.push({ key: r.key, outcome, createdAt: r.created_at });
  }
  return {
    by: 'userId' in who ? 'account' : 'email',
    scope,
    counts,
    recent,
    truncated: rows.length > HISTORY_CAP,
  };
}
