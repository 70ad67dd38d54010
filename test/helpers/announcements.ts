// Announcement-list test helpers: read the mails the outbox holds and follow their links the way a
// subscriber would.
import type { Kysely } from 'kysely';
import type { Database, OutboxRow } from '../../src/storage/schema.ts';
import type { Services } from '../../src/services/index.ts';
import { mailPayloadOf } from '../../src/services/outbox/outbox-queue.ts';

export async function mailsTo(db: Kysely<Database>, email: string, kind?: string): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll().where('recipient_address', '=', email);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** The confirmation link of the newest confirmation mail to `email`, as a path with query. */
export async function confirmLink(db: Kysely<Database>, email: string): Promise<string> {
  const rows = await mailsTo(db, email, 'subscription-confirm');
  const body = rows.at(-1)?.body ?? '';
  const m = /https?:\/\/[^\s/]+(\/subscribe\/confirm\?token=[A-Za-z0-9_-]+)/.exec(body);
  if (!m) throw new Error(`no confirmation link mailed to ${email}`);
  return m[1]!;
}

export function tokenOf(link: string): string {
  return new URL(link, 'http://x').searchParams.get('token')!;
}

/** Subscribes and confirms through the service, like a subscriber clicking the link. */
export async function subscribeConfirmed(s: Services, listRef: string, email: string) {
  await s.announcements.subscribe(listRef, email);
  return s.announcements.confirm(tokenOf(await confirmLink(s.deps.db, email)));
}

/** The announcement mails queued for an advisory (dedupe keys `announce:<uid>:<address>`). */
export async function announcementsOf(db: Kysely<Database>, advisoryUid: string): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('dedupe_key', 'like', `announce:${advisoryUid}:%`)
    .orderBy('recipient_address')
    .execute();
}

export function headersOf(row: OutboxRow): Record<string, string> {
  return mailPayloadOf(row.payload).headers ?? {};
}

/** The path and query of the List-Unsubscribe URI, for app.inject. */
export function unsubscribePath(row: OutboxRow): string {
  const uri = /<(https?:[^>]+)>/.exec(headersOf(row)['List-Unsubscribe'] ?? '')?.[1];
  if (!uri) throw new Error('no List-Unsubscribe URI');
  const u = new URL(uri);
  return u.pathname + u.search;
}

export async function subscriberStatus(db: Kysely<Database>, listKey: string, email: string) {
  const r = await db
    .selectFrom('subscribers')
    .select('status')
    .where('list_key', '=', listKey)
    .where('email', '=', email)
    .executeTakeFirst();
  return r?.status;
}

export async function projectId(db: Kysely<Database>, slug: string): Promise<string> {
  const r = await db.selectFrom('projects').select('id').where('slug', '=', slug).executeTakeFirstOrThrow();
  return r.id;
}
