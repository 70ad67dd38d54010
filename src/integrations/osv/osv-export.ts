// Writes an advisory as an OSV record (the document behind /v1/vulns/{id} and the OSV export). A pure
// function of the advisory and the instance's settings; every record it writes validates against the
// bundled schema as long as the content passed Parley's own checks.
//
// OSV has no place for what Parley adds for human readers (overview, workarounds, upgrade steps, CWE
// names, a severity rating). For advisories written here `details` becomes the Markdown a consumer
// reads (overview, details, "## Workarounds", "## Upgrade"), and `database_specific` carries GitHub's
// conventional `cwe_ids` and `severity` plus a `parley` block from which an import restores each
// field exactly. Imported records are written back exactly as imported; they get the same treatment
// only once an editor has given them one of those fields (or changed their severity or CWEs).
import type {
  Advisory,
  AdvisoryContent,
  AffectedPackage,
  Cwe,
} from '../../domain/advisory/advisory.types.ts';
import type { ExportSource, PublisherSettings } from '../../domain/advisory/advisory-export.types.ts';
import type { Severity } from '../../domain/case-state.ts';
import { cwesFromDatabaseSpecific, rfc3339, severityFromDatabaseSpecific } from './osv-import.ts';
import {
  OSV_SCHEMA_VERSION,
  type OsvAdvisoryContent,
  type OsvAffected,
  type OsvCredit,
  type OsvEmptyValue,
  type OsvParleyBlock,
  type OsvRecord,
  type OsvSeverity,
  type OsvSeverityType,
} from './osv.types.ts';
import { OSV_ID_PREFIX } from './osv-validate.ts';

export { parleyIdFromOsvId } from './osv-import.ts';

/**
 * The OSV id of an advisory: as is when the instance's prefix is registered with OSV or the id
 * already carries a registered prefix (imported PYSEC-…, RUSTSEC-…), otherwise `x_<id>`, the
 * schema's form for databases that are not registered.
 */
export function osvIdOf(id: string, settings: Pick<PublisherSettings, 'osvPrefixRegistered'>): string {
  return settings.osvPrefixRegistered || OSV_ID_PREFIX.test(id) ? id : `x_${id}`;
}

/** GitHub's words, which OSV consumers already read from `database_specific.severity`. */
const SEVERITY_RATING: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MODERATE',
  low: 'LOW',
};

const STRICT_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Stored timestamps are already RFC 3339 UTC; anything else Date can read is rewritten in that form. */
function timestamp(value: string): string {
  if (STRICT_TIMESTAMP.test(value)) return value;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : rfc3339(d);
}

function sameCwes(a: Cwe[], b: Cwe[]): boolean {
  return a.length === b.length && a.every((w, i) => w.id === b[i]!.id && w.name === b[i]!.name);
}

/** Whether the content holds anything that only the parley block (and composed details) can carry. */
export function needsParleyBlock(advisory: Pick<Advisory, 'source' | 'content'>): boolean {
  if (advisory.source === 'parley') return true;
  const c = advisory.content;
  return (
    c.summary !== '' ||
    c.workarounds !== '' ||
    c.upgrade !== '' ||
    c.severity !== severityFromDatabaseSpecific(c.databaseSpecific) ||
    !sameCwes(c.cwes, cwesFromDatabaseSpecific(c.databaseSpecific))
  );
}

/** Drops blank lines before and whitespace after a part, so sections are one blank line apart. */
const tidy = (markdown: string) => markdown.replace(/^\s*\n/, '').trimEnd();

/** The Markdown an OSV consumer reads for an advisory written in Parley. */
export function composeDetails(c: AdvisoryContent): string {
  const parts = [tidy(c.summary), tidy(c.details)];
  if (tidy(c.workarounds)) parts.push(`## Workarounds\n\n${tidy(c.workarounds)}`);
  if (tidy(c.upgrade)) parts.push(`## Upgrade\n\n${tidy(c.upgrade)}`);
  return parts.filter((p) => p !== '').join('\n\n');
}

/**
 * Parley's severity and CWE ids replace those an imported record had; keys that were not there are
 * listed in `added_keys` so an import takes them out again and restores `databaseSpecific` as it was.
 */
function databaseSpecificWithBlock(c: AdvisoryContent, url: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(c.databaseSpecific ?? {}) };
  delete out.parley;
  const added: string[] = [];
  const put = (key: string, value: unknown) => {
    if (!(key in out)) added.push(key);
    out[key] = value;
  };
  const cweIds = c.cwes.map((w) => w.id);
  if (cweIds.length > 0) put('cwe_ids', cweIds);
  else delete out.cwe_ids;
  if (c.severity) put('severity', SEVERITY_RATING[c.severity]);
  else delete out.severity;
  const parley: OsvParleyBlock = {
    summary: c.summary,
    details: c.details,
    workarounds: c.workarounds,
    upgrade: c.upgrade,
    cwes: c.cwes.map((w) => ({ id: w.id, name: w.name })),
    severity: c.severity,
    url,
    added_keys: added,
  };
  out.parley = parley;
  return out;
}

/** Writes what the import hints (OsvShape) say the original record had where the content is empty. */
class Writer {
  constructor(private readonly empty: Record<string, OsvEmptyValue>) {}
  list<K extends string>(out: Partial<Record<K, unknown>>, key: K, path: string, value: unknown[]) {
    if (value.length > 0) out[key] = value;
    else if (path in this.empty) out[key] = this.empty[path] === null ? null : [];
  }
  text<K extends string>(out: Partial<Record<K, unknown>>, key: K, path: string, value: string) {
    if (value !== '') out[key] = value;
    else if (this.empty[path] === '') out[key] = '';
  }
}

function exportAffected(p: AffectedPackage, i: number, w: Writer, dropSeverity: boolean): OsvAffected {
  const at = `/affected/${i}`;
  const out: OsvAffected = {};
  if (p.ecosystem !== '' || p.name !== '' || p.purl !== undefined) {
    out.package = { ecosystem: p.ecosystem, name: p.name };
    if (p.purl !== undefined) out.package.purl = p.purl;
  }
  // OSV forbids per-package severity next to a top-level one; the advisory's own score wins.
  // (Only `null` is ever hinted here, which the schema accepts either way.)
  if (p.severity !== undefined && !dropSeverity) out.severity = p.severity.map(severityEntry);
  else w.list(out, 'severity', `${at}/severity`, []);
  const ranges = p.ranges.map((r) => {
    const range: NonNullable<OsvAffected['ranges']>[number] = {
      type: r.type,
      events: r.events.map((e) => ({ ...e })),
    };
    if (r.repo !== undefined) range.repo = r.repo;
    if (r.databaseSpecific !== undefined) range.database_specific = r.databaseSpecific;
    return range;
  });
  w.list(out, 'ranges', `${at}/ranges`, ranges);
  w.list(out, 'versions', `${at}/versions`, [...p.versions]);
  if (p.ecosystemSpecific !== undefined) out.ecosystem_specific = p.ecosystemSpecific;
  if (p.databaseSpecific !== undefined) out.database_specific = p.databaseSpecific;
  return out;
}

// Severity types other than CVSS 3/4 come from imports or the editor; the schema check catches any
// type OSV does not know.
const severityEntry = (s: { type: string; score: string }): OsvSeverity => ({
  type: s.type as OsvSeverityType,
  score: s.score,
});

export function toOsv(source: ExportSource, settings: PublisherSettings): OsvRecord {
  const a = source.advisory;
  const c: OsvAdvisoryContent = a.content;
  const shape = c.osvShape ?? {};
  const w = new Writer(shape.empty ?? {});
  const withBlock = needsParleyBlock(a);

  const out: OsvRecord = {
    schema_version: shape.schemaVersion ?? OSV_SCHEMA_VERSION,
    // Imported ids keep their database's standing; the registration setting is about our own prefix.
    id: osvIdOf(a.id, a.source === 'parley' ? settings : { osvPrefixRegistered: false }),
    modified: timestamp(a.modifiedAt),
  };
  // An imported record without `published` stays without it, though Parley lists it by a date.
  if (a.publishedAt !== null && !c.osvShape?.publishedAbsent) out.published = timestamp(a.publishedAt);
  if (a.withdrawnAt !== null) out.withdrawn = timestamp(a.withdrawnAt);
  w.list(out, 'aliases', '/aliases', [...new Set([...c.cveIds, ...c.aliases])]);
  w.list(out, 'related', '/related', [...c.related]);
  w.list(out, 'upstream', '/upstream', [...c.upstream]);
  w.text(out, 'summary', '/summary', c.title);
  w.text(out, 'details', '/details', withBlock ? composeDetails(c) : c.details);

  const severity: OsvSeverity[] = [];
  if (c.cvss3Vector) severity.push({ type: 'CVSS_V3', score: c.cvss3Vector });
  if (c.cvss4Vector) severity.push({ type: 'CVSS_V4', score: c.cvss4Vector });
  severity.push(...c.otherSeverity.map(severityEntry));
  const perPackage = c.affected.some((p) => p.severity !== undefined);
  // An empty top-level list still counts as "severity is set" to the schema.
  if (severity.length > 0 || !perPackage) w.list(out, 'severity', '/severity', severity);

  const affected = c.affected.map((p, i) => exportAffected(p, i, w, severity.length > 0));
  w.list(out, 'affected', '/affected', affected);
  const references = c.references.map((r) => ({ type: r.type, url: r.url }));
  w.list(out, 'references', '/references', references);
  const credits = c.credits.map((cr) => {
    const credit: OsvCredit = { name: cr.name };
    if (cr.contact !== undefined) credit.contact = [...cr.contact];
    if (cr.type !== undefined) credit.type = cr.type;
    return credit;
  });
  w.list(out, 'credits', '/credits', credits);

  if (withBlock) out.database_specific = databaseSpecificWithBlock(c, source.urls.page);
  else if (c.databaseSpecific !== null) out.database_specific = c.databaseSpecific;
  return out;
}
