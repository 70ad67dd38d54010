// Recording what collaborators and parties read. Every view of a case by someone outside its team
// goes to the audit log; the party's "viewed" and "last active" times and the collaborator's last
// view are kept for the team; the timeline gets a "viewed" entry at most once an hour per reader,
// so it stays readable when a party refreshes the page all day.
import type { CaseRow } from '../../storage/schema.ts';
import * as coordination from '../../storage/repositories/coordination.repository.ts';
import { appendCaseEvent } from '../case-events.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import type { CaseAccess } from '../access.ts';
import type { Actor } from '../actor.ts';

const TIMELINE_VIEW_EVERY_MS = 60 * 60 * 1000;

export async function recordGuestView(
  deps: ServiceDeps,
  row: CaseRow,
  actor: Actor,
  access: CaseAccess,
  meta: { ip?: string | undefined } = {},
): Promise<void> {
  if (access.as !== 'collaborator' && access.as !== 'party') return;
  const now = deps.clock.now();
  const at = iso(now);
  await deps.db.transaction().execute(async (trx) => {
    if (access.as === 'party') {
      const party = await coordination.findParty(trx, row.id, access.partyId);
      if (party)
        await coordination.updateParty(trx, party.id, {
          viewed_at: party.viewed_at ?? at,
          last_active_at: at,
        });
    } else await coordination.touchCollaborator(trx, row.id, access.user.id, at);
    await recordAudit(trx, deps, {
      action: 'case.viewed',
      actor,
      ip: meta.ip,
      projectId: row.project_id,
      caseId: row.id,
      target: row.key,
      data: access.as === 'party' ? { as: 'party', partyId: access.partyId } : { as: 'collaborator' },
    });
    const last = await coordination.lastViewEventAt(trx, row.id, access.user.id);
    if (!last || now.getTime() - Date.parse(last) >= TIMELINE_VIEW_EVERY_MS) {
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'case.viewed',
        visibility: 'internal',
        data: access.as === 'party' ? { as: 'party', partyId: access.partyId } : { as: 'collaborator' },
      });
    }
  });
}
