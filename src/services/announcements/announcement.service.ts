// Announcing advisories to the lists (services.announcements): when an advisory is first published,
// every confirmed subscriber of the project's list, its umbrella project's list and the instance-wide
// list gets one mail, queued in the publishing transaction. The text is signed once with the
// project's OpenPGP key (cleartext signature) and shared by every mail; each mail adds its own
// unsubscribe footer after the signed block and its own List-* headers. Revisions of a published
// advisory are not announced (the publishing code calls this only on first publication, and the
// dedupe key `announce:<uid>:<address>` makes a repeated call queue nothing).
import type { Insertable, Kysely } from 'kysely';
import type { AdvisoryContent } from '../../domain/advisory/advisory.types.ts';
import * as outbox from '../../storage/repositories/outbox.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as subs from '../../storage/repositories/subscriber.repository.ts';
import type { Database, OutboxTable, ProjectRow } from '../../storage/schema.ts';
import { advisorySettings, iso, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import type { MailPayload } from '../outbox/outbox-queue.ts';
import { parseContent } from '../presenters/advisory.presenter.ts';
import { loadTeamAdvisory } from '../advisories/advisory-access.ts';
import {
  announcementBody,
  announcementFooter,
  announcementSubject,
  type AnnouncementSource,
} from './announcement-text.ts';
import { listHeaders, listInfo, unsubscribeUrls, type ListInfo } from './list-links.ts';
import { SubscriptionService, type PublicList } from './subscription.service.ts';
import { ProjectKeyService } from '../project-keys.service.ts';

/** What `announce` needs of the advisory being published. */
export interface AnnouncedAdvisory {
  uid: string;
  /** The public id just assigned. */
  id: string;
  project: ProjectRow;
  content: AdvisoryContent;
  publishedAt: string;
}

export interface AnnouncementResult {
  /** Distinct confirmed addresses on the lists. */
  recipients: number;
  /** Mails written now (fewer than recipients when some were queued before). */
  queued: number;
  signed: boolean;
}

export interface AnnouncementPreview {
  advisoryUid: string;
  id: string;
  title: string;
  /** The id is a stand-in: the real one is assigned at publication. */
  placeholderId: boolean;
  /** Already published (or withdrawn): the announcement went out then, if anyone was subscribed. */
  published: boolean;
  subject: string;
  /** The text part before the footer: signed when `signed`. */
  text: string;
  signed: boolean;
  /** The footer each subscriber gets, with placeholders for the address and link. */
  footer: string;
  headers: Record<string, string>;
  /** Confirmed addresses it would go to now. */
  recipients: number;
  /** Mails already queued for this advisory (its announcement has gone out when > 0). */
  announced: number;
  lists: PublicList[];
}

export class AnnouncementService extends SubscriptionService {
  constructor(
    deps: ServiceDeps,
    private readonly projectKeys: ProjectKeyService,
  ) {
    super(deps);
  }

  /**
   * The project-key service reading through `db`. Announcing runs inside the publishing
   * transaction, and SQLite has one connection, which that transaction holds: a key lookup through
   * the shared handle would wait for it forever. A transaction gets its own short-lived service
   * (its key cache is empty, so the key is unlocked once per announcement, which is cheap enough).
   */
  private keysFor(db: Kysely<Database>): ProjectKeyService {
    return db === this.deps.db ? this.projectKeys : new ProjectKeyService({ ...this.deps, db });
  }

  /** Queues the announcement of a just-published advisory. Call inside the publishing transaction. */
  async announce(db: Kysely<Database>, a: AnnouncedAdvisory): Promise<AnnouncementResult> {
    const lists = await this.listsOf(db, a.project);
    const rank = new Map(lists.map((l, i) => [l.key, i]));
    // One mail per address: the project's own list first, then the umbrella's, then the instance's,
    // so the headers and footer name the most specific list the address is on.
    const chosen = new Map<string, { id: string; list_key: string; email: string }>();
    for (const r of await subs.confirmedSubscribers(
      db,
      lists.map((l) => l.key),
    )) {
      const had = chosen.get(r.email);
      if (!had || rank.get(r.list_key)! < rank.get(had.list_key)!) chosen.set(r.email, r);
    }
    if (chosen.size === 0) return { recipients: 0, queued: 0, signed: false };

    const body = announcementBody(this.sourceOf(a.id, a.project, a.content, a.publishedAt));
    const signed = await this.keysFor(db).clearsign(a.project.id, body);
    const text = signed ?? body;
    const subject = announcementSubject(a.id, a.content);
    const advisoryUrl = this.advisoryUrl(a.id);
    const now = iso(this.deps.clock.now());
    const byKey = new Map(lists.map((l) => [l.key, { list: l, headers: listHeaders(this.deps, l) }]));
    const unsubscribeUrl = unsubscribeUrls(this.deps);
    const rows: Insertable<OutboxTable>[] = [];
    for (const r of chosen.values()) {
      const { list, headers } = byKey.get(r.list_key)!;
      const unsubscribe = unsubscribeUrl(r.id);
      const payload: MailPayload = {
        headers: headers(unsubscribe),
        url: advisoryUrl,
        meta: { advisory: a.id, advisoryUid: a.uid, list: list.slug ?? '*', signed: signed !== null },
      };
      // The same row queueMail writes, built here so thousands go out in a few multi-row inserts.
      rows.push({
        id: this.deps.random.uuid(),
        channel: 'email',
        recipient_user_id: null,
        recipient_address: r.email,
        case_id: null,
        project_id: a.project.id,
        source_id: r.id,
        kind: 'announcement',
        subject,
        body: text + announcementFooter(r.email, list, unsubscribe),
        payload: JSON.stringify(payload),
        dedupe_key: `announce:${a.uid}:${r.email}`,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        sent_at: null,
        last_error: null,
        created_at: now,
      });
    }
    const queued = await outbox.insertOutboxMany(db, rows);
    return { recipients: chosen.size, queued, signed: signed !== null };
  }

  /**
   * The announcement exactly as a subscriber would get it (the team: maintainers, responders,
   * admins). A draft carries a stand-in id, since the real one is assigned at publication.
   */
  async preview(actor: Actor, advisoryRef: string): Promise<AnnouncementPreview> {
    const { row, project } = await loadTeamAdvisory(this.deps.db, actor, advisoryRef);
    const now = this.deps.clock.now();
    const id = row.id ?? `${advisorySettings(this.deps).idPrefix}-${now.getUTCFullYear()}-DRAFT`;
    const content = parseContent(row);
    const body = announcementBody(this.sourceOf(id, project, content, row.published_at ?? iso(now)));
    const signed = await this.projectKeys.clearsign(project.id, body);
    const lists = await this.listsOf(this.deps.db, project);
    const keys = lists.map((l) => l.key);
    const unsubscribe = `${new URL('/unsubscribe', this.deps.publicUrl)}?s=<subscriber id>&t=<token>`;
    return {
      advisoryUid: row.uid,
      id,
      title: content.title,
      placeholderId: row.id === null,
      published: row.state === 'published' || row.state === 'withdrawn',
      subject: announcementSubject(id, content),
      text: signed ?? body,
      signed: signed !== null,
      footer: announcementFooter('<subscriber address>', lists[0]!, unsubscribe),
      headers: listHeaders(this.deps, lists[0]!)(unsubscribe),
      recipients: await subs.countConfirmedAddresses(this.deps.db, keys),
      announced: await subs.countAnnounced(this.deps.db, row.uid),
      lists: lists.map((l) => ({ slug: l.slug, name: l.name })),
    };
  }

  /** The lists an advisory of `project` goes to: its own, its umbrella project's, the instance's. */
  private async listsOf(db: Kysely<Database>, project: ProjectRow): Promise<ListInfo[]> {
    const lists = [listInfo(this.deps, project)];
    const parent = project.parent_id ? await projects.findProjectById(db, project.parent_id) : undefined;
    if (parent) lists.push(listInfo(this.deps, parent));
    lists.push(listInfo(this.deps, null));
    return lists;
  }

  private advisoryUrl(id: string): string {
    return new URL(`/advisories/${encodeURIComponent(id)}`, this.deps.publicUrl).toString();
  }

  private sourceOf(
    id: string,
    project: ProjectRow,
    content: AdvisoryContent,
    publishedAt: string,
  ): AnnouncementSource {
    const advisoryUrl = this.advisoryUrl(id);
    return {
      id,
      projectName: project.name,
      content,
      publishedAt,
      advisoryUrl,
      osvUrl: `${advisoryUrl}/osv.json`,
    };
  }
}
