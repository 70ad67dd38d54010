// Whether a package version (or a commit) is affected according to an advisory's OSV `affected` entry,
// following the "Evaluation" section of the OSV schema (ossf/osv-schema docs/schema.md): a version is
// affected when it is listed in `versions` or falls in a SEMVER or ECOSYSTEM range. SEMVER ranges are
// ordered by SemVer whatever the ecosystem; ECOSYSTEM ranges by the package's ecosystem ordering.
//
// Without an ordering for the ecosystem, or for a query version the ecosystem can't parse, only the
// explicit `versions` list can match: ranges are skipped rather than guessed at, and nothing throws.
//
// GIT ranges are not evaluated for versions. Commits (isCommitAffected) are matched without the
// repository's history, so only commits named in GIT range events can be recognised: an `introduced`
// or `last_affected` commit is affected, a `fixed` or `limit` commit is not, and any other commit —
// even one that lies between an introduced and a fixed commit — is reported as not affected.
import type { AffectedPackage, AffectedRange, RangeEvent } from '../advisory/advisory.types.ts';
import { orderingFor, SEMVER, type VersionOrdering } from '../versions/version-ordering.ts';

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';

/** The kind and value of an event; null for a malformed one (no string value). */
function readEvent(event: RangeEvent): { kind: EventKind; value: string } | null {
  const e = event as Partial<Record<EventKind, unknown>>;
  for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const value = e[kind];
    if (typeof value === 'string') return { kind, value };
  }
  return null;
}

/** `introduced: "0"` sorts before every version; null stands for it here. */
function compareEventVersions(ordering: VersionOrdering, a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return ordering.compare(a, b);
}

/**
 * One range, as the schema's IncludedInRanges/BeforeLimits pseudocode. That pseudocode sorts the
 * events and lets each event the version has reached set the state (introduced: affected; fixed,
 * or a last_affected below the version: not affected), so the answer is the effect of the last such
 * event in sorted order. Finding that event directly gives the same answer without sorting the
 * events on every query. Events at equal versions keep the record's order, as a stable sort does.
 */
function isInRange(ordering: VersionOrdering, range: AffectedRange, version: string): boolean {
  let hasLimit = false;
  let belowALimit = false;
  let last: { kind: EventKind; at: string | null } | null = null;
  for (const event of range.events) {
    const e = readEvent(event);
    if (e === null) continue;
    if (e.kind === 'limit') {
      hasLimit = true;
      // Several limits widen the range: being below any one of them is enough.
      if (!belowALimit) belowALimit = e.value.includes('*') || ordering.compare(version, e.value) < 0;
      continue;
    }
    const at = e.kind === 'introduced' && e.value === '0' ? null : e.value;
    const reached =
      at === null ||
      (e.kind === 'last_affected' ? ordering.compare(version, at) > 0 : ordering.compare(version, at) >= 0);
    if (reached && (last === null || compareEventVersions(ordering, at, last.at) >= 0)) {
      last = { kind: e.kind, at };
    }
  }
  if (hasLimit && !belowALimit) return false;
  return last !== null && last.kind === 'introduced';
}

/** The ordering a range is evaluated with; null when there is none (GIT, unknown ecosystem). */
function orderingOf(range: AffectedRange, ecosystem: string): VersionOrdering | null {
  if (range.type === 'SEMVER') return orderingFor(SEMVER);
  if (range.type === 'ECOSYSTEM') return orderingFor(ecosystem);
  return null;
}

/** Whether `version` of the package is affected: listed in `versions`, or inside a SEMVER/ECOSYSTEM range. */
export function isVersionAffected(pkg: AffectedPackage, version: string): boolean {
  if (pkg.versions.includes(version)) return true;
  for (const range of pkg.ranges) {
    const ordering = orderingOf(range, pkg.ecosystem);
    if (ordering === null || !ordering.isValid(version)) continue;
    if (isInRange(ordering, range, version)) return true;
  }
  return false;
}

const FULL_COMMIT = /^[0-9a-f]{40}$/i;

/**
 * Whether a full 40-hex commit id is affected according to the GIT ranges, judged only by the commits
 * the events name (see the header): named as introduced/last_affected and not as fixed/limit in the
 * same range.
 */
export function isCommitAffected(pkg: AffectedPackage, commit: string): boolean {
  if (typeof commit !== 'string' || !FULL_COMMIT.test(commit)) return false;
  const wanted = commit.toLowerCase();
  for (const range of pkg.ranges) {
    if (range.type !== 'GIT') continue;
    let named = false;
    let excluded = false;
    for (const event of range.events) {
      const e = readEvent(event);
      if (e === null || e.value.toLowerCase() !== wanted) continue;
      if (e.kind === 'introduced' || e.kind === 'last_affected') named = true;
      else excluded = true;
    }
    if (named && !excluded) return true;
  }
  return false;
}

/**
 * The `fixed` versions of the SEMVER and ECOSYSTEM ranges ("patched versions"), without duplicates,
 * in ascending order when the ecosystem has an ordering, else in the record's order.
 */
export function fixedVersionsOf(pkg: AffectedPackage): string[] {
  const fixed: string[] = [];
  let allSemver = true;
  for (const range of pkg.ranges) {
    if (range.type === 'GIT') continue;
    allSemver &&= range.type === 'SEMVER';
    for (const event of range.events) {
      const e = readEvent(event);
      if (e !== null && e.kind === 'fixed' && !fixed.includes(e.value)) fixed.push(e.value);
    }
  }
  const ordering = orderingFor(pkg.ecosystem) ?? (allSemver ? orderingFor(SEMVER) : null);
  return ordering === null ? fixed : fixed.sort((a, b) => ordering.compare(a, b));
}
