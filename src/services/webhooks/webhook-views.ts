// What a webhook looks like from outside the service: the fields a maintainer sends (checked here),
// and the views of a webhook and of one delivery from its log.
import { ValidationError, type FieldError } from '../../domain/errors.ts';
import type { OutboxRow } from '../../storage/schema.ts';
import type { WebhookRow } from '../../storage/schema-channels.ts';
import { WEBHOOK_EVENTS, eventsOf, type WebhookEvent } from './webhook-emitter.ts';
import { WEBHOOK_FORMATS, type WebhookFormat } from './webhook-payload.ts';

export interface WebhookInput {
  url?: unknown;
  events?: unknown;
  format?: unknown;
  description?: unknown;
  active?: unknown;
}

export interface WebhookView {
  id: string;
  url: string;
  description: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  active: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  event: string;
  status: OutboxRow['status'];
  attempts: number;
  url: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  lastResponse: string | null;
  lastError: string | null;
  /** The JSON text that was (or will be) POSTed. */
  body: string;
}

export function present(h: WebhookRow): WebhookView {
  return {
    id: h.id,
    url: h.url,
    description: h.description,
    events: eventsOf(h.events),
    format: h.format === 'slack' ? 'slack' : 'parley',
    active: h.active === 1,
    createdAt: h.created_at,
  };
}

export function presentDelivery(r: OutboxRow): WebhookDelivery {
  return {
    id: r.id,
    event: r.kind,
    status: r.status,
    attempts: r.attempts,
    url: r.recipient_address,
    createdAt: r.created_at,
    lastAttemptAt: r.last_attempt_at,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    lastResponse: r.last_response,
    lastError: r.last_error,
    body: r.body,
  };
}

/** Field checks shared by create (everything required but description) and update (partial). */
export function parseInput(input: WebhookInput, partial: boolean) {
  const errors: FieldError[] = [];
  const out: { url?: string; events?: WebhookEvent[]; format?: WebhookFormat; description?: string } = {};
  if (input.url !== undefined || !partial) {
    const raw = typeof input.url === 'string' ? input.url.trim() : '';
    let url: URL | undefined;
    try {
      url = raw && raw.length <= 2000 ? new URL(raw) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname)
      errors.push({ field: 'url', message: 'Enter an http:// or https:// URL (at most 2,000 characters).' });
    else if (url.username || url.password)
      errors.push({
        field: 'url',
        message: 'Leave credentials out of the URL; receivers check the signature instead.',
      });
    else out.url = url.toString();
  }
  if (input.events !== undefined || !partial) {
    const list = typeof input.events === 'string' ? [input.events] : input.events;
    const ok =
      Array.isArray(list) &&
      list.length > 0 &&
      list.every((e) => (WEBHOOK_EVENTS as readonly unknown[]).includes(e));
    if (!ok)
      errors.push({ field: 'events', message: `Choose one or more of: ${WEBHOOK_EVENTS.join(', ')}.` });
    // Kept in the list's canonical order, whatever order they came in.
    else out.events = WEBHOOK_EVENTS.filter((e) => (list as unknown[]).includes(e));
  }
  if (input.format !== undefined) {
    if (!(WEBHOOK_FORMATS as readonly unknown[]).includes(input.format))
      errors.push({ field: 'format', message: 'Choose parley (JSON) or slack.' });
    else out.format = input.format as WebhookFormat;
  }
  if (input.description !== undefined) {
    if (typeof input.description !== 'string' || input.description.trim().length > 200)
      errors.push({ field: 'description', message: 'At most 200 characters.' });
    else out.description = input.description.trim();
  }
  if (input.active !== undefined && typeof input.active !== 'boolean')
    errors.push({ field: 'active', message: 'Say true or false.' });
  if (errors.length) throw new ValidationError(errors);
  return { ...out, active: input.active as boolean | undefined };
}
