// The check before an advisory goes public: its content is complete and its OSV record is valid.
import { ValidationError } from '../../domain/errors.ts';
import { formatAdvisoryId } from '../../domain/advisory/advisory-ids.ts';
import { publishProblems } from '../../domain/advisory/advisory-validate.ts';
import type { AdvisoryRow, ProjectRow } from '../../storage/schema.ts';
import { advisorySettings, type ServiceDeps } from '../deps.ts';
import { parseContent } from '../presenters/advisory.presenter.ts';
import { buildExportSource } from './advisory-public.service.ts';
import { publisherSettings } from './publisher-settings.ts';
import { toOsv } from '../../integrations/osv/osv-export.ts';
import { validateOsv } from '../../integrations/osv/osv-validate.ts';

/**
 * The content has what a public advisory needs, and its OSV record is valid against the OSV schema
 * (checked with a stand-in id, since the real one is assigned at publication): what goes out must
 * be readable by every scanner, not only by people.
 */
export function assertPublishable(deps: ServiceDeps, row: AdvisoryRow, project: ProjectRow) {
  const content = parseContent(row);
  const problems = publishProblems(content);
  if (problems.length) throw new ValidationError(problems, 'The advisory is not ready to be published.');
  const now = deps.clock.now().toISOString();
  const standIn = {
    ...row,
    id: row.id ?? formatAdvisoryId(advisorySettings(deps).idPrefix, 2000, 1),
    published_at: row.published_at ?? now,
    modified_at: now,
  };
  const osv = validateOsv(toOsv(buildExportSource(deps, standIn, project, []), publisherSettings(deps)));
  if (!osv.ok) {
    throw new ValidationError(
      osv.errors.slice(0, 20).map((message) => ({ field: 'affected', message: `OSV: ${message}` })),
      'The advisory would not make a valid OSV record.',
    );
  }
  return content;
}
