// The audit log table: appends serialised so the hash chain has one order, filtered listing for the
// admin page (with the project's slug and the case's key beside their ids), the newest entry (the
// head an operator records elsewhere), and a paged walk in id order for verification.
import { sql, type Kysely } from 'kysely';
import type { AuditLogRow, Database } from '../schema.ts';
import type { AuditFields } from '../../services/audit/audit-chain.ts';

// Arbitrary constant naming the audit chain's PostgreSQL advisory lock.
const AUDIT_LOCK_ID = 727_001;

/**
 * Appends inside `trx` (which must be a transaction): takes the chain lock, reads the last hash,
 * and inserts the entry whose hash `hashOf(prev)` computes. On PostgreSQL the advisory lock is held
 * to commit, so concurrent appends queue; SQLite serialises write transactions anyway (a second
 * process whose read snapshot went stale gets SQLITE_BUSY on its write instead of forking the chain).
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
  /** The actor as recorded (e-mail), for accounts that no longer exist. */
  actorLabel?: string | undefined;
  projectId?: string | undefined;
  caseId?: string | undefined;
  /** ISO instants: from inclusive, to exclusive. */
  from?: string | undefined;
  to?: string | undefined;
  /** Entries with an id below this, newest first (paging to older entries). */
  beforeId?: number | undefined;
  /** Entries with an id above this, the oldest of them first (paging to newer entries). */
  afterId?: number | undefined;
  limit: number;
}

export type AuditListRow = AuditLogRow & { project_slug: string | null; case_key: string | null };

/** Matching entries, newest first; with `afterId`, the `limit` entries right after it (still newest first). */
export async function listAudit(db: Kysely<Database>, q: AuditQuery): Promise<AuditListRow[]> {
  let s = db
    .selectFrom('audit_log')
    .leftJoin('projects', 'projects.id', 'audit_log.project_id')
    .leftJoin('cases', 'cases.id', 'audit_log.case_id')
    .selectAll('audit_log')
    .select(['projects.slug as project_slug', 'cases.key as case_key']);
  if (q.action) s = s.where('audit_log.action', '=', q.action);
  // The prefix is one of the known groups (checked by the service), so it has no LIKE wildcards.
  if (q.actionPrefix) s = s.where('audit_log.action', 'like', `${q.actionPrefix.replace(/[%_\\]/g, '')}%`);
  if (q.actorUserId) s = s.where('audit_log.actor_user_id', '=', q.actorUserId);
  if (q.actorLabel) s = s.where('audit_log.actor_label', '=', q.actorLabel);
  if (q.projectId) s = s.where('audit_log.project_id', '=', q.projectId);
  if (q.caseId) s = s.where('audit_log.case_id', '=', q.caseId);
  if (q.from) s = s.where('audit_log.at', '>=', q.from);
  if (q.to) s = s.where('audit_log.at', '<', q.to);
  if (q.beforeId !== undefined) s = s.where('audit_log.id', '<', q.beforeId);
  if (q.afterId !== undefined) {
    const rows = await s
      .where('audit_log.id', '>', q.afterId)
      .orderBy('audit_log.id', 'asc')
      .limit(q.limit)
      .execute();
    return rows.reverse();
  }
  return s.orderBy('audit_log.id', 'desc').limit(q.limit).execute();
}

/** Whether any entry matches older than `beforeId` (or newer than `afterId`): for the paging links. */
export async function auditExists(db: Kysely<Database>, q: Omit<AuditQuery, 'limit'>): Promise<boolean> {
  return (await listAudit(db, { ...q, limit: 1 })).length > 0;
}

/** The newest entry: the chain's head. */
export async function auditHead(db: Kysely<Database>): Promise<AuditLogRow | undefined> {
  return db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
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

/** A case's id by its key or by a key it had before it moved (case_key_aliases). */
export async function caseIdByKey(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const c = await db.selectFrom('cases').select('id').where('key', '=', key).executeTakeFirst();
  if (c) return c.id;
  const alias = await db
    .selectFrom('case_key_aliases')
    .select('case_id')
    .where('key', '=', key)
    .executeTakeFirst();
  return alias?.case_id;
}
