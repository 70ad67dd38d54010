// Browser sessions: opening one (fully, or pending a second factor), and the account owner's list
// of their sessions with revoke and "sign out everywhere else". A session is named on pages by a
// handle derived from its stored digest, so neither the secret nor the digest leaves the server.
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../domain/errors.ts';
import type { Database } from '../../storage/schema.ts';
import * as users from '../../storage/repositories/user.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Actor } from '../actor.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import { requireSessionUser } from './account-guard.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000; // sliding: renewed while used
/** A password was given, the second step is awaited: short, and it never slides. */
export const PENDING_LOGIN_TTL_MS = 10 * 60 * 1000;

export type SessionFactor = 'none' | 'totp' | 'passkey' | 'recovery';

export interface ClientMeta {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

/** Opens a session (factor null: pending the second step) and returns its secret cookie value. */
export async function openSession(
  db: Kysely<Database>,
  deps: Pick<ServiceDeps, 'clock' | 'random'>,
  userId: string,
  factor: SessionFactor | null,
  meta: ClientMeta,
): Promise<string> {
  const secret = deps.random.token(32);
  const now = deps.clock.now();
  await users.insertSession(db, {
    id_hash: hashSecret(secret),
    user_id: userId,
    created_at: iso(now),
    last_seen_at: iso(now),
    expires_at: iso(new Date(now.getTime() + (factor === null ? PENDING_LOGIN_TTL_MS : SESSION_TTL_MS))),
    ip: meta.ip?.slice(0, 64) ?? null,
    user_agent: meta.userAgent?.slice(0, 512) ?? null,
    second_factor: factor,
  });
  return secret;
}

export function sessionHandle(idHash: string): string {
  return hashSecret(`session-handle:${idHash}`).slice(0, 32);
}

export interface SessionView {
  handle: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  userAgent: string | null;
  secondFactor: SessionFactor;
  current: boolean;
}

export class SessionService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor, currentSecret: string): Promise<SessionView[]> {
    const user = requireSessionUser(actor);
    const current = hashSecret(currentSecret);
    const rows = await sec.listSessions(this.deps.db, user.id, iso(this.deps.clock.now()));
    const views = rows.map((r) => ({
      handle: sessionHandle(r.id_hash),
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      ip: r.ip,
      userAgent: r.user_agent,
      secondFactor: (r.second_factor ?? 'none') as SessionFactor,
      current: r.id_hash === current,
    }));
    // The session in use first, then by last use.
    return [...views.filter((v) => v.current), ...views.filter((v) => !v.current)];
  }

  /** Ends one of the owner's sessions (possibly the current one). */
  async revoke(actor: Actor, handle: string, meta: ClientMeta = {}): Promise<void> {
    const user = requireSessionUser(actor);
    const rows = await sec.listSessions(this.deps.db, user.id, iso(this.deps.clock.now()));
    const row = rows.find((r) => sessionHandle(r.id_hash) === handle);
    if (!row) throw new NotFoundError('No such session: it may have ended already.');
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await sec.deleteSessionOfUser(trx, user.id, row.id_hash))) return;
      await recordAudit(trx, this.deps, {
        action: 'account.session-revoked',
        actor,
        ip: meta.ip,
        target: user.email,
        data: { sessionIp: row.ip, createdAt: row.created_at },
      });
    });
  }

  /** Ends every session of the owner but the current one; returns how many ended. */
  async revokeOthers(actor: Actor, currentSecret: string, meta: ClientMeta = {}): Promise<number> {
    const user = requireSessionUser(actor);
    return this.deps.db.transaction().execute(async (trx) => {
      const n = await sec.deleteSessionsOfUser(trx, user.id, hashSecret(currentSecret));
      await recordAudit(trx, this.deps, {
        action: 'account.session-revoked',
        actor,
        ip: meta.ip,
        target: user.email,
        data: { others: n },
      });
      return n;
    });
  }
}
