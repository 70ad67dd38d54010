// A project's webhooks and their delivery log. Deliveries are outbox rows (channel `webhook`,
// source_id = the webhook's id), so the log is a view of the outbox, newest first.
import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, OutboxRow } from '../schema.ts';
import type { WebhookRow, WebhooksTable } from '../schema-channels.ts';

type Db = Kysely<Database>;

export async function insertWebhook(db: Db, row: Insertable<WebhooksTable>): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listWebhooks(db: Db, projectId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The project's active hooks; which events each takes is filtered by the caller (a JSON list). */
export async function listActiveWebhooks(db: Db, projectId: string): Promise<WebhookRow[]> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
}

export async function countWebhooks(db: Db, projectId: string): Promise<number> {
  const r = await db
    .selectFrom('webhooks')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateWebhook(db: Db, id: string, patch: Updateable<WebhooksTable>): Promise<boolean> {
  const r = await db.updateTable('webhooks').set(patch).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteWebhook(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The stored (encrypted) secret of a hook, for the sender; undefined when the hook is gone. */
export async function storedSecretOf(db: Db, id: string): Promise<string | undefined> {
  const r = await db.selectFrom('webhooks').select('secret').where('id', '=', id).executeTakeFirst();
  return r?.secret;
}

export interface Page {
  limit: number;
  offset: number;
}

/** One hook's deliveries, newest first. */
export async function listDeliveries(db: Db, webhookId: string, page: Page): Promise<OutboxRow[]> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('channel', '=', 'webhook')
    .where('source_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countDeliveries(db: Db, webhookId: string): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('channel', '=', 'webhook')
    .where('source_id', '=', webhookId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findDelivery(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('id', '=', id)
    .where('channel', '=', 'webhook')
    .executeTakeFirst();
}

/** How many redeliveries of outbox row `id` were queued (their dedupe keys are `redeliver:<id>:<n>`). */
export async function countRedeliveries(db: Db, id: string): Promise<number> {
  const r = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('dedupe_key', 'like', `redeliver:${id}:%`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
