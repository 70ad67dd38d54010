// The inbox's query: its filter as clients send it (checked here), and the summary row it answers.
import { ValidationError, type FieldError } from '../domain/errors.ts';
import { OPEN_STATES, isCaseState } from '../domain/case-state.ts';
import type { CaseSummary } from './presenters/case.presenter.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import type { listCases } from '../storage/repositories/case.repository.ts';
import type { Policy } from '../domain/policy/policy.types.ts';
import { nextDeadline, clockLabel as clockLabelOf } from '../domain/sla/clocks.ts';
import { barredProjects } from './accounts/two-factor-rule.ts';
import { requireUser } from './access.ts';
import type { Actor } from './actor.ts';
import { caseClocks } from './case-clocks.ts';
import type { ServiceDeps } from './deps.ts';

export const LIST_MAX = 200;
/** The inbox counts matching cases up to this many; beyond, its total reads "10,000+". */
export const LIST_COUNT_CAP = 10_000;

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

/** The inbox: cases of the user's projects (every project for instance admins). */
export async function listForActor(
  deps: ServiceDeps,
  policyOf: (r: CaseListRow) => Promise<Policy>,
  actor: Actor,
  f: CaseListFilter,
): Promise<{ items: CaseSummary[]; total: number; totalIsLowerBound: boolean }> {
  const user = requireUser(actor);
  const { states: wanted, order, limit, offset } = parseListFilter(f);
  let projectIds: string[] | undefined;
  if (!user.isAdmin) projectIds = (await projects.listMembershipsOfUser(deps.db, user.id)).map((m) => m.id);
  // Projects whose 2FA rule the user does not meet are left out (their pages say why).
  const barred = await barredProjects(deps.db, actor, projectIds);
  if (barred.size)
    projectIds = (projectIds ?? (await projects.listProjects(deps.db)).map((p) => p.id)).filter(
      (id) => !barred.has(id),
    );
  if (f.project) {
    const p = await projects.findProjectBySlug(deps.db, f.project);
    // A project the user cannot see yields an empty list, exactly like one that does not exist.
    projectIds = p && (!projectIds || projectIds.includes(p.id)) ? [p.id] : [];
  }
  const q = { projectIds, states: wanted.length ? wanted : undefined };
  const [rows, counted] = await Promise.all([
    cases.listCases(deps.db, { ...q, order, limit, offset }),
    cases.countCases(deps.db, q, LIST_COUNT_CAP),
  ]);
  // Past the cap the total is a lower bound ("10,000+"): an exact count would read every row.
  const total = Math.min(counted, LIST_COUNT_CAP);
  const totalIsLowerBound = counted > LIST_COUNT_CAP;
  const now = deps.clock.now();
  const items = await Promise.all(
    rows.map(async (r) => {
      const policy = await policyOf(r);
      const next = nextDeadline(caseClocks(policy, r, now));
      return toSummary(
        r,
        next
          ? {
              clock: next.name,
              label: clockLabelOf(next.name),
              dueAt: next.dueAt,
              status: next.status,
              paused: next.paused,
            }
          : null,
      );
    }),
  );
  return { items, total, totalIsLowerBound };
}
