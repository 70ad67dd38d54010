// Initial schema: accounts, projects and teams, cases with their timeline and messages.
// Frozen: later changes go in new migrations. Uses Kysely<any> so it never follows schema.ts.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('disabled_at', ts)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_seen_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(512)')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .addColumn('expires_at', ts)
    .addColumn('revoked_at', ts)
    .execute();

  await db.schema
    .createTable('account_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(36)', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('used_at', ts)
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('slug', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('key', 'varchar(16)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_case_number', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('memberships_user_idx').on('memberships').column('user_id').execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('project_id', 'varchar(36)', (c) => c.notNull().references('projects.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('key', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('steps_to_reproduce', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('affected_versions', 'text', (c) => c.notNull())
    .addColumn('suggested_fix', 'text')
    .addColumn('reporter_email', 'varchar(254)')
    .addColumn('reporter_user_id', 'varchar(36)', (c) => c.references('users.id'))
    .addColumn('reporter_token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('credit_preference', 'varchar(16)', (c) => c.notNull())
    .addColumn('credit_name', 'varchar(100)')
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('resolution', 'varchar(32)')
    .addColumn('severity', 'varchar(16)')
    .addColumn('needs_info', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('assignee_id', 'varchar(36)', (c) => c.references('users.id'))
    .addColumn('duplicate_of_id', 'varchar(36)', (c) => c.references('cases.id'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('acknowledged_at', ts)
    .addColumn('triaged_at', ts)
    .addColumn('fixed_at', ts)
    .addColumn('disclosed_at', ts)
    .addColumn('closed_at', ts)
    .addUniqueConstraint('cases_project_number_uq', ['project_id', 'number'])
    .execute();
  await db.schema
    .createIndex('cases_project_state_idx')
    .on('cases')
    .columns(['project_id', 'state', 'created_at'])
    .execute();
  await db.schema.createIndex('cases_created_idx').on('cases').column('created_at').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id'))
    .addColumn('author_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('author_user_id', 'varchar(36)', (c) => c.references('users.id'))
    .addColumn('visibility', 'varchar(16)', (c) => c.notNull())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('messages_case_idx')
    .on('messages')
    .columns(['case_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('case_events')
    .addColumn('id', 'integer', (c) =>
      db.getExecutor().adapter instanceof PostgresAdapter
        ? c.primaryKey().generatedByDefaultAsIdentity()
        : // INTEGER PRIMARY KEY is SQLite's rowid: ascending for an append-only table, without the
          // extra sqlite_sequence write per insert that AUTOINCREMENT costs.
          c.primaryKey(),
    )
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id'))
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor_user_id', 'varchar(36)', (c) => c.references('users.id'))
    .addColumn('visibility', 'varchar(16)', (c) => c.notNull())
    .addColumn('message_id', 'varchar(36)', (c) => c.references('messages.id'))
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('case_events_case_idx').on('case_events').columns(['case_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'case_events',
    'messages',
    'cases',
    'memberships',
    'projects',
    'account_tokens',
    'api_tokens',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
