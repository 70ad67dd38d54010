// What happens on a party after it is invited: contacts added or removed by the team, the party's
// status and statement (set by the party itself or the team), and the mail a message to or from
// parties causes. Party contacts only ever act on their own party.
import type { Kysely } from 'kysely';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { CaseRow, Database, PartyStatus } from '../../storage/schema.ts';
import * as coordination from '../../storage/repositories/coordination.repository.ts';
import { readPublicKeyInfo } from '../../integrations/pgp/pgp-keys.ts';
import { loadCase, requireCaseTeam, type CaseAccess } from '../access.ts';
import type { Actor } from '../actor.ts';
import type { AuthService } from '../auth.service.ts';
import { appendCaseEvent } from '../case-events.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import type { PartyMessageHooks } from './party-messages.ts';
import { findOrInvite, parsePerson } from './invitee.ts';
import { caseUrl, mailPartyContacts, mailTeamAboutParty } from './party-mail.ts';
import { partyViews, PARTY_STATUSES, type PartyView } from './party.service.ts';
import * as texts from './coordination-mail-texts.ts';

const STATEMENT_MAX = 10_000;
type Ref = { id?: string; key?: string };

export class PartyActivityService implements PartyMessageHooks {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly auth: AuthService,
  ) {}

  /** Adds a contact to a party (team), optionally with an OpenPGP key for encrypted mail. */
  async addContact(
    actor: Actor,
    ref: Ref,
    partyId: string,
    raw: { email?: unknown; name?: unknown; pgpKey?: unknown },
    meta: { ip?: string } = {},
  ): Promise<PartyView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const party = await coordination.findParty(this.deps.db, row.id, partyId);
    if (!party) throw new NotFoundError('No such party on this case.');
    const person = parsePerson(raw);
    const key =
      typeof raw.pgpKey === 'string' && raw.pgpKey.trim()
        ? (await readPublicKeyInfo(raw.pgpKey, 'pgpKey')).armored
        : null;
    const invitee = await findOrInvite(this.deps, this.auth, person);
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      const added = await coordination.insertContact(trx, {
        party_id: party.id,
        user_id: invitee.userId,
        pgp_key: key,
        created_at: at,
      });
      if (!added)
        throw new ValidationError([
          { field: 'email', message: 'This person is a contact of the party already.' },
        ]);
      await recordAudit(trx, this.deps, {
        action: 'case.party-contact-added',
        actor,
        ip: meta.ip,
        projectId: row.project_id,
        caseId: row.id,
        target: `${row.key} ${party.organisation} ${invitee.email}`,
      });
      if (party.notified_at) {
        const activation = new Map(invitee.activationUrl ? [[invitee.userId, invitee.activationUrl]] : []);
        await mailPartyContacts(
          trx,
          this.deps,
          row,
          [party.id],
          'party.invited',
          `contact:${invitee.userId}:${at}`,
          (c, contact) =>
            texts.partyInvited(c, party.organisation, contact.encrypted ? row.party_summary : null),
          activation,
        );
      }
    });
    return (await partyViews(this.deps.db, row.id)).find((p) => p.id === party.id)!;
  }

  async removeContact(actor: Actor, ref: Ref, partyId: string, userId: string): Promise<void> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    if (!(await coordination.findParty(this.deps.db, row.id, partyId)))
      throw new NotFoundError('No such party on this case.');
    if (!(await coordination.deleteContact(this.deps.db, partyId, userId)))
      throw new NotFoundError('No such contact.');
  }

  /** Sets a party's status and public statement: the team, or a contact of that party. */
  async setStatus(
    actor: Actor,
    ref: Ref,
    partyId: string,
    raw: { status?: unknown; statement?: unknown },
  ): Promise<void> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    if (access.as === 'party' && access.partyId !== partyId)
      throw new NotFoundError('No such party on this case.');
    if (access.as !== 'team' && access.as !== 'party')
      throw new ForbiddenError('Only the team or the party sets its status.');
    const party = await coordination.findParty(this.deps.db, row.id, partyId);
    if (!party) throw new NotFoundError('No such party on this case.');
    const status = raw.status === undefined || raw.status === '' ? party.status : raw.status;
    if (!PARTY_STATUSES.includes(status as PartyStatus))
      throw new ValidationError([{ field: 'status', message: `Use one of ${PARTY_STATUSES.join(', ')}.` }]);
    const statement =
      raw.statement === undefined
        ? party.statement
        : typeof raw.statement === 'string'
          ? raw.statement.replace(/\r\n?/g, '\n').trim() || null
          : null;
    if (statement && statement.length > STATEMENT_MAX)
      throw new ValidationError([{ field: 'statement', message: `At most ${STATEMENT_MAX} characters.` }]);
    if (status === party.status && statement === party.statement) return;
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      await coordination.updateParty(trx, party.id, {
        status: status as PartyStatus,
        statement,
        status_changed_at: status !== party.status ? at : party.status_changed_at,
        ...(access.as === 'party' ? { last_active_at: at } : {}),
      });
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'party.status-changed',
        visibility: 'parties',
        partyId: party.id,
        data: {
          organisation: party.organisation,
          from: party.status,
          to: status,
          statementChanged: statement !== party.statement,
        },
      });
      if (access.as === 'party')
        await mailTeamAboutParty(
          trx,
          this.deps,
          row,
          'party.status',
          `${party.id}:${at}`,
          texts.teamPartyActivity(
            row.key,
            party.organisation,
            `set its status to ${String(status)}`,
            caseUrl(this.deps, row),
          ),
          access.user.id,
        );
    });
  }

  /** After a message to or from parties (case.service): mail the other side, note activity. */
  async afterPartyMessage(
    db: Kysely<Database>,
    row: CaseRow,
    access: CaseAccess,
    partyId: string | null,
    at: string,
    body: string,
  ): Promise<void> {
    if (access.as === 'party') {
      await coordination.updateParty(db, access.partyId, { last_active_at: at });
      const party = await coordination.findParty(db, row.id, access.partyId);
      await mailTeamAboutParty(
        db,
        this.deps,
        row,
        'party.message',
        `${access.partyId}:${at}`,
        texts.teamPartyActivity(
          row.key,
          party?.organisation ?? 'A party',
          'wrote a message',
          caseUrl(this.deps, row),
        ),
        access.user.id,
      );
      return;
    }
    await mailPartyContacts(
      db,
      this.deps,
      row,
      partyId ? [partyId] : null,
      'party.message',
      at,
      (c, contact) => texts.partyMessage(c, contact.encrypted ? body : null),
    );
  }
}
