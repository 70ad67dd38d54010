// What each audience sees of an advisory. The public view exists only for published and withdrawn
// advisories; everything else about an advisory — its uid, drafts, schedule, cases — is the team's.
import type { AdvisoryContent, AdvisoryState } from '../../domain/advisory/advisory.types.ts';
import type { AdvisoryRow, ProjectRow } from '../../storage/schema.ts';

export interface PublicAdvisoryView {
  id: string;
  project: { slug: string; name: string };
  state: 'published' | 'withdrawn';
  content: AdvisoryContent;
  publishedAt: string;
  modifiedAt: string;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
}

export interface TeamAdvisoryView {
  uid: string;
  /** Null until first published. */
  id: string | null;
  project: { slug: string; name: string };
  state: AdvisoryState;
  source: 'parley' | 'osv-import';
  revision: number;
  content: AdvisoryContent;
  cases: { id: string; key: string; title: string; state: string }[];
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  modifiedAt: string | null;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
  scheduledFor: string | null;
  scheduledZone: string | null;
  /** Whether the viewer may publish, schedule and withdraw (maintainers and admins). */
  canPublish: boolean;
  /** What still stops publication; empty when it may go out. */
  publishProblems: { field: string; message: string }[];
}

export interface TeamAdvisorySummary {
  uid: string;
  id: string | null;
  project: { slug: string; name: string };
  state: AdvisoryState;
  title: string;
  severity: string | null;
  updatedAt: string;
  publishedAt: string | null;
  scheduledFor: string | null;
}

export function parseContent(row: Pick<AdvisoryRow, 'content'>): AdvisoryContent {
  return JSON.parse(row.content) as AdvisoryContent;
}

export function presentPublic(row: AdvisoryRow, project: ProjectRow): PublicAdvisoryView {
  if ((row.state !== 'published' && row.state !== 'withdrawn') || !row.id || !row.published_at) {
    // A programming error, never a user's: callers filter by state before presenting.
    throw new Error('presentPublic called with an advisory that is not public');
  }
  return {
    id: row.id,
    project: { slug: project.slug, name: project.name },
    state: row.state,
    content: parseContent(row),
    publishedAt: row.published_at,
    modifiedAt: row.modified_at ?? row.published_at,
    withdrawnAt: row.withdrawn_at,
    withdrawnReason: row.withdrawn_reason,
  };
}

export function presentTeamSummary(row: AdvisoryRow, project: ProjectRow): TeamAdvisorySummary {
  return {
    uid: row.uid,
    id: row.id,
    project: { slug: project.slug, name: project.name },
    state: row.state,
    title: row.title,
    severity: row.severity,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    scheduledFor: row.scheduled_for,
  };
}
