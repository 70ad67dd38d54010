// npm versions, ordered by the `semver` package npm itself uses (loose mode, as npm reads manifests),
// so whatever npm accepts sorts exactly as npm sorts it. Strings npm rejects (numbers above 2^53,
// four components …) are not valid; they sort after every valid version, among themselves by the
// lenient SemVer rules of semver.ordering.ts, and by code units when even those can't read them.
import semver from 'semver';
import { createOrdering } from './cached-ordering.ts';
import { compareSemverLike, isStrictSemver, parseSemverLike, type SemverLike } from './semver.ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';

const LOOSE = { loose: true } as const;

interface NpmVersion {
  /** null when the semver package rejects the string. */
  npm: semver.SemVer | null;
  lenient: SemverLike | null;
}

function parseNpm(version: string): NpmVersion | null {
  let npm: semver.SemVer | null = null;
  try {
    npm = new semver.SemVer(version, LOOSE);
  } catch {
    npm = null;
  }
  if (npm !== null) return { npm, lenient: null };
  const lenient = parseSemverLike(version, 3, isStrictSemver);
  return lenient === null ? null : { npm: null, lenient };
}

function compareNpm(a: NpmVersion, b: NpmVersion): number {
  if (a.npm !== null && b.npm !== null) return a.npm.compare(b.npm);
  if (a.npm !== null) return -1;
  if (b.npm !== null) return 1;
  return compareSemverLike(a.lenient!, b.lenient!, 3);
}

export function npmOrdering(): VersionOrdering {
  return createOrdering<NpmVersion>({
    ecosystem: 'npm',
    parse: parseNpm,
    compare: compareNpm,
    isValid: (p) => p.npm !== null,
  });
}
