// Announcement-list subscribers (double opt-in). `list_key` is a project id, or `*` for the
// instance-wide list. `created_at` is when the current subscription was requested: re-subscribing a
// pending or unsubscribed address moves it, and the 7-day confirmation window counts from it.
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database } from '../schema.ts';
import type { SubscriberRow, SubscribersTable } from '../schema-channels.ts';

type Db = Kysely<Database>;
export type SubscriberStatus = SubscribersTable['status'];

/** Inserts a subscriber unless the address is already on the list. True when inserted. */
export async function insertSubscriberIfAbsent(db: Db, row: Insertable<SubscribersTable>): Promise<boolean> {
  const r = await db
    .insertInto('subscribers')
    .values(row)
    .onConflict((oc) => oc.columns(['list_key', 'email']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function findSubscriber(db: Db, listKey: string, email: string) {
  return db
    .selectFrom('subscribers')
    .selectAll()
    .where('list_key', '=', listKey)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function findSubscriberById(db: Db, id: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findSubscriberByTokenHash(db: Db, hash: string): Promise<SubscriberRow | undefined> {
  return db.selectFrom('subscribers').selectAll().where('confirm_token_hash', '=', hash).executeTakeFirst();
}

export async function updateSubscriber(
  db: Db,
  id: string,
  patch: Updateable<SubscribersTable>,
  onlyIfStatus?: SubscriberStatus[],
): Promise<boolean> {
  let q = db.updateTable('subscribers').set(patch).where('id', '=', id);
  if (onlyIfStatus) q = q.where('status', 'in', onlyIfStatus);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteSubscriber(db: Db, listKey: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('subscribers')
    .where('list_key', '=', listKey)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function countByStatus(db: Db, listKey: string): Promise<Record<SubscriberStatus, number>> {
  const rows = await db
    .selectFrom('subscribers')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('list_key', '=', listKey)
    .groupBy('status')
    .execute();
  const out: Record<SubscriberStatus, number> = { pending: 0, confirmed: 0, unsubscribed: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

/** One page of a list's subscribers, by address. */
export async function listSubscribers(
  db: Db,
  listKey: string,
  opts: { status?: SubscriberStatus | undefined; limit: number; offset: number },
): Promise<SubscriberRow[]> {
  let q = db.selectFrom('subscribers').selectAll().where('list_key', '=', listKey);
  if (opts.status) q = q.where('status', '=', opts.status);
  return q.orderBy('email').orderBy('id').limit(opts.limit).offset(opts.offset).execute();
}

/** Every confirmed subscriber of the given lists, in one query (an address may appear per list). */
export async function confirmedSubscribers(db: Db, listKeys: string[]) {
  return db
    .selectFrom('subscribers')
    .select(['id', 'list_key', 'email'])
    .where('list_key', 'in', listKeys)
    .where('status', '=', 'confirmed')
    .orderBy('id')
    .execute();
}

/** How many different addresses are confirmed on any of the lists. */
export async function countConfirmedAddresses(db: Db, listKeys: string[]): Promise<number> {
  const r = await db
    .selectFrom('subscribers')
    .select((eb) => eb.fn.count<number | string>('email').distinct().as('n'))
    .where('list_key', 'in', listKeys)
    .where('status', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** How many announcement mails of an advisory were queued (their dedupe keys are `announce:<uid>:…`). */
export async function countAnnounced(db: Db, advisoryUid: string): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('dedupe_key', 'like', `announce:${advisoryUid}:%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Mails of one kind queued for a subscriber since a time (uses outbox_source_idx). */
export async function countMailsSince(db: Db, subscriberId: string, kind: string, since: string) {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('source_id', '=', subscriberId)
    .where('created_at', '>=', since)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
