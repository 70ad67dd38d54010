// Storing an advisory's content (a revision plus the OSV query index) and reading a case into the
// shape drafting prefills from; shared by drafting, editing and import.
import type { Kysely } from 'kysely';
import type { AdvisoryContent } from '../../domain/advisory/advisory.types.ts';
import type { CaseForAdvisory } from '../../domain/advisory/advisory-prefill.ts';
import { packageIndex } from '../../domain/advisory/advisory-index.ts';
import type { CaseRow, Database } from '../../storage/schema.ts';
import * as advisories from '../../storage/repositories/advisory.repository.ts';
import * as index from '../../storage/repositories/advisory-index.repository.ts';

/** Writes content into the row, a revision and the query index, in the caller's transaction. */
export async function storeContent(
  db: Kysely<Database>,
  uid: string,
  revision: number,
  content: AdvisoryContent,
  meta: { at: string; by: string | null; note: string },
): Promise<void> {
  await advisories.insertRevision(db, {
    advisory_uid: uid,
    revision,
    content: JSON.stringify(content),
    note: meta.note,
    created_at: meta.at,
    created_by: meta.by,
    public_number: null,
    public_at: null,
  });
  const { packages, commits } = packageIndex(content);
  await index.replaceIndex(db, uid, packages, commits);
}

export function caseForAdvisory(c: CaseRow): CaseForAdvisory {
  return {
    key: c.key,
    title: c.title,
    description: c.description,
    impact: c.impact,
    suggestedFix: c.suggested_fix,
    severity: c.severity as CaseForAdvisory['severity'],
    cvss3Vector: c.cvss3_vector,
    cvss4Vector: c.cvss4_vector,
    creditPreference: c.credit_preference as CaseForAdvisory['creditPreference'],
    creditName: c.credit_name,
  };
}
