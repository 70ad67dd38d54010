// Appending to a case's timeline: the event row and, in the same transaction, what it notifies
// (mail, webhooks) through the case notifier.
import type { Kysely } from 'kysely';
import type { CaseRow, Database } from '../storage/schema.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import type { Actor } from './actor.ts';
import type { EventInput } from './case-changes.ts';
import type { CaseNotifier } from './notify/case-notifier.ts';

export async function appendCaseEvent(
  db: Kysely<Database>,
  notifier: CaseNotifier | undefined,
  row: CaseRow,
  actor: Actor,
  at: string,
  e: EventInput & { body?: string },
): Promise<void> {
  const actorKind = actor.kind === 'user' ? 'user' : actor.kind === 'reporter' ? 'reporter' : 'system';
  const actorUserId = actor.kind === 'user' ? actor.user.id : null;
  const messageId = e.messageId ?? null;
  await notifier?.onEvents(db, row, [
    { type: e.type, visibility: e.visibility, actorKind, actorUserId, messageId, data: e.data, body: e.body },
  ]);
  await cases.insertEvent(db, {
    case_id: row.id,
    at,
    type: e.type,
    actor_kind: actorKind,
    actor_user_id: actorUserId,
    visibility: e.visibility,
    message_id: messageId,
    data: JSON.stringify(e.data ?? {}),
    party_id: e.partyId ?? null,
  });
}
