// Queueing outgoing notifications. Every mail and webhook call is an outbox row written in the
// caller's transaction, so it exists exactly when the change that caused it was committed; the
// outbox worker (jobs/outbox-worker.ts) delivers it later, retrying with backoff. The dedupe key
// makes queueing idempotent: a repeated call (a job run twice) queues nothing new.
import type { Kysely } from 'kysely';
import * as outbox from '../../storage/repositories/outbox.repository.ts';
import type { Database } from '../../storage/schema.ts';
import { iso, type Clock, type Random } from '../deps.ts';

/** What the mail sender needs beyond subject and text; stored as the row's payload JSON. */
export interface MailPayload {
  html?: string;
  /** Extra headers (List-Unsubscribe, List-Id …); Message-ID, Date and Auto-Submitted are added. */
  headers?: Record<string, string>;
  replyTo?: string;
  /** Thread the mail into this case's conversation (In-Reply-To / References). */
  threadCaseId?: string;
  /** Armored OpenPGP public key: the mail is sent PGP/MIME-encrypted to it. */
  encryptTo?: string;
  /** A link for readers who get the short form (kept for the admin's view of the row). */
  url?: string;
  /** Anything else the producer wants to see again in the log (notification id …). */
  meta?: Record<string, unknown>;
}

export interface MailToQueue extends MailPayload {
  to: string;
  kind: string;
  subject: string;
  text: string;
  dedupeKey: string;
  recipientUserId?: string | null;
  caseId?: string | null;
  projectId?: string | null;
  sourceId?: string | null;
}

export interface WebhookToQueue {
  webhookId: string;
  projectId: string;
  url: string;
  /** The event name, e.g. `advisory.published`. */
  event: string;
  /** The exact JSON body to POST (signed at delivery time with the webhook's current secret). */
  body: string;
  dedupeKey: string;
  caseId?: string | null;
}

type QueueDeps = { clock: Clock; random: Random };

/** Queues an e-mail. True when a row was written (false: the dedupe key was already queued). */
export async function queueMail(db: Kysely<Database>, deps: QueueDeps, m: MailToQueue): Promise<boolean> {
  const now = iso(deps.clock.now());
  const payload: MailPayload = {
    html: m.html,
    headers: m.headers,
    replyTo: m.replyTo,
    threadCaseId: m.threadCaseId,
    encryptTo: m.encryptTo,
    url: m.url,
    meta: m.meta,
  };
  return outbox.insertOutbox(db, {
    id: deps.random.uuid(),
    channel: 'email',
    recipient_user_id: m.recipientUserId ?? null,
    recipient_address: m.to,
    case_id: m.caseId ?? null,
    project_id: m.projectId ?? null,
    source_id: m.sourceId ?? null,
    kind: m.kind,
    subject: m.subject,
    body: m.text,
    payload: JSON.stringify(payload),
    dedupe_key: m.dedupeKey,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    sent_at: null,
    last_error: null,
    created_at: now,
  });
}

/** Queues a webhook call. True when a row was written. */
export async function queueWebhook(
  db: Kysely<Database>,
  deps: QueueDeps,
  w: WebhookToQueue,
): Promise<boolean> {
  const now = iso(deps.clock.now());
  return outbox.insertOutbox(db, {
    id: deps.random.uuid(),
    channel: 'webhook',
    recipient_user_id: null,
    recipient_address: w.url,
    case_id: w.caseId ?? null,
    project_id: w.projectId,
    source_id: w.webhookId,
    kind: w.event,
    subject: w.event,
    body: w.body,
    payload: '{}',
    dedupe_key: w.dedupeKey,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    sent_at: null,
    last_error: null,
    created_at: now,
  });
}

/** Parses a row's payload; a row written by an older version may lack fields. */
export function mailPayloadOf(payload: string): MailPayload {
  try {
    const p = JSON.parse(payload) as unknown;
    return p && typeof p === 'object' ? (p as MailPayload) : {};
  } catch {
    return {};
  }
}
