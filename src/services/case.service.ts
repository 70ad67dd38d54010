// Use cases of a vulnerability report: intake, reading it as team or reporter, the inbox,
// transitions, messages and field changes. Every change appends to the case's timeline in the
// same transaction, so the timeline is always the full story.
import type { Kysely } from 'kysely';
import {
  NotFoundError,
  ValidationError,
  ForbiddenError,
  ConflictError,
  type FieldError,
} from '../domain/errors.ts';
import {
  parseReportInput,
  CREDIT_PREFERENCES,
  isEmail,
  REPORT_LIMITS,
  charLength,
} from '../domain/report.ts';
import {
  decideTransition,
  isCaseState,
  isResolution,
  isSeverity,
  OPEN_STATES,
  type CaseState,
  type TransitionRequest,
} from '../domain/case-state.ts';
import type { Database, CaseRow, CaseUpdate } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import { kyselyBatchWriter, reportWriter, type ReportWriter } from '../storage/report-intake.ts';
import { hashSecret, iso, type ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { loadCase, requireUser, type CaseAccess } from './access.ts';
import { CASE_TOKEN_PREFIX } from './auth.service.ts';
import {
  buildTimeline,
  presentForReporter,
  presentForTeam,
  type CaseSummary,
  type ReporterCaseView,
  type TeamCaseView,
} from './presenters/case.presenter.ts';

export const MESSAGE_MAX = 50_000;
export const LIST_MAX = 200;

export interface SubmittedReport {
  id: string;
  key: string;
  /** The reporter's secret; shown once, stored only hashed. */
  accessToken: string;
  casePath: string;
}

export interface CaseListFilter {
  project?: string | undefined;
  state?: string | string[] | undefined;
  order?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

type EventInput = {
  type: string;
  visibility: 'reporter' | 'internal';
  data?: Record<string, unknown>;
  messageId?: string;
};

export class CaseService {
  /** Report intake: concurrent submissions are written, numbered and committed together. */
  private readonly writeReport: ReportWriter;

  constructor(private readonly deps: ServiceDeps) {
    this.writeReport = reportWriter(deps.writeReportBatch ?? kyselyBatchWriter(deps.db));
  }

  private async appendEvent(db: Kysely<Database>, caseId: string, actor: Actor, at: string, e: EventInput) {
    await cases.insertEvent(db, {
      case_id: caseId,
      at,
      type: e.type,
      actor_kind: actor.kind === 'user' ? 'user' : actor.kind === 'reporter' ? 'reporter' : 'system',
      actor_user_id: actor.kind === 'user' ? actor.user.id : null,
      visibility: e.visibility,
      message_id: e.messageId ?? null,
      data: JSON.stringify(e.data ?? {}),
    });
  }

  /** Files a report for a project. Public: no account needed. Committed before it returns. */
  async submitReport(
    slug: string,
    raw: Record<string, unknown>,
    channel: 'web' | 'api',
  ): Promise<SubmittedReport> {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    const input = parseReportInput(raw);
    const token = CASE_TOKEN_PREFIX + this.deps.random.token(32);
    const id = this.deps.random.uuid();
    const now = iso(this.deps.clock.now());
    const { key } = await this.writeReport({
      projectKey: project.key,
      row: {
        id,
        project_id: project.id,
        title: input.title,
        description: input.description,
        steps_to_reproduce: input.stepsToReproduce,
        impact: input.impact,
        affected_versions: input.affectedVersions,
        suggested_fix: input.suggestedFix,
        reporter_email: input.reporterEmail,
        reporter_user_id: null,
        reporter_token_hash: hashSecret(token),
        credit_preference: input.creditPreference,
        credit_name: input.creditName,
        channel,
        state: 'new',
        needs_info: 0,
        created_at: now,
        updated_at: now,
      },
      event: {
        at: now,
        type: 'report.created',
        actor_kind: 'reporter',
        actor_user_id: null,
        visibility: 'reporter',
        message_id: null,
        data: JSON.stringify({ channel }),
      },
    });
    return { id, key, accessToken: token, casePath: `/c/${token}` };
  }

  /** A case as the actor may see it: the team's full view or the reporter's shared view. */
  async get(actor: Actor, ref: { id?: string; key?: string }): Promise<TeamCaseView | ReporterCaseView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    return this.view(row, access);
  }

  private async view(row: CaseRow, access: CaseAccess): Promise<TeamCaseView | ReporterCaseView> {
    const db = this.deps.db;
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
    if (audience === 'reporter') return presentForReporter(row, project, timeline);
    const dup = row.duplicate_of_id ? await cases.findCaseById(db, row.duplicate_of_id) : undefined;
    return presentForTeam(row, project, timeline, {
      assigneeName: row.assignee_id ? (names.get(row.assignee_id) ?? null) : null,
      duplicateOfKey: dup?.key ?? null,
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
  async list(actor: Actor, f: CaseListFilter): Promise<{ items: CaseSummary[]; total: number }> {
    const user = requireUser(actor);
    const errors: FieldError[] = [];
    const states =
      f.state === undefined || f.state === ''
        ? []
        : Array.isArray(f.state)
          ? f.state
          : String(f.state).split(',');
    const wanted = states.flatMap((s) => (s === 'open' ? [...OPEN_STATES] : [s]));
    if (!wanted.every(isCaseState)) errors.push({ field: 'state', message: 'Unknown state.' });
    const order = f.order ?? 'newest';
    if (order !== 'newest' && order !== 'oldest')
      errors.push({ field: 'order', message: 'Use newest or oldest.' });
    const limit = f.limit ?? 50;
    const offset = f.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX)
      errors.push({ field: 'limit', message: `From 1 to ${LIST_MAX}.` });
    if (!Number.isInteger(offset) || offset < 0) errors.push({ field: 'offset', message: 'Zero or more.' });
    if (errors.length) throw new ValidationError(errors);

    let projectIds: string[] | undefined;
    if (!user.isAdmin)
      projectIds = (await projects.listMembershipsOfUser(this.deps.db, user.id)).map((m) => m.id);
    if (f.project) {
      const p = await projects.findProjectBySlug(this.deps.db, f.project);
      // A project the user cannot see yields an empty list, exactly like one that does not exist.
      projectIds = p && (!projectIds || projectIds.includes(p.id)) ? [p.id] : [];
    }
    const q = { projectIds, states: wanted.length ? wanted : undefined };
    const [rows, total] = await Promise.all([
      cases.listCases(this.deps.db, { ...q, order: order as 'newest' | 'oldest', limit, offset }),
      cases.countCases(this.deps.db, q),
    ]);
    const items = rows.map((r) => ({
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
    }));
    return { items, total };
  }

  /** Moves a case along its lifecycle. Team only; the rules are in domain/case-state.ts. */
  async transition(
    actor: Actor,
    ref: { id?: string; key?: string },
    raw: Record<string, unknown>,
  ): Promise<TeamCaseView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (access.as !== 'team') throw new ForbiddenError('Only the security team changes the state of a case.');
    const errors: FieldError[] = [];
    if (!isCaseState(raw.to)) errors.push({ field: 'to', message: 'Unknown state.' });
    if (raw.resolution !== undefined && raw.resolution !== '' && !isResolution(raw.resolution)) {
      errors.push({ field: 'resolution', message: 'Unknown resolution.' });
    }
    if (raw.severity !== undefined && raw.severity !== '' && !isSeverity(raw.severity)) {
      errors.push({ field: 'severity', message: 'Use critical, high, medium or low.' });
    }
    let duplicateOfId: string | undefined;
    if (typeof raw.duplicateOf === 'string' && raw.duplicateOf.trim()) {
      const dup = await cases.findCaseByKey(this.deps.db, raw.duplicateOf.trim().toUpperCase());
      if (!dup || dup.project_id !== row.project_id || dup.id === row.id) {
        errors.push({
          field: 'duplicateOf',
          message: 'Name another case of this project, e.g. ' + row.key.replace(/\d+$/, '1') + '.',
        });
      } else duplicateOfId = dup.id;
    }
    if (errors.length) throw new ValidationError(errors);
    const req: TransitionRequest = {
      to: raw.to as CaseState,
      resolution: isResolution(raw.resolution) ? raw.resolution : undefined,
      severity: isSeverity(raw.severity) ? raw.severity : undefined,
      duplicateOfId,
    };
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
    await this.deps.db.transaction().execute(async (trx) => {
      // The rules were checked against the state read above; a concurrent transition must not slip
      // in between, or the timeline would record two moves from the same state.
      if (!(await cases.updateCaseFromState(trx, row.id, row.state, patch))) {
        throw new ConflictError('The case changed meanwhile; reload it and try again.');
      }
      if (severityChanged) {
        await this.appendEvent(trx, row.id, actor, now, {
          type: 'severity.changed',
          visibility: 'reporter',
          data: { from: row.severity, to: outcome.severity },
        });
      }
      const data: Record<string, unknown> = { from: row.state, to: outcome.state };
      if (outcome.resolution) data.resolution = outcome.resolution;
      await this.appendEvent(trx, row.id, actor, now, {
        type: 'state.changed',
        visibility: 'reporter',
        data,
      });
    });
    return (await this.get(actor, { id: row.id })) as TeamCaseView;
  }

  /** Adds a message: the team may write shared replies or internal notes; a reporter only shared ones. */
  async addMessage(
    actor: Actor,
    ref: { id?: string; key?: string },
    input: { body: unknown; internal?: unknown },
    channel: 'web' | 'api' = 'web',
  ): Promise<{ id: string; visibility: 'reporter' | 'internal' }> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    const body = typeof input.body === 'string' ? input.body.replace(/\r\n?/g, '\n').trim() : '';
    if (!body) throw new ValidationError([{ field: 'body', message: 'Write a message.' }]);
    if (body.length > MESSAGE_MAX)
      throw new ValidationError([{ field: 'body', message: `At most ${MESSAGE_MAX} characters.` }]);
    const internal = input.internal === true || input.internal === 'true' || input.internal === 'on';
    if (internal && access.as !== 'team')
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
    await this.deps.db.transaction().execute(async (trx) => {
      await cases.insertMessage(trx, {
        id,
        case_id: row.id,
        author_kind: access.as === 'team' ? 'user' : 'reporter',
        author_user_id: access.as === 'team' ? access.user.id : null,
        visibility,
        channel,
        body,
        created_at: now,
      });
      await this.appendEvent(trx, row.id, actor, now, {
        type: internal ? 'note' : 'message',
        visibility,
        messageId: id,
      });
      const patch: CaseUpdate = { updated_at: now };
      // The reporter answering is what "needs info" waited for.
      if (access.as === 'reporter' && row.needs_info === 1) {
        patch.needs_info = 0;
        await this.appendEvent(trx, row.id, actor, now, {
          type: 'needs-info.changed',
          visibility: 'reporter',
          data: { value: false },
        });
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
  ): Promise<TeamCaseView | ReporterCaseView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    const allowed =
      access.as === 'team'
        ? ['title', 'severity', 'assigneeId', 'needsInfo']
        : ['reporterEmail', 'creditPreference', 'creditName'];
    const errors: FieldError[] = [];
    for (const k of Object.keys(raw)) {
      if (!allowed.includes(k))
        errors.push({ field: k, message: `Cannot be changed here (allowed: ${allowed.join(', ')}).` });
    }
    if (errors.length) throw new ValidationError(errors);
    const patch: CaseUpdate = {};
    const events: EventInput[] = [];
    if (access.as === 'team') await this.teamPatch(row, raw, patch, events, errors);
    else this.reporterPatch(row, raw, patch, events, errors);
    if (errors.length) throw new ValidationError(errors);
    if (events.length) {
      const now = iso(this.deps.clock.now());
      patch.updated_at = now;
      await this.deps.db.transaction().execute(async (trx) => {
        await cases.updateCase(trx, row.id, patch);
        for (const e of events) await this.appendEvent(trx, row.id, actor, now, e);
      });
    }
    return this.get(actor, { id: row.id });
  }

  private async teamPatch(
    row: CaseRow,
    raw: Record<string, unknown>,
    patch: CaseUpdate,
    events: EventInput[],
    errors: FieldError[],
  ) {
    if ('title' in raw) {
      const t = typeof raw.title === 'string' ? raw.title.trim() : '';
      if (charLength(t) < 5 || charLength(t) > REPORT_LIMITS.title)
        errors.push({ field: 'title', message: `5 to ${REPORT_LIMITS.title} characters.` });
      else if (t !== row.title) {
        patch.title = t;
        events.push({ type: 'title.changed', visibility: 'reporter', data: { from: row.title, to: t } });
      }
    }
    if ('severity' in raw) {
      const s = raw.severity === '' ? null : raw.severity;
      if (s !== null && !isSeverity(s))
        errors.push({ field: 'severity', message: 'Use critical, high, medium or low.' });
      else if (s === null && ['triaged', 'fixing', 'fixed', 'disclosed'].includes(row.state)) {
        errors.push({ field: 'severity', message: 'A triaged case keeps a severity.' });
      } else if (s !== row.severity) {
        patch.severity = s;
        events.push({
          type: 'severity.changed',
          visibility: 'reporter',
          data: { from: row.severity, to: s },
        });
      }
    }
    if ('assigneeId' in raw) {
      const a = raw.assigneeId === '' ? null : raw.assigneeId;
      if (
        a !== null &&
        (typeof a !== 'string' || !(await projects.findRole(this.deps.db, row.project_id, a)))
      ) {
        errors.push({ field: 'assigneeId', message: 'Assign a member of this project’s team.' });
      } else if (a !== row.assignee_id) {
        patch.assignee_id = a as string | null;
        const names = await cases.userNames(this.deps.db, a ? [a as string] : []);
        events.push({
          type: 'assignee.changed',
          visibility: 'internal',
          data: { assignee: a ? names.get(a as string) : null },
        });
      }
    }
    if ('needsInfo' in raw) {
      const v =
        raw.needsInfo === true || raw.needsInfo === 'true'
          ? true
          : raw.needsInfo === false || raw.needsInfo === 'false'
            ? false
            : null;
      if (v === null) errors.push({ field: 'needsInfo', message: 'true or false.' });
      else if (v && !OPEN_STATES.includes(row.state as CaseState))
        errors.push({ field: 'needsInfo', message: 'Only an open case can wait for information.' });
      else if (v !== (row.needs_info === 1)) {
        patch.needs_info = v ? 1 : 0;
        events.push({ type: 'needs-info.changed', visibility: 'reporter', data: { value: v } });
      }
    }
  }

  private reporterPatch(
    row: CaseRow,
    raw: Record<string, unknown>,
    patch: CaseUpdate,
    events: EventInput[],
    errors: FieldError[],
  ) {
    if ('reporterEmail' in raw) {
      const e = raw.reporterEmail === '' || raw.reporterEmail === null ? null : raw.reporterEmail;
      if (e !== null && (typeof e !== 'string' || !isEmail(e.trim())))
        errors.push({ field: 'reporterEmail', message: 'Enter a valid e-mail address or leave it empty.' });
      else {
        const v = e === null ? null : (e as string).trim().toLowerCase();
        if (v !== row.reporter_email) {
          patch.reporter_email = v;
          events.push({ type: 'contact.changed', visibility: 'reporter', data: {} });
        }
      }
    }
    if ('creditPreference' in raw || 'creditName' in raw) {
      const pref = 'creditPreference' in raw ? raw.creditPreference : row.credit_preference;
      const name = 'creditName' in raw ? raw.creditName : row.credit_name;
      if (typeof pref !== 'string' || !(CREDIT_PREFERENCES as readonly string[]).includes(pref)) {
        errors.push({ field: 'creditPreference', message: 'Choose name, handle or anonymous.' });
        return;
      }
      const n = pref === 'anonymous' ? null : typeof name === 'string' ? name.trim() : '';
      if (n !== null && (!n || n.length > REPORT_LIMITS.creditName)) {
        errors.push({
          field: 'creditName',
          message: `Give the ${pref} to credit (at most ${REPORT_LIMITS.creditName} characters).`,
        });
        return;
      }
      if (pref !== row.credit_preference || n !== row.credit_name) {
        patch.credit_preference = pref;
        patch.credit_name = n;
        events.push({ type: 'credit.changed', visibility: 'reporter', data: { preference: pref } });
      }
    }
  }
}
