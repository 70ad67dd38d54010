// Checks an advisory's content as the team submits it (API JSON or the editor form) and turns it
// into an AdvisoryContent, collecting every problem with the path of the field it concerns. A draft
// only needs a title; publishProblems() lists what a public advisory must also have.
import semver from 'semver';
import { ValidationError, type FieldError } from '../errors.ts';
import { isSeverity } from '../case-state.ts';
import { scoreVector } from '../../integrations/cvss/cvss.ts';
import {
  CREDIT_TYPES,
  RANGE_TYPES,
  REFERENCE_TYPES,
  emptyAdvisoryContent,
  type AdvisoryContent,
  type AffectedPackage,
  type AffectedRange,
  type RangeEvent,
} from './advisory.types.ts';

export const LIMITS = {
  title: 200,
  markdown: 100_000,
  list: 200,
  packages: 500,
  events: 200,
  versions: 5_000,
  short: 1_000,
};

export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
export const CWE_ID = /^CWE-[1-9]\d{0,5}$/;
const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Collector {
  errors: FieldError[] = [];
  add(field: string, message: string) {
    if (this.errors.length < 100) this.errors.push({ field, message });
  }
  text(v: unknown, field: string, max: number, required = false): string {
    if (v === undefined || v === null) {
      if (required) this.add(field, 'Required.');
      return '';
    }
    if (typeof v !== 'string') return (this.add(field, 'Must be text.'), '');
    const t = v.replace(/\r\n?/g, '\n');
    if (required && t.trim() === '') this.add(field, 'Required.');
    if (t.length > max) this.add(field, `At most ${max} characters.`);
    return t;
  }
  list(v: unknown, field: string, max = LIMITS.list): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return (this.add(field, 'Must be a list.'), []);
    if (v.length > max) this.add(field, `At most ${max} entries.`);
    return v.slice(0, max);
  }
  strings(v: unknown, field: string, pattern?: RegExp, hint?: string): string[] {
    const out: string[] = [];
    this.list(v, field).forEach((s, i) => {
      if (typeof s !== 'string' || s.trim() === '')
        return this.add(`${field}[${i}]`, 'Must be non-empty text.');
      const t = s.trim();
      if (t.length > LIMITS.short) return this.add(`${field}[${i}]`, 'Too long.');
      if (pattern && !pattern.test(t)) return this.add(`${field}[${i}]`, hint ?? 'Not in the expected form.');
      if (!out.includes(t)) out.push(t);
    });
    return out;
  }
  url(v: unknown, field: string): string {
    const t = this.text(v, field, 2_000, true);
    if (!t) return t;
    try {
      const u = new URL(t);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') this.add(field, 'Use an http(s) URL.');
    } catch {
      this.add(field, 'Not a valid URL.');
    }
    return t;
  }
  record(v: unknown, field: string): Record<string, unknown> | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) return (this.add(field, 'Must be an object.'), undefined);
    return v;
  }
}

function parseEvent(c: Collector, raw: unknown, field: string, type: string): RangeEvent | undefined {
  if (!isObj(raw))
    return (
      c.add(field, 'Must be an object with one of introduced, fixed, last_affected, limit.'),
      undefined
    );
  const keys = Object.keys(raw);
  const key = keys[0] as (typeof EVENT_KEYS)[number];
  if (keys.length !== 1 || !EVENT_KEYS.includes(key)) {
    return (c.add(field, 'Must have exactly one of introduced, fixed, last_affected, limit.'), undefined);
  }
  const value = raw[key];
  if (typeof value !== 'string' || value.trim() === '')
    return (c.add(`${field}.${key}`, 'Must be a version.'), undefined);
  const ok =
    type !== 'SEMVER' ||
    (key === 'introduced' && value === '0') ||
    (key === 'limit' && value === '*') ||
    semver.valid(value.replace(/^v/, '')) !== null;
  if (!ok) c.add(`${field}.${key}`, `"${value}" is not a semantic version (SEMVER ranges need one).`);
  return { [key]: value.trim() } as RangeEvent;
}

function parseRange(c: Collector, raw: unknown, field: string): AffectedRange | undefined {
  if (!isObj(raw)) return (c.add(field, 'Must be an object.'), undefined);
  const type = raw.type;
  if (typeof type !== 'string' || !(RANGE_TYPES as readonly string[]).includes(type)) {
    c.add(`${field}.type`, `Must be one of ${RANGE_TYPES.join(', ')}.`);
    return undefined;
  }
  const events = c
    .list(raw.events, `${field}.events`, LIMITS.events)
    .map((e, i) => parseEvent(c, e, `${field}.events[${i}]`, type))
    .filter((e): e is RangeEvent => e !== undefined);
  if (!events.some((e) => 'introduced' in e))
    c.add(`${field}.events`, 'Needs an "introduced" event (use "0" for all versions).');
  // OSV: one range uses fixed or last_affected, not both (write two ranges instead).
  if (events.some((e) => 'fixed' in e) && events.some((e) => 'last_affected' in e)) {
    c.add(
      `${field}.events`,
      'Use either "fixed" or "last_affected" in one range; put the other in a second range.',
    );
  }
  if (type === 'GIT') {
    events.forEach((e, i) => {
      const v = Object.values(e)[0] as string;
      if (v !== '0' && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(v))
        c.add(`${field}.events[${i}]`, 'GIT ranges name full commit hashes (40 or 64 hex digits).');
    });
  }
  const range: AffectedRange = { type: type as AffectedRange['type'], events };
  if (type === 'GIT') range.repo = c.url(raw.repo, `${field}.repo`);
  else if (raw.repo !== undefined) range.repo = c.url(raw.repo, `${field}.repo`);
  const ds = c.record(raw.databaseSpecific, `${field}.databaseSpecific`);
  if (ds) range.databaseSpecific = ds;
  return range;
}

function parsePackage(c: Collector, raw: unknown, field: string): AffectedPackage | undefined {
  if (!isObj(raw)) return (c.add(field, 'Must be an object.'), undefined);
  const pkg: AffectedPackage = {
    ecosystem: c.text(raw.ecosystem, `${field}.ecosystem`, 200, true).trim(),
    name: c.text(raw.name, `${field}.name`, 1_000, true).trim(),
    ranges: c
      .list(raw.ranges, `${field}.ranges`)
      .map((r, i) => parseRange(c, r, `${field}.ranges[${i}]`))
      .filter((r): r is AffectedRange => r !== undefined),
    versions: c.strings(raw.versions, `${field}.versions`),
  };
  if (raw.purl !== undefined && raw.purl !== null && raw.purl !== '') {
    const purl = c.text(raw.purl, `${field}.purl`, 1_000).trim();
    if (!purl.startsWith('pkg:')) c.add(`${field}.purl`, 'A package URL starts with "pkg:".');
    pkg.purl = purl;
  }
  if (pkg.ranges.length === 0 && pkg.versions.length === 0) {
    c.add(field, 'Give at least one version range or an explicit list of affected versions.');
  }
  for (const k of ['ecosystemSpecific', 'databaseSpecific'] as const) {
    const v = c.record(raw[k], `${field}.${k}`);
    if (v) pkg[k] = v;
  }
  if (raw.severity !== undefined) pkg.severity = severityScores(c, raw.severity, `${field}.severity`);
  return pkg;
}

function severityScores(c: Collector, raw: unknown, field: string) {
  return c.list(raw, field).flatMap((s, i) => {
    if (!isObj(s) || typeof s.type !== 'string' || typeof s.score !== 'string') {
      c.add(`${field}[${i}]`, 'Must be {type, score}.');
      return [];
    }
    return [{ type: s.type, score: s.score }];
  });
}

function vector(c: Collector, raw: unknown, field: string, version: '3' | '4'): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') return (c.add(field, 'Must be a CVSS vector.'), null);
  try {
    const r = scoreVector(raw.trim());
    if (!r.version.startsWith(version)) c.add(field, `Must be a CVSS ${version}.x vector.`);
    return r.vector;
  } catch (e) {
    c.add(
      field,
      e instanceof ValidationError ? (e.errors[0]?.message ?? e.message) : 'Not a valid CVSS vector.',
    );
    return null;
  }
}

/** Validates submitted content; throws ValidationError listing every problem. */
export function parseAdvisoryContent(raw: unknown): AdvisoryContent {
  const c = new Collector();
  if (!isObj(raw)) throw new ValidationError([{ field: '', message: 'Send the advisory as a JSON object.' }]);
  const out = emptyAdvisoryContent();
  out.title = c.text(raw.title, 'title', LIMITS.title, true).trim();
  if (/[\n]/.test(out.title)) c.add('title', 'One line only.');
  out.summary = c.text(raw.summary, 'summary', LIMITS.markdown);
  out.details = c.text(raw.details, 'details', LIMITS.markdown);
  out.workarounds = c.text(raw.workarounds, 'workarounds', LIMITS.markdown);
  out.upgrade = c.text(raw.upgrade, 'upgrade', LIMITS.markdown);
  if (raw.severity !== undefined && raw.severity !== null && raw.severity !== '') {
    if (isSeverity(raw.severity)) out.severity = raw.severity;
    else c.add('severity', 'Must be critical, high, medium or low.');
  }
  out.cvss3Vector = vector(c, raw.cvss3Vector, 'cvss3Vector', '3');
  out.cvss4Vector = vector(c, raw.cvss4Vector, 'cvss4Vector', '4');
  out.otherSeverity = severityScores(c, raw.otherSeverity, 'otherSeverity');
  out.cwes = c.list(raw.cwes, 'cwes').flatMap((w, i) => {
    if (!isObj(w)) return (c.add(`cwes[${i}]`, 'Must be {id, name}.'), []);
    const id = c.text(w.id, `cwes[${i}].id`, 20, true).trim().toUpperCase();
    if (id && !CWE_ID.test(id)) c.add(`cwes[${i}].id`, 'Must look like CWE-79.');
    return [{ id, name: c.text(w.name, `cwes[${i}].name`, 300).trim() }];
  });
  out.cveIds = c.strings(raw.cveIds, 'cveIds', CVE_ID, 'Must look like CVE-2026-12345.');
  out.aliases = c.strings(raw.aliases, 'aliases');
  out.related = c.strings(raw.related, 'related');
  out.upstream = c.strings(raw.upstream, 'upstream');
  out.affected = c
    .list(raw.affected, 'affected', LIMITS.packages)
    .map((p, i) => parsePackage(c, p, `affected[${i}]`))
    .filter((p): p is AffectedPackage => p !== undefined);
  out.references = c.list(raw.references, 'references').flatMap((r, i) => {
    if (!isObj(r)) return (c.add(`references[${i}]`, 'Must be {type, url}.'), []);
    const type = r.type ?? 'WEB';
    if (typeof type !== 'string' || !(REFERENCE_TYPES as readonly string[]).includes(type)) {
      c.add(`references[${i}].type`, `Must be one of ${REFERENCE_TYPES.join(', ')}.`);
    }
    return [{ type: type as never, url: c.url(r.url, `references[${i}].url`) }];
  });
  out.credits = c.list(raw.credits, 'credits').flatMap((r, i) => {
    if (!isObj(r)) return (c.add(`credits[${i}]`, 'Must be {name, type?, contact?}.'), []);
    const credit: AdvisoryContent['credits'][number] = {
      name: c.text(r.name, `credits[${i}].name`, 200, true).trim(),
    };
    if (r.type !== undefined && r.type !== null && r.type !== '') {
      if (typeof r.type === 'string' && (CREDIT_TYPES as readonly string[]).includes(r.type))
        credit.type = r.type as never;
      else c.add(`credits[${i}].type`, `Must be one of ${CREDIT_TYPES.join(', ')}.`);
    }
    const contact = c.strings(r.contact, `credits[${i}].contact`);
    if (contact.length) credit.contact = contact;
    return [credit];
  });
  out.databaseSpecific = c.record(raw.databaseSpecific, 'databaseSpecific') ?? null;
  if (c.errors.length) throw new ValidationError(c.errors);
  return out;
}

/** What a public advisory must have beyond a draft's title. Empty when it may be published. */
export function publishProblems(content: AdvisoryContent): FieldError[] {
  const out: FieldError[] = [];
  if (!content.summary.trim() && !content.details.trim()) {
    out.push({ field: 'summary', message: 'Write a summary or details before publishing.' });
  }
  if (!content.severity) out.push({ field: 'severity', message: 'Set a severity before publishing.' });
  if (content.affected.length === 0) {
    out.push({ field: 'affected', message: 'Name at least one affected package before publishing.' });
  }
  return out;
}
