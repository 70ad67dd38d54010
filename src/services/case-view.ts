// A case as one audience sees it: the timeline filtered for them, its clocks under the policy it was
// opened with, and for the team the policy-derived parts (CVSS, checklists, intake flags). Parties
// get their own narrow view (presenters/party.presenter.ts).
import type { Kysely } from 'kysely';
import type { Policy } from '../domain/policy/policy.types.ts';
import type { CaseEventRow, CaseRow, Database } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import * as coordination from '../storage/repositories/coordination.repository.ts';
import type { CaseAccess } from './access.ts';
import { caseClocks } from './case-clocks.ts';
import { caseCvss, derivedSeverity } from './case-severity.ts';
import { caseChecklists } from './checklist.service.ts';
import { presentDeadlines } from './presenters/deadline.presenter.ts';
import { describeEmbargo } from '../domain/embargo.ts';
import { reporterHistory } from './triage/reporter-history.ts';
import {
  buildTimeline,
  presentForReporter,
  presentForTeam,
  type ReporterCaseView,
  type TeamCaseView,
} from './presenters/case.presenter.ts';
import {
  PARTY_SHARED_EVENT_TYPES,
  presentForParty,
  type PartyCaseView,
} from './presenters/party.presenter.ts';

/** Timeline entries a case read shows unless asked for all (a case may have thousands). */
export const TIMELINE_LATEST = 200;

export type CaseView = TeamCaseView | ReporterCaseView | PartyCaseView;

export async function buildCaseView(
  db: Kysely<Database>,
  row: CaseRow,
  access: CaseAccess,
  policy: Policy,
  now: Date,
  opts: { timelineLimit?: number | undefined } = {},
): Promise<CaseView> {
  const project = (await projects.findProjectById(db, row.project_id))!;
  const embargo = describeEmbargo(row.embargo_ends_at, row.embargo_zone, now);
  if (access.as === 'party') return partyView(db, row, project, access.partyId, embargo);
  const audience = access.as === 'reporter' ? 'reporter' : 'team';
  const filter = audience === 'reporter' ? 'reporter' : undefined;
  const [{ events, messages, total }, parties] = await Promise.all([
    loadTimeline(db, row.id, filter, opts.timelineLimit),
    access.as === 'team' ? coordination.listParties(db, row.id) : Promise.resolve([]),
  ]);
  const ids = events.map((e) => e.actor_user_id).filter((x): x is string => !!x);
  if (row.assignee_id) ids.push(row.assignee_id);
  const names = await cases.userNames(db, ids);
  // Collaborators are on the case, not on its coordination: party threads stay with the team.
  const include =
    access.as === 'collaborator'
      ? (e: CaseEventRow) =>
          e.visibility !== 'parties' &&
          !/^part(y|ies)[.-]/.test(e.type) &&
          !(e.type === 'case.viewed' && e.data.includes('"party"'))
      : undefined;
  const timeline = buildTimeline(events, messages, names, audience, {
    include,
    parties: new Map(parties.map((p) => [p.id, p.organisation])),
  });
  const deadlines = presentDeadlines(policy, row.policy_version, caseClocks(policy, row, now));
  const more = total > events.length ? { timelineTotal: total } : {};
  if (audience === 'reporter')
    return { ...presentForReporter(row, project, timeline, deadlines, embargo), ...more };
  const dup = row.duplicate_of_id ? await cases.findCaseById(db, row.duplicate_of_id) : undefined;
  const cvss = caseCvss(row);
  const scope = row.scope_category
    ? policy.scope.outOfScope.find((i) => i.id === row.scope_category)
    : undefined;
  const team = presentForTeam(row, project, timeline, deadlines, {
    checklists: await caseChecklists(db, policy, row.id),
    assigneeName: row.assignee_id ? (names.get(row.assignee_id) ?? null) : null,
    duplicateOfKey: dup?.key ?? null,
    cvss,
    cvssSeverity: derivedSeverity(policy, cvss.v3, cvss.v4),
    scopeCategory: row.scope_category
      ? { id: row.scope_category, title: scope?.title ?? row.scope_category, reason: scope?.reason ?? null }
      : null,
    viewer: access.as === 'team' ? access.role : 'collaborator',
    embargo,
    // Need-to-know: the reporter's track record is for the project's team, not case collaborators.
    reporterHistory: access.as === 'team' ? await reporterHistory(db, row, access.user) : null,
  });
  return { ...team, ...more };
}

/** The whole timeline, or its latest `limit` entries (with the messages they show) and the count. */
async function loadTimeline(
  db: Kysely<Database>,
  caseId: string,
  filter: 'reporter' | undefined,
  limit: number | undefined,
) {
  if (limit === undefined) {
    const [events, messages] = await Promise.all([
      cases.listEvents(db, caseId, filter),
      cases.listMessages(db, caseId, filter),
    ]);
    return { events, messages, total: events.length };
  }
  const { rows, total } = await cases.listLatestEvents(db, caseId, limit, filter);
  const ids = rows.map((e) => e.message_id).filter((x): x is string => !!x);
  const messages = (await cases.listMessagesByIds(db, caseId, ids)).filter(
    (m) => !filter || m.visibility === filter,
  );
  return { events: rows, messages, total };
}

async function partyView(
  db: Kysely<Database>,
  row: CaseRow,
  project: NonNullable<Awaited<ReturnType<typeof projects.findProjectById>>>,
  partyId: string,
  embargo: ReturnType<typeof describeEmbargo>,
): Promise<PartyCaseView> {
  const [party, contacts, events, messages] = await Promise.all([
    coordination.findParty(db, row.id, partyId),
    coordination.listContacts(db, row.id, [partyId]),
    coordination.listPartyEvents(db, row.id, partyId, [...PARTY_SHARED_EVENT_TYPES]),
    coordination.listPartyMessages(db, row.id, partyId),
  ]);
  const ids = events.map((e) => e.actor_user_id).filter((x): x is string => !!x);
  // A party knows its own contacts by name; the team speaks as "Security team".
  const own = new Set(contacts.map((c) => c.user_id));
  const names = new Map([...(await cases.userNames(db, ids))].filter(([id]) => own.has(id)));
  const timeline = buildTimeline(events, messages, names, 'party', {
    parties: new Map([[partyId, party!.organisation]]),
  });
  return presentForParty(row, project, party!, contacts, embargo, timeline);
}
