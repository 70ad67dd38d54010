// Account security bookkeeping beyond the coordination migration: the last TOTP time step used
// (a code is refused a second time), a per-account counter of failed second-factor attempts (the
// second step locks for a while after too many), and the `publish` scope for tokens made before
// scopes existed, which could do everything. Frozen: later changes go in new migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ts = 'varchar(32)';
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
  await db.schema
    .alterTable('users')
    .addColumn('mfa_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('mfa_failed_at', ts).execute();
  await db.updateTable('api_tokens').set({ scopes: 'read,write,publish' }).execute();
  await db.schema
    .createIndex('account_tokens_user_idx')
    .on('account_tokens')
    .columns(['user_id', 'purpose', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('account_tokens_user_idx').ifExists().execute();
  for (const c of ['mfa_failed_at', 'mfa_failures', 'totp_last_step'])
    await db.schema.alterTable('users').dropColumn(c).execute();
}
