// The advisory model: what a project publishes when a disclosure ends. Its shape follows OSV closely
// (affected packages, ranges with events, references, credits) so that import → export is lossless,
// and adds what a human reader needs (summary, workarounds, upgrade steps, CWE names, severity).
import type { Severity } from '../case-state.ts';

export const ADVISORY_STATES = ['draft', 'scheduled', 'published', 'withdrawn'] as const;
export type AdvisoryState = (typeof ADVISORY_STATES)[number];

/** OSV range types. GIT ranges are kept and exported, and evaluated only for commit queries. */
export const RANGE_TYPES = ['SEMVER', 'ECOSYSTEM', 'GIT'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

/** One OSV range event: exactly one of the keys is set. */
export type RangeEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedRange {
  type: RangeType;
  /** Required by OSV for GIT ranges. */
  repo?: string;
  events: RangeEvent[];
  databaseSpecific?: Record<string, unknown>;
}

export interface AffectedPackage {
  /** OSV ecosystem name, e.g. "npm", "PyPI", "crates.io", "Go", "Debian:12". */
  ecosystem: string;
  name: string;
  purl?: string;
  ranges: AffectedRange[];
  /** Explicitly enumerated affected versions. */
  versions: string[];
  /** Per-package OSV severity entries, when an imported record carries them. */
  severity?: SeverityScore[];
  ecosystemSpecific?: Record<string, unknown>;
  databaseSpecific?: Record<string, unknown>;
}

/** OSV severity entry, e.g. {type: "CVSS_V3", score: "CVSS:3.1/AV:N/…"}. */
export interface SeverityScore {
  type: string;
  score: string;
}

export const REFERENCE_TYPES = [
  'ADVISORY',
  'ARTICLE',
  'DETECTION',
  'DISCUSSION',
  'REPORT',
  'FIX',
  'INTRODUCED',
  'GIT',
  'PACKAGE',
  'EVIDENCE',
  'WEB',
] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

export interface AdvisoryReference {
  type: ReferenceType;
  url: string;
}

export const CREDIT_TYPES = [
  'FINDER',
  'REPORTER',
  'ANALYST',
  'COORDINATOR',
  'REMEDIATION_DEVELOPER',
  'REMEDIATION_REVIEWER',
  'REMEDIATION_VERIFIER',
  'TOOL',
  'SPONSOR',
  'OTHER',
] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

export interface AdvisoryCredit {
  name: string;
  contact?: string[];
  type?: CreditType;
}

export interface Cwe {
  /** "CWE-79" */
  id: string;
  /** "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" */
  name: string;
}

/**
 * Everything a revision holds: the editable content of an advisory. Each saved change stores a
 * full copy of this object as a new revision.
 */
export interface AdvisoryContent {
  /** One line; OSV `summary`. */
  title: string;
  /** Short overview in Markdown, shown first on the page. */
  summary: string;
  /** Full description in Markdown (impact, details); OSV `details` when no other section is set. */
  details: string;
  severity: Severity | null;
  cvss3Vector: string | null;
  cvss4Vector: string | null;
  /** OSV severity entries other than CVSS 3/4 (e.g. CVSS_V2, Ubuntu), kept for lossless import. */
  otherSeverity: SeverityScore[];
  cwes: Cwe[];
  cveIds: string[];
  /** Other ids of the same vulnerability (GHSA-…, etc.), excluding the CVE ids. */
  aliases: string[];
  related: string[];
  upstream: string[];
  affected: AffectedPackage[];
  /** Markdown. */
  workarounds: string;
  /** Markdown: the steps a user follows to upgrade. */
  upgrade: string;
  references: AdvisoryReference[];
  credits: AdvisoryCredit[];
  /** Imported OSV `database_specific`, kept as it was (Parley's own block is added on export). */
  databaseSpecific: Record<string, unknown> | null;
  /** How an imported record spelled empty values, so export reproduces it (see OsvShape). */
  osvShape?: OsvShape;
}

/** A value OSV treats as "nothing here", which some databases write and others leave out. */
export type OsvEmptyValue = [] | null | '';

/**
 * How an imported record spelled things that carry no meaning, so that export can spell them the
 * same way: RustSec writes `"related": []` and `"versions": []` where PyPA leaves the key out, and
 * the content model (plain arrays and strings) cannot tell the two apart. Keys are JSON pointers
 * ("/aliases", "/affected/0/versions"). Hints only apply where the content is still empty, so a
 * stale hint after an edit is harmless. Absent for advisories written in Parley.
 */
export interface OsvShape {
  /** The record's own `schema_version`, written back instead of ours. */
  schemaVersion?: string;
  empty?: Record<string, OsvEmptyValue>;
  /** The record had no `published`; Parley dates it by `modified` but exports none. */
  publishedAbsent?: boolean;
}

export interface Advisory {
  /** PREFIX-YYYY-NNNN for advisories drafted here; the record's id for imported ones. */
  id: string;
  projectId: string;
  state: AdvisoryState;
  content: AdvisoryContent;
  /** Revision number of `content`, from 1. */
  revision: number;
  caseIds: string[];
  /** ISO 8601 UTC. */
  createdAt: string;
  /** When it was (or, for imports, first) published; null until then. */
  publishedAt: string | null;
  /** Moves with every revision saved after publication. */
  modifiedAt: string;
  withdrawnAt: string | null;
  /** The embargo: when a scheduled advisory goes public (UTC), and the zone it was set in. */
  scheduledFor: string | null;
  scheduledZone: string | null;
  /** 'parley' for advisories written here, 'osv-import' for imported records. */
  source: 'parley' | 'osv-import';
}

/** An empty draft's content; drafting from cases fills it in. */
export function emptyAdvisoryContent(): AdvisoryContent {
  return {
    title: '',
    summary: '',
    details: '',
    severity: null,
    cvss3Vector: null,
    cvss4Vector: null,
    otherSeverity: [],
    cwes: [],
    cveIds: [],
    aliases: [],
    related: [],
    upstream: [],
    affected: [],
    workarounds: '',
    upgrade: '',
    references: [],
    credits: [],
    databaseSpecific: null,
  };
}
