// Kysely table types of advisories, their revisions and the OSV query index (see schema.ts).

/** An advisory's current state and content; its revisions hold every saved version. */
export interface AdvisoriesTable {
  uid: string;
  /** The public id (PREFIX-YYYY-NNNN or an imported record's id); null until first published. */
  id: string | null;
  project_id: string;
  state: 'draft' | 'scheduled' | 'published' | 'withdrawn';
  source: 'parley' | 'osv-import';
  title: string;
  severity: string | null;
  revision: number;
  /** JSON of the current revision's AdvisoryContent. */
  content: string;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  published_at: string | null;
  modified_at: string | null;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
  /** The embargo: when a scheduled advisory goes public, and the zone the team set it in. */
  scheduled_for: string | null;
  scheduled_zone: string | null;
  scheduled_by: string | null;
}

export interface AdvisoryRevisionsTable {
  advisory_uid: string;
  revision: number;
  content: string;
  note: string;
  created_at: string;
  created_by: string | null;
  public_number: number | null;
  public_at: string | null;
}

export interface AdvisoryCasesTable {
  advisory_uid: string;
  case_id: string;
}

/** One row per affected package of an advisory: the index the OSV query API looks packages up in. */
export interface AdvisoryPackagesTable {
  advisory_uid: string;
  seq: number;
  ecosystem: string;
  ecosystem_base: string;
  name: string;
  purl: string | null;
  /** JSON of the AffectedPackage, evaluated by queries without loading the whole advisory. */
  affected: string;
}

export interface AdvisoryCommitsTable {
  advisory_uid: string;
  commit_hash: string;
}

export interface AdvisoryCountersTable {
  prefix: string;
  year: number;
  last_number: number;
}
