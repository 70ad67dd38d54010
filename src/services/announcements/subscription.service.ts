// Announcement-list membership: public double opt-in subscription (no account), confirmation,
// one-click unsubscription (RFC 8058), and the maintainers' view of their list. The public answers
// never tell whether an address was already subscribed: only the mailbox learns that.
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isEmail } from '../../domain/report.ts';
import * as subs from '../../storage/repositories/subscriber.repository.ts';
import type { SubscriberStatus } from '../../storage/repositories/subscriber.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import type { Database } from '../../storage/schema.ts';
import type { Kysely } from 'kysely';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { requireAdmin, requireMaintainer } from '../access.ts';
import { queueMail } from '../outbox/outbox-queue.ts';
import { alreadySubscribedMail, confirmationMail } from './announcement-text.ts';
import {
  CONFIRM_TTL_MS,
  INSTANCE_LIST,
  confirmUrl,
  listInfo,
  unsubscribeUrl,
  validUnsubscribeToken,
  type ListInfo,
} from './list-links.ts';

export interface PublicList {
  /** Null for the instance-wide list. */
  slug: string | null;
  name: string;
}

export interface SubscriptionAnswer {
  list: PublicList;
  email: string;
}

export interface UnsubscribeTarget {
  list: PublicList | null;
  email: string | null;
  /** False when the address is not (or no longer) on the list. */
  subscribed: boolean;
}

export interface SubscriberItem {
  id: string;
  email: string;
  status: SubscriberStatus;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

export const SUBSCRIBER_PAGE_SIZE = 50;
const HOUR_MS = 3600_000;
const SUBSCRIBER_ID = /^[0-9a-f-]{36}$/i;

const publicList = (l: ListInfo): PublicList => ({ slug: l.slug, name: l.name });

export class SubscriptionService {
  constructor(protected readonly deps: ServiceDeps) {}

  /**
   * Asks for a subscription to a project's list (by slug) or the instance-wide one (`*`). A new,
   * pending or unsubscribed address gets a confirmation link (valid 7 days; at most one mail per
   * list and hour); a confirmed one a "you are already subscribed" mail (at most one per hour per
   * address). The answer is the same in every case.
   */
  async subscribe(listRef: string, rawEmail: unknown): Promise<SubscriptionAnswer> {
    const email = normaliseEmail(rawEmail);
    const list = await this.publicListOf(listRef);
    const nowDate = this.deps.clock.now();
    const now = iso(nowDate);
    await this.deps.db.transaction().execute(async (trx) => {
      const token = this.deps.random.token(32);
      const id = this.deps.random.uuid();
      const fresh = {
        status: 'pending' as const,
        confirm_token_hash: hashSecret(token),
        created_at: now,
        confirmed_at: null,
        unsubscribed_at: null,
      };
      if (await subs.insertSubscriberIfAbsent(trx, { id, list_key: list.key, email, ...fresh })) {
        await this.queueConfirmation(trx, list, id, email, token);
        return;
      }
      const row = (await subs.findSubscriber(trx, list.key, email))!;
      if (row.status === 'confirmed') {
        const mail = alreadySubscribedMail(email, list, unsubscribeUrl(this.deps, row.id), this.site());
        await queueMail(trx, this.deps, {
          to: email,
          kind: 'subscription-exists',
          ...mail,
          // The hour in the key: a stranger typing the address again and again mails it once an hour.
          dedupeKey: `subscribe-exists:${email}:${now.slice(0, 13)}`,
          projectId: list.slug ? list.key : null,
          sourceId: row.id,
        });
        return;
      }
      // A pending address already mailed within the hour keeps that mail's link (only its hash is
      // stored, so it cannot be sent again); an unsubscribed one lost its link, so it gets a new one.
      const since = iso(new Date(nowDate.getTime() - HOUR_MS));
      if (
        row.status === 'pending' &&
        (await subs.countMailsSince(trx, row.id, 'subscription-confirm', since)) > 0
      ) {
        return;
      }
      await subs.updateSubscriber(trx, row.id, fresh);
      await this.queueConfirmation(trx, list, row.id, email, token);
    });
    return { list: publicList(list), email };
  }

  /** A list's public name, by project slug or `*` (NotFound for an unknown project). */
  async publicList(ref: string): Promise<PublicList> {
    return publicList(await this.publicListOf(ref));
  }

  /** Confirms a subscription from its link. Idempotent; an unknown or expired link is NotFound. */
  async confirm(rawToken: unknown): Promise<SubscriptionAnswer> {
    const token = typeof rawToken === 'string' ? rawToken.trim() : '';
    const row =
      token && token.length <= 100
        ? await subs.findSubscriberByTokenHash(this.deps.db, hashSecret(token))
        : undefined;
    if (!row) {
      throw new NotFoundError(
        'This confirmation link is not valid (any more). Subscribe again to get a new one; ' +
          'only the link in the newest mail works.',
      );
    }
    const list = await this.listOfKey(row.list_key);
    if (row.status !== 'confirmed') {
      const now = this.deps.clock.now();
      if (now.getTime() - Date.parse(row.created_at) > CONFIRM_TTL_MS) {
        throw new NotFoundError(
          'This confirmation link has expired (links work for 7 days). Subscribe again.',
        );
      }
      await subs.updateSubscriber(this.deps.db, row.id, { status: 'confirmed', confirmed_at: iso(now) }, [
        'pending',
      ]);
    }
    return { list: publicList(list), email: row.email };
  }

  /** Who an unsubscribe link is for (the page shown before the button is pressed). */
  async unsubscribeTarget(s: unknown, t: unknown): Promise<UnsubscribeTarget> {
    const id = this.checkLink(s, t);
    const row = await subs.findSubscriberById(this.deps.db, id);
    if (!row) return { list: null, email: null, subscribed: false };
    const list = publicList(await this.listOfKey(row.list_key));
    return { list, email: row.email, subscribed: row.status !== 'unsubscribed' };
  }

  /**
   * Unsubscribes at once (RFC 8058 one-click). The link's HMAC is the only credential; a valid link
   * whose subscriber was since removed is answered as done.
   */
  async unsubscribe(s: unknown, t: unknown): Promise<UnsubscribeTarget> {
    const id = this.checkLink(s, t);
    const row = await subs.findSubscriberById(this.deps.db, id);
    if (!row) return { list: null, email: null, subscribed: false };
    // The confirmation hash goes too, so an old confirmation mail cannot subscribe the address again.
    await subs.updateSubscriber(
      this.deps.db,
      id,
      { status: 'unsubscribed', unsubscribed_at: iso(this.deps.clock.now()), confirm_token_hash: null },
      ['pending', 'confirmed'],
    );
    const list = publicList(await this.listOfKey(row.list_key));
    return { list, email: row.email, subscribed: false };
  }

  /** Subscriber counts by status (maintainers; admins for `*`). */
  async listStats(actor: Actor, slug: string) {
    const list = await this.teamList(actor, slug);
    return { list: publicList(list), counts: await subs.countByStatus(this.deps.db, list.key) };
  }

  /** One page of the list's subscribers, by address, optionally of one status. */
  async listSubscribers(actor: Actor, slug: string, opts: { page?: number; status?: string } = {}) {
    const list = await this.teamList(actor, slug);
    const status = (['pending', 'confirmed', 'unsubscribed'] as const).find((x) => x === opts.status);
    const page = Number.isInteger(opts.page) && opts.page! > 0 ? opts.page! : 1;
    const counts = await subs.countByStatus(this.deps.db, list.key);
    const rows = await subs.listSubscribers(this.deps.db, list.key, {
      status,
      limit: SUBSCRIBER_PAGE_SIZE,
      offset: (page - 1) * SUBSCRIBER_PAGE_SIZE,
    });
    const items: SubscriberItem[] = rows.map((r) => ({
      id: r.id,
      email: r.email,
      status: r.status,
      createdAt: r.created_at,
      confirmedAt: r.confirmed_at,
      unsubscribedAt: r.unsubscribed_at,
    }));
    const total = status ? counts[status] : counts.pending + counts.confirmed + counts.unsubscribed;
    return { list: publicList(list), counts, items, total, page, pageSize: SUBSCRIBER_PAGE_SIZE, status };
  }

  /** Removes a subscriber from the list outright (maintainers). */
  async remove(actor: Actor, slug: string, subscriberId: string): Promise<void> {
    const list = await this.teamList(actor, slug);
    if (
      !SUBSCRIBER_ID.test(subscriberId) ||
      !(await subs.deleteSubscriber(this.deps.db, list.key, subscriberId))
    )
      throw new NotFoundError('No such subscriber on this list.');
  }

  private async queueConfirmation(
    db: Kysely<Database>,
    list: ListInfo,
    id: string,
    email: string,
    token: string,
  ) {
    const mail = confirmationMail(email, list, confirmUrl(this.deps, token), this.site());
    await queueMail(db, this.deps, {
      to: email,
      kind: 'subscription-confirm',
      ...mail,
      // Unique per link; the once-an-hour limit is checked before (countMailsSince).
      dedupeKey: `subscribe-confirm:${id}:${hashSecret(token).slice(0, 16)}`,
      projectId: list.slug ? list.key : null,
      sourceId: id,
    });
  }

  private site(): string {
    return this.deps.publicUrl.origin;
  }

  private checkLink(s: unknown, t: unknown): string {
    if (
      typeof s !== 'string' ||
      typeof t !== 'string' ||
      !SUBSCRIBER_ID.test(s) ||
      !validUnsubscribeToken(this.deps, s, t)
    ) {
      throw new NotFoundError(
        'This unsubscribe link is not valid. Use the link from the newest announcement.',
      );
    }
    return s;
  }

  /** A list by public reference: a project slug, or `*`. */
  protected async publicListOf(ref: string): Promise<ListInfo> {
    if (ref === INSTANCE_LIST) return listInfo(this.deps, null);
    const project = await projects.findProjectBySlug(this.deps.db, ref);
    if (!project) throw new NotFoundError('No such project.');
    return listInfo(this.deps, project);
  }

  protected async listOfKey(key: string): Promise<ListInfo> {
    if (key === INSTANCE_LIST) return listInfo(this.deps, null);
    const project = await projects.findProjectById(this.deps.db, key);
    // Projects are never deleted today; should that change, their lists must go with them.
    return project ? listInfo(this.deps, project) : { key, slug: null, name: 'a removed project' };
  }

  private async teamList(actor: Actor, slug: string): Promise<ListInfo> {
    if (slug === INSTANCE_LIST) {
      requireAdmin(actor);
      return listInfo(this.deps, null);
    }
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    await requireMaintainer(this.deps.db, actor, project);
    return listInfo(this.deps, project);
  }
}

/** Trimmed and lower-cased (one subscription per mailbox as people type it), or a field error. */
export function normaliseEmail(raw: unknown): string {
  const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (!isEmail(email)) {
    throw new ValidationError([
      { field: 'email', message: 'Enter an e-mail address such as you@example.org.' },
    ]);
  }
  return email;
}
