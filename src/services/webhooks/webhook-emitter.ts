// Turns one event into outbox rows: one per active webhook of the project that subscribes to the
// event, written in the caller's transaction (so a delivery exists exactly when the change that
// caused it was committed). Delivery, signing and retries happen later in the outbox worker.
//
// Trust: webhook URLs are set by the project's maintainers and point at the project's own systems
// (chat, trackers, release tooling), so receivers are treated like the team itself. That is why an
// embargoed advisory may be announced to them, and only to them, as `advisory.draft` or
// `advisory.scheduled`; nothing here is ever sent to a URL that is not configured by the team.
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import * as webhooks from '../../storage/repositories/webhook.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { queueWebhook } from '../outbox/outbox-queue.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import { webhookBody, type WebhookFormat } from './webhook-payload.ts';

export const WEBHOOK_EVENTS = [
  'report.created',
  'case.updated',
  'case.message',
  'advisory.draft',
  'advisory.scheduled',
  'advisory.published',
  'advisory.withdrawn',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEmission {
  projectId: string;
  event: WebhookEvent;
  /** The event's data (what the receiver may see: no embargoed text unless the hook is the team's). */
  data: Record<string, unknown>;
  caseId?: string | null;
  /** Unique per event occurrence, e.g. `case-event:123`; each hook's row adds its own id. */
  dedupeKey: string;
}

/** The event names stored in a hook's `events` column (JSON); unknown names are dropped. */
export function eventsOf(stored: string): WebhookEvent[] {
  try {
    const v = JSON.parse(stored) as unknown;
    return Array.isArray(v)
      ? (v.filter((e) => (WEBHOOK_EVENTS as readonly unknown[]).includes(e)) as WebhookEvent[])
      : [];
  } catch {
    return [];
  }
}

/** Queues the event for every matching webhook; returns how many rows were queued. */
export async function emitWebhook(
  db: Kysely<Database>,
  deps: Pick<ServiceDeps, 'clock' | 'random' | 'publicUrl'>,
  emission: WebhookEmission,
): Promise<number> {
  const hooks = (await webhooks.listActiveWebhooks(db, emission.projectId)).filter((h) =>
    eventsOf(h.events).includes(emission.event),
  );
  if (!hooks.length) return 0;
  const project = await projects.findProjectById(db, emission.projectId);
  if (!project) return 0;
  const envelope = {
    id: deps.random.uuid(),
    event: emission.event,
    createdAt: iso(deps.clock.now()),
    project: { slug: project.slug, name: project.name },
    data: emission.data,
  };
  // One body per format, shared by every hook of that format.
  const bodies = new Map<WebhookFormat, string>();
  let queued = 0;
  for (const h of hooks) {
    const format: WebhookFormat = h.format === 'slack' ? 'slack' : 'parley';
    let body = bodies.get(format);
    if (body === undefined) {
      body = webhookBody(format, envelope);
      bodies.set(format, body);
    }
    const wrote = await queueWebhook(db, deps, {
      webhookId: h.id,
      projectId: emission.projectId,
      url: h.url,
      event: emission.event,
      body,
      dedupeKey: `${emission.dedupeKey}:${h.id}`,
      caseId: emission.caseId ?? null,
    });
    if (wrote) queued++;
  }
  return queued;
}
