// Recording security-relevant actions. Call `recordAudit` inside the transaction that makes the
// change (pass the transaction), so an action and its audit entry commit together; called with the
// plain connection it opens its own transaction. Never pass `deps.db` while a transaction is open
// on SQLite: the single connection would wait for itself.
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

export async function recordAudit(db: Kysely<Database>, deps: AuditDeps, e: AuditEntry): Promise<void> {
  const fields = {
    at: deps.clock.now().toISOString(),
    action: e.action,
    ...actorFields(e.actor),
    ip: e.ip?.slice(0, 64) ?? null,
    project_id: e.projectId ?? null,
    case_id: e.caseId ?? null,
    target: e.target?.slice(0, 200) ?? null,
    data: JSON.stringify(e.data ?? {}),
  };
  const write = (trx: Kysely<Database>) =>
    appendAudit(trx, fields, (prev) => auditHash(prev, fields), GENESIS_HASH, deps.dialect === 'postgres');
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
}
