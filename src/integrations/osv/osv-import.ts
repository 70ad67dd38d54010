// Turns an OSV record (parsed JSON or YAML) into advisory content. Records are validated against the
// OSV schema first and refused with the schema's errors otherwise. The mapping is the inverse of
// osv-export.ts: toOsv(fromOsv(R)) gives R back (schema_version aside, aliases compared as a set).
import { isSeverity, type Severity } from '../../domain/case-state.ts';
import { CVE_ID } from '../../domain/advisory/advisory-validate.ts';
import type {
  AdvisoryCredit,
  AffectedPackage,
  AffectedRange,
  Cwe,
  RangeEvent,
} from '../../domain/advisory/advisory.types.ts';
import {
  OSV_SCHEMA_VERSION,
  type OsvAdvisoryContent,
  type OsvAffected,
  type OsvEmptyValue,
  type OsvParleyBlock,
  type OsvRecord,
  type OsvShape,
} from './osv.types.ts';
import { OSV_ID_PREFIX, validateOsv } from './osv-validate.ts';

export interface ImportedAdvisory {
  /** The record's id, without the `x_` an unregistered database puts in front. */
  id: string;
  publishedAt: string | null;
  modifiedAt: string;
  withdrawnAt: string | null;
  content: OsvAdvisoryContent;
}

export type OsvImportResult =
  { ok: true; record: ImportedAdvisory } | { ok: false; id: string | null; errors: string[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The inverse of osvIdOf(): strips `x_` unless what remains would itself read as an OSV id. */
export function parleyIdFromOsvId(osvId: string): string {
  const rest = osvId.startsWith('x_') ? osvId.slice(2) : osvId;
  return rest !== osvId && !OSV_ID_PREFIX.test(rest) ? rest : osvId;
}

/** RFC 3339 in UTC, with milliseconds only when there are some (2024-05-01T10:00:00Z). */
export function rfc3339(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * YAML 1.1 readers turn unquoted timestamps into Date objects. readOsvFiles() keeps them as written;
 * for records parsed elsewhere this is the best that can be done (a Date holds milliseconds only).
 */
export function normaliseOsvDates(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : rfc3339(v);
  if (Array.isArray(v)) return v.map(normaliseOsvDates);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseOsvDates(x)]));
  return v;
}

/** GitHub's words in `database_specific.severity` (MODERATE), and MEDIUM, which others write. */
const RATING_TO_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

export function severityFromDatabaseSpecific(dbs: Obj | null): Severity | null {
  const s = dbs?.severity;
  return typeof s === 'string' ? (RATING_TO_SEVERITY[s.toUpperCase()] ?? null) : null;
}

/** CWE ids as GitHub lists them in `database_specific.cwe_ids`; OSV has no names for them. */
export function cwesFromDatabaseSpecific(dbs: Obj | null): Cwe[] {
  const ids = dbs?.cwe_ids;
  if (!Array.isArray(ids)) return [];
  return ids.filter((id): id is string => typeof id === 'string').map((id) => ({ id, name: '' }));
}

const isText = (v: unknown): v is string => typeof v === 'string';

/** The block osv-export.ts writes; anything not exactly in that shape is left as data. */
export function readParleyBlock(v: unknown): OsvParleyBlock | null {
  if (!isObj(v)) return null;
  const texts = ['summary', 'details', 'workarounds', 'upgrade', 'url'] as const;
  if (!texts.every((k) => isText(v[k]))) return null;
  if (!(v.severity === null || isSeverity(v.severity))) return null;
  if (!Array.isArray(v.cwes) || !v.cwes.every((w) => isObj(w) && isText(w.id) && isText(w.name))) return null;
  const added = v.added_keys ?? [];
  if (!Array.isArray(added) || !added.every(isText)) return null;
  const cwes = v.cwes as Cwe[];
  return {
    summary: v.summary as string,
    details: v.details as string,
    workarounds: v.workarounds as string,
    upgrade: v.upgrade as string,
    cwes: cwes.map((w) => ({ id: w.id, name: w.name })),
    severity: v.severity as Severity | null,
    url: v.url as string,
    added_keys: added,
  };
}

/** Collects the keys a record spelled as [], null or "" (see OsvShape). */
class ShapeNotes {
  empty: Record<string, OsvEmptyValue> = {};
  list<T>(path: string, v: T[] | null | undefined): T[] {
    if (v === null || (Array.isArray(v) && v.length === 0)) this.empty[path] = v === null ? null : [];
    return v ?? [];
  }
  text(path: string, v: string | undefined): string {
    if (v === '') this.empty[path] = '';
    return v ?? '';
  }
}

function importAffected(a: OsvAffected, i: number, notes: ShapeNotes): AffectedPackage {
  const at = `/affected/${i}`;
  const pkg: AffectedPackage = {
    // OSV allows an entry without a package (e.g. GIT-only); export leaves `package` out again.
    ecosystem: a.package?.ecosystem ?? '',
    name: a.package?.name ?? '',
    ranges: notes.list(`${at}/ranges`, a.ranges).map((r) => {
      const range: AffectedRange = { type: r.type, events: r.events.map((e) => ({ ...e }) as RangeEvent) };
      if (r.repo !== undefined) range.repo = r.repo;
      if (r.database_specific !== undefined) range.databaseSpecific = r.database_specific;
      return range;
    }),
    versions: [...notes.list(`${at}/versions`, a.versions)],
  };
  if (a.package?.purl !== undefined) pkg.purl = a.package.purl;
  // `severity` is optional in the model, so [] and absent are told apart without a hint; null is not.
  if (a.severity === null) notes.empty[`${at}/severity`] = null;
  else if (a.severity !== undefined) pkg.severity = a.severity.map((s) => ({ type: s.type, score: s.score }));
  if (a.ecosystem_specific !== undefined) pkg.ecosystemSpecific = a.ecosystem_specific;
  if (a.database_specific !== undefined) pkg.databaseSpecific = a.database_specific;
  return pkg;
}

export function fromOsv(raw: unknown): OsvImportResult {
  const record = normaliseOsvDates(raw);
  const checked = validateOsv(record);
  if (!checked.ok) {
    const id = isObj(record) && typeof record.id === 'string' ? record.id : null;
    return { ok: false, id, errors: checked.errors };
  }
  const r = record as OsvRecord;
  const notes = new ShapeNotes();

  const scores = notes.list('/severity', r.severity);
  const v3 = scores.find((s) => s.type === 'CVSS_V3' && s.score.startsWith('CVSS:3.'));
  const v4 = scores.find((s) => s.type === 'CVSS_V4');
  const aliases = notes.list('/aliases', r.aliases);

  let databaseSpecific: Obj | null = r.database_specific ?? null;
  const block = readParleyBlock(databaseSpecific?.parley);
  if (block && databaseSpecific) {
    const rest: Obj = { ...databaseSpecific };
    delete rest.parley;
    for (const k of block.added_keys) delete rest[k];
    databaseSpecific = Object.keys(rest).length > 0 ? rest : null;
  }

  const content: OsvAdvisoryContent = {
    // A record without a summary gets an empty title; pages show the id instead.
    title: notes.text('/summary', r.summary),
    summary: block?.summary ?? '',
    details: block ? block.details : notes.text('/details', r.details),
    severity: block ? block.severity : severityFromDatabaseSpecific(databaseSpecific),
    cvss3Vector: v3?.score ?? null,
    cvss4Vector: v4?.score ?? null,
    otherSeverity: scores.filter((s) => s !== v3 && s !== v4).map((s) => ({ type: s.type, score: s.score })),
    cwes: block ? block.cwes : cwesFromDatabaseSpecific(databaseSpecific),
    cveIds: aliases.filter((a) => CVE_ID.test(a)),
    aliases: aliases.filter((a) => !CVE_ID.test(a)),
    related: [...notes.list('/related', r.related)],
    upstream: [...notes.list('/upstream', r.upstream)],
    affected: notes.list('/affected', r.affected).map((a, i) => importAffected(a, i, notes)),
    workarounds: block?.workarounds ?? '',
    upgrade: block?.upgrade ?? '',
    references: notes.list('/references', r.references).map((x) => ({ type: x.type, url: x.url })),
    credits: notes.list('/credits', r.credits).map((c) => {
      const credit: AdvisoryCredit = { name: c.name };
      if (c.contact !== undefined) credit.contact = [...c.contact];
      if (c.type !== undefined) credit.type = c.type;
      return credit;
    }),
    databaseSpecific,
  };

  const shape: OsvShape = {};
  if (r.schema_version !== undefined && r.schema_version !== OSV_SCHEMA_VERSION) {
    shape.schemaVersion = r.schema_version;
  }
  if (Object.keys(notes.empty).length > 0) shape.empty = notes.empty;
  if (Object.keys(shape).length > 0) content.osvShape = shape;

  return {
    ok: true,
    record: {
      id: parleyIdFromOsvId(r.id),
      publishedAt: r.published ?? null,
      modifiedAt: r.modified,
      withdrawnAt: r.withdrawn ?? null,
      content,
    },
  };
}
