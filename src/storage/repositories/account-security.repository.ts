// Account security storage: TOTP state and replay guard, second-factor failure counter, recovery
// codes, the session list, API token listing and revocation, reset links, and the projects' 2FA
// rule (passkeys: passkey.repository.ts). Secrets appear here only as digests (or, for TOTP, encrypted).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;

// --- TOTP

export async function setTotpSecret(db: Db, userId: string, encrypted: string | null): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: encrypted, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', userId)
    .execute();
}

export async function enableTotp(db: Db, userId: string, at: string, step: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_enabled_at: at, totp_last_step: step })
    .where('id', '=', userId)
    .execute();
}

/**
 * Records that the code of this time step was used. False when it (or a later one) was used
 * already: the same code is never good twice, even for two requests racing each other.
 */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recordMfaFailure(db: Db, userId: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ mfa_failures: eb('mfa_failures', '+', 1), mfa_failed_at: at }))
    .where('id', '=', userId)
    .execute();
}

export async function resetMfaFailures(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ mfa_failures: 0, mfa_failed_at: null })
    .where('id', '=', userId)
    .execute();
}

// --- recovery codes

export async function replaceRecoveryCodes(db: Db, userId: string, hashes: string[], at: string) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (hashes.length)
    await db
      .insertInto('recovery_codes')
      .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: at, used_at: null })))
      .execute();
}

/** Marks an unused code used; false when there is none (wrong, or used already). */
export async function useRecoveryCode(db: Db, userId: string, hash: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(db: Db, userId: string): Promise<number> {
  const r = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

// --- sessions

export async function findPendingSession(db: Db, idHash: string, now: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_hash', 'sessions.challenge', 'sessions.ip', 'sessions.user_agent'])
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.is_admin',
      'users.disabled_at',
      'users.totp_enabled_at',
      'users.mfa_failures',
      'users.mfa_failed_at',
    ])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.second_factor', 'is', null)
    .where('sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function setSessionChallenge(db: Db, idHash: string, challenge: string | null): Promise<void> {
  await db.updateTable('sessions').set({ challenge }).where('id_hash', '=', idHash).execute();
}

/** Takes the pending challenge off the session (so it is used once) and returns it. */
export async function takeSessionChallenge(db: Db, idHash: string): Promise<string | null> {
  const row = await db
    .selectFrom('sessions')
    .select('challenge')
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row?.challenge) return null;
  const r = await db
    .updateTable('sessions')
    .set({ challenge: null })
    .where('id_hash', '=', idHash)
    .where('challenge', '=', row.challenge)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1 ? row.challenge : null;
}

export async function setSessionSecondFactor(
  db: Db,
  idHash: string,
  factor: 'totp' | 'passkey' | 'recovery',
): Promise<void> {
  await db.updateTable('sessions').set({ second_factor: factor }).where('id_hash', '=', idHash).execute();
}

/** The signed-in sessions of an account (pending second steps are not sessions yet). */
export async function listSessions(db: Db, userId: string, now: string) {
  return db
    .selectFrom('sessions')
    .select(['id_hash', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent', 'second_factor'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .where('second_factor', 'is not', null)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

export async function deleteSessionOfUser(db: Db, userId: string, idHash: string): Promise<boolean> {
  const r = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id_hash', '=', idHash)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Ends every session of the account but one (`keep`), or all of them; returns how many ended. */
export async function deleteSessionsOfUser(db: Db, userId: string, keep?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keep) q = q.where('id_hash', '!=', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

// --- API tokens

export async function listApiTokens(db: Db, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'scopes', 'created_at', 'last_used_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeApiToken(db: Db, userId: string, id: string, at: string) {
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'name'])
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
  return row;
}

// --- one-time links of an account

export async function countAccountTokensSince(
  db: Db,
  userId: string,
  purpose: 'reset',
  since: string,
): Promise<number> {
  const r = await db
    .selectFrom('account_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Uses up every outstanding link of this purpose for the account (after a reset, older links die). */
export async function expireAccountTokensOfUser(db: Db, userId: string, purpose: 'reset', at: string) {
  await db
    .updateTable('account_tokens')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** Takes a passkey sign-in challenge (stored hashed, no account yet): true once, while unexpired. */
export async function consumeChallengeToken(db: Db, hash: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hash)
    .where('purpose', '=', 'passkey')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Old challenges and links are of no use: cleared now and then so the table stays small. */
export async function deleteExpiredChallenges(db: Db, now: string): Promise<void> {
  await db
    .deleteFrom('account_tokens')
    .where('purpose', '=', 'passkey')
    .where('expires_at', '<=', now)
    .execute();
}

// --- the projects' 2FA rule

export async function setProjectRequire2fa(db: Db, projectId: string, on: boolean): Promise<void> {
  await db
    .updateTable('projects')
    .set({ require_2fa: on ? 1 : 0 })
    .where('id', '=', projectId)
    .execute();
}

/** Ids of the projects, among these (or all), whose team must use a second factor. */
export async function projectsRequiring2fa(db: Db, ids?: string[]): Promise<string[]> {
  if (ids && ids.length === 0) return [];
  let q = db.selectFrom('projects').select('id').where('require_2fa', '=', 1);
  if (ids) q = q.where('id', 'in', ids);
  return (await q.execute()).map((r) => r.id);
}

/** Whether the account has a confirmed TOTP or at least one passkey. */
export async function accountHasSecondFactor(db: Db, userId: string): Promise<boolean> {
  const r = await db
    .selectFrom('users')
    .select([
      'totp_enabled_at',
      sql<number>`(select count(*) from passkeys where passkeys.user_id = users.id)`.as('passkeys'),
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
  return !!r && (r.totp_enabled_at !== null || Number(r.passkeys) > 0);
}

/** Members of a project whose account has neither a confirmed TOTP nor a passkey. */
export async function membersWithoutSecondFactor(db: Db, projectId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'memberships.role'])
    .where('memberships.project_id', '=', projectId)
    .where('users.totp_enabled_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('passkeys').select('passkeys.id').whereRef('passkeys.user_id', '=', 'users.id'))),
    )
    .orderBy('users.email')
    .execute();
}
