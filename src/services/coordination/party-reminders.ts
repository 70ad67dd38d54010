// Reminding silent parties: a party told about an open case that has not opened it, or still says
// "unknown", is mailed again after REMIND_AFTER_DAYS and then at most once per that period, until it
// answers or the case is closed. Run by the `parties.remind` job.
import * as coordination from '../../storage/repositories/coordination.repository.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import { appendCaseEvent } from '../case-events.ts';
import { ANONYMOUS } from '../actor.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import { mailPartyContacts } from './party-mail.ts';
import { partyReminder } from './coordination-mail-texts.ts';

export const REMIND_AFTER_DAYS = 3;
const BATCH = 200;

/** Reminds the silent parties due now; returns how many were reminded. */
export async function remindSilentParties(deps: ServiceDeps): Promise<number> {
  const now = deps.clock.now();
  const cutoff = iso(new Date(now.getTime() - REMIND_AFTER_DAYS * 86_400_000));
  const due = await coordination.listSilentParties(deps.db, cutoff, cutoff, BATCH);
  const at = iso(now);
  for (const p of due) {
    await deps.db.transaction().execute(async (trx) => {
      const row = await cases.findCaseById(trx, p.case_id);
      if (!row) return;
      await coordination.updateParty(trx, p.id, { reminded_at: at });
      await mailPartyContacts(trx, deps, row, [p.id], 'party.reminder', at, (c) =>
        partyReminder(c, p.organisation),
      );
      await appendCaseEvent(trx, undefined, row, ANONYMOUS, at, {
        type: 'party.reminded',
        visibility: 'internal',
        data: { partyId: p.id, organisation: p.organisation },
      });
    });
  }
  return due.length;
}
