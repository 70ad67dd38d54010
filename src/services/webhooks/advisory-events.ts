// The webhook events of the advisory lifecycle (draft, scheduled, published, withdrawn), emitted from
// inside the advisory services' transactions. Draft and scheduled advisories are embargoed: their
// events link to the team page and go only to the project's own hooks (see webhook-emitter.ts).
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import type { ServiceDeps } from '../deps.ts';
import { emitWebhook } from './webhook-emitter.ts';

export interface AdvisoryEventInput {
  event: 'advisory.draft' | 'advisory.scheduled' | 'advisory.published' | 'advisory.withdrawn';
  projectId: string;
  uid: string;
  /** The public id; null until published. */
  id: string | null;
  title: string;
  severity: string | null;
  revision: number;
  scheduledFor?: string | null;
  withdrawnReason?: string | null;
}

const STATE_OF: Record<AdvisoryEventInput['event'], string> = {
  'advisory.draft': 'draft',
  'advisory.scheduled': 'scheduled',
  'advisory.published': 'published',
  'advisory.withdrawn': 'withdrawn',
};

/** Queues the event for the project's hooks; one delivery per hook per uid, step and revision. */
export async function emitAdvisoryEvent(
  db: Kysely<Database>,
  deps: Pick<ServiceDeps, 'clock' | 'random' | 'publicUrl'>,
  a: AdvisoryEventInput,
): Promise<number> {
  const state = STATE_OF[a.event];
  const isPublic = a.id !== null && (state === 'published' || state === 'withdrawn');
  const path = isPublic
    ? `/advisories/${encodeURIComponent(a.id!)}`
    : `/team/advisories/${encodeURIComponent(a.uid)}`;
  const data: Record<string, unknown> = {
    uid: a.uid,
    id: isPublic ? a.id : null,
    title: a.title,
    state,
    severity: a.severity,
    url: new URL(path, deps.publicUrl).toString(),
    revision: a.revision,
  };
  if (a.scheduledFor) data.scheduledFor = a.scheduledFor;
  if (a.withdrawnReason) data.withdrawnReason = a.withdrawnReason;
  // A reschedule to another time is news; the same step of the same revision again is not.
  const step =
    a.event === 'advisory.draft'
      ? 'draft'
      : a.event === 'advisory.scheduled'
        ? `scheduled:${a.revision}:${a.scheduledFor ?? ''}`
        : `${state}:${a.revision}`;
  return emitWebhook(db, deps, {
    projectId: a.projectId,
    event: a.event,
    data,
    dedupeKey: `advisory:${a.uid}:${step}`,
  });
}
