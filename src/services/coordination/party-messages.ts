// Writing to parties: the team to every party or to one party's thread, a party contact into its
// own party's thread with the team. The message and its timeline entry are committed together with
// the mail it causes (party-activity.service.ts).
import type { Kysely } from 'kysely';
import { ForbiddenError, ValidationError } from '../../domain/errors.ts';
import type { CaseRow, Database } from '../../storage/schema.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import { findParty } from '../../storage/repositories/coordination.repository.ts';
import type { CaseAccess } from '../access.ts';
import type { Actor } from '../actor.ts';
import { appendCaseEvent } from '../case-events.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import type { CaseNotifier } from '../notify/case-notifier.ts';

export const PARTY_MESSAGE_MAX = 50_000;

/** What the coordination side does when a party message is written (mail, activity times). */
export interface PartyMessageHooks {
  afterPartyMessage(
    db: Kysely<Database>,
    row: CaseRow,
    access: CaseAccess,
    partyId: string | null,
    at: string,
    body: string,
  ): Promise<void>;
}

export async function addPartyMessage(
  deps: ServiceDeps,
  notifier: CaseNotifier | undefined,
  hooks: PartyMessageHooks | undefined,
  m: {
    actor: Actor;
    row: CaseRow;
    access: CaseAccess;
    input: { body: unknown; partyId?: unknown };
    channel: 'web' | 'api';
  },
): Promise<{ id: string; visibility: 'parties' }> {
  const { actor, row, access, input, channel } = m;
  if (access.as !== 'team' && access.as !== 'party')
    throw new ForbiddenError('Only the security team and the parties write to parties.');
  const body = typeof input.body === 'string' ? input.body.replace(/\r\n?/g, '\n').trim() : '';
  if (!body) throw new ValidationError([{ field: 'body', message: 'Write a message.' }]);
  if (body.length > PARTY_MESSAGE_MAX)
    throw new ValidationError([{ field: 'body', message: `At most ${PARTY_MESSAGE_MAX} characters.` }]);
  let partyId: string | null;
  if (access.as === 'party') partyId = access.partyId;
  else if (input.partyId === undefined || input.partyId === null || input.partyId === '') partyId = null;
  else if (typeof input.partyId === 'string' && (await findParty(deps.db, row.id, input.partyId)))
    partyId = input.partyId;
  else throw new ValidationError([{ field: 'partyId', message: 'No such party on this case.' }]);
  const id = deps.random.uuid();
  const now = iso(deps.clock.now());
  await deps.db.transaction().execute(async (trx) => {
    await cases.insertMessage(trx, {
      id,
      case_id: row.id,
      author_kind: 'user',
      author_user_id: access.user.id,
      visibility: 'parties',
      channel,
      body,
      created_at: now,
      party_id: partyId,
    });
    await appendCaseEvent(trx, notifier, row, actor, now, {
      type: 'party.message',
      visibility: 'parties',
      messageId: id,
      partyId,
      body,
      data: { from: access.as === 'party' ? 'party' : 'team' },
    });
    await hooks?.afterPartyMessage(trx, row, access, partyId, now, body);
  });
  return { id, visibility: 'parties' };
}
