// Mail intake's storage: the record of each accepted inbound mail (inbound_mail), the files it
// brought (attachments), and the lookups intake needs (who on a team sent a reply).
import type { Insertable, Kysely } from 'kysely';
import type {
  AttachmentsTable,
  CaseEventsTable,
  Database,
  InboundMailRow,
  InboundMailTable,
} from '../schema.ts';

type Db = Kysely<Database>;

/** The inbound mail already recorded for this recipient under one of these Message-ID keys. */
export async function findInboundMail(
  db: Db,
  recipient: string,
  keys: string[],
): Promise<InboundMailRow | undefined> {
  if (!keys.length) return undefined;
  return db
    .selectFrom('inbound_mail')
    .selectAll()
    .where('recipient', '=', recipient)
    .where('message_id_header', 'in', keys)
    .executeTakeFirst();
}

/** Whether any inbound mail is recorded under this Message-ID key (for any recipient). */
export async function messageIdKeyTaken(db: Db, key: string): Promise<boolean> {
  const r = await db
    .selectFrom('inbound_mail')
    .select('id')
    .where('message_id_header', '=', key)
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertInboundMail(db: Db, row: Insertable<InboundMailTable>): Promise<void> {
  await db.insertInto('inbound_mail').values(row).execute();
}

export async function listInboundMailOfCase(db: Db, caseId: string): Promise<InboundMailRow[]> {
  return db
    .selectFrom('inbound_mail')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('received_at')
    .execute();
}

/** One INSERT per file: a file may be megabytes, and one statement per file keeps packets bounded. */
export async function insertAttachments(db: Db, rows: Insertable<AttachmentsTable>[]): Promise<void> {
  for (const row of rows) await db.insertInto('attachments').values(row).execute();
}

/** A timeline event, answering its id (notification dedupe keys use it). */
export async function insertEventReturningId(db: Db, row: Insertable<CaseEventsTable>): Promise<number> {
  const r = await db.insertInto('case_events').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/**
 * The active user with this e-mail who is on the project's team, or an instance admin; undefined
 * for anyone else. `email` is compared lowercased, as accounts store it.
 */
export async function findTeamUserByEmail(
  db: Db,
  projectId: string,
  email: string,
): Promise<{ id: string; name: string } | undefined> {
  const user = await db
    .selectFrom('users')
    .leftJoin('memberships', (j) =>
      j.onRef('memberships.user_id', '=', 'users.id').on('memberships.project_id', '=', projectId),
    )
    .select(['users.id', 'users.name', 'users.is_admin', 'memberships.role'])
    .where('users.email', '=', email.toLowerCase())
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!user || (!user.role && user.is_admin !== 1)) return undefined;
  return { id: user.id, name: user.name };
}
