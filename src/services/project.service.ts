// Projects and their teams: creation (instance admins), public listing, members and roles
// (maintainers), and the projects a user works on.
import {
  ValidationError,
  ConflictError,
  NotFoundError,
  SecondFactorRequiredError,
  type FieldError,
} from '../domain/errors.ts';
import { isEmail } from '../domain/report.ts';
import { isProjectRole, type ProjectRole } from '../domain/roles.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as cases from '../storage/repositories/case.repository.ts';
import * as users from '../storage/repositories/user.repository.ts';
import type { ProjectRow } from '../storage/schema.ts';
import { iso, type ServiceDeps } from './deps.ts';
import type { Actor } from './actor.ts';
import { projectRole, requireAdmin, requireMaintainer, requireUser } from './access.ts';
import type { AuthService } from './auth.service.ts';
import { recordAudit } from './audit/audit-log.ts';
import {
  parseProjectFields,
  presentProject,
  type ProjectInput,
  type PublicProject,
} from './project-input.ts';

export { defaultKey, presentProject, type ProjectInput, type PublicProject } from './project-input.ts';

export class ProjectService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly auth: AuthService,
  ) {}

  /** Creates a project. The CLI passes `system: true`; in the UI only instance admins may. */
  async create(actor: Actor | 'system', input: ProjectInput): Promise<PublicProject> {
    if (actor !== 'system') requireAdmin(actor);
    const { slug, name, rawKey, description, errors } = parseProjectFields(input);
    // A component names its umbrella project, whose advisory lists and feeds then include its own.
    let parentId: string | null = null;
    if (typeof input.parent === 'string' && input.parent.trim()) {
      const parent = await projects.findProjectBySlug(this.deps.db, input.parent.trim().toLowerCase());
      if (!parent) errors.push({ field: 'parent', message: 'No project with this slug.' });
      else if (parent.parent_id)
        errors.push({ field: 'parent', message: 'An umbrella project cannot itself be a component.' });
      else parentId = parent.id;
    }
    if (errors.length) throw new ValidationError(errors);
    let key = rawKey;
    const keyGiven = typeof input.key === 'string' && input.key.trim() !== '';
    // A derived key that is taken gets a number (FLUX, FLUX2, …); a key the user chose is reported instead.
    for (let n = 2; !keyGiven && n < 100; n++) {
      const taken = await projects.findProjectByKey(this.deps.db, key);
      if (!taken) break;
      key = `${rawKey.slice(0, 14)}${n}`;
    }
    const clash = await projects.findProjectBySlugOrKey(this.deps.db, slug, key);
    if (clash) {
      const field = clash.slug === slug ? 'slug' : 'key';
      throw new ValidationError(
        [{ field, message: `Another project uses this ${field}.` }],
        `The ${field} is taken.`,
      );
    }
    const row = {
      id: this.deps.random.uuid(),
      slug,
      name,
      key,
      description,
      last_case_number: 0,
      policy_version: 0,
      parent_id: parentId,
      created_at: iso(this.deps.clock.now()),
    };
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        await projects.insertProject(trx, row);
        if (actor !== 'system' && actor.kind === 'user')
          await projects.upsertMembership(trx, row.id, actor.user.id, 'maintainer', row.created_at);
        await recordAudit(trx, this.deps, {
          action: 'project.created',
          actor,
          projectId: row.id,
          target: slug,
          data: { name, key, ...(parentId ? { parentId } : {}) },
        });
      });
    } catch (e) {
      // A concurrent create with the same slug or key lost the race on the unique index.
      if (await projects.findProjectBySlugOrKey(this.deps.db, slug, key))
        throw new ConflictError('The slug or key is taken.', 'project-exists');
      throw e;
    }
    return presentProject(row);
  }

  async listPublic(): Promise<PublicProject[]> {
    return (await projects.listProjects(this.deps.db)).map(presentProject);
  }

  async getPublic(slug: string): Promise<PublicProject> {
    const p = await projects.findProjectBySlug(this.deps.db, slug);
    if (!p) throw new NotFoundError('No such project.');
    return presentProject(p);
  }

  /** Projects the actor works on, with their role (admins see every project as 'admin' where not a member). */
  async myProjects(actor: Actor): Promise<Array<PublicProject & { role: ProjectRole | 'admin' }>> {
    const user = requireUser(actor);
    const mine = await projects.listMembershipsOfUser(this.deps.db, user.id);
    const result: Array<PublicProject & { role: ProjectRole | 'admin' }> = mine.map((m) => ({
      slug: m.slug,
      name: m.name,
      key: m.key,
      description: '',
      role: m.role,
    }));
    if (user.isAdmin) {
      const seen = new Set(result.map((r) => r.slug));
      for (const p of await projects.listProjects(this.deps.db)) {
        if (!seen.has(p.slug)) result.push({ ...presentProject(p), role: 'admin' });
      }
    }
    return result;
  }

  private async project(slug: string): Promise<ProjectRow> {
    const p = await projects.findProjectBySlug(this.deps.db, slug);
    if (!p) throw new NotFoundError('No such project.');
    return p;
  }

  /** Whether the actor may manage the project's team and settings (maintainer or instance admin). */
  async canManage(actor: Actor, slug: string): Promise<boolean> {
    if (actor.kind !== 'user') return false;
    const p = await projects.findProjectBySlug(this.deps.db, slug);
    if (!p) return false;
    // A maintainer barred by the project's 2FA rule is not shown the way in (the settings say why).
    const role = await projectRole(this.deps.db, actor, p.id).catch((e: unknown) => {
      if (e instanceof SecondFactorRequiredError) return undefined;
      throw e;
    });
    return role === 'maintainer' || role === 'admin';
  }

  async listMembers(actor: Actor, slug: string) {
    const p = await this.project(slug);
    await requireMaintainer(this.deps.db, actor, p);
    const rows = await projects.listMembers(this.deps.db, p.id);
    return rows.map((r) => ({
      userId: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      activated: r.password_hash !== null,
    }));
  }

  /**
   * Adds a member by e-mail with a role (or changes their role). When no account exists one is made
   * and its one-time activation path returned, for the maintainer to pass on until mail is set up.
   */
  async addMember(actor: Actor, slug: string, input: { email?: unknown; name?: unknown; role?: unknown }) {
    const p = await this.project(slug);
    await requireMaintainer(this.deps.db, actor, p);
    const email = typeof input.email === 'string' ? input.email.trim().toLowerCase() : '';
    const errors: FieldError[] = [];
    if (!isEmail(email)) errors.push({ field: 'email', message: 'Enter a valid e-mail address.' });
    if (!isProjectRole(input.role))
      errors.push({ field: 'role', message: 'Choose maintainer or responder.' });
    if (errors.length) throw new ValidationError(errors);
    let user = await users.findUserByEmail(this.deps.db, email);
    let activationPath: string | null = null;
    if (!user) {
      const name = typeof input.name === 'string' && input.name.trim() ? input.name : email.split('@')[0]!;
      const created = await this.auth.createInvitedUser(email, name);
      activationPath = created.activationPath;
      user = await users.findUserByEmail(this.deps.db, email);
      await recordAudit(this.deps.db, this.deps, {
        action: 'account.created',
        actor,
        projectId: p.id,
        target: email,
        data: { invited: true },
      });
    }
    const current = await projects.findRole(this.deps.db, p.id, user!.id);
    if (
      current === 'maintainer' &&
      input.role !== 'maintainer' &&
      (await projects.countMaintainers(this.deps.db, p.id)) <= 1
    ) {
      throw new ConflictError('A project keeps at least one maintainer.', 'last-maintainer');
    }
    await this.setMembership(actor, p, user!, current, input.role as ProjectRole);
    return { userId: user!.id, email, role: input.role as ProjectRole, activationPath };
  }

  /** CLI: put an existing account on a project's team. */
  async addMemberAsSystem(slug: string, email: string, role: ProjectRole): Promise<void> {
    const p = await this.project(slug);
    const user = await users.findUserByEmail(this.deps.db, email);
    if (!user)
      throw new NotFoundError(
        `No account has the e-mail ${email}; create it first (parley admin create, or the team settings page).`,
      );
    await this.setMembership('system', p, user, await projects.findRole(this.deps.db, p.id, user.id), role);
  }

  /** Puts the user on the team with `role` (or changes their role), on the audit record. */
  private async setMembership(
    actor: Actor | 'system',
    p: ProjectRow,
    user: { id: string; email: string },
    current: ProjectRole | undefined,
    role: ProjectRole,
  ): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      await projects.upsertMembership(trx, p.id, user.id, role, iso(this.deps.clock.now()));
      if (current === role) return;
      await recordAudit(trx, this.deps, {
        action: current ? 'team.role-changed' : 'team.member-added',
        actor,
        projectId: p.id,
        target: user.email,
        data: current ? { userId: user.id, from: current, to: role } : { userId: user.id, role },
      });
    });
  }

  async removeMember(actor: Actor, slug: string, userId: string): Promise<void> {
    const p = await this.project(slug);
    await requireMaintainer(this.deps.db, actor, p);
    const role = await projects.findRole(this.deps.db, p.id, userId);
    if (!role) throw new NotFoundError('That person is not on this team.');
    if (role === 'maintainer' && (await projects.countMaintainers(this.deps.db, p.id)) <= 1) {
      throw new ConflictError('A project keeps at least one maintainer.', 'last-maintainer');
    }
    const now = iso(this.deps.clock.now());
    const by = actor.kind === 'user' ? actor.user.id : null;
    // Someone who left the team must not keep cases (and their reminders): unassign them, on the record.
    await this.deps.db.transaction().execute(async (trx) => {
      await projects.deleteMembership(trx, p.id, userId);
      for (const caseId of await cases.unassignFromProject(trx, p.id, userId)) {
        await cases.insertEvent(trx, {
          case_id: caseId,
          at: now,
          type: 'assignee.changed',
          actor_kind: by ? 'user' : 'system',
          actor_user_id: by,
          visibility: 'internal',
          message_id: null,
          data: JSON.stringify({ assignee: null, reason: 'left the team' }),
        });
      }
      await recordAudit(trx, this.deps, {
        action: 'team.member-removed',
        actor,
        projectId: p.id,
        target: (await users.findUserById(trx, userId))?.email ?? userId,
        data: { userId, role },
      });
    });
  }
}
