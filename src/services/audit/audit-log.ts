// Recording security-relevant actions. Call `recordAudit` inside the transaction that makes the
// change (pass the transaction), so an action and its audit entry commit together; called with the
// plain connection it opens its own transaction. Never pass `deps.db` while a transaction is open
// on SQLite: the single connection would wait for itself. Call it as the LAST statement of the
// transaction: on PostgreSQL it takes the chain's lock, held to commit, so everything after it is
// serialised with every other audited change (and waiting for a row lock while holding it can
// deadlock). Transactions must run at READ COMMITTED (the default), so the last hash read after the
// lock is the newest one.
import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { appendAudit } from '../../storage/repositories/audit.repository.ts';
import { auditHash, GENESIS_HASH } from './audit-chain.ts';
import type { Actor } from '../actor.ts';
import type { Dialect } from '../../storage/db.ts';

/** The actions recorded; the admin page filters by them. */
export type AuditAction =
  | 'auth.login'
  | 'auth.login-failed'
  | 'auth.logout'
  | 'auth.second-factor'
  | 'auth.second-factor-failed'
  | 'auth.password-reset'
  | 'auth.password-changed'
  | 'account.totp-enabled'
  | 'account.totp-disabled'
  | 'account.recovery-codes'
  | 'account.passkey-added'
  | 'account.passkey-removed'
  | 'account.session-revoked'
  | 'account.token-created'
  | 'account.token-revoked'
  | 'account.created'
  | 'admin.created'
  | 'team.member-added'
  | 'team.role-changed'
  | 'team.member-removed'
  | 'project.created'
  | 'project.settings-changed'
  | 'project.policy-changed'
  | 'project.key-changed'
  | 'project.webhook-changed'
  | 'case.viewed'
  | 'case.state-changed'
  | 'case.collaborator-added'
  | 'case.collaborator-removed'
  | 'case.party-added'
  | 'case.party-removed'
  | 'case.party-contact-added'
  | 'case.embargo-changed'
  | 'case.transferred'
  | 'case.downgraded'
  | 'case.exported'
  | 'case.bulk-closed'
  | 'advisory.published'
  | 'advisory.scheduled'
  | 'advisory.withdrawn'
  | 'advisory.exported'
  | 'keys.rotated'
  | 'outbox.retried';

export interface AuditEntry {
  action: AuditAction;
  actor: Actor | 'system';
  ip?: string | null | undefined;
  projectId?: string | null | undefined;
  caseId?: string | null | undefined;
  /** What was acted on, in words an auditor can read (`CONURE-12`, `user@example.org`). */
  target?: string | null | undefined;
  data?: Record<string, unknown> | undefined;
}

export interface AuditDeps {
  dialect: Dialect;
  clock: { now(): Date };
}

function actorFields(actor: Actor | 'system') {
  if (actor === 'system') return { actor_kind: 'system' as const, actor_user_id: null, actor_label: null };
  if (actor.kind === 'user')
    return { actor_kind: 'user' as const, actor_user_id: actor.user.id, actor_label: actor.user.email };
  if (actor.kind === 'reporter')
    return {
      actor_kind: 'reporter' as const,
      actor_user_id: null,
      actor_label: `reporter of ${actor.caseId}`,
    };
  return { actor_kind: 'anonymous' as const, actor_user_id: null, actor_label: null };
}

/**
 * The HTTP edge copies the request's address onto the actor it resolved (http/plugins/audit-ip.ts),
 * so services need no HTTP types and no extra parameter: only this recorder reads it.
 */
export function withIp<A extends Actor>(actor: A, ip: string): A & { ip: string } {
  return { ...actor, ip };
}

function ipOf(e: AuditEntry): string | null {
  if (e.ip) return e.ip;
  const carried = e.actor === 'system' ? undefined : (e.actor as { ip?: unknown }).ip;
  return typeof carried === 'string' && carried ? carried : null;
}

/**
 * What the database will hand back: NUL removed (PostgreSQL text cannot hold it) and unpaired
 * surrogates (also those a cut at `max` leaves) replaced by U+FFFD as both drivers store them. The
 * hash is taken over these stored values, or verification would flag an untouched entry.
 */
function stored(s: string | null | undefined, max: number): string | null {
  if (s === null || s === undefined) return null;
  return s
    .replace(/\0/g, '')
    .slice(0, max)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export async function recordAudit(db: Kysely<Database>, deps: AuditDeps, e: AuditEntry): Promise<void> {
  const actor = actorFields(e.actor);
  const fields = {
    at: deps.clock.now().toISOString(),
    action: e.action,
    ...actor,
    actor_label: stored(actor.actor_label, 254),
    ip: stored(ipOf(e), 64),
    project_id: e.projectId ?? null,
    case_id: e.caseId ?? null,
    target: stored(e.target, 200),
    // JSON.stringify escapes NUL and lone surrogates, so `data` is stored exactly as hashed.
    data: JSON.stringify(e.data ?? {}),
  };
  const write = (trx: Kysely<Database>) =>
    appendAudit(trx, fields, (prev) => auditHash(prev, fields), GENESIS_HASH, deps.dialect === 'postgres');
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}
