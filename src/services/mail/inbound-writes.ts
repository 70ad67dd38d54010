// The writes of one accepted mail, inside the caller's transaction: a new case from a mail to a
// project address, or a message threaded into a case from a mail to its reply address — each with
// its timeline events, files, inbound_mail record and the notifications the events cause.
import type { Kysely } from 'kysely';
import type { CaseRow, CaseUpdate, Database, InboundMailTable } from '../../storage/schema.ts';
import type { Insertable } from 'kysely';
import type { Policy } from '../../domain/policy/policy.types.ts';
import type { ProjectRow } from '../../storage/schema.ts';
import { formatCaseKey } from '../../domain/report.ts';
import { checkVersions } from '../../domain/policy/supported-versions.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import * as inbound from '../../storage/repositories/inbound-mail.repository.ts';
import { hashSecret, type ServiceDeps } from '../deps.ts';
import { CASE_TOKEN_PREFIX } from '../auth.service.ts';
import { nextDueAt, settleClocks } from '../case-clocks.ts';
import type { CaseNotifier, NotifiableEvent } from '../notify/case-notifier.ts';
import type { DroppedFile, MailReport, StoredFile } from './inbound-mapping.ts';

type Db = Kysely<Database>;
type Record = Omit<Insertable<InboundMailTable>, 'project_id' | 'case_id' | 'message_id' | 'kind'>;

interface EventSpec {
  type: string;
  visibility: 'reporter' | 'internal';
  actorKind: 'reporter' | 'user' | 'system';
  actorUserId: string | null;
  messageId?: string | null;
  data: { [k: string]: unknown };
  /** Handed to the notifier only (never stored with the event). */
  extra?: Partial<NotifiableEvent>;
}

export class InboundWrites {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly notifier: CaseNotifier,
  ) {}

  /** Opens a case from a mailed report. The reporter's token is made here and only its hash is kept. */
  async openCase(
    trx: Db,
    input: {
      project: ProjectRow;
      policy: Policy;
      report: MailReport;
      reporterEmail: string | null;
      files: StoredFile[];
      dropped: DroppedFile[];
      encrypted: boolean;
      record: Record;
      now: string;
    },
  ): Promise<{ caseId: string; key: string }> {
    const { project, policy, report, now } = input;
    const id = this.deps.random.uuid();
    const token = CASE_TOKEN_PREFIX + this.deps.random.token(32);
    const number = await projects.allocateCaseNumbers(trx, project.id, 1);
    const key = formatCaseKey(project.key, number);
    const clockRow = {
      created_at: now,
      acknowledged_at: null,
      triaged_at: null,
      fixed_at: null,
      disclosed_at: null,
      closed_at: null,
      resolution: null,
      severity: null,
    };
    await cases.insertCase(trx, {
      id,
      project_id: project.id,
      number,
      key,
      title: report.title,
      description: report.description,
      steps_to_reproduce: report.stepsToReproduce,
      impact: report.impact,
      affected_versions: report.affectedVersions,
      suggested_fix: report.suggestedFix,
      reporter_email: input.reporterEmail,
      reporter_user_id: null,
      reporter_token_hash: hashSecret(token),
      // Nobody is credited by name until they say how; a mail's From name is not consent.
      credit_preference: 'anonymous',
      credit_name: null,
      channel: 'email',
      state: 'new',
      needs_info: 0,
      created_at: now,
      updated_at: now,
      policy_version: project.policy_version,
      version_status: checkVersions(policy, report.affectedVersions).status,
      scope_category: null,
      next_due_at: nextDueAt(policy, clockRow, new Date(now)),
    });
    const events: EventSpec[] = [
      {
        type: 'report.created',
        visibility: 'reporter',
        actorKind: 'reporter',
        actorUserId: null,
        data: {
          channel: 'email',
          policyVersion: project.policy_version,
          ...(input.encrypted ? { encrypted: true } : {}),
        },
        extra: { reporterCaseUrl: new URL(`/c/${token}`, this.deps.publicUrl).toString() },
      },
    ];
    await this.storeFiles(trx, id, null, input.files, now);
    if (input.dropped.length) events.push(droppedEvent(input.dropped));
    await inbound.insertInboundMail(trx, {
      ...input.record,
      kind: 'report',
      project_id: project.id,
      case_id: id,
      message_id: null,
    });
    await this.timeline(trx, id, now, events);
    return { caseId: id, key };
  }

  /** Threads a mailed reply into a case as a shared message by the reporter or a team member. */
  async addReply(
    trx: Db,
    input: {
      row: CaseRow;
      policy: Policy;
      author: { kind: 'reporter' } | { kind: 'user'; userId: string };
      body: string;
      files: StoredFile[];
      dropped: DroppedFile[];
      record: Record;
      now: string;
    },
  ): Promise<{ messageId: string }> {
    const { row, now, author } = input;
    const id = this.deps.random.uuid();
    const userId = author.kind === 'user' ? author.userId : null;
    await cases.insertMessage(trx, {
      id,
      case_id: row.id,
      author_kind: author.kind,
      author_user_id: userId,
      visibility: 'reporter',
      channel: 'email',
      body: input.body,
      created_at: now,
    });
    // The same event a reply written on the web makes (case.service.ts addMessage).
    const events: EventSpec[] = [
      {
        type: 'message',
        visibility: 'reporter',
        actorKind: author.kind,
        actorUserId: userId,
        messageId: id,
        data: { channel: 'email' },
        extra: { body: input.body },
      },
    ];
    const patch: CaseUpdate = { updated_at: now };
    // The reporter answering is what "needs info" waited for.
    if (author.kind === 'reporter' && row.needs_info === 1) {
      patch.needs_info = 0;
      events.push({
        type: 'needs-info.changed',
        visibility: 'reporter',
        actorKind: 'reporter',
        actorUserId: null,
        data: { value: false },
      });
      settleClocks(input.policy, row, patch, now);
    }
    await cases.updateCase(trx, row.id, patch);
    await this.storeFiles(trx, row.id, id, input.files, now);
    if (input.dropped.length) events.push(droppedEvent(input.dropped));
    await inbound.insertInboundMail(trx, {
      ...input.record,
      kind: 'reply',
      project_id: row.project_id,
      case_id: row.id,
      message_id: id,
    });
    await this.timeline(trx, row.id, now, events);
    return { messageId: id };
  }

  private async storeFiles(
    trx: Db,
    caseId: string,
    messageId: string | null,
    files: StoredFile[],
    now: string,
  ) {
    await inbound.insertAttachments(
      trx,
      files.map((f) => ({
        id: this.deps.random.uuid(),
        case_id: caseId,
        message_id: messageId,
        filename: f.filename,
        content_type: f.contentType,
        size: f.size,
        sha256: f.sha256,
        content: f.content,
        created_at: now,
      })),
    );
  }

  /** Appends the events, then lets the notifier queue what they cause, against the case as it now is. */
  private async timeline(trx: Db, caseId: string, now: string, events: EventSpec[]) {
    const notifiable: NotifiableEvent[] = [];
    for (const e of events) {
      const eventId = await inbound.insertEventReturningId(trx, {
        case_id: caseId,
        at: now,
        type: e.type,
        actor_kind: e.actorKind,
        actor_user_id: e.actorUserId,
        visibility: e.visibility,
        message_id: e.messageId ?? null,
        data: JSON.stringify(e.data),
      });
      notifiable.push({
        id: eventId,
        type: e.type,
        visibility: e.visibility,
        actorKind: e.actorKind,
        actorUserId: e.actorUserId,
        messageId: e.messageId ?? null,
        data: e.data,
        ...e.extra,
      });
    }
    const row = await cases.findCaseById(trx, caseId);
    if (row) await this.notifier.onEvents(trx, row, notifiable);
  }
}

/** One internal note listing the files a mail brought beyond the limits (the first 50 by name). */
function droppedEvent(dropped: DroppedFile[]): EventSpec {
  return {
    type: 'attachment.dropped',
    visibility: 'internal',
    actorKind: 'system',
    actorUserId: null,
    data: {
      count: dropped.length,
      files: dropped.slice(0, 50).map((d) => ({ filename: d.filename, size: d.size, reason: d.reason })),
    },
  };
}
