// Users, sessions, API tokens and one-time account links.
import { sql, type Kysely, type Insertable } from 'kysely';
import type { Database, UserRow, UsersTable, AccountTokensTable, ApiTokensTable } from '../schema.ts';

type Db = Kysely<Database>;

export async function insertUser(db: Db, row: Insertable<UsersTable>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export async function countAdmins(db: Db): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('is_admin', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function updateUser(db: Db, id: string, patch: Partial<Insertable<UsersTable>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('email').execute();
}

// Sessions

/** 1 when the account has a confirmed TOTP or a passkey (one subquery, no extra round trip). */
const hasSecondFactor =
  sql<number>`(case when users.totp_enabled_at is not null or exists (select 1 from passkeys where passkeys.user_id = users.id) then 1 else 0 end)`.as(
    'has_second_factor',
  );

export async function insertSession(db: Db, row: Insertable<Database['sessions']>): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function findSessionUser(db: Db, idHash: string, now: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_hash', 'sessions.last_seen_at', 'sessions.expires_at', 'sessions.second_factor'])
    .select(['users.id', 'users.email', 'users.name', 'users.is_admin', 'users.disabled_at'])
    .select(hasSecondFactor)
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function touchSession(
  db: Db,
  idHash: string,
  lastSeenAt: string,
  expiresAt: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
}

// API tokens

export async function insertApiToken(db: Db, row: Insertable<ApiTokensTable>): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

export async function findApiTokenUser(db: Db, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'api_tokens.scopes',
    ])
    .select(['users.id', 'users.email', 'users.name', 'users.is_admin', 'users.disabled_at'])
    .select(hasSecondFactor)
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function markApiTokenUsed(db: Db, tokenId: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', tokenId).execute();
}

// One-time account links

export async function insertAccountToken(db: Db, row: Insertable<AccountTokensTable>): Promise<void> {
  await db.insertInto('account_tokens').values(row).execute();
}

export async function findUsableAccountToken(
  db: Db,
  tokenHash: string,
  purpose: AccountTokensTable['purpose'],
  now: string,
) {
  return db
    .selectFrom('account_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Marks a token used; returns false when another request used it first. */
export async function consumeAccountToken(db: Db, tokenHash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function expireAccountTokens(
  db: Db,
  purpose: AccountTokensTable['purpose'],
  now: string,
): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}
