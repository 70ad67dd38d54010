// Notices to team members: the in-app list (the bell) and, for each notice, an e-mail queued in
// the outbox. notify() writes both in the caller's transaction, so a notice exists exactly when the
// change that caused it was committed, and never half (in-app without its e-mail or the reverse).
// The outbox worker (jobs/outbox-worker.ts) delivers the e-mail; the member's mail preferences
// decide which kinds of notice also come by mail.
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError, type FieldError } from '../domain/errors.ts';
import * as notifications from '../storage/repositories/notification.repository.ts';
import * as outbox from '../storage/repositories/outbox.repository.ts';
import { queueMail } from './outbox/outbox-queue.ts';
import { parseMailPrefs, prefForKind } from '../domain/mail-prefs.ts';
import * as users from '../storage/repositories/user.repository.ts';
import type { Database, NotificationRow } from '../storage/schema.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { requireAdmin, requireUser } from './access.ts';

export interface NoticeInput {
  userId: string;
  caseId?: string | null;
  /** What happened, dotted: `clock.at-risk`, `clock.overdue`, `digest.daily` … */
  kind: string;
  title: string;
  body: string;
  /** A path inside Parley (`/cases/FLUX-3`); e-mails carry it as a full link. */
  link: string;
  /** The same notice is recorded once per user, however often notify() is called with this key. */
  dedupeKey: string;
  /** The address to e-mail; the user's account address when absent; false for in-app only. */
  email?: { address: string } | false;
  /**
   * The mail's text when it must differ from the in-app body: mail travels through other servers,
   * so a body that names a vulnerability (a case title) gets a mail version without it.
   */
  emailBody?: string;
}

export interface NoticeResult {
  /** False when the user already had this notice (same dedupe key) or the account is disabled. */
  created: boolean;
  notificationId: string | undefined;
  emailQueued: boolean;
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string;
  createdAt: string;
  readAt: string | null;
}

export interface OutboxStats {
  total: number;
  byChannelAndStatus: { channel: string; status: string; count: number; oldest: string }[];
}

const LIST_DEFAULT = 50;
const LIST_MAX = 200;
const MARK_MAX = 500;

export function presentNotification(n: NotificationRow): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link,
    createdAt: n.created_at,
    readAt: n.read_at,
  };
}

function checkNotice(input: NoticeInput): void {
  const errors: FieldError[] = [];
  const text = (field: keyof NoticeInput, value: unknown, max: number) => {
    if (typeof value !== 'string' || !value.trim() || value.length > max)
      errors.push({ field, message: `1–${max} characters.` });
  };
  text('kind', input.kind, 64);
  text('title', input.title, 300);
  text('body', input.body, 100_000);
  text('dedupeKey', input.dedupeKey, 300);
  // Only paths inside Parley: a notice must never send its reader to another site.
  if (typeof input.link !== 'string' || !/^\/(?![/\\])\S*$/.test(input.link) || input.link.length > 2000)
    errors.push({ field: 'link', message: 'A path inside Parley, starting with one "/".' });
  if (errors.length) throw new ValidationError(errors);
}

export class NotificationService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Records a notice for a user: the in-app entry and, when there is an address, an e-mail in the
   * outbox. Pass the caller's transaction as `db` so the notice commits (or rolls back) with the
   * change it reports; given the plain database, notify() opens its own transaction. Idempotent per
   * user and dedupe key. A disabled account gets nothing.
   */
  async notify(db: Kysely<Database>, input: NoticeInput): Promise<NoticeResult> {
    checkNotice(input);
    if (!db.isTransaction) return db.transaction().execute((trx) => this.notify(trx, input));
    const user = await users.findUserById(db, input.userId);
    if (!user) throw new NotFoundError('No such user.');
    if (user.disabled_at) return { created: false, notificationId: undefined, emailQueued: false };
    const now = iso(this.deps.clock.now());
    const id = this.deps.random.uuid();
    const created = await notifications.insertNotification(db, {
      id,
      user_id: user.id,
      case_id: input.caseId ?? null,
      kind: input.kind,
      title: input.title,
      body: input.body,
      link: input.link,
      dedupe_key: input.dedupeKey,
      created_at: now,
      read_at: null,
    });
    // A repeated notice changes nothing, not even an e-mail whose address changed since.
    if (!created) return { created: false, notificationId: undefined, emailQueued: false };
    const address = input.email === false ? undefined : (input.email?.address ?? user.email);
    const pref = prefForKind(input.kind);
    const wanted = !pref || parseMailPrefs(user.mail_prefs)[pref];
    let emailQueued = false;
    if (address && wanted) {
      const url = new URL(input.link, this.deps.publicUrl).toString();
      emailQueued = await queueMail(db, this.deps, {
        to: address,
        recipientUserId: user.id,
        caseId: input.caseId ?? null,
        kind: input.kind,
        subject: input.title,
        text: `${input.emailBody ?? input.body}\n\n${url}\n`,
        threadCaseId: input.caseId ?? undefined,
        url,
        meta: { notificationId: id, link: input.link },
        // Per channel and user: the same notice to two people is two e-mails.
        dedupeKey: `email:${user.id}:${input.dedupeKey}`,
      });
    }
    return { created: true, notificationId: id, emailQueued };
  }

  /** The signed-in user's own notices, newest first. */
  async listNotifications(
    actor: Actor,
    opts: { unreadOnly?: boolean; limit?: number } = {},
  ): Promise<NotificationView[]> {
    const user = requireUser(actor);
    const limit = Math.min(Math.max(Math.trunc(opts.limit ?? LIST_DEFAULT), 1), LIST_MAX);
    const rows = await notifications.listNotifications(this.deps.db, user.id, {
      unreadOnly: !!opts.unreadOnly,
      limit,
    });
    return rows.map(presentNotification);
  }

  /**
   * Marks the signed-in user's notices read: the listed ids, or all of them. Ids of other users'
   * notices are not an error, they simply match nothing. Returns how many changed.
   */
  async markRead(actor: Actor, ids: readonly unknown[] | 'all'): Promise<number> {
    const user = requireUser(actor);
    if (ids !== 'all') {
      if (!Array.isArray(ids) || ids.length > MARK_MAX || ids.some((id) => typeof id !== 'string'))
        throw new ValidationError([{ field: 'ids', message: `A list of at most ${MARK_MAX} ids.` }]);
    }
    const now = iso(this.deps.clock.now());
    return notifications.markNotificationsRead(this.deps.db, user.id, ids as string[] | 'all', now);
  }

  async unreadCount(actor: Actor): Promise<number> {
    const user = requireUser(actor);
    return notifications.countUnread(this.deps.db, user.id);
  }

  /** Outbox counts by channel and status, for the instance admin's operations view. */
  async outboxStats(actor: Actor): Promise<OutboxStats> {
    requireAdmin(actor);
    const rows = await outbox.outboxCounts(this.deps.db);
    return { total: rows.reduce((n, r) => n + r.count, 0), byChannelAndStatus: rows };
  }
}
