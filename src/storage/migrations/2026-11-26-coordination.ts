// Coordination and need-to-know: case collaborators, parties (vendors and distributors) with their
// contacts, the case embargo, the hash-chained audit log, account security (TOTP, recovery codes,
// passkeys, second factor on sessions, API token scopes, project 2FA rule), moved-case key aliases.
// Frozen: later changes go in new migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'varchar(32)';
  const isPg = db.getExecutor().adapter instanceof PostgresAdapter;

  // --- cases: embargo, the summary shared with parties, reporter lookups for rate limits/reputation
  await db.schema.alterTable('cases').addColumn('embargo_ends_at', ts).execute();
  await db.schema.alterTable('cases').addColumn('embargo_zone', 'varchar(64)').execute();
  await db.schema.alterTable('cases').addColumn('party_summary', 'text').execute();
  await db.schema
    .createIndex('cases_reporter_email_idx')
    .on('cases')
    .columns(['reporter_email', 'created_at'])
    .execute();
  await db.schema
    .createIndex('cases_reporter_user_idx')
    .on('cases')
    .columns(['reporter_user_id', 'created_at'])
    .execute();

  // The inbox's default order (nearest deadline first) per project, read in index order.
  await db.schema
    .createIndex('cases_project_due_idx')
    .on('cases')
    .columns(['project_id', 'next_due_at', 'created_at', 'number'])
    .execute();
  // … and newest / oldest first over several states, also read in index order.
  await db.schema
    .createIndex('cases_project_created_idx')
    .on('cases')
    .columns(['project_id', 'created_at', 'number'])
    .execute();

  // Reporter reputation and spam markers look up the few cases with a given resolution.
  await db.schema
    .createIndex('cases_resolution_reporter_idx')
    .on('cases')
    .columns(['resolution', 'reporter_email'])
    .execute();

  // A key a case had before it moved to another project: old links keep working.
  await db.schema
    .createTable('case_key_aliases')
    .addColumn('key', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute();

  // --- collaborators: one person, one case
  await db.schema
    .createTable('case_collaborators')
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('added_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_viewed_at', ts)
    .addPrimaryKeyConstraint('case_collaborators_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('case_collaborators_user_idx')
    .on('case_collaborators')
    .column('user_id')
    .execute();

  // --- parties: organisations invited to a case under embargo, and their contacts
  await db.schema
    .createTable('case_parties')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('case_id', 'varchar(36)', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('organisation', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('statement', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'varchar(36)', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('notified_at', ts)
    .addColumn('viewed_at', ts)
    .addColumn('last_active_at', ts)
    .addColumn('reminded_at', ts)
    .addColumn('status_changed_at', ts)
    .execute();
  await db.schema
    .createIndex('case_parties_case_idx')
    .on('case_parties')
    .columns(['case_id', 'organisation'])
    .execute();

  await db.schema
    .createTable('party_contacts')
    .addColumn('party_id', 'varchar(36)', (c) =>
      c.notNull().references('case_parties.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('pgp_key', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('party_contacts_pk', ['party_id', 'user_id'])
    .execute();
  await db.schema.createIndex('party_contacts_user_idx').on('party_contacts').column('user_id').execute();

  // Messages and timeline entries for parties: visibility `parties`; party_id null = every party,
  // else that party's private thread with the team.
  await db.schema.alterTable('messages').addColumn('party_id', 'varchar(36)').execute();
  await db.schema.alterTable('case_events').addColumn('party_id', 'varchar(36)').execute();

  // --- audit log: append-only, each entry hashes its predecessor's hash (see services/audit)
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) =>
      isPg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey(),
    )
    .addColumn('at', ts, (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('actor_kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor_user_id', 'varchar(36)')
    .addColumn('actor_label', 'varchar(254)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('project_id', 'varchar(36)')
    .addColumn('case_id', 'varchar(36)')
    .addColumn('target', 'varchar(200)')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'id']).execute();
  await db.schema
    .createIndex('audit_log_actor_idx')
    .on('audit_log')
    .columns(['actor_user_id', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_log_project_idx')
    .on('audit_log')
    .columns(['project_id', 'id'])
    .execute();

  // --- account security
  // TOTP secret (encrypted with the instance key) and when it was confirmed.
  await db.schema.alterTable('users').addColumn('totp_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_enabled_at', ts).execute();
  await db.schema
    .createTable('recovery_codes')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('used_at', ts)
    .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
    .execute();
  await db.schema
    .createTable('passkeys')
    .addColumn('id', 'varchar(512)', (c) => c.primaryKey()) // base64url credential id
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull()) // base64url COSE key
    .addColumn('counter', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'varchar(200)')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .execute();
  await db.schema.createIndex('passkeys_user_idx').on('passkeys').column('user_id').execute();
  // A session's second factor: null while only the password was given (a pending login),
  // `totp` / `passkey` / `recovery` once the second step passed, `none` when the account has none.
  await db.schema.alterTable('sessions').addColumn('second_factor', 'varchar(16)').execute();
  // Pending WebAuthn challenges (registration or login), one per session or pending login.
  await db.schema.alterTable('sessions').addColumn('challenge', 'varchar(200)').execute();
  // Comma-separated scopes of a personal API token; existing tokens keep full access.
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scopes', 'varchar(200)', (c) => c.notNull().defaultTo('read,write'))
    .execute();
  await db.schema
    .alterTable('projects')
    .addColumn('require_2fa', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'passkeys',
    'recovery_codes',
    'audit_log',
    'party_contacts',
    'case_parties',
    'case_collaborators',
    'case_key_aliases',
  ])
    await db.schema.dropTable(t).ifExists().execute();
}
