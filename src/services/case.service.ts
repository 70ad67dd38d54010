// Use cases of a vulnerability report: intake, reading it as team or reporter, the inbox,
// transitions, messages and field changes. Every change appends to the case's timeline in the
// same transaction, so the timeline is always the full story.
import type { Kysely } from 'kysely';
import { ValidationError, ForbiddenError, ConflictError, type FieldError } from '../domain/errors.ts';
import { decideTransition, type CaseState } from '../domain/case-state.ts';
import type { Database, CaseRow, CaseUpdate } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { teamChanges, reporterChanges, parseTransition, type EventInput } from './case-changes.ts';
import { listForActor, type CaseListFilter } from './case-list.ts';
import { ReportIntake, type SubmittedReport } from './case-intake.ts';
import { loadCase, type CaseAccess } from './access.ts';
import type { PolicyService } from './policy.service.ts';
import { settleClocks } from './case-clocks.ts';
import { severityChanges, SEVERITY_FIELDS } from './case-severity.ts';
import { buildCaseView, type CaseView } from './case-view.ts';
import { recordGuestView } from './coordination/guest-views.ts';
import { addPartyMessage, type PartyMessageHooks } from './coordination/party-messages.ts';
export type { PartyMessageHooks } from './coordination/party-messages.ts';
import type { CaseNotifier } from './notify/case-notifier.ts';
import { appendCaseEvent } from './case-events.ts';
import { reporterLimits } from './triage/reporter-limits.ts';
import { recordAudit } from './audit/audit-log.ts';
import { type CaseSummary, type TeamCaseView } from './presenters/case.presenter.ts';

export const MESSAGE_MAX = 50_000;

export { LIST_MAX, type CaseListFilter } from './case-list.ts';
export type { SubmittedReport } from './case-intake.ts';

export class CaseService {
  private readonly intake: ReportIntake;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
    private readonly notifier?: CaseNotifier,
    private readonly parties?: PartyMessageHooks,
  ) {
    this.intake = new ReportIntake(deps, policies, notifier);
  }

  /** Called when a project's policy changes, so that intake opens new cases under the new version. */
  projectChanged(slug: string): void {
    this.intake.forgetProject(slug);
  }

  private policyOf(row: Pick<CaseRow, 'project_id' | 'policy_version'>) {
    return this.policies.policyOf(row.project_id, row.policy_version);
  }

  /** Appends to the timeline and queues what the event notifies, in `db`'s transaction. */
  private appendEvent(
    db: Kysely<Database>,
    row: CaseRow,
    actor: Actor,
    at: string,
    e: EventInput & { body?: string },
  ) {
    return appendCaseEvent(db, this.notifier, row, actor, at, e);
  }

  /** Files a report for a project. Public: no account needed. Committed before it returns. */
  submitReport(slug: string, raw: Record<string, unknown>, channel: 'web' | 'api'): Promise<SubmittedReport> {
    return this.intake.submit(slug, raw, channel);
  }

  /**
   * A case as the actor may see it: the team's full view (collaborators read it too), the
   * reporter's shared view, or a party's narrow view. Reads by collaborators and parties are recorded.
   */
  async get(
    actor: Actor,
    ref: { id?: string; key?: string },
    meta: { ip?: string; timelineLimit?: number | undefined } = {},
  ): Promise<CaseView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    await recordGuestView(this.deps, row, actor, access, meta);
    return this.view(row, access, meta.timelineLimit);
  }

  private async view(row: CaseRow, access: CaseAccess, timelineLimit?: number): Promise<CaseView> {
    return buildCaseView(this.deps.db, row, access, await this.policyOf(row), this.deps.clock.now(), {
      timelineLimit,
    });
  }

  /** Team members a case can be assigned to. Team only. */
  async assignableMembers(
    actor: Actor,
    ref: { id?: string; key?: string },
  ): Promise<Array<{ id: string; name: string; role: string }>> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (access.as !== 'team') throw new ForbiddenError('Only the security team assigns cases.');
    const members = await projects.listMembers(this.deps.db, row.project_id);
    return members.map((m) => ({ id: m.id, name: m.name, role: m.role }));
  }

  /** The inbox: cases of the user's projects (every project for instance admins). */
  async list(
    actor: Actor,
    f: CaseListFilter,
  ): Promise<{ items: CaseSummary[]; total: number; totalIsLowerBound: boolean }> {
    return listForActor(this.deps, (r) => this.policyOf(r), actor, f);
  }

  /** Moves a case along its lifecycle. Team only; the rules are in domain/case-state.ts. */
  async transition(
    actor: Actor,
    ref: { id?: string; key?: string },
    raw: Record<string, unknown>,
  ): Promise<TeamCaseView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (access.as !== 'team') throw new ForbiddenError('Only the security team changes the state of a case.');
    const req = await parseTransition(this.deps.db, row, raw);
    const outcome = decideTransition({ state: row.state as CaseState, severity: row.severity as never }, req);
    const now = iso(this.deps.clock.now());
    const patch: CaseUpdate = { state: outcome.state, updated_at: now };
    if (outcome.state === 'closed') {
      patch.resolution = outcome.resolution;
      patch.duplicate_of_id = outcome.duplicateOfId;
    }
    if (outcome.clearClosed) {
      patch.resolution = null;
      patch.closed_at = null;
      patch.duplicate_of_id = null;
    }
    if (outcome.clearNeedsInfo) patch.needs_info = 0;
    const stampColumn = {
      acknowledgedAt: 'acknowledged_at',
      triagedAt: 'triaged_at',
      fixedAt: 'fixed_at',
      closedAt: 'closed_at',
      disclosedAt: 'disclosed_at',
    } as const;
    for (const s of outcome.stamp) {
      const col = stampColumn[s];
      if (col === 'closed_at' || row[col] === null) patch[col] = now;
    }
    const severityChanged = outcome.severity !== row.severity;
    if (severityChanged) patch.severity = outcome.severity;
    settleClocks(await this.policyOf(row), row, patch, now);
    await this.deps.db.transaction().execute(async (trx) => {
      // The rules were checked against the state read above; a concurrent transition must not slip
      // in between, or the timeline would record two moves from the same state.
      if (!(await cases.updateCaseFromState(trx, row.id, row.state, patch))) {
        throw new ConflictError('The case changed meanwhile; reload it and try again.');
      }
      if (severityChanged) {
        await this.appendEvent(trx, row, actor, now, {
          type: 'severity.changed',
          visibility: 'reporter',
          data: { from: row.severity, to: outcome.severity },
        });
      }
      const data: Record<string, unknown> = { from: row.state, to: outcome.state };
      if (outcome.resolution) data.resolution = outcome.resolution;
      await this.appendEvent(trx, row, actor, now, {
        type: 'state.changed',
        visibility: 'reporter',
        data,
      });
      await recordAudit(trx, this.deps, {
        action: 'case.state-changed',
        actor,
        projectId: row.project_id,
        caseId: row.id,
        target: row.key,
        data: severityChanged ? { ...data, severity: outcome.severity } : data,
      });
    });
    return (await this.get(actor, { id: row.id })) as TeamCaseView;
  }

  /**
   * Adds a message. The team writes shared replies, internal notes, or to parties (every party, or
   * one party's thread: `audience: 'parties'`, `partyId`); a reporter only shared replies; a
   * collaborator only internal notes; a party contact only into its party's thread with the team.
   */
  async addMessage(
    actor: Actor,
    ref: { id?: string; key?: string },
    input: { body: unknown; internal?: unknown; audience?: unknown; partyId?: unknown },
    channel: 'web' | 'api' = 'web',
  ): Promise<{ id: string; visibility: 'reporter' | 'internal' | 'parties' }> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (input.audience === 'parties' || access.as === 'party')
      return addPartyMessage(this.deps, this.notifier, this.parties, { actor, row, access, input, channel });
    if (access.as === 'collaborator' && input.internal !== true && input.internal !== 'true')
      throw new ForbiddenError('Collaborators write internal notes to the team, not to the reporter.');
    if (input.audience !== undefined && input.audience !== 'reporter' && input.audience !== 'internal')
      throw new ValidationError([{ field: 'audience', message: 'Use reporter, internal or parties.' }]);
    if (input.audience === 'internal') input = { ...input, internal: true };
    const body = typeof input.body === 'string' ? input.body.replace(/\r\n?/g, '\n').trim() : '';
    if (!body) throw new ValidationError([{ field: 'body', message: 'Write a message.' }]);
    if (body.length > MESSAGE_MAX)
      throw new ValidationError([{ field: 'body', message: `At most ${MESSAGE_MAX} characters.` }]);
    if (access.as === 'reporter') await reporterLimits(this.deps).checkMessage(row.id);
    const internal = input.internal === true || input.internal === 'true' || input.internal === 'on';
    if (internal && access.as !== 'team' && access.as !== 'collaborator')
      throw new ForbiddenError('Only the security team writes internal notes.');
    if (
      input.internal !== undefined &&
      typeof input.internal !== 'boolean' &&
      !['true', 'false', 'on', ''].includes(String(input.internal))
    ) {
      throw new ValidationError([{ field: 'internal', message: 'true or false.' }]);
    }
    const visibility = internal ? 'internal' : 'reporter';
    const id = this.deps.random.uuid();
    const now = iso(this.deps.clock.now());
    const policy = await this.policyOf(row);
    await this.deps.db.transaction().execute(async (trx) => {
      await cases.insertMessage(trx, {
        id,
        case_id: row.id,
        author_kind: access.as === 'reporter' ? 'reporter' : 'user',
        author_user_id: access.as === 'reporter' ? null : access.user.id,
        visibility,
        channel,
        body,
        created_at: now,
      });
      await this.appendEvent(trx, row, actor, now, {
        type: internal ? 'note' : 'message',
        visibility,
        messageId: id,
        body,
      });
      const patch: CaseUpdate = { updated_at: now };
      // The reporter answering is what "needs info" waited for.
      if (access.as === 'reporter' && row.needs_info === 1) {
        patch.needs_info = 0;
        await this.appendEvent(trx, row, actor, now, {
          type: 'needs-info.changed',
          visibility: 'reporter',
          data: { value: false },
        });
        settleClocks(policy, row, patch, now);
      }
      await cases.updateCase(trx, row.id, patch);
    });
    return { id, visibility };
  }

  /** Changes fields. The team: title, severity, assignee, needs-info. The reporter: contact and credit. */
  async update(
    actor: Actor,
    ref: { id?: string; key?: string },
    raw: Record<string, unknown>,
  ): Promise<CaseView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (access.as === 'collaborator' || access.as === 'party')
      throw new ForbiddenError('Only the security team changes the case.');
    const allowed =
      access.as === 'team'
        ? ['title', 'assigneeId', 'needsInfo', ...SEVERITY_FIELDS]
        : ['reporterEmail', 'creditPreference', 'creditName'];
    const errors: FieldError[] = [];
    for (const k of Object.keys(raw)) {
      if (!allowed.includes(k))
        errors.push({ field: k, message: `Cannot be changed here (allowed: ${allowed.join(', ')}).` });
    }
    if (errors.length) throw new ValidationError(errors);
    const patch: CaseUpdate = {};
    const events: EventInput[] = [];
    const policy = await this.policyOf(row);
    if (access.as === 'team') {
      await teamChanges(this.deps.db, row, raw, { patch, events, errors });
      severityChanges(policy, row, raw, { patch, events, errors });
    } else reporterChanges(row, raw, { patch, events, errors });
    if (errors.length) throw new ValidationError(errors);
    if (events.length) {
      const now = iso(this.deps.clock.now());
      patch.updated_at = now;
      settleClocks(policy, row, patch, now);
      await this.deps.db.transaction().execute(async (trx) => {
        await cases.updateCase(trx, row.id, patch);
        for (const e of events) await this.appendEvent(trx, row, actor, now, e);
      });
    }
    return this.get(actor, { id: row.id });
  }
}
