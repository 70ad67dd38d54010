// Everything the public sees of advisories: lists with filters, single advisories, the hall of fame,
// feed entries and the machine-readable documents. Only published and withdrawn advisories exist
// here; a draft or scheduled one is answered exactly like an id that was never used.
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { isSeverity } from '../../domain/case-state.ts';
import { ADVISORY_ID_CHARS } from '../../domain/advisory/advisory-ids.ts';
import type { ExportSource } from '../../domain/advisory/advisory-export.types.ts';
import type { AdvisoryRow, ProjectRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as lists from '../../storage/repositories/advisory-list.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import type { ServiceDeps } from '../deps.ts';
import { csafPathOf } from '../../integrations/csaf/csaf-provider.ts';
import { parseContent, presentPublic, type PublicAdvisoryView } from '../presenters/advisory.presenter.ts';
import { partyStatementsOfAdvisory } from '../../storage/repositories/coordination.repository.ts';

export const PUBLIC_STATES = ['published', 'withdrawn'] as const;
export const PAGE_SIZE = 25;

export interface PartyStatement {
  organisation: string;
  status: string;
  statement: string | null;
  updatedAt: string | null;
}

export interface PublicAdvisoryFilter {
  project?: string;
  severity?: string;
  ecosystem?: string;
  year?: string | number;
  page?: number;
}

export interface HallOfFameEntry {
  name: string;
  advisories: { id: string; title: string; project: string; publishedAt: string; type: string | null }[];
}

export class AdvisoryPublicService {
  private projectCache = new Map<string, ProjectRow>();

  constructor(private readonly deps: ServiceDeps) {}

  private async project(id: string): Promise<ProjectRow> {
    let p = this.projectCache.get(id);
    if (!p) {
      p = (await projects.findProjectById(this.deps.db, id))!;
      // Names and slugs rarely change; a short-lived cache keeps list pages to one query.
      this.projectCache.set(id, p);
      setTimeout(() => this.projectCache.delete(id), 10_000).unref();
    }
    return p;
  }

  /** A project and its components (an umbrella lists theirs too). */
  async projectScope(slug: string): Promise<{ project: ProjectRow; ids: string[] }> {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    const components = await projects.listComponents(this.deps.db, project.id);
    return { project, ids: [project.id, ...components.map((c) => c.id)] };
  }

  async list(f: PublicAdvisoryFilter) {
    const errors = [];
    if (f.severity && !isSeverity(f.severity))
      errors.push({ field: 'severity', message: 'Unknown severity.' });
    const year = f.year === undefined || f.year === '' ? undefined : Number(f.year);
    if (year !== undefined && !(Number.isInteger(year) && year >= 1990 && year <= 2200)) {
      errors.push({ field: 'year', message: 'Give a year such as 2026.' });
    }
    if (f.ecosystem && (f.ecosystem.length > 100 || !/^[\w .:+-]+$/.test(f.ecosystem))) {
      errors.push({ field: 'ecosystem', message: 'Unknown ecosystem.' });
    }
    if (errors.length) throw new ValidationError(errors);
    const scope = f.project ? await this.projectScope(f.project) : undefined;
    const page = Number.isInteger(f.page) ? Math.max(1, Math.min(f.page!, 10_000)) : 1;
    const q: lists.AdvisoryListQuery = {
      projectIds: scope?.ids,
      states: PUBLIC_STATES,
      severity: f.severity || undefined,
      ecosystem: f.ecosystem || undefined,
      year,
      order: 'published',
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    };
    const [rows, total, facets] = await Promise.all([
      lists.listAdvisories(this.deps.db, q),
      lists.countAdvisories(this.deps.db, q),
      lists.publicFacets(this.deps.db, scope?.ids),
    ]);
    const items: PublicAdvisoryView[] = [];
    for (const r of rows) items.push(presentPublic(r, await this.project(r.project_id)));
    return { items, total, page, pageSize: PAGE_SIZE, facets, project: scope?.project };
  }

  /** A public advisory row by id, or NotFound — the same for drafts, scheduled and unknown ids. */
  async row(id: string): Promise<{ row: AdvisoryRow; project: ProjectRow }> {
    if (!ADVISORY_ID_CHARS.test(id)) throw new NotFoundError('No such advisory.');
    const row = await advisories.findAdvisoryById(this.deps.db, id);
    if (!row || !(PUBLIC_STATES as readonly string[]).includes(row.state))
      throw new NotFoundError('No such advisory.');
    return { row, project: await this.project(row.project_id) };
  }

  async get(id: string): Promise<PublicAdvisoryView> {
    const { row, project } = await this.row(id);
    return presentPublic(row, project);
  }

  /**
   * What the vendors and distributors coordinated on the advisory's cases said: status and public
   * statement, once the advisory is public (never while it is under embargo).
   */
  async partyStatements(id: string): Promise<PartyStatement[]> {
    const { row } = await this.row(id);
    return (await partyStatementsOfAdvisory(this.deps.db, row.uid)).map((p) => ({
      organisation: p.organisation,
      status: p.status,
      statement: p.statement,
      updatedAt: p.status_changed_at,
    }));
  }

  /** The newest public advisories, for feeds (of one project and its components, or all). */
  async recent(projectSlug?: string, limit = 50) {
    const scope = projectSlug ? await this.projectScope(projectSlug) : undefined;
    const rows = await lists.listAdvisories(this.deps.db, {
      projectIds: scope?.ids,
      states: PUBLIC_STATES,
      order: 'published',
      limit,
      offset: 0,
    });
    const items: PublicAdvisoryView[] = [];
    for (const r of rows) items.push(presentPublic(r, await this.project(r.project_id)));
    return { items, project: scope?.project };
  }

  /** Everything the format writers need about one public advisory. */
  async exportSource(row: AdvisoryRow, project: ProjectRow): Promise<ExportSource> {
    const revs = await advisories.listPublicRevisions(this.deps.db, [row.uid]);
    return buildExportSource(this.deps, row, project, revs);
  }

  /** All public advisories with their revision history (CSAF directory, bulk exports). */
  async allPublicSources(): Promise<ExportSource[]> {
    const rows = await lists.listAdvisories(this.deps.db, {
      states: PUBLIC_STATES,
      order: 'published',
      limit: 1_000_000,
      offset: 0,
    });
    const revs = await advisories.listPublicRevisions(
      this.deps.db,
      rows.map((r) => r.uid),
    );
    const out: ExportSource[] = [];
    for (const r of rows) {
      out.push(
        buildExportSource(
          this.deps,
          r,
          await this.project(r.project_id),
          revs.filter((v) => v.advisory_uid === r.uid),
        ),
      );
    }
    return out;
  }

  /** Everyone credited in a published advisory, most credits first. Anonymous reporters never appear. */
  async hallOfFame(): Promise<HallOfFameEntry[]> {
    const rows = await lists.listAdvisories(this.deps.db, {
      states: ['published'],
      order: 'published',
      limit: 1_000_000,
      offset: 0,
    });
    const byName = new Map<string, HallOfFameEntry>();
    for (const r of rows) {
      const content = parseContent(r);
      const project = await this.project(r.project_id);
      for (const credit of content.credits) {
        const key = credit.name.trim().toLowerCase();
        if (!key) continue;
        const entry = byName.get(key) ?? { name: credit.name.trim(), advisories: [] };
        if (!entry.advisories.some((a) => a.id === r.id)) {
          entry.advisories.push({
            id: r.id!,
            title: r.title,
            project: project.name,
            publishedAt: r.published_at!,
            type: credit.type ?? null,
          });
        }
        byName.set(key, entry);
      }
    }
    return [...byName.values()].sort(
      (a, b) => b.advisories.length - a.advisories.length || a.name.localeCompare(b.name),
    );
  }
}

export function buildExportSource(
  deps: Pick<ServiceDeps, 'publicUrl'>,
  row: AdvisoryRow,
  project: ProjectRow,
  revs: { public_number: number | null; public_at: string | null; note: string }[],
): ExportSource {
  const id = row.id!;
  const link = (p: string) => new URL(p, deps.publicUrl).toString();
  const e = encodeURIComponent(id);
  return {
    advisory: {
      id,
      projectId: row.project_id,
      state: row.state,
      content: parseContent(row),
      revision: row.revision,
      caseIds: [],
      createdAt: row.created_at,
      publishedAt: row.published_at,
      modifiedAt: row.modified_at ?? row.updated_at,
      withdrawnAt: row.withdrawn_at,
      scheduledFor: null,
      scheduledZone: null,
      source: row.source,
    },
    revisions: revs
      .filter((r) => r.public_number !== null)
      .map((r) => ({
        number: r.public_number!,
        date: r.public_at!,
        summary: r.public_number === 1 ? 'Initial publication' : r.note || 'Updated',
      })),
    project: { slug: project.slug, name: project.name },
    urls: {
      page: link(`/advisories/${e}`),
      osv: link(`/advisories/${e}/osv.json`),
      // The CSAF self link is where the provider directory serves the document.
      csaf: link(`/.well-known/csaf/white/${csafPathOf(id, row.published_at ?? row.updated_at)}`),
      cve: link(`/advisories/${e}/cve.json`),
    },
  };
}
