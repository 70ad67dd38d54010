// STUB (to be implemented by the webhooks work): queues one outbox row per active webhook of the
// project that subscribes to the event, in the caller's transaction.
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import type { ServiceDeps } from '../deps.ts';

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

/** Queues the event for every matching webhook; returns how many rows were queued. */
export async function emitWebhook(
  db: Kysely<Database>,
  deps: Pick<ServiceDeps, 'clock' | 'random' | 'publicUrl'>,
  emission: WebhookEmission,
): Promise<number> {
  void db;
  void deps;
  void emission;
  return 0;
}
