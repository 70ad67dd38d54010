// Publishing advisories: now, or scheduled for a moment in a time zone (the embargo), which the
// publish job honours after restarts too; unscheduling, and withdrawing a published advisory. Every
// step is one transaction: the public id, the public revision, the linked cases' move to
// `disclosed`, their timeline events and the notices to team and reporters commit together or not
// at all.
import { DateTime } from 'luxon';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import { formatAdvisoryId } from '../../domain/advisory/advisory-ids.ts';
import type { AdvisoryRow, ProjectRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { advisorySettings, iso, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import type { NotificationService } from '../notification.service.ts';
import type { TeamAdvisoryView } from '../presenters/advisory.presenter.ts';
import { loadTeamAdvisory, requirePublisher } from './advisory-access.ts';
import { auditAdvisory, auditPublication, discloseCases, notifyTeam } from './advisory-disclosure.ts';
import type { AdvisoryService } from './advisory.service.ts';
import type { AnnouncementService } from '../announcements/announcement.service.ts';
import { emitAdvisoryEvent } from '../webhooks/advisory-events.ts';
import { assertPublishable } from './advisory-publishable.ts';

const MAX_EMBARGO_YEARS = 2;

export class AdvisoryPublishingService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly advisories: AdvisoryService,
    private readonly notifications: NotificationService,
    private readonly announcements: AnnouncementService,
  ) {}

  async publish(actor: Actor, ref: string): Promise<TeamAdvisoryView> {
    const access = await loadTeamAdvisory(this.deps.db, actor, ref);
    requirePublisher(access);
    await this.publishRow(access.row, access.project, access.user.id, actor);
    return this.advisories.get(actor, access.row.uid);
  }

  /**
   * Sets the embargo: the advisory goes public at `at` (a local date-time such as 2026-12-01T09:00,
   * or one with an offset) in the IANA zone `zone`.
   */
  async schedule(
    actor: Actor,
    ref: string,
    input: { at: unknown; zone: unknown },
  ): Promise<TeamAdvisoryView> {
    const access = await loadTeamAdvisory(this.deps.db, actor, ref);
    requirePublisher(access);
    const { row } = access;
    if (row.state !== 'draft' && row.state !== 'scheduled') {
      throw new ConflictError(`A ${row.state} advisory cannot be scheduled.`, 'invalid-advisory-state');
    }
    const zone = typeof input.zone === 'string' && input.zone ? input.zone : 'UTC';
    if (!DateTime.now().setZone(zone).isValid) {
      throw new ValidationError([
        { field: 'zone', message: `"${zone}" is not a time zone (use e.g. Europe/Berlin).` },
      ]);
    }
    const when =
      typeof input.at === 'string' ? DateTime.fromISO(input.at, { zone }) : DateTime.invalid('missing');
    if (!when.isValid) {
      throw new ValidationError([{ field: 'at', message: 'Give a date and time such as 2026-12-01T09:00.' }]);
    }
    const now = DateTime.fromJSDate(this.deps.clock.now());
    if (when <= now)
      throw new ValidationError([{ field: 'at', message: 'The embargo must end in the future.' }]);
    if (when > now.plus({ years: MAX_EMBARGO_YEARS })) {
      throw new ValidationError([
        { field: 'at', message: `An embargo can last at most ${MAX_EMBARGO_YEARS} years.` },
      ]);
    }
    const content = assertPublishable(this.deps, row, access.project);
    const scheduledFor = when.toUTC().toISO()!;
    await this.deps.db.transaction().execute(async (trx) => {
      const moved = await advisories.updateAdvisoryIf(
        trx,
        row.uid,
        { revision: row.revision, states: ['draft', 'scheduled'] },
        {
          state: 'scheduled',
          scheduled_for: scheduledFor,
          scheduled_zone: zone,
          scheduled_by: access.user.id,
          updated_at: iso(now.toJSDate()),
        },
      );
      if (!moved) throw new ConflictError('The advisory changed meanwhile; reload it and try again.');
      await emitAdvisoryEvent(trx, this.deps, {
        event: 'advisory.scheduled',
        projectId: row.project_id,
        uid: row.uid,
        id: null,
        title: content.title,
        severity: content.severity,
        revision: row.revision,
        scheduledFor,
      });
      const was = row.state === 'scheduled' ? { was: row.scheduled_for } : {};
      await auditAdvisory(trx, this.deps, actor, row, 'advisory.scheduled', { scheduledFor, zone, ...was });
    });
    return this.advisories.get(actor, row.uid);
  }

  /** Lifts a schedule: the advisory goes back to being a draft. */
  async unschedule(actor: Actor, ref: string): Promise<TeamAdvisoryView> {
    const access = await loadTeamAdvisory(this.deps.db, actor, ref);
    requirePublisher(access);
    const { row } = access;
    await this.deps.db.transaction().execute(async (trx) => {
      const moved = await advisories.updateAdvisoryIf(
        trx,
        row.uid,
        { states: ['scheduled'] },
        {
          state: 'draft',
          scheduled_for: null,
          scheduled_zone: null,
          scheduled_by: null,
          updated_at: iso(this.deps.clock.now()),
        },
      );
      if (!moved) throw new ConflictError('The advisory is not scheduled.', 'invalid-advisory-state');
      const data = { scheduledFor: null, was: row.scheduled_for };
      await auditAdvisory(trx, this.deps, actor, row, 'advisory.scheduled', data);
    });
    return this.advisories.get(actor, access.row.uid);
  }

  /** Withdraws a published advisory: it stays public, marked withdrawn with the reason. */
  async withdraw(actor: Actor, ref: string, input: { reason: unknown }): Promise<TeamAdvisoryView> {
    const access = await loadTeamAdvisory(this.deps.db, actor, ref);
    requirePublisher(access);
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    if (!reason || reason.length > 2000) {
      throw new ValidationError([
        { field: 'reason', message: 'Say why it is withdrawn (up to 2,000 characters).' },
      ]);
    }
    const { row } = access;
    const now = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      const next = row.revision + 1;
      const moved = await advisories.updateAdvisoryIf(
        trx,
        row.uid,
        { revision: row.revision, states: ['published'] },
        {
          state: 'withdrawn',
          withdrawn_at: now,
          withdrawn_reason: reason,
          modified_at: now,
          updated_at: now,
          revision: next,
        },
      );
      if (!moved)
        throw new ConflictError('Only a published advisory can be withdrawn.', 'invalid-advisory-state');
      // The withdrawal is a revision of its own, so the public history (CSAF tracking) records it.
      await advisories.insertRevision(trx, {
        advisory_uid: row.uid,
        revision: next,
        content: row.content,
        note: `Withdrawn: ${reason}`,
        created_at: now,
        created_by: access.user.id,
        public_number: (await advisories.maxPublicNumber(trx, row.uid)) + 1,
        public_at: now,
      });
      await emitAdvisoryEvent(trx, this.deps, {
        event: 'advisory.withdrawn',
        projectId: row.project_id,
        uid: row.uid,
        id: row.id,
        title: row.title,
        severity: row.severity,
        revision: next,
        withdrawnReason: reason,
      });
      await auditAdvisory(trx, this.deps, actor, row, 'advisory.withdrawn', { reason });
    });
    return this.advisories.get(actor, row.uid);
  }

  /** Publishes every scheduled advisory whose embargo has ended (the publish job). */
  async publishDue(): Promise<string[]> {
    const now = iso(this.deps.clock.now());
    const published: string[] = [];
    for (const uid of await advisories.dueScheduled(this.deps.db, now)) {
      const row = await advisories.findAdvisoryByUid(this.deps.db, uid);
      const project = row ? await projects.findProjectById(this.deps.db, row.project_id) : undefined;
      if (!row || !project || row.state !== 'scheduled') continue;
      published.push(await this.publishRow(row, project, row.scheduled_by, 'system'));
    }
    return published;
  }

  /** Makes the advisory public and returns its public id. */
  private async publishRow(
    row: AdvisoryRow,
    project: ProjectRow,
    by: string | null,
    actor: Actor | 'system',
  ): Promise<string> {
    if (row.state !== 'draft' && row.state !== 'scheduled') {
      throw new ConflictError(`The advisory is already ${row.state}.`, 'invalid-advisory-state');
    }
    const content = assertPublishable(this.deps, row, project);
    const nowDate = this.deps.clock.now();
    const now = iso(nowDate);
    const settings = advisorySettings(this.deps);
    return this.deps.db.transaction().execute(async (trx) => {
      const id =
        row.id ??
        formatAdvisoryId(
          settings.idPrefix,
          nowDate.getUTCFullYear(),
          await advisories.nextPublicNumber(trx, settings.idPrefix, nowDate.getUTCFullYear()),
        );
      const moved = await advisories.updateAdvisoryIf(
        trx,
        row.uid,
        { revision: row.revision, states: ['draft', 'scheduled'] },
        {
          id,
          state: 'published',
          published_at: row.published_at ?? now,
          modified_at: now,
          updated_at: now,
          scheduled_for: null,
          scheduled_zone: null,
          scheduled_by: null,
        },
      );
      if (!moved) throw new ConflictError('The advisory changed meanwhile; reload it and try again.');
      const n = (await advisories.maxPublicNumber(trx, row.uid)) + 1;
      await advisories.markRevisionPublic(trx, row.uid, row.revision, n, now);
      const disclosed = await discloseCases(this.deps, trx, row.uid, id, content.title, by, now);
      await notifyTeam(this.notifications, trx, project, id, content.title);
      // Only here, at the first publication (now or by the publish job): revisions are not announced.
      await this.announcements.announce(trx, {
        uid: row.uid,
        id,
        project,
        content,
        publishedAt: row.published_at ?? now,
      });
      await emitAdvisoryEvent(trx, this.deps, {
        event: 'advisory.published',
        projectId: project.id,
        uid: row.uid,
        id,
        title: content.title,
        severity: content.severity,
        revision: row.revision,
      });
      // Last in the transaction: the audit lock is then held only for these inserts.
      await auditPublication(
        trx,
        this.deps,
        { actor, by, projectId: project.id, uid: row.uid, id },
        disclosed,
      );
      return id;
    });
  }
}
