// Drafting and editing advisories: create one (from cases, prefilled, or from given content), save
// changes as new revisions, and read them back for the team. Publishing, scheduling and withdrawing
// are in advisory-publishing.service.ts; public reads in advisory-public.service.ts.
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { AdvisoryContent, AdvisoryState } from '../../domain/advisory/advisory.types.ts';
import { parseAdvisoryContent, publishProblems } from '../../domain/advisory/advisory-validate.ts';
import { contentFromCases } from '../../domain/advisory/advisory-prefill.ts';
import { isProjectRole } from '../../domain/roles.ts';
import { barredProjects } from '../accounts/two-factor-rule.ts';
import type { AdvisoryRow, CaseRow, ProjectRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as lists from '../../storage/repositories/advisory-list.repository.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { loadCase, requireUser } from '../access.ts';
import {
  presentTeamSummary,
  parseContent,
  type TeamAdvisorySummary,
  type TeamAdvisoryView,
} from '../presenters/advisory.presenter.ts';
import { canPublish, loadTeamAdvisory, loadTeamProject } from './advisory-access.ts';
import { caseForAdvisory, storeContent } from './advisory-content.ts';
import { emitAdvisoryEvent } from '../webhooks/advisory-events.ts';

export interface TeamAdvisoryFilter {
  project?: string;
  state?: AdvisoryState;
  limit?: number;
  offset?: number;
}

export class AdvisoryService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Cases of `project` named by id or key; any other reference is a field error (never a leak). */
  private async resolveCases(project: ProjectRow, refs: unknown): Promise<CaseRow[]> {
    if (refs === undefined || refs === null) return [];
    if (!Array.isArray(refs) || refs.length > 50 || refs.some((r) => typeof r !== 'string')) {
      throw new ValidationError([{ field: 'cases', message: 'Give up to 50 case ids or keys.' }]);
    }
    const out: CaseRow[] = [];
    for (const ref of new Set(refs as string[])) {
      const c =
        (await cases.findCaseByKey(this.deps.db, ref)) ?? (await cases.findCaseById(this.deps.db, ref));
      if (!c || c.project_id !== project.id) {
        throw new ValidationError([
          { field: 'cases', message: `No case ${ref} in project ${project.slug}.` },
        ]);
      }
      out.push(c);
    }
    return out;
  }

  /**
   * A new draft in project `slug`. With `cases` and no `content`, the content is prefilled from the
   * cases; with `content`, that is validated and stored as given.
   */
  async create(
    actor: Actor,
    slug: string,
    input: { cases?: unknown; content?: unknown; note?: string },
  ): Promise<TeamAdvisoryView> {
    const { project } = await loadTeamProject(this.deps.db, actor, slug);
    const user = requireUser(actor);
    const linked = await this.resolveCases(project, input.cases);
    let content: AdvisoryContent;
    if (input.content !== undefined) content = parseAdvisoryContent(input.content);
    else if (linked.length) content = contentFromCases(linked.map(caseForAdvisory));
    else
      throw new ValidationError([{ field: 'content', message: 'Give the content, or cases to draft from.' }]);
    if (!content.title) content.title = 'Untitled advisory';
    const uid = this.deps.random.uuid();
    const now = iso(this.deps.clock.now());
    await this.deps.db.transaction().execute(async (trx) => {
      await advisories.insertAdvisory(trx, {
        uid,
        id: null,
        project_id: project.id,
        state: 'draft',
        source: 'parley',
        title: content.title,
        severity: content.severity,
        revision: 1,
        content: JSON.stringify(content),
        created_at: now,
        created_by: user.id,
        updated_at: now,
        published_at: null,
        modified_at: null,
        withdrawn_at: null,
        withdrawn_reason: null,
        scheduled_for: null,
        scheduled_zone: null,
        scheduled_by: null,
      });
      await storeContent(trx, uid, 1, content, { at: now, by: user.id, note: input.note ?? 'Draft created' });
      await advisories.linkCases(
        trx,
        uid,
        linked.map((c) => c.id),
      );
      for (const c of linked) {
        await cases.insertEvent(trx, {
          case_id: c.id,
          at: now,
          type: 'advisory.drafted',
          actor_kind: 'user',
          actor_user_id: user.id,
          visibility: 'internal',
          message_id: null,
          data: JSON.stringify({ advisory: uid, title: content.title }),
        });
      }
      await emitAdvisoryEvent(trx, this.deps, {
        event: 'advisory.draft',
        projectId: project.id,
        uid,
        id: null,
        title: content.title,
        severity: content.severity,
        revision: 1,
      });
    });
    return this.get(actor, uid);
  }

  /**
   * Saves new content as the next revision. `baseRevision` is the revision the editor started from:
   * a stale save is refused (409) instead of silently overwriting a colleague's changes. Saving a
   * published advisory moves its modified time and adds to its public revision history.
   */
  async update(
    actor: Actor,
    ref: string,
    input: { content: unknown; baseRevision: unknown; note?: unknown; cases?: unknown },
  ): Promise<TeamAdvisoryView> {
    const access = await loadTeamAdvisory(this.deps.db, actor, ref);
    const { row, project, user } = access;
    if (row.state === 'withdrawn')
      throw new ConflictError('A withdrawn advisory cannot be edited.', 'advisory-withdrawn');
    if (!Number.isInteger(input.baseRevision)) {
      throw new ValidationError([{ field: 'baseRevision', message: 'Give the revision you edited.' }]);
    }
    const content = parseAdvisoryContent(input.content);
    // Import hints (how the source spelled empty values) survive edits; see OsvShape.
    const previous = parseContent(row);
    if (previous.osvShape) content.osvShape = previous.osvShape;
    const note = typeof input.note === 'string' ? input.note.trim().slice(0, 500) : '';
    if (row.state !== 'draft') {
      const problems = publishProblems(content);
      if (problems.length) {
        throw new ValidationError(problems, `A ${row.state} advisory must stay publishable.`);
      }
    }
    const linked = input.cases === undefined ? undefined : await this.resolveCases(project, input.cases);
    const now = iso(this.deps.clock.now());
    const next = row.revision + 1;
    await this.deps.db.transaction().execute(async (trx) => {
      const moved = await advisories.updateAdvisoryIf(
        trx,
        row.uid,
        { revision: input.baseRevision as number, states: [row.state] },
        {
          revision: next,
          content: JSON.stringify(content),
          title: content.title,
          severity: content.severity,
          updated_at: now,
          ...(row.state === 'published' ? { modified_at: now } : {}),
        },
      );
      if (!moved) {
        throw new ConflictError(
          'Someone else changed this advisory since you opened it; reload it and apply your changes again.',
          'stale-revision',
        );
      }
      await storeContent(trx, row.uid, next, content, { at: now, by: user.id, note: note || 'Edited' });
      if (row.state === 'published') {
        const n = (await advisories.maxPublicNumber(trx, row.uid)) + 1;
        await advisories.markRevisionPublic(trx, row.uid, next, n, now);
      }
      if (linked) {
        const before = await advisories.caseIdsOf(trx, row.uid);
        const after = linked.map((c) => c.id);
        await advisories.unlinkCases(
          trx,
          row.uid,
          before.filter((id) => !after.includes(id)),
        );
        await advisories.linkCases(trx, row.uid, after);
      }
    });
    return this.get(actor, row.uid);
  }

  async get(actor: Actor, ref: string): Promise<TeamAdvisoryView> {
    const { row, project, role } = await loadTeamAdvisory(this.deps.db, actor, ref);
    return this.view(row, project, canPublish(role));
  }

  async view(row: AdvisoryRow, project: ProjectRow, publisher: boolean): Promise<TeamAdvisoryView> {
    const content = parseContent(row);
    const caseIds = await advisories.caseIdsOf(this.deps.db, row.uid);
    const linked = [];
    for (const id of caseIds) {
      const c = await cases.findCaseById(this.deps.db, id);
      if (c) linked.push({ id: c.id, key: c.key, title: c.title, state: c.state });
    }
    return {
      uid: row.uid,
      id: row.id,
      project: { slug: project.slug, name: project.name },
      state: row.state,
      source: row.source,
      revision: row.revision,
      content,
      cases: linked,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      publishedAt: row.published_at,
      modifiedAt: row.modified_at,
      withdrawnAt: row.withdrawn_at,
      withdrawnReason: row.withdrawn_reason,
      scheduledFor: row.scheduled_for,
      scheduledZone: row.scheduled_zone,
      canPublish: publisher,
      publishProblems: row.state === 'draft' || row.state === 'scheduled' ? publishProblems(content) : [],
    };
  }

  /** The advisories of the projects the actor is on the team of (all projects for admins). */
  async list(actor: Actor, f: TeamAdvisoryFilter): Promise<{ items: TeamAdvisorySummary[]; total: number }> {
    const user = requireUser(actor);
    const memberships = await projects.listMembershipsOfUser(this.deps.db, user.id);
    let projectRows = user.isAdmin
      ? await projects.listProjects(this.deps.db)
      : (
          await Promise.all(
            memberships
              .filter((m) => isProjectRole(m.role))
              .map((m) => projects.findProjectById(this.deps.db, m.id)),
          )
        ).filter((p): p is ProjectRow => p !== undefined);
    // Projects whose 2FA rule the user does not meet are left out.
    const barred = await barredProjects(
      this.deps.db,
      actor,
      projectRows.map((p) => p.id),
    );
    projectRows = projectRows.filter((p) => !barred.has(p.id));
    if (f.project) {
      projectRows = projectRows.filter((p) => p.slug === f.project);
      if (projectRows.length === 0) throw new NotFoundError('No such project.');
    }
    const byId = new Map(projectRows.map((p) => [p.id, p]));
    const q: lists.AdvisoryListQuery = {
      projectIds: [...byId.keys()],
      states: f.state ? [f.state] : ['draft', 'scheduled', 'published', 'withdrawn'],
      order: 'updated',
      limit: Math.min(Math.max(f.limit ?? 50, 1), 200),
      offset: Math.max(f.offset ?? 0, 0),
    };
    const [rows, total] = await Promise.all([
      lists.listAdvisories(this.deps.db, q),
      lists.countAdvisories(this.deps.db, q),
    ]);
    return { items: rows.map((r) => presentTeamSummary(r, byId.get(r.project_id)!)), total };
  }

  /** Every revision, newest first, with its content (the team's history view). */
  async revisions(actor: Actor, ref: string) {
    const { row } = await loadTeamAdvisory(this.deps.db, actor, ref);
    const revs = await advisories.listRevisions(this.deps.db, row.uid);
    return revs.map((r) => ({
      revision: r.revision,
      note: r.note,
      createdAt: r.created_at,
      createdBy: r.created_by_name,
      publicNumber: r.public_number,
      publicAt: r.public_at,
      content: JSON.parse(r.content) as AdvisoryContent,
    }));
  }

  /** Advisories drafted from a case (shown on the team's case page); reporters see none here. */
  async ofCase(actor: Actor, caseId: string) {
    const { access } = await loadCase(this.deps.db, actor, { id: caseId });
    if (access.as !== 'team') return [];
    return advisories.advisoriesOfCase(this.deps.db, caseId);
  }
}
