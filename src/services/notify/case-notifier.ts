// Turns case events into outbox rows — team mail, reporter mail, webhook calls — in the transaction
// that wrote the events, so a notification exists exactly when its cause was committed. Who gets
// what: the team hears of new reports and reporter replies (the assignee only, when there is one)
// as each member's mail preferences allow; the reporter hears of receipt, acknowledgement, every
// state change, every shared reply, a request for information and the advisory. Reporter mail is
// encrypted to the reporter's OpenPGP key when they gave one, and then carries the details.
import type { Insertable, Kysely } from 'kysely';
import type { CaseRow, Database, JobsTable, ProjectRow } from '../../storage/schema.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import { listTeamRecipients } from '../../storage/repositories/mail-prefs.repository.ts';
import { parseMailPrefs, prefForKind } from '../../domain/mail-prefs.ts';
import { hashSecret, type ServiceDeps } from '../deps.ts';
import type { PolicyService } from '../policy.service.ts';
import { queueMail } from '../outbox/outbox-queue.ts';
import { replyAddressFor } from '../mail/reply-address.ts';
import { emitWebhook, type WebhookEvent } from '../webhooks/webhook-emitter.ts';
import { CASE_TOKEN_PREFIX } from '../auth.service.ts';
import * as texts from './case-mail-texts.ts';
import * as moveTexts from './case-move-texts.ts';
import type { MailText } from './case-mail-texts.ts';

export interface NotifiableEvent {
  /** Identifies the occurrence in dedupe keys; a fresh id is used when absent. */
  id?: number | string;
  type: string;
  visibility: 'reporter' | 'internal' | 'parties';
  actorKind: 'reporter' | 'user' | 'system';
  actorUserId?: string | null;
  messageId?: string | null;
  data?: Record<string, unknown>;
  /** The message text of a `message` event (so no second read is needed). */
  body?: string;
  /** For `report.created`: the reporter's secret case link, known only at intake. */
  reporterCaseUrl?: string;
}

interface Ctx {
  db: Kysely<Database>;
  row: CaseRow;
  project: ProjectRow;
  details: boolean;
  occurrence: string;
}

export class CaseNotifier {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies?: PolicyService,
  ) {}

  /** Queues the mail and webhook calls these events of `row` cause. Call inside the transaction. */
  async onEvents(db: Kysely<Database>, row: CaseRow, events: NotifiableEvent[]): Promise<void> {
    if (!events.length) return;
    const project = await projects.findProjectById(db, row.project_id);
    if (!project) return;
    const policy = this.policies
      ? await this.policies.policyOf(row.project_id, row.policy_version)
      : undefined;
    const details = policy?.notifications.detailsInMail ?? false;
    for (const e of events) {
      const ctx: Ctx = { db, row, project, details, occurrence: String(e.id ?? this.deps.random.uuid()) };
      await this.mailTeam(ctx, e);
      await this.mailReporter(ctx, e);
      await this.webhooks(ctx, e);
    }
  }

  /**
   * The notifications of a report filed through the batched intake, from its job. The same
   * occurrence id every run, so a job that runs twice queues nothing twice.
   */
  async reportCreated(caseId: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const row = await cases.findCaseById(trx, caseId);
      if (!row) return;
      await this.onEvents(trx, row, [
        {
          id: `created:${caseId}`,
          type: 'report.created',
          visibility: 'reporter',
          actorKind: 'reporter',
          data: { channel: row.channel },
        },
      ]);
    });
  }

  private teamUrl(row: CaseRow): string {
    return new URL(`/cases/${encodeURIComponent(row.key)}`, this.deps.publicUrl).toString();
  }

  private async mailTeam(ctx: Ctx, e: NotifiableEvent): Promise<void> {
    const { row } = ctx;
    const c = {
      key: row.key,
      projectName: ctx.project.name,
      title: row.title,
      details: ctx.details,
      url: this.teamUrl(row),
    };
    let kind: string;
    let text: MailText;
    let only: string | undefined;
    if (e.type === 'report.created') {
      kind = 'case.new-report';
      text = texts.teamNewReport(c, String(e.data?.channel ?? row.channel));
    } else if (isMessage(e) && e.actorKind === 'reporter') {
      kind = 'case.reporter-reply';
      text = texts.teamReporterReply(c, e.body ?? null);
      only = row.assignee_id ?? undefined;
    } else if (
      e.type === 'assignee.changed' &&
      typeof e.data?.assigneeId === 'string' &&
      e.data.assigneeId !== e.actorUserId
    ) {
      kind = 'case.assigned';
      text = texts.teamAssigned(c);
      only = e.data.assigneeId;
    } else if (e.type === 'case.transferred') {
      // `row` is the case after the move: the team told is the one it moved to.
      kind = 'case.moved-in';
      text = moveTexts.teamMovedIn(c, String(e.data?.from ?? ''), String(e.data?.fromProject ?? ''));
    } else return;
    const pref = prefForKind(kind);
    const team = (await listTeamRecipients(ctx.db, row.project_id)).filter((m) => !m.disabled_at);
    // The assignee alone while they are still on the team; otherwise everyone.
    const targets = only && team.some((m) => m.id === only) ? team.filter((m) => m.id === only) : team;
    for (const m of targets) {
      if (m.id === e.actorUserId) continue;
      if (pref && !parseMailPrefs(m.mail_prefs)[pref]) continue;
      await queueMail(ctx.db, this.deps, {
        to: m.email,
        recipientUserId: m.id,
        caseId: row.id,
        projectId: row.project_id,
        kind,
        subject: text.subject,
        text: text.text,
        threadCaseId: row.id,
        replyTo:
          kind === 'case.new-report' || kind === 'case.reporter-reply'
            ? this.replyTo(row.id, 't')
            : undefined,
        url: c.url,
        dedupeKey: `mail:${kind}:${ctx.occurrence}:${m.id}`,
      });
    }
  }

  private async mailReporter(ctx: Ctx, e: NotifiableEvent): Promise<void> {
    const { row } = ctx;
    // Reporters are not told of their own doings, except that their report arrived.
    if (e.visibility !== 'reporter' || (e.actorKind === 'reporter' && e.type !== 'report.created')) return;
    const address = row.reporter_email;
    if (!address) return;
    const encryptTo = row.reporter_pgp_key ?? undefined;
    const c = {
      key: row.key,
      projectName: ctx.project.name,
      title: row.title,
      details: ctx.details || !!encryptTo,
      url: null as string | null,
    };
    let text: MailText;
    if (e.type === 'report.created') {
      // Web and API reporters were shown their link; a mailed report gets one by return mail.
      c.url = e.reporterCaseUrl ?? (row.channel === 'email' ? await this.freshReporterLink(ctx) : null);
      text = texts.reporterReceived(c);
    } else if (e.type === 'state.changed' && typeof e.data?.to === 'string') {
      // Disclosure by an advisory gets the advisory's own mail, a downgrade its `case.downgraded` mail.
      if (e.data.advisory || e.data.downgraded) return;
      // Closed as spam: no mail. Spam often carries a forged or throwaway address, and answering it
      // is backscatter (and tells a spammer the report was read). The reporter's page shows the state.
      if (e.data.resolution === 'spam') return;
      text = texts.reporterStateChanged(
        c,
        e.data.to,
        typeof e.data.resolution === 'string' ? e.data.resolution : null,
      );
    } else if (e.type === 'needs-info.changed' && e.data?.value === true) {
      text = texts.reporterNeedsInfo(c);
    } else if (isMessage(e)) {
      text = texts.reporterMessage(c, e.body ?? '');
    } else if (e.type === 'advisory.published' && typeof e.data?.id === 'string') {
      text = texts.reporterAdvisory(c, e.data.id, String(e.data.title ?? ''), String(e.data.url ?? ''));
    } else if (e.type === 'case.transferred') {
      text = moveTexts.reporterMoved(c, String(e.data?.from ?? ''), String(e.data?.fromProject ?? ''));
    } else if (e.type === 'case.downgraded') {
      const url = typeof e.data?.issueUrl === 'string' ? e.data.issueUrl : null;
      text = moveTexts.reporterDowngraded(c, url, e.body ?? null);
    } else return;
    await queueMail(ctx.db, this.deps, {
      to: address,
      recipientUserId: row.reporter_user_id,
      caseId: row.id,
      projectId: row.project_id,
      kind: `reporter.${e.type}`,
      subject: text.subject,
      text: text.text,
      threadCaseId: row.id,
      replyTo: this.replyTo(row.id, 'r'),
      encryptTo,
      dedupeKey: `mail:reporter:${e.type}:${ctx.occurrence}:${row.id}`,
    });
  }

  /**
   * A mailed report has no page that showed its reporter the secret link, so the receipt mail carries
   * one: a new token (the one made at intake was never shown to anybody) replaces the stored hash.
   */
  private async freshReporterLink(ctx: Ctx): Promise<string> {
    const token = CASE_TOKEN_PREFIX + this.deps.random.token(32);
    await cases.updateCase(ctx.db, ctx.row.id, { reporter_token_hash: hashSecret(token) });
    return new URL(`/c/${token}`, this.deps.publicUrl).toString();
  }

  private replyTo(caseId: string, party: 'r' | 't'): string | undefined {
    try {
      return replyAddressFor(this.deps, caseId, party);
    } catch {
      return undefined;
    }
  }

  private async webhooks(ctx: Ctx, e: NotifiableEvent): Promise<void> {
    const event: WebhookEvent =
      e.type === 'report.created'
        ? 'report.created'
        : isMessage(e) || e.type === 'note'
          ? 'case.message'
          : 'case.updated';
    const { row } = ctx;
    await emitWebhook(ctx.db, this.deps, {
      projectId: row.project_id,
      event,
      caseId: row.id,
      dedupeKey: `case-event:${ctx.occurrence}`,
      data: {
        case: {
          id: row.id,
          key: row.key,
          url: this.teamUrl(row),
          state: typeof e.data?.to === 'string' && e.type === 'state.changed' ? e.data.to : row.state,
          severity: row.severity,
          ...(ctx.details ? { title: row.title } : {}),
        },
        change: {
          type: e.type,
          visibility: e.visibility,
          actor: e.actorKind,
          // A title change carries the titles: details, under the same rule as mail.
          ...(e.data && (ctx.details || e.type !== 'title.changed') ? { data: e.data } : {}),
        },
        ...(e.messageId ? { messageId: e.messageId } : {}),
      },
    });
  }
}

/** The job kind that notifies a report filed through the batched intake (web form, API). */
export const REPORT_CREATED_JOB = 'case.notify-created';

/** The job row written with a new report; its handler calls CaseNotifier.reportCreated. */
export function reportCreatedJob(caseId: string, now: string, id: string): Insertable<JobsTable> {
  return {
    id,
    kind: REPORT_CREATED_JOB,
    payload: JSON.stringify({ caseId }),
    status: 'queued',
    run_at: now,
    attempts: 0,
    max_attempts: 10,
    unique_key: `${REPORT_CREATED_JOB}:${caseId}`,
    created_at: now,
  };
}

function isMessage(e: NotifiableEvent): boolean {
  return (e.type === 'message' || e.type === 'message.added') && e.visibility === 'reporter';
}
