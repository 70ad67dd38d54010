// Channels: outbox delivery bookkeeping, per-user mail preferences, project OpenPGP keys, the
// reporter's public key, inbound mail records and attachments, announcement-list subscribers and
// webhooks. Frozen: later changes go in new migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'varchar(32)';
  // Binary columns differ by dialect; everything else here is portable.
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;
  const blob = isPg ? 'bytea' : 'blob';

  // Outbox: which project a row belongs to (webhook delivery logs), what it was made for (a webhook,
  // a subscriber), the response of the last attempt, and the delivery job that carries it.
  await db.schema
    .alterTable('outbox')
    .addColumn('project_id', 'varchar(36)', (c) => c.references('projects.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('outbox').addColumn('source_id', 'varchar(36)').execute();
  await db.schema.alterTable('outbox').addColumn('last_attempt_at', ts).execute();
  await db.schema.alterTable('outbox').addColumn('last_response', 'text').execute();
  // The delivery worker's lease: a row it holds is skipped by other workers until the lease ends.
  await db.schema.alterTable('outbox').addColumn('locked_by', 'varchar(200)').execute();
  await db.schema.alterTable('outbox').addColumn('locked_until', ts).execute();
  await db.schema
    .createIndex('outbox_source_idx')
    .on('outbox')
    .columns(['source_id', 'created_at'])
    .execute();
  await db.schema.createIndex('outbox_case_idx').on('outbox').columns(['case_id']).execute();

  // Mail preferences as JSON ({"newReport": true, ...}); absent keys take the defaults in code.
  await db.schema
    .alterTable('users')
    .addColumn('mail_prefs', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();

  // The reporter's OpenPGP public key (armored): mail to them is encrypted when it is set.
  await db.schema.alterTable('cases').addColumn('reporter_pgp_key', 'text').execute();

  await db.schema
    .createTable('project_keys')
    .addColumn('project_id', 'varchar(36)', (c) =>
      c.primaryKey().references('projects.id').onDelete('cascade'),
    )
    .addColumn('fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id_text', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    // Armored private key, passphrase-protected with a passphrase derived from the instance secret.
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('expires_at', ts)
    .execute();

  // Every accepted inbound message: what it became, and the sender checks the relay reported.
  await db.schema
    .createTable('inbound_mail')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    // The Message-ID header; unique so a message resent by a retrying relay becomes one case.
    .addColumn('message_id_header', 'varchar(998)', (c) => c.unique())
    .addColumn('received_at', ts, (c) => c.notNull())
    .addColumn('envelope_from', 'varchar(998)')
    .addColumn('recipient', 'varchar(998)', (c) => c.notNull())
    .addColumn('remote_address', 'varchar(64)')
    .addColumn('project_id', 'varchar(36)', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('case_id', 'varchar(36)', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('message_id', 'varchar(36)', (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('encrypted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('spf', 'varchar(32)')
    .addColumn('dkim', 'varchar(32)')
    .addColumn('dmarc', 'varchar(32)')
    .addColumn('auth_results', 'text')
    .execute();
  await db.schema.createIndex('inbound_mail_case_idx').on('inbound_mail').columns(['case_id']).execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('message_id', 'varchar(36)', (c) => c.references('messages.id').onDelete('set null'))
    .addColumn('filename', 'varchar(255)', (c) => c.notNull())
    .addColumn('content_type', 'varchar(255)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('content', sql.raw(blob), (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_case_idx').on('attachments').columns(['case_id']).execute();

  // Announcement lists: list_key is a project id, or '*' for the instance-wide list.
  await db.schema
    .createTable('subscribers')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('list_key', 'varchar(36)', (c) => c.notNull())
    .addColumn('email', 'varchar(254)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('confirm_token_hash', 'varchar(64)')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('confirmed_at', ts)
    .addColumn('unsubscribed_at', ts)
    .addUniqueConstraint('subscribers_list_email_uq', ['list_key', 'email'])
    .execute();
  await db.schema
    .createIndex('subscribers_list_idx')
    .on('subscribers')
    .columns(['list_key', 'status'])
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addColumn('secret', 'varchar(200)', (c) => c.notNull())
    // JSON list of event names.
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('format', 'varchar(16)', (c) => c.notNull())
    .addColumn('description', 'varchar(200)', (c) => c.notNull().defaultTo(''))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('webhooks_project_idx').on('webhooks').columns(['project_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['webhooks', 'subscribers', 'attachments', 'inbound_mail', 'project_keys']) {
    await db.schema.dropTable(t).execute();
  }
}
