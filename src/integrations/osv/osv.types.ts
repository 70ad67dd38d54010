// The OSV record as the schema in osv-schema.json describes it (OSV 1.6/1.7: `upstream`, CVSS_V4,
// credit types), plus the small amount of import state Parley keeps so that re-exporting an imported
// record reproduces it exactly (see OsvShape).
import type { AdvisoryContent } from '../../domain/advisory/advisory.types.ts';
import type { Severity } from '../../domain/case-state.ts';

/**
 * What Parley writes as `schema_version`. The bundled schema has no version constant; it carries
 * `upstream`, which arrived in OSV 1.7.0, so that is the version whose fields we may emit.
 */
export const OSV_SCHEMA_VERSION = '1.7.0';

export type OsvSeverityType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu';

export interface OsvSeverity {
  type: OsvSeverityType;
  score: string;
}

export type OsvEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface OsvRange {
  type: 'GIT' | 'SEMVER' | 'ECOSYSTEM';
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvPackage {
  /** An ecosystem from the schema's list, optionally with a `:suffix` (e.g. "Debian:12"). */
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvAffected {
  package?: OsvPackage;
  severity?: OsvSeverity[] | null;
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export type OsvReferenceType =
  | 'ADVISORY'
  | 'ARTICLE'
  | 'DETECTION'
  | 'DISCUSSION'
  | 'REPORT'
  | 'FIX'
  | 'INTRODUCED'
  | 'GIT'
  | 'PACKAGE'
  | 'EVIDENCE'
  | 'WEB';

export interface OsvReference {
  type: OsvReferenceType;
  url: string;
}

export type OsvCreditType =
  | 'FINDER'
  | 'REPORTER'
  | 'ANALYST'
  | 'COORDINATOR'
  | 'REMEDIATION_DEVELOPER'
  | 'REMEDIATION_REVIEWER'
  | 'REMEDIATION_VERIFIER'
  | 'TOOL'
  | 'SPONSOR'
  | 'OTHER';

export interface OsvCredit {
  name: string;
  contact?: string[];
  type?: OsvCreditType;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[] | null;
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: OsvReference[] | null;
  credits?: OsvCredit[];
  database_specific?: Record<string, unknown>;
}

export type { OsvEmptyValue, OsvShape } from '../../domain/advisory/advisory.types.ts';

/** Kept as a name for the importer and exporter: AdvisoryContent now carries `osvShape` itself. */
export type OsvAdvisoryContent = AdvisoryContent;

/**
 * Parley's block in `database_specific.parley`: the fields OSV has no place for, so that importing
 * an exported record restores them, and the top-level database_specific keys Parley added.
 */
export interface OsvParleyBlock {
  summary: string;
  details: string;
  workarounds: string;
  upgrade: string;
  cwes: { id: string; name: string }[];
  severity: Severity | null;
  url: string;
  /** Top-level database_specific keys (cwe_ids, severity) that export added and import removes. */
  added_keys: string[];
}
