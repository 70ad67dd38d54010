// The audit log table: appends serialised so the hash chain has one order, filtered listing for the
// admin page, and a paged walk in id order for verification.
import { sql, type Kysely } from 'kysely';
import type { AuditLogRow, Database } from '../schema.ts';
import type { AuditFields } from '../../services/audit/audit-chain.ts';

// Arbitrary constant naming the audit chain's PostgreSQL advisory lock.
const AUDIT_LOCK_ID = 727_001;

/**
 * Appends inside `trx` (which must be a transaction): takes the chain lock, reads the last hash,
 * and inserts the entry whose hash `hashOf(prev)` computes. On PostgreSQL the advisory lock is held
 * to commit, so concurrent appends queue; SQLite serialises write transactions anyway.
 */
export async function appendAudit(
  trx: Kysely<Database>,
  fields: AuditFields,
  hashOf: (prevHash: string) => string,
  genesis: string,
  isPostgres: boolean,
): Promise<void> {
  if (isPostgres) await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_ID})`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prev = last?.hash ?? genesis;
  await trx
    .insertInto('audit_log')
    .values({ ...fields, prev_hash: prev, hash: hashOf(prev) })
    .execute();
}

export interface AuditQuery {
  action?: string | undefined;
  /** Prefix match: `case.` finds every case action. */
  actionPrefix?: string | undefined;
  actorUserId?: string | undefined;
  projectId?: string | undefined;
  caseId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Entries with an id below this (paging backwards from the newest). */
  beforeId?: number | undefined;
  limit: number;
}

export async function listAudit(db: Kysely<Database>, q: AuditQuery): Promise<AuditLogRow[]> {
  let s = db.selectFrom('audit_log').selectAll();
  if (q.action) s = s.where('action', '=', q.action);
  if (q.actionPrefix) s = s.where('action', 'like', `${q.actionPrefix.replace(/[%_]/g, '')}%`);
  if (q.actorUserId) s = s.where('actor_user_id', '=', q.actorUserId);
  if (q.projectId) s = s.where('project_id', '=', q.projectId);
  if (q.caseId) s = s.where('case_id', '=', q.caseId);
  if (q.from) s = s.where('at', '>=', q.from);
  if (q.to) s = s.where('at', '<', q.to);
  if (q.beforeId !== undefined) s = s.where('id', '<', q.beforeId);
  return s.orderBy('id', 'desc').limit(q.limit).execute();
}

/** Entries in chain order after `afterId`, `limit` at a time. */
export async function auditPage(
  db: Kysely<Database>,
  afterId: number,
  limit: number,
): Promise<AuditLogRow[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id', 'asc')
    .limit(limit)
    .execute();
}
