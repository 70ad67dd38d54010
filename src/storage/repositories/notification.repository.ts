// In-app notifications (the bell). Every query names the user, so one user's notices never
// reach another: the service passes the signed-in user's id, never an id from the request.
import type { Insertable, Kysely } from 'kysely';
import type { Database, NotificationRow, NotificationsTable } from '../schema.ts';

type Db = Kysely<Database>;

/** Adds a notice; when the user already has one with this dedupe_key nothing is written. */
export async function insertNotification(db: Db, row: Insertable<NotificationsTable>): Promise<boolean> {
  const r = await db
    .insertInto('notifications')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function listNotifications(
  db: Db,
  userId: string,
  opts: { unreadOnly: boolean; limit: number },
): Promise<NotificationRow[]> {
  let q = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (opts.unreadOnly) q = q.where('read_at', 'is', null);
  // Ids are UUIDv7 (time-ordered), so they break ties between notices of the same millisecond.
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
}

export async function countUnread(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks the user's unread notices read: those listed, or all when `ids` is 'all'. Returns how many. */
export async function markNotificationsRead(
  db: Db,
  userId: string,
  ids: readonly string[] | 'all',
  now: string,
): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let q = db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
