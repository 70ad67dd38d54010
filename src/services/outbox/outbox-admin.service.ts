// The instance admin's view of outgoing notifications: counts by channel and status, whether mail
// can go out at all, the dead letters (deliveries given up after their retries) and retrying them.
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import * as outbox from '../../storage/repositories/outbox.repository.ts';
import * as delivery from '../../storage/repositories/outbox-delivery.repository.ts';
import type { OutboxRow } from '../../storage/schema.ts';
import { iso, mailSettings, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { requireAdmin } from '../access.ts';
import { recordAudit } from '../audit/audit-log.ts';

export interface OutboxRowView {
  id: string;
  channel: string;
  kind: string;
  /** Mail address or webhook URL. */
  recipient: string | null;
  subject: string;
  status: string;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  lastError: string | null;
  lastResponse: string | null;
}

export interface OutboxOverview {
  /** PARLEY_SMTP_URL is set; otherwise mail waits in the queue. */
  mailConfigured: boolean;
  counts: { channel: string; status: string; count: number; oldest: string }[];
  pendingMail: number;
  deadLetters: OutboxRowView[];
}

const PAGE = 100;

export function presentOutboxRow(r: OutboxRow): OutboxRowView {
  return {
    id: r.id,
    channel: r.channel,
    kind: r.kind,
    recipient: r.recipient_address,
    // Subjects of case mail carry no details unless the policy allows them; still, admins see
    // only the subject, never the body.
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    lastError: r.last_error,
    lastResponse: r.last_response,
  };
}

export class OutboxAdminService {
  constructor(private readonly deps: ServiceDeps) {}

  async overview(actor: Actor): Promise<OutboxOverview> {
    requireAdmin(actor);
    const counts = await outbox.outboxCounts(this.deps.db);
    const dead = await delivery.listOutbox(this.deps.db, { status: 'failed', limit: PAGE });
    return {
      mailConfigured: mailSettings(this.deps).transportConfigured,
      counts,
      pendingMail: counts
        .filter((c) => c.channel === 'email' && c.status === 'pending')
        .reduce((n, c) => n + c.count, 0),
      deadLetters: dead.map(presentOutboxRow),
    };
  }

  /** Puts one dead letter back in the queue with a fresh attempt budget. */
  async retry(actor: Actor, id: unknown): Promise<void> {
    requireAdmin(actor);
    if (typeof id !== 'string' || !id)
      throw new ValidationError([{ field: 'id', message: 'Which delivery?' }]);
    const row = await delivery.findOutbox(this.deps.db, id);
    if (!row) throw new NotFoundError('No such delivery.');
    if (row.status !== 'failed' && row.status !== 'held')
      throw new ValidationError([{ field: 'id', message: `This delivery is ${row.status}, not failed.` }]);
    await this.deps.db.transaction().execute(async (trx) => {
      await delivery.requeueOutbox(trx, id, iso(this.deps.clock.now()));
      await recordAudit(trx, this.deps, {
        action: 'outbox.retried',
        actor,
        projectId: row.project_id,
        caseId: row.case_id,
        // Only the kind of recipient: mail addresses of reporters stay out of the permanent log.
        target: `${row.channel} ${row.kind}`,
        data: { id: row.id, status: row.status, attempts: row.attempts },
      });
    });
  }

  /** Every dead letter back in the queue; returns how many. */
  async retryAll(actor: Actor): Promise<number> {
    requireAdmin(actor);
    return this.deps.db.transaction().execute(async (trx) => {
      const n = await delivery.requeueAllFailed(trx, iso(this.deps.clock.now()));
      if (n > 0)
        await recordAudit(trx, this.deps, {
          action: 'outbox.retried',
          actor,
          target: 'all dead letters',
          data: { count: n },
        });
      return n;
    });
  }
}
