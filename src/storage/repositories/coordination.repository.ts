// Collaborators and parties of a case: who they are, what standing a user has on a case through
// them, and the bookkeeping of party notifications, views and reminders.
import type { Insertable, Kysely } from 'kysely';
import type { CasePartiesTable, CasePartyRow, Database } from '../schema.ts';

type Db = Kysely<Database>;

/** A user's standing on a case other than team membership: collaborator and/or party contact. */
export async function findGuestAccess(
  db: Db,
  caseId: string,
  userId: string,
): Promise<{ collaborator: boolean; partyId: string | null }> {
  const [collab, party] = await Promise.all([
    db
      .selectFrom('case_collaborators')
      .select('user_id')
      .where('case_id', '=', caseId)
      .where('user_id', '=', userId)
      .executeTakeFirst(),
    db
      .selectFrom('party_contacts as pc')
      .innerJoin('case_parties as p', 'p.id', 'pc.party_id')
      .select('p.id')
      .where('p.case_id', '=', caseId)
      .where('pc.user_id', '=', userId)
      .orderBy('p.created_at')
      .executeTakeFirst(),
  ]);
  return { collaborator: !!collab, partyId: party?.id ?? null };
}

// --- collaborators

export async function insertCollaborator(
  db: Db,
  row: Insertable<Database['case_collaborators']>,
): Promise<boolean> {
  const r = await db
    .insertInto('case_collaborators')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteCollaborator(db: Db, caseId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('case_collaborators')
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function listCollaborators(db: Db, caseId: string) {
  return db
    .selectFrom('case_collaborators as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['u.id', 'u.name', 'u.email', 'c.created_at', 'c.last_viewed_at', 'c.added_by'])
    .where('c.case_id', '=', caseId)
    .orderBy('c.created_at')
    .execute();
}

export async function touchCollaborator(db: Db, caseId: string, userId: string, at: string): Promise<void> {
  await db
    .updateTable('case_collaborators')
    .set({ last_viewed_at: at })
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .execute();
}

// --- parties

export async function insertParty(db: Db, row: Insertable<CasePartiesTable>): Promise<void> {
  await db.insertInto('case_parties').values(row).execute();
}

export async function findParty(db: Db, caseId: string, partyId: string): Promise<CasePartyRow | undefined> {
  return db
    .selectFrom('case_parties')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('id', '=', partyId)
    .executeTakeFirst();
}

export async function listParties(db: Db, caseId: string): Promise<CasePartyRow[]> {
  return db
    .selectFrom('case_parties')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('organisation')
    .orderBy('id')
    .execute();
}

export async function updateParty(
  db: Db,
  partyId: string,
  patch: Partial<Insertable<CasePartiesTable>>,
): Promise<void> {
  await db.updateTable('case_parties').set(patch).where('id', '=', partyId).execute();
}

export async function deleteParty(db: Db, caseId: string, partyId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('case_parties')
    .where('case_id', '=', caseId)
    .where('id', '=', partyId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function insertContact(db: Db, row: Insertable<Database['party_contacts']>): Promise<boolean> {
  const r = await db
    .insertInto('party_contacts')
    .values(row)
    .onConflict((oc) => oc.columns(['party_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteContact(db: Db, partyId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('party_contacts')
    .where('party_id', '=', partyId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Contacts of the given parties (all of the case's parties when `partyIds` is omitted). */
export async function listContacts(db: Db, caseId: string, partyIds?: string[]) {
  if (partyIds && partyIds.length === 0) return [];
  let q = db
    .selectFrom('party_contacts as pc')
    .innerJoin('case_parties as p', 'p.id', 'pc.party_id')
    .innerJoin('users as u', 'u.id', 'pc.user_id')
    .select(['pc.party_id', 'u.id as user_id', 'u.name', 'u.email', 'pc.pgp_key', 'pc.created_at'])
    .where('p.case_id', '=', caseId);
  if (partyIds) q = q.where('pc.party_id', 'in', partyIds);
  return q.orderBy('u.email').execute();
}

/**
 * Parties to remind: told about an open case, silent since (never viewed it, or still `unknown`),
 * not reminded within `quietSince`. Bounded per run.
 */
export async function listSilentParties(db: Db, notifiedBefore: string, quietSince: string, limit: number) {
  return db
    .selectFrom('case_parties as p')
    .innerJoin('cases as c', 'c.id', 'p.case_id')
    .select(['p.id', 'p.case_id', 'p.organisation', 'p.notified_at', 'p.viewed_at', 'p.status'])
    .where('p.notified_at', 'is not', null)
    .where('p.notified_at', '<', notifiedBefore)
    .where((eb) => eb.or([eb('p.viewed_at', 'is', null), eb('p.status', '=', 'unknown')]))
    .where((eb) => eb.or([eb('p.reminded_at', 'is', null), eb('p.reminded_at', '<', quietSince)]))
    .where('c.state', 'not in', ['closed', 'disclosed'])
    .orderBy('p.notified_at')
    .limit(limit)
    .execute();
}

/** Cases a user is a collaborator or party contact on (their "shared with you" list). */
export async function listGuestCases(db: Db, userId: string) {
  const collab = db
    .selectFrom('case_collaborators as g')
    .innerJoin('cases as c', 'c.id', 'g.case_id')
    .select(['c.id', 'c.key', 'c.title', 'c.state', 'c.embargo_ends_at', 'c.embargo_zone', 'g.created_at'])
    .where('g.user_id', '=', userId);
  const party = db
    .selectFrom('party_contacts as pc')
    .innerJoin('case_parties as p', 'p.id', 'pc.party_id')
    .innerJoin('cases as c', 'c.id', 'p.case_id')
    .select(['c.id', 'c.key', 'c.title', 'c.state', 'c.embargo_ends_at', 'c.embargo_zone', 'pc.created_at'])
    .where('pc.user_id', '=', userId);
  const [a, b] = await Promise.all([collab.execute(), party.execute()]);
  return [
    ...a.map((r) => ({ ...r, as: 'collaborator' as const })),
    ...b.map((r) => ({ ...r, as: 'party' as const })),
  ];
}

/** Timeline entries a party sees: those for every party or for it, and the given shared types. */
export async function listPartyEvents(db: Db, caseId: string, partyId: string, sharedTypes: string[]) {
  return db
    .selectFrom('case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('visibility', '=', 'parties'),
          eb.or([eb('party_id', 'is', null), eb('party_id', '=', partyId)]),
        ]),
        ...(sharedTypes.length ? [eb('type', 'in', sharedTypes)] : []),
      ]),
    )
    .orderBy('id', 'asc')
    .execute();
}

/** Messages to every party or in this party's thread with the team. */
export async function listPartyMessages(db: Db, caseId: string, partyId: string) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('visibility', '=', 'parties')
    .where((eb) => eb.or([eb('party_id', 'is', null), eb('party_id', '=', partyId)]))
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
}

/**
 * What the parties of an advisory's cases said, for its public page: every party that set a status
 * other than `unknown` or wrote a statement, by organisation.
 */
export async function partyStatementsOfAdvisory(db: Db, advisoryUid: string) {
  return db
    .selectFrom('advisory_cases as ac')
    .innerJoin('case_parties as p', 'p.case_id', 'ac.case_id')
    .select(['p.organisation', 'p.status', 'p.statement', 'p.status_changed_at'])
    .where('ac.advisory_uid', '=', advisoryUid)
    .where((eb) => eb.or([eb('p.status', '!=', 'unknown'), eb('p.statement', 'is not', null)]))
    .orderBy('p.organisation')
    .execute();
}

/** When a reader last got a "viewed" entry on a case's timeline. */
export async function lastViewEventAt(db: Db, caseId: string, userId: string): Promise<string | null> {
  const r = await db
    .selectFrom('case_events')
    .select('at')
    .where('case_id', '=', caseId)
    .where('type', '=', 'case.viewed')
    .where('actor_user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.at ?? null;
}
