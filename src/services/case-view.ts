// A case as one audience sees it: the timeline filtered for them, its clocks under the policy it was
// opened with, and for the team the policy-derived parts (CVSS, checklists, intake flags).
import type { Kysely } from 'kysely';
import type { Policy } from '../domain/policy/policy.types.ts';
import type { CaseRow, Database } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import type { CaseAccess } from './access.ts';
import { caseClocks } from './case-clocks.ts';
import { caseCvss, derivedSeverity } from './case-severity.ts';
import { caseChecklists } from './checklist.service.ts';
import { presentDeadlines } from './presenters/deadline.presenter.ts';
import {
  buildTimeline,
  presentForReporter,
  presentForTeam,
  type ReporterCaseView,
  type TeamCaseView,
} from './presenters/case.presenter.ts';

export async function buildCaseView(
  db: Kysely<Database>,
  row: CaseRow,
  access: CaseAccess,
  policy: Policy,
  now: Date,
): Promise<TeamCaseView | ReporterCaseView> {
  const project = (await projects.findProjectById(db, row.project_id))!;
  const audience = access.as;
  const filter = audience === 'reporter' ? 'reporter' : undefined;
  const [events, messages] = await Promise.all([
    cases.listEvents(db, row.id, filter),
    cases.listMessages(db, row.id, filter),
  ]);
  const ids = events.map((e) => e.actor_user_id).filter((x): x is string => !!x);
  if (row.assignee_id) ids.push(row.assignee_id);
  const names = await cases.userNames(db, ids);
  const timeline = buildTimeline(events, messages, names, audience);
  const deadlines = presentDeadlines(policy, row.policy_version, caseClocks(policy, row, now));
  if (audience === 'reporter') return presentForReporter(row, project, timeline, deadlines);
  const dup = row.duplicate_of_id ? await cases.findCaseById(db, row.duplicate_of_id) : undefined;
  const cvss = caseCvss(row);
  const scope = row.scope_category
    ? policy.scope.outOfScope.find((i) => i.id === row.scope_category)
    : undefined;
  return presentForTeam(row, project, timeline, deadlines, {
    checklists: await caseChecklists(db, policy, row.id),
    assigneeName: row.assignee_id ? (names.get(row.assignee_id) ?? null) : null,
    duplicateOfKey: dup?.key ?? null,
    cvss,
    cvssSeverity: derivedSeverity(policy, cvss.v3, cvss.v4),
    scopeCategory: row.scope_category
      ? { id: row.scope_category, title: scope?.title ?? row.scope_category, reason: scope?.reason ?? null }
      : null,
  });
}
