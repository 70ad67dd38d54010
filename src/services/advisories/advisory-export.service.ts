// Advisories in the field's machine-readable formats — OSV, CSAF 2.0, CVE JSON 5 — and the CSAF
// provider's directory. Public documents exist only for published and withdrawn advisories; the team
// may preview a draft's documents, written with a placeholder id since the real one is assigned at
// publication.
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ExportSource } from '../../domain/advisory/advisory-export.types.ts';
import { releaseNotes } from '../../domain/advisory/release-notes.ts';
import { toOsv } from '../../integrations/osv/osv-export.ts';
import { toCsaf, csafFilename } from '../../integrations/csaf/csaf-export.ts';
import { csafPathOf, directoryIndex, providerMetadata } from '../../integrations/csaf/csaf-provider.ts';
import { cveRecordsOf } from '../../integrations/cve/cve-export.ts';
import type { AdvisoryRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as lists from '../../storage/repositories/advisory-list.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import { advisorySettings, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { loadTeamAdvisory } from './advisory-access.ts';
import { buildExportSource, type AdvisoryPublicService } from './advisory-public.service.ts';
import { publisherSettings } from './publisher-settings.ts';
import { recordAudit } from '../audit/audit-log.ts';

export const EXPORT_FORMATS = ['osv', 'csaf', 'cve'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class AdvisoryExportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly publicAdvisories: AdvisoryPublicService,
  ) {}

  private write(source: ExportSource, format: ExportFormat): unknown {
    const settings = publisherSettings(this.deps);
    if (format === 'osv') return toOsv(source, settings);
    if (format === 'csaf') return toCsaf(source, settings);
    if (source.advisory.content.cveIds.length === 0) {
      throw new ValidationError([
        { field: 'cveIds', message: 'The advisory has no CVE id, so there is no CVE record.' },
      ]);
    }
    const s = advisorySettings(this.deps);
    const records = cveRecordsOf(source, settings, { orgId: s.cveOrgId, shortName: s.cveShortName });
    return records.length === 1 ? records[0] : records;
  }

  /** A public advisory's document; NotFound for anything not public. */
  async publicDocument(id: string, format: ExportFormat): Promise<unknown> {
    const { row, project } = await this.publicAdvisories.row(id);
    if (format === 'cve' && JSON.parse(row.content).cveIds.length === 0)
      throw new NotFoundError('This advisory has no CVE record.');
    return this.write(await this.publicAdvisories.exportSource(row, project), format);
  }

  /** The team's view of any advisory's document (a draft's is a preview with a placeholder id). */
  async teamDocument(actor: Actor, ref: string, format: ExportFormat): Promise<unknown> {
    const { row, project } = await loadTeamAdvisory(this.deps.db, actor, ref);
    const doc = this.write(await this.sourceOf(row.uid, project), format);
    await this.audited(actor, row, format);
    return doc;
  }

  /** An export of a not-yet-public advisory carries embargoed details: on the record, who took it. */
  private audited(actor: Actor | 'system', row: AdvisoryRow, format: ExportFormat) {
    return recordAudit(this.deps.db, this.deps, {
      action: 'advisory.exported',
      actor,
      projectId: row.project_id,
      target: row.id ?? row.uid,
      data: { uid: row.uid, format, state: row.state },
    });
  }

  /** For the operator's CLI: any advisory by public id or uid, without an actor. */
  async systemDocument(ref: string, format: ExportFormat): Promise<unknown> {
    const row =
      (await advisories.findAdvisoryById(this.deps.db, ref)) ??
      (await advisories.findAdvisoryByUid(this.deps.db, ref));
    if (!row) throw new NotFoundError(`No advisory ${ref}.`);
    const project = (await projects.findProjectById(this.deps.db, row.project_id))!;
    const doc = this.write(await this.sourceOf(row.uid, project), format);
    await this.audited('system', row, format);
    return doc;
  }

  private async sourceOf(
    uid: string,
    project: Parameters<typeof buildExportSource>[2],
  ): Promise<ExportSource> {
    const row = (await advisories.findAdvisoryByUid(this.deps.db, uid))!;
    const revs = await advisories.listPublicRevisions(this.deps.db, [uid]);
    const now = this.deps.clock.now().toISOString();
    const draft = row.id === null;
    const placeholder = draft
      ? {
          ...row,
          id: `${advisorySettings(this.deps).idPrefix}-${now.slice(0, 4)}-DRAFT`,
          published_at: row.published_at ?? now,
          modified_at: now,
        }
      : row;
    const source = buildExportSource(this.deps, placeholder, project, draft ? [] : revs);
    if (source.revisions.length === 0)
      source.revisions = [{ number: 1, date: now, summary: 'Draft (not published)' }];
    return source;
  }

  /** The Markdown snippet to paste into a release's notes. */
  async releaseNotes(id: string): Promise<string> {
    const view = await this.publicAdvisories.get(id);
    return releaseNotes(
      view.id,
      new URL(`/advisories/${encodeURIComponent(view.id)}`, this.deps.publicUrl).toString(),
      view.content,
    );
  }

  /** The CSAF provider metadata document (provider-metadata.json). */
  async csafProviderMetadata() {
    const rows = await lists.listPublicIds(this.deps.db);
    const lastUpdated = rows.reduce(
      (m, r) => (r.modified_at! > m ? r.modified_at! : m),
      '1970-01-01T00:00:00.000Z',
    );
    return providerMetadata(publisherSettings(this.deps), { lastUpdated });
  }

  /** The directory distribution's index.txt and changes.csv. */
  async csafIndex() {
    const rows = await lists.listPublicIds(this.deps.db);
    return directoryIndex(
      rows.map((r) => ({
        id: r.id!,
        year: Number(csafPathOf(r.id!, r.published_at!).slice(0, 4)),
        currentReleaseDate: r.modified_at!,
      })),
    );
  }

  /** One CSAF document by its directory path (`2026/parley-2026-0001.json`), or NotFound. */
  async csafByPath(path: string): Promise<unknown> {
    const rows = await lists.listPublicIds(this.deps.db);
    const hit = rows.find((r) => csafPathOf(r.id!, r.published_at!) === path);
    if (!hit) throw new NotFoundError('No such CSAF document.');
    return this.publicDocument(hit.id!, 'csaf');
  }

  get csafFilename() {
    return csafFilename;
  }
}
