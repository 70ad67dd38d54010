// Moving work out of a case's current place: transferring it to another project (it gets that
// project's next key; the old key stays an alias, so links, the API and mail keep working), exporting
// it as Markdown for a public issue tracker, and downgrading it — closed as not a vulnerability, the
// reporter told where it continues in public. See docs/moving-cases.md for the rules and why.
import type { Kysely } from 'kysely';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { OPEN_STATES, type CaseState } from '../domain/case-state.ts';
import { formatCaseKey } from '../domain/report.ts';
import { checkVersions } from '../domain/policy/supported-versions.ts';
import type { CaseRow, CaseUpdate, Database, ProjectRow } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as moves from '../storage/repositories/case-move.repository.ts';
import { advisoriesOfCase } from '../storage/repositories/advisory.repository.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { projectRole } from './access.ts';
import type { PolicyService } from './policy.service.ts';
import type { CaseNotifier } from './notify/case-notifier.ts';
import { appendCaseEvent } from './case-events.ts';
import { settleClocks } from './case-clocks.ts';
import { recordAudit } from './audit/audit-log.ts';
import { emitWebhook } from './webhooks/webhook-emitter.ts';
import {
  downgradeCase,
  exportIssue,
  loadTeamCase,
  reporterEvent,
  type IssueExport,
  type Meta,
  type Ref,
} from './case-downgrade.ts';

export { DOWNGRADE_RESOLUTION, type IssueExport } from './case-downgrade.ts';

export interface MoveOptions {
  id: string;
  key: string;
  title: string;
  state: CaseState;
  project: { slug: string; name: string };
  /** Maintainers of the case's project and instance admins transfer; null when the actor may. */
  transferRefusal: string | null;
  /** Projects the actor could move the case to (they act on them). */
  targets: Array<{ slug: string; name: string; key: string }>;
  /** Only open cases are downgraded. */
  canDowngrade: boolean;
}

export class CaseMoveService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
    private readonly notifier?: CaseNotifier,
  ) {}

  /** Why this case cannot leave its project now, or null. */
  private async blocker(row: CaseRow): Promise<string | null> {
    if (row.state === 'disclosed')
      return 'A disclosed case stays with the project that published its advisory.';
    const linked = await advisoriesOfCase(this.deps.db, row.id);
    if (linked.length) {
      const names = linked.map((a) => a.id ?? `draft “${a.title}”`).join(', ');
      return `The case is linked to the advisory ${names} of its project; unlink it there first.`;
    }
    return null;
  }

  /** What the move page offers. Team only. */
  async options(actor: Actor, ref: Ref): Promise<MoveOptions> {
    const { row, role, project } = await loadTeamCase(this.deps.db, actor, ref, 'moves a case');
    const user = actor.kind === 'user' ? actor.user : undefined;
    const all = user?.isAdmin
      ? await projects.listProjects(this.deps.db)
      : user
        ? await projects.listMembershipsOfUser(this.deps.db, user.id)
        : [];
    const maySource = role === 'maintainer' || role === 'admin';
    return {
      id: row.id,
      key: row.key,
      title: row.title,
      state: row.state as CaseState,
      project: { slug: project.slug, name: project.name },
      transferRefusal: maySource
        ? await this.blocker(row)
        : 'Only a maintainer of this project or an instance admin transfers a case.',
      targets: all
        .filter((p) => p.id !== row.project_id)
        .map((p) => ({ slug: p.slug, name: p.name, key: p.key })),
      canDowngrade: OPEN_STATES.includes(row.state as CaseState),
    };
  }

  /**
   * Moves a case to project `input.project`: a maintainer of its project (or an instance admin) who
   * is on the target's team (or admin). The case takes the target's next key; the old one becomes an
   * alias. Clocks keep their start and adopt the target's current policy.
   */
  async transfer(
    actor: Actor,
    ref: Ref,
    input: { project?: unknown },
    meta: Meta = {},
  ): Promise<{ id: string; key: string; fromKey: string }> {
    const { row, role, project: source } = await loadTeamCase(this.deps.db, actor, ref, 'transfers a case');
    if (role !== 'maintainer' && role !== 'admin')
      throw new ForbiddenError('Only a maintainer of this project or an instance admin transfers a case.');
    const slug = typeof input.project === 'string' ? input.project.trim() : '';
    if (!slug)
      throw new ValidationError([{ field: 'project', message: 'Choose the project to move it to.' }]);
    const target = await projects.findProjectBySlug(this.deps.db, slug);
    // A project the actor cannot act on answers exactly like one that does not exist.
    if (!target || !(await projectRole(this.deps.db, actor, target.id)))
      throw new NotFoundError('No such project.');
    if (target.id === row.project_id)
      throw new ValidationError([{ field: 'project', message: 'The case is already in this project.' }]);
    const blocked = await this.blocker(row);
    if (blocked) throw new ConflictError(blocked);
    // Read before the transaction: the policy cache reads through deps.db (on SQLite, the one
    // connection a transaction holds).
    const policy = await this.policies.policyOf(target.id, target.policy_version);
    const now = iso(this.deps.clock.now());
    const fromKey = row.key;
    const key = await this.deps.db.transaction().execute(async (trx) => {
      // The same race-safe allocation as intake: the UPDATE … RETURNING takes the project row's lock
      // on PostgreSQL; SQLite transactions begin IMMEDIATE and so write one at a time.
      const number = await projects.allocateCaseNumbers(trx, target.id, 1);
      const newKey = formatCaseKey(target.key, number);
      const keepAssignee = !!row.assignee_id && !!(await projects.findRole(trx, target.id, row.assignee_id));
      const keepScope =
        row.scope_category !== null && policy.scope.outOfScope.some((i) => i.id === row.scope_category);
      const patch: CaseUpdate = {
        project_id: target.id,
        number,
        key: newKey,
        policy_version: target.policy_version,
        version_status: checkVersions(policy, row.affected_versions).status,
        assignee_id: keepAssignee ? row.assignee_id : null,
        scope_category: keepScope ? row.scope_category : null,
        updated_at: now,
      };
      settleClocks(policy, row, patch, now);
      if (!(await moves.moveCase(trx, row.id, { projectId: row.project_id, key: fromKey }, patch)))
        throw new ConflictError('The case moved or changed meanwhile; reload it and try again.');
      await moves.insertKeyAlias(trx, fromKey, row.id, now);
      const moved = { ...row, ...patch } as CaseRow;
      await reporterEvent(trx, this.notifier, {
        row: moved,
        actor,
        at: now,
        type: 'case.transferred',
        data: { from: fromKey, to: newKey, fromProject: source.name, toProject: target.name },
      });
      if (row.assignee_id && !keepAssignee) {
        await appendCaseEvent(trx, this.notifier, moved, actor, now, {
          type: 'assignee.changed',
          visibility: 'internal',
          data: { assignee: null, assigneeId: null, reason: 'not on the new project’s team' },
        });
      }
      await this.tellSource(trx, source, row, newKey, target);
      await recordAudit(trx, this.deps, {
        action: 'case.transferred',
        actor,
        ip: meta.ip,
        projectId: source.id,
        caseId: row.id,
        target: `${fromKey} → ${newKey}`,
        data: {
          from: fromKey,
          to: newKey,
          fromProject: source.slug,
          toProject: target.slug,
          policyVersion: { from: row.policy_version, to: target.policy_version },
          assigneeCleared: !!row.assignee_id && !keepAssignee,
          scopeCategoryCleared: row.scope_category !== null && !keepScope,
        },
      });
      return newKey;
    });
    return { id: row.id, key, fromKey };
  }

  /** The source project's webhooks hear that the case left (the notifier tells the target's). */
  private async tellSource(
    trx: Kysely<Database>,
    source: ProjectRow,
    row: CaseRow,
    newKey: string,
    target: ProjectRow,
  ) {
    await emitWebhook(trx, this.deps, {
      projectId: source.id,
      event: 'case.updated',
      caseId: row.id,
      dedupeKey: `case-transferred:${row.id}:${row.key}`,
      data: {
        case: { id: row.id, key: row.key, state: row.state, severity: row.severity },
        change: {
          type: 'case.transferred',
          visibility: 'reporter',
          actor: 'user',
          data: { from: row.key, to: newKey, toProject: target.slug },
        },
      },
    });
  }

  /** The report as Markdown for a public issue tracker; see case-downgrade.ts. Team only; audited. */
  exportIssue(actor: Actor, ref: Ref, meta: Meta = {}): Promise<IssueExport> {
    return exportIssue(this.deps, actor, ref, meta);
  }

  /** Closes an open case as not a vulnerability and tells the reporter; see case-downgrade.ts. */
  downgrade(
    actor: Actor,
    ref: Ref,
    input: { issueUrl?: unknown; message?: unknown },
    meta: Meta & { channel?: 'web' | 'api' } = {},
  ): Promise<{ id: string; key: string }> {
    return downgradeCase(this.deps, this.policies, this.notifier, actor, ref, input, meta);
  }
}
