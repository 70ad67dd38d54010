// The inbox's query: its filter as clients send it (checked here), and the summary row it answers.
import { ValidationError, type FieldError } from '../domain/errors.ts';
import { OPEN_STATES, isCaseState } from '../domain/case-state.ts';
import type { CaseSummary } from './presenters/case.presenter.ts';
import type { listCases } from '../storage/repositories/case.repository.ts';

export const LIST_MAX = 200;

export interface CaseListFilter {
  project?: string | undefined;
  /** One state, a comma list, or "open" for every open state. */
  state?: string | string[] | undefined;
  order?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export function parseListFilter(f: CaseListFilter) {
  const errors: FieldError[] = [];
  const raw =
    f.state === undefined || f.state === ''
      ? []
      : Array.isArray(f.state)
        ? f.state
        : String(f.state).split(',');
  const states = raw.flatMap((s) => (s === 'open' ? [...OPEN_STATES] : [s]));
  if (!states.every(isCaseState)) errors.push({ field: 'state', message: 'Unknown state.' });
  // The inbox's point is that nothing is missed: by default the nearest deadline comes first.
  const order = f.order ?? 'deadline';
  if (order !== 'deadline' && order !== 'newest' && order !== 'oldest')
    errors.push({ field: 'order', message: 'Use deadline, newest or oldest.' });
  const limit = f.limit ?? 50;
  const offset = f.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX)
    errors.push({ field: 'limit', message: `From 1 to ${LIST_MAX}.` });
  if (!Number.isInteger(offset) || offset < 0) errors.push({ field: 'offset', message: 'Zero or more.' });
  if (errors.length) throw new ValidationError(errors);
  return { states, order: order as 'deadline' | 'newest' | 'oldest', limit, offset };
}

export type CaseListRow = Awaited<ReturnType<typeof listCases>>[number];

/** `deadline` is the case's most pressing running clock (computed by the caller from its policy). */
export function toSummary(r: CaseListRow, deadline: CaseSummary['deadline']): CaseSummary {
  return {
    id: r.id,
    key: r.key,
    title: r.title,
    state: r.state,
    severity: r.severity,
    resolution: r.resolution,
    needsInfo: r.needs_info === 1,
    project: { slug: r.project_slug, name: r.project_name },
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? 'Unknown' } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    versionStatus: r.version_status,
    deadline,
  };
}
