// Parties: vendors and distributors the team invites to a case under its embargo. Each party has
// contacts (accounts, optionally with an OpenPGP key for encrypted mail), a status the party or the
// team sets (unknown, affected, not-affected, fixed) and a public statement; the team sees when each
// was notified, first viewed the case and was last active. Parties see only what is shared with
// parties (party.presenter.ts); each party's thread with the team is private to it.
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { CaseRow, Database, PartyStatus } from '../../storage/schema.ts';
import * as coordination from '../../storage/repositories/coordination.repository.ts';
import { loadCase, requireCaseTeam } from '../access.ts';
import type { Actor } from '../actor.ts';
import type { AuthService } from '../auth.service.ts';
import { appendCaseEvent } from '../case-events.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import { findOrInvite, parseContactLines, parsePerson, type Invitee } from './invitee.ts';
import { mailPartyContacts } from './party-mail.ts';
import * as texts from './coordination-mail-texts.ts';
import { remindSilentParties } from './party-reminders.ts';

export const PARTY_STATUSES: readonly PartyStatus[] = ['unknown', 'affected', 'not-affected', 'fixed'];
export const MAX_PARTIES = 1000;
export const MAX_CONTACTS = 20;

type Ref = { id?: string; key?: string };
type Meta = { ip?: string };

export interface PartyView {
  id: string;
  organisation: string;
  status: PartyStatus;
  statement: string | null;
  createdAt: string;
  notifiedAt: string | null;
  viewedAt: string | null;
  lastActiveAt: string | null;
  remindedAt: string | null;
  contacts: Array<{ userId: string; name: string; email: string; hasPgpKey: boolean }>;
}

export class PartyService {
  /** The `parties.remind` job: mails parties that stay silent. */
  remindSilent(): Promise<number> {
    return remindSilentParties(this.deps);
  }

  constructor(
    private readonly deps: ServiceDeps,
    private readonly auth: AuthService,
  ) {}

  /** Every party of the case with its contacts. Team only. */
  async list(actor: Actor, ref: Ref): Promise<PartyView[]> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'read');
    return partyViews(this.deps.db, row.id);
  }

  /**
   * Invites an organisation with its contacts (`contacts`: "Name <a@b>" lines, or a list). Unless
   * `notify` is false, the contacts are mailed the invitation at once.
   */
  async add(
    actor: Actor,
    ref: Ref,
    raw: { organisation?: unknown; contacts?: unknown; notify?: unknown },
    meta: Meta = {},
  ): Promise<PartyView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const organisation = typeof raw.organisation === 'string' ? raw.organisation.trim() : '';
    if (!organisation || organisation.length > 200)
      throw new ValidationError([
        { field: 'organisation', message: 'Name the organisation (at most 200 characters).' },
      ]);
    const people = Array.isArray(raw.contacts)
      ? raw.contacts.map((c) => parsePerson((c ?? {}) as Record<string, unknown>, 'contacts'))
      : parseContactLines(raw.contacts);
    if (!people.length)
      throw new ValidationError([{ field: 'contacts', message: 'Give at least one contact address.' }]);
    if (people.length > MAX_CONTACTS)
      throw new ValidationError([{ field: 'contacts', message: `At most ${MAX_CONTACTS} contacts.` }]);
    if ((await coordination.listParties(this.deps.db, row.id)).length >= MAX_PARTIES)
      throw new ValidationError([
        { field: 'organisation', message: `A case has at most ${MAX_PARTIES} parties.` },
      ]);
    const invitees: Invitee[] = [];
    for (const p of people) invitees.push(await findOrInvite(this.deps, this.auth, p));
    const notify = raw.notify !== false && raw.notify !== 'false';
    const id = this.deps.random.uuid();
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      await coordination.insertParty(trx, {
        id,
        case_id: row.id,
        organisation,
        created_at: at,
        created_by: access.as === 'team' ? access.user.id : null,
        notified_at: notify ? at : null,
      });
      for (const i of invitees)
        await coordination.insertContact(trx, { party_id: id, user_id: i.userId, created_at: at });
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'party.added',
        visibility: 'internal',
        data: { partyId: id, organisation },
      });
      await recordAudit(trx, this.deps, {
        action: 'case.party-added',
        actor,
        ip: meta.ip,
        projectId: row.project_id,
        caseId: row.id,
        target: `${row.key} ${organisation}`,
        data: { contacts: invitees.map((i) => i.email) },
      });
      if (notify) await this.invite(trx, row, [id], organisation, invitees, at);
    });
    return (await partyViews(this.deps.db, row.id)).find((p) => p.id === id)!;
  }

  private async invite(
    db: Kysely<Database>,
    row: CaseRow,
    partyIds: string[],
    organisation: string | null,
    invitees: Invitee[],
    occurrence: string,
  ) {
    const activation = new Map(
      invitees.filter((i) => i.activationUrl).map((i) => [i.userId, i.activationUrl!]),
    );
    const names = organisation
      ? new Map(partyIds.map((p) => [p, organisation]))
      : new Map((await coordination.listParties(db, row.id)).map((p) => [p.id, p.organisation]));
    await mailPartyContacts(
      db,
      this.deps,
      row,
      partyIds,
      'party.invited',
      occurrence,
      (c, contact) =>
        texts.partyInvited(
          c,
          names.get(contact.partyId) ?? 'your organisation',
          contact.encrypted ? row.party_summary : null,
        ),
      activation,
    );
  }

  /** Mails the invitation to parties not told yet (or again to the given ones). Team only. */
  async notify(actor: Actor, ref: Ref, partyIds: string[] | 'pending'): Promise<number> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const parties = await coordination.listParties(this.deps.db, row.id);
    const chosen =
      partyIds === 'pending'
        ? parties.filter((p) => !p.notified_at)
        : parties.filter((p) => partyIds.includes(p.id));
    if (partyIds !== 'pending' && chosen.length !== partyIds.length)
      throw new ValidationError([{ field: 'partyIds', message: 'No such party on this case.' }]);
    if (!chosen.length) return 0;
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      for (const p of chosen) await coordination.updateParty(trx, p.id, { notified_at: at });
      await this.invite(
        trx,
        row,
        chosen.map((p) => p.id),
        null,
        [],
        at,
      );
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'parties.notified',
        visibility: 'internal',
        data: { count: chosen.length },
      });
    });
    return chosen.length;
  }

  async remove(actor: Actor, ref: Ref, partyId: string, meta: Meta = {}): Promise<void> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      const party = await coordination.findParty(trx, row.id, partyId);
      if (!party || !(await coordination.deleteParty(trx, row.id, partyId)))
        throw new NotFoundError('No such party on this case.');
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'party.removed',
        visibility: 'internal',
        data: { partyId, organisation: party.organisation },
      });
      await recordAudit(trx, this.deps, {
        action: 'case.party-removed',
        actor,
        ip: meta.ip,
        projectId: row.project_id,
        caseId: row.id,
        target: `${row.key} ${party.organisation}`,
      });
    });
  }
}

/** Every party of a case with its contacts, by organisation. */
export async function partyViews(db: Kysely<Database>, caseId: string): Promise<PartyView[]> {
  const [parties, contacts] = await Promise.all([
    coordination.listParties(db, caseId),
    coordination.listContacts(db, caseId),
  ]);
  const byParty = new Map<string, PartyView['contacts']>();
  for (const c of contacts) {
    const list = byParty.get(c.party_id) ?? [];
    list.push({ userId: c.user_id, name: c.name, email: c.email, hasPgpKey: !!c.pgp_key });
    byParty.set(c.party_id, list);
  }
  return parties.map((p) => ({
    id: p.id,
    organisation: p.organisation,
    status: p.status,
    statement: p.statement,
    createdAt: p.created_at,
    notifiedAt: p.notified_at,
    viewedAt: p.viewed_at,
    lastActiveAt: p.last_active_at,
    remindedAt: p.reminded_at,
    contacts: byParty.get(p.id) ?? [],
  }));
}
