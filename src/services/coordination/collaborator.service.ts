// Collaborators: people the team invites to one case (say, the developer who will write the fix).
// They read that case as the team does and write internal notes; they never see the project's
// other cases, the parties' threads, or any control. Every change is on the timeline and in the
// audit log; every read by a collaborator is recorded (guest-views.ts).
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import * as coordination from '../../storage/repositories/coordination.repository.ts';
import { loadCase, requireCaseTeam } from '../access.ts';
import type { Actor } from '../actor.ts';
import type { AuthService } from '../auth.service.ts';
import { appendCaseEvent } from '../case-events.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { queueMail } from '../outbox/outbox-queue.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import { describeEmbargo, type EmbargoView } from '../../domain/embargo.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { collaboratorInvited } from './coordination-mail-texts.ts';
import { findOrInvite, parsePerson } from './invitee.ts';

export interface CollaboratorView {
  id: string;
  name: string;
  email: string;
  addedAt: string;
  lastViewedAt: string | null;
}

export interface SharedCase {
  key: string;
  title: string;
  state: string;
  as: 'collaborator' | 'party';
  embargo: EmbargoView | null;
}

export class CollaboratorService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly auth: AuthService,
  ) {}

  /** The cases the signed-in user was invited to (as collaborator or party contact). */
  async sharedWith(actor: Actor): Promise<SharedCase[]> {
    if (actor.kind !== 'user') return [];
    const now = this.deps.clock.now();
    const rows = await coordination.listGuestCases(this.deps.db, actor.user.id);
    return rows
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .map((r) => ({
        key: r.key,
        title: r.title,
        state: r.state,
        as: r.as,
        embargo: describeEmbargo(r.embargo_ends_at, r.embargo_zone, now),
      }));
  }

  async list(actor: Actor, ref: { id?: string; key?: string }): Promise<CollaboratorView[]> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'read');
    return (await coordination.listCollaborators(this.deps.db, row.id)).map((c) => ({
      id: c.id,
      name: c.name,
      email: c.email,
      addedAt: c.created_at,
      lastViewedAt: c.last_viewed_at,
    }));
  }

  /** Invites a person by e-mail (an account is made for an unknown address) and mails them. */
  async add(
    actor: Actor,
    ref: { id?: string; key?: string },
    raw: { email?: unknown; name?: unknown },
    meta: { ip?: string } = {},
  ): Promise<CollaboratorView> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    const team = requireCaseTeam(access, 'write');
    const person = parsePerson(raw);
    const invitee = await findOrInvite(this.deps, this.auth, person);
    if (await projects.findRole(this.deps.db, row.project_id, invitee.userId))
      throw new ValidationError([{ field: 'email', message: 'This person is on the team already.' }]);
    const now = this.deps.clock.now();
    const at = iso(now);
    const project = (await projects.findProjectById(this.deps.db, row.project_id))!;
    await this.deps.db.transaction().execute(async (trx) => {
      const added = await coordination.insertCollaborator(trx, {
        case_id: row.id,
        user_id: invitee.userId,
        added_by: team.user.id,
        created_at: at,
      });
      if (!added) return;
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'collaborator.added',
        visibility: 'internal',
        data: { userId: invitee.userId, name: invitee.name, email: invitee.email },
      });
      await recordAudit(trx, this.deps, {
        action: 'case.collaborator-added',
        actor,
        ip: meta.ip,
        projectId: row.project_id,
        caseId: row.id,
        target: `${row.key} ${invitee.email}`,
      });
      const text = collaboratorInvited(
        {
          key: row.key,
          projectName: project.name,
          url: new URL(`/cases/${encodeURIComponent(row.key)}`, this.deps.publicUrl).toString(),
          activationUrl: invitee.activationUrl,
          embargo: describeEmbargo(row.embargo_ends_at, row.embargo_zone, now),
        },
        team.user.name,
      );
      await queueMail(trx, this.deps, {
        to: invitee.email,
        recipientUserId: invitee.userId,
        caseId: row.id,
        projectId: row.project_id,
        kind: 'case.collaborator-invited',
        subject: text.subject,
        text: text.text,
        threadCaseId: row.id,
        dedupeKey: `mail:collaborator:${row.id}:${invitee.userId}:${at}`,
      });
    });
    return { id: invitee.userId, name: invitee.name, email: invitee.email, addedAt: at, lastViewedAt: null };
  }

  async remove(
    actor: Actor,
    ref: { id?: string; key?: string },
    userId: string,
    meta: { ip?: string } = {},
  ): Promise<void> {
    const { row, access } = await loadCase(this.deps.db, actor, ref);
    requireCaseTeam(access, 'write');
    const at = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      if (!(await coordination.deleteCollaborator(trx, row.id, userId)))
        throw new NotFoundError('No such collaborator on this case.');
      await appendCaseEvent(trx, undefined, row, actor, at, {
        type: 'collaborator.removed',
        visibility: 'internal',
        data: { userId },
      });
      await recordAudit(trx, this.deps, {
        action: 'case.collaborator-removed',
        actor,
        ip: meta.ip,
        projectId: row.project_id,
        caseId: row.id,
        target: `${row.key} ${userId}`,
      });
    });
  }
}
