// Imports OSV records into a project as published advisories. Idempotent: a record whose id is
// already here is updated only when its `modified` is newer, so re-running an import changes
// nothing. Invalid records are reported with their reason and the rest are kept; records of an id
// that a Parley-written advisory or another project already holds are refused.
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../domain/errors.ts';
import type { AdvisoryContent } from '../../domain/advisory/advisory.types.ts';
import { fromOsv } from '../../integrations/osv/osv-import.ts';
import type { Database, ProjectRow } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import type { ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { requireMaintainer } from '../access.ts';
import { storeContent } from './advisory-content.ts';

export interface ImportItem {
  path: string;
  raw?: unknown;
  error?: string;
}

export interface ImportReport {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  invalid: { path: string; id: string | null; errors: string[] }[];
}

export interface ImportedRecord {
  id: string;
  publishedAt: string | null;
  modifiedAt: string;
  withdrawnAt: string | null;
  content: AdvisoryContent;
}

export class AdvisoryImportService {
  constructor(private readonly deps: ServiceDeps) {}

  /** `by` is a maintainer of the project, or 'system' for the operator's CLI. */
  async importOsv(
    by: Actor | 'system',
    slug: string,
    items: AsyncIterable<ImportItem> | Iterable<ImportItem>,
    progress?: (done: number) => void,
  ): Promise<ImportReport> {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError(`No project "${slug}".`);
    if (by !== 'system') await requireMaintainer(this.deps.db, by, project);
    const report: ImportReport = { read: 0, created: 0, updated: 0, unchanged: 0, invalid: [] };
    for await (const item of items) {
      report.read++;
      if (item.error !== undefined) {
        report.invalid.push({ path: item.path, id: null, errors: [item.error] });
      } else {
        const parsed = fromOsv(item.raw);
        if (!parsed.ok) report.invalid.push({ path: item.path, id: parsed.id, errors: parsed.errors });
        else {
          const outcome = await this.upsert(project, parsed.record);
          if (typeof outcome === 'string')
            report.invalid.push({ path: item.path, id: parsed.record.id, errors: [outcome] });
          else report[outcome.result]++;
        }
      }
      progress?.(report.read);
    }
    return report;
  }

  /** Stores one record; returns what happened, or the reason it was refused. */
  async upsert(
    project: ProjectRow,
    rec: ImportedRecord,
  ): Promise<{ result: 'created' | 'updated' | 'unchanged' } | string> {
    if (rec.publishedAt === null)
      rec = {
        ...rec,
        content: { ...rec.content, osvShape: { ...rec.content.osvShape, publishedAbsent: true } },
      };
    return this.deps.db.transaction().execute(async (trx) => {
      const existing = await advisories.findAdvisoryById(trx, rec.id);
      const now = new Date(this.deps.clock.now()).toISOString();
      const state = rec.withdrawnAt ? 'withdrawn' : 'published';
      const published = rec.publishedAt ?? rec.modifiedAt;
      if (existing) {
        if (existing.project_id !== project.id) return `${rec.id} belongs to another project.`;
        if (existing.source !== 'osv-import')
          return `${rec.id} is an advisory written in Parley; it is not overwritten.`;
        if (existing.modified_at && existing.modified_at >= rec.modifiedAt)
          return { result: 'unchanged' as const };
        const next = existing.revision + 1;
        await advisories.updateAdvisoryIf(
          trx,
          existing.uid,
          { revision: existing.revision },
          {
            state,
            title: rec.content.title,
            severity: rec.content.severity,
            revision: next,
            content: JSON.stringify(rec.content),
            updated_at: now,
            published_at: published,
            modified_at: rec.modifiedAt,
            withdrawn_at: rec.withdrawnAt,
          },
        );
        await this.store(
          trx,
          existing.uid,
          next,
          rec,
          (await advisories.maxPublicNumber(trx, existing.uid)) + 1,
          now,
        );
        return { result: 'updated' as const };
      }
      const uid = this.deps.random.uuid();
      await advisories.insertAdvisory(trx, {
        uid,
        id: rec.id,
        project_id: project.id,
        state,
        source: 'osv-import',
        title: rec.content.title,
        severity: rec.content.severity,
        revision: 1,
        content: JSON.stringify(rec.content),
        created_at: now,
        created_by: null,
        updated_at: now,
        published_at: published,
        modified_at: rec.modifiedAt,
        withdrawn_at: rec.withdrawnAt,
        withdrawn_reason: rec.withdrawnAt ? 'Withdrawn by its source database.' : null,
        scheduled_for: null,
        scheduled_zone: null,
        scheduled_by: null,
      });
      await this.store(trx, uid, 1, rec, 1, now);
      return { result: 'created' as const };
    });
  }

  private async store(
    trx: Kysely<Database>,
    uid: string,
    revision: number,
    rec: ImportedRecord,
    publicNumber: number,
    now: string,
  ) {
    await storeContent(trx, uid, revision, rec.content, {
      at: now,
      by: null,
      note: `Imported (modified ${rec.modifiedAt})`,
    });
    // The public history dates a revision by the source's own times, not by when it was imported.
    await advisories.markRevisionPublic(
      trx,
      uid,
      revision,
      publicNumber,
      publicNumber === 1 ? (rec.publishedAt ?? rec.modifiedAt) : rec.modifiedAt,
    );
  }
}
