// What each audience may see of a case. Every field is listed by hand: a new column never reaches
// a reporter or an API client until someone adds it here on purpose.
import type { CaseRow, CaseEventRow, MessageRow, ProjectRow } from '../../storage/schema.ts';
import { nextStates, type CaseState } from '../../domain/case-state.ts';
import type { CvssResult } from '../../integrations/cvss/cvss.ts';
import type { Deadlines } from './deadline.presenter.ts';
import type { ChecklistView } from '../checklist.service.ts';
import type { EmbargoView } from '../../domain/embargo.ts';
import type { ReporterHistory } from '../triage/reporter-history.ts';

/** Who reads a timeline: the reporter, the team (collaborators read it as the team does), a party. */
export type TimelineAudience = 'reporter' | 'team' | 'party';

export interface TimelineEntry {
  id: number;
  at: string;
  type: string;
  visibility: 'reporter' | 'internal' | 'parties';
  actor: { kind: 'reporter' | 'user' | 'system'; name: string };
  data: Record<string, unknown>;
  message?: { id: string; body: string; visibility: 'reporter' | 'internal' | 'parties' } | undefined;
  /** For entries shared with parties: the one party it concerns, or null for every party. */
  party?: { id: string; organisation: string } | null | undefined;
}

interface CaseCommon {
  id: string;
  key: string;
  project: { slug: string; name: string };
  title: string;
  description: string;
  stepsToReproduce: string;
  impact: string;
  affectedVersions: string;
  suggestedFix: string | null;
  state: CaseState;
  resolution: string | null;
  severity: string | null;
  needsInfo: boolean;
  credit: { preference: string; name: string | null };
  createdAt: string;
  updatedAt: string;
  /** SLA clocks under the policy version the case was opened with. */
  deadlines: Deadlines;
  timeline: TimelineEntry[];
  /** When the details may go public, as set by the team. */
  embargo: EmbargoView | null;
  /** Entries in the whole timeline, when `timeline` holds only the latest ones (a long case). */
  timelineTotal?: number;
}

export interface ReporterCaseView extends CaseCommon {
  audience: 'reporter';
  reporterEmail: string | null;
}

export interface TeamCaseView extends CaseCommon {
  audience: 'team';
  /** The reader's standing: a collaborator reads the case but acts only through internal notes. */
  viewer: 'maintainer' | 'responder' | 'admin' | 'collaborator';
  /** What parties are told about the case. */
  partySummary: string | null;
  reporterEmail: string | null;
  channel: string;
  assignee: { id: string; name: string } | null;
  duplicateOf: string | null;
  acknowledgedAt: string | null;
  triagedAt: string | null;
  fixedAt: string | null;
  disclosedAt: string | null;
  closedAt: string | null;
  allowedTransitions: CaseState[];
  cvss: { v3: CvssResult | null; v4: CvssResult | null };
  /** The severity the CVSS score maps to under the policy, when a vector is set. */
  cvssSeverity: string | null;
  /** Why the team chose a severity other than the CVSS one. */
  severityReason: string | null;
  /** The affected version checked against the policy's supported versions. */
  versionStatus: 'supported' | 'unsupported' | 'unknown' | null;
  /** The out-of-scope category the reporter picked, with the policy's reason. */
  scopeCategory: { id: string; title: string; reason: string | null } | null;
  /** The policy's response checklists with who ticked what and when. */
  checklists: ChecklistView[];
  /** How the reporter's earlier reports turned out (team members only; null for collaborators). */
  reporterHistory: ReporterHistory | null;
}

export interface TeamExtras {
  checklists: ChecklistView[];
  assigneeName: string | null;
  duplicateOfKey: string | null;
  cvss: { v3: CvssResult | null; v4: CvssResult | null };
  cvssSeverity: string | null;
  scopeCategory: { id: string; title: string; reason: string | null } | null;
  viewer: TeamCaseView['viewer'];
  embargo: EmbargoView | null;
  reporterHistory?: ReporterHistory | null;
}

function common(
  c: CaseRow,
  p: ProjectRow,
  timeline: TimelineEntry[],
  deadlines: Deadlines,
  embargo: EmbargoView | null,
): CaseCommon {
  return {
    id: c.id,
    key: c.key,
    project: { slug: p.slug, name: p.name },
    title: c.title,
    description: c.description,
    stepsToReproduce: c.steps_to_reproduce,
    impact: c.impact,
    affectedVersions: c.affected_versions,
    suggestedFix: c.suggested_fix,
    state: c.state as CaseState,
    resolution: c.resolution,
    severity: c.severity,
    needsInfo: c.needs_info === 1,
    credit: { preference: c.credit_preference, name: c.credit_name },
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    deadlines,
    timeline,
    embargo,
  };
}

/**
 * The entries an audience may see, oldest first. `include` decides per event (its message, if any,
 * was loaded under the same rule); `parties` names the parties entries concern.
 */
export function buildTimeline(
  events: CaseEventRow[],
  messages: MessageRow[],
  names: Map<string, string>,
  audience: TimelineAudience,
  opts: { include?: (e: CaseEventRow) => boolean; parties?: Map<string, string> } = {},
): TimelineEntry[] {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const out: TimelineEntry[] = [];
  for (const e of events) {
    if (audience === 'reporter' && e.visibility !== 'reporter') continue;
    if (opts.include && !opts.include(e)) continue;
    const m = e.message_id ? byId.get(e.message_id) : undefined;
    if (e.message_id && (!m || (audience === 'reporter' && m.visibility !== 'reporter'))) continue;
    const teamName =
      audience === 'reporter'
        ? 'Security team'
        : (names.get(e.actor_user_id ?? '') ?? (audience === 'party' ? 'Security team' : 'Team member'));
    const name = e.actor_kind === 'reporter' ? 'Reporter' : e.actor_kind === 'system' ? 'Parley' : teamName;
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(e.data) as Record<string, unknown>;
    } catch {
      data = {};
    }
    if (audience === 'reporter') delete data.assignee;
    out.push({
      id: Number(e.id),
      at: e.at,
      type: e.type,
      visibility: e.visibility,
      actor: { kind: e.actor_kind, name },
      data,
      message: m ? { id: m.id, body: m.body, visibility: m.visibility } : undefined,
      party:
        e.visibility === 'parties'
          ? e.party_id
            ? { id: e.party_id, organisation: opts.parties?.get(e.party_id) ?? 'a party' }
            : null
          : undefined,
    });
  }
  return out;
}

export function presentForReporter(
  c: CaseRow,
  p: ProjectRow,
  timeline: TimelineEntry[],
  deadlines: Deadlines,
  embargo: EmbargoView | null,
): ReporterCaseView {
  return {
    audience: 'reporter',
    ...common(c, p, timeline, deadlines, embargo),
    reporterEmail: c.reporter_email,
  };
}

export function presentForTeam(
  c: CaseRow,
  p: ProjectRow,
  timeline: TimelineEntry[],
  deadlines: Deadlines,
  extra: TeamExtras,
): TeamCaseView {
  return {
    audience: 'team',
    ...common(c, p, timeline, deadlines, extra.embargo),
    viewer: extra.viewer,
    partySummary: c.party_summary,
    reporterEmail: c.reporter_email,
    channel: c.channel,
    assignee: c.assignee_id ? { id: c.assignee_id, name: extra.assigneeName ?? 'Unknown' } : null,
    duplicateOf: extra.duplicateOfKey,
    acknowledgedAt: c.acknowledged_at,
    triagedAt: c.triaged_at,
    fixedAt: c.fixed_at,
    disclosedAt: c.disclosed_at,
    closedAt: c.closed_at,
    allowedTransitions: [...nextStates(c.state as CaseState)],
    cvss: extra.cvss,
    cvssSeverity: extra.cvssSeverity,
    severityReason: c.severity_reason,
    versionStatus: c.version_status,
    scopeCategory: extra.scopeCategory,
    checklists: extra.checklists,
    reporterHistory: extra.reporterHistory ?? null,
  };
}

export interface CaseSummary {
  id: string;
  key: string;
  title: string;
  state: string;
  severity: string | null;
  resolution: string | null;
  needsInfo: boolean;
  project: { slug: string; name: string };
  assignee: { id: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
  versionStatus: 'supported' | 'unsupported' | 'unknown' | null;
  /** The running clock due first, if any. */
  deadline: { clock: string; label: string; dueAt: string; status: string; paused: boolean } | null;
}
