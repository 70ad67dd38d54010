// A project's security settings, for its maintainers: the rule that every member must sign in with
// a second factor (require_2fa), and who on the team has none yet. Turning the rule on needs the
// maintainer to meet it, so nobody locks the project away from themselves by accident.
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as sec from '../../storage/repositories/account-security.repository.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Actor } from '../actor.ts';
import { requireMaintainer } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';

export interface ProjectSecurity {
  require2fa: boolean;
  /** Members who could not act on the project while the rule is on. */
  membersWithoutSecondFactor: Array<{ name: string; email: string; role: string }>;
}

export class ProjectSecurityService {
  constructor(private readonly deps: ServiceDeps) {}

  private async project(slug: string) {
    const p = await projects.findProjectBySlug(this.deps.db, slug);
    if (!p) throw new NotFoundError('No such project.');
    return p;
  }

  async get(actor: Actor, slug: string): Promise<ProjectSecurity> {
    const p = await this.project(slug);
    await requireMaintainer(this.deps.db, actor, p);
    const without = await sec.membersWithoutSecondFactor(this.deps.db, p.id);
    return {
      require2fa: p.require_2fa === 1,
      membersWithoutSecondFactor: without.map((m) => ({ name: m.name, email: m.email, role: m.role })),
    };
  }

  async setRequire2fa(
    actor: Actor,
    slug: string,
    value: unknown,
    meta: { ip?: string | undefined } = {},
  ): Promise<ProjectSecurity> {
    if (typeof value !== 'boolean')
      throw new ValidationError([{ field: 'require2fa', message: 'Say true or false.' }]);
    const p = await this.project(slug);
    const user = await requireMaintainer(this.deps.db, actor, p);
    if (value && !user.hasSecondFactor)
      throw new ConflictError(
        'Set up two-factor sign-in for yourself first (on /account/security) and sign in with it: the rule would lock you out.',
      );
    if ((p.require_2fa === 1) !== value) {
      await this.deps.db.transaction().execute(async (trx) => {
        await sec.setProjectRequire2fa(trx, p.id, value);
        await recordAudit(trx, this.deps, {
          action: 'project.settings-changed',
          actor,
          ip: meta.ip,
          projectId: p.id,
          target: p.slug,
          data: { require2fa: value },
        });
      });
    }
    return this.get(actor, slug);
  }
}
