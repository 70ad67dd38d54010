// Disclosure metrics for a project's team or across the projects a user works on: time to
// acknowledge, assess and fix, SLA compliance per clock and severity, open cases by state and age.
// Metrics describe private cases (how many critical reports are open, say), so they are team-only.
import { NotFoundError } from '../domain/errors.ts';
import type { Severity } from '../domain/case-state.ts';
import { computeMetrics, type Metrics, type MetricsCase } from '../domain/metrics.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import { projectRole, requireUser } from './access.ts';
import { barredProjects } from './accounts/two-factor-rule.ts';
import type { Actor } from './actor.ts';
import { caseClocks } from './case-clocks.ts';
import type { ServiceDeps } from './deps.ts';
import type { PolicyService } from './policy.service.ts';

export interface MetricsReport {
  scope: { kind: 'project'; slug: string; name: string } | { kind: 'instance'; projects: number };
  metrics: Metrics;
}

export class MetricsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
  ) {}

  async forProject(actor: Actor, slug: string): Promise<MetricsReport> {
    const p = await projects.findProjectBySlug(this.deps.db, slug);
    // Not on the team: the same answer as for a project that does not exist.
    if (!p || !(await projectRole(this.deps.db, actor, p.id))) throw new NotFoundError('No such project.');
    return { scope: { kind: 'project', slug: p.slug, name: p.name }, metrics: await this.compute([p.id]) };
  }

  /** Across every project the user is on (every project for instance admins). */
  async forInstance(actor: Actor): Promise<MetricsReport> {
    const user = requireUser(actor);
    const all = user.isAdmin
      ? (await projects.listProjects(this.deps.db)).map((p) => p.id)
      : (await projects.listMembershipsOfUser(this.deps.db, user.id)).map((m) => m.id);
    // Projects whose 2FA rule the user does not meet are left out.
    const barred = await barredProjects(this.deps.db, actor, all);
    const ids = all.filter((id) => !barred.has(id));
    return { scope: { kind: 'instance', projects: ids.length }, metrics: await this.compute(ids) };
  }

  private async compute(projectIds: string[]): Promise<Metrics> {
    const now = this.deps.clock.now();
    const rows = await cases.listCasesForMetrics(this.deps.db, projectIds);
    const input: MetricsCase[] = [];
    for (const r of rows) {
      const policy = await this.policies.policyOf(r.project_id, r.policy_version);
      input.push({
        key: r.key,
        projectSlug: r.project_slug,
        state: r.state,
        severity: r.severity as Severity | null,
        receivedAt: r.created_at,
        acknowledgedAt: r.acknowledged_at,
        triagedAt: r.triaged_at,
        fixedAt: r.fixed_at,
        closedAt: r.closed_at,
        clocks: caseClocks(policy, r, now).map((c) => ({ name: c.name, status: c.status })),
      });
    }
    return computeMetrics(input, now);
  }
}
