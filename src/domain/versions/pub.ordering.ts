// Dart Pub versions (pub_semver). SemVer, except that build metadata is not ignored: a version with a
// build sorts after the same version without one, and builds compare like pre-releases (numbers
// numerically, before text), as pub_semver's Version.compareTo does.
import { createOrdering } from './cached-ordering.ts';
import { compareSemverLike, isStrictSemver, parseSemverLike, type SemverLike } from './semver.ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import { compareIdentifiers } from './version-tokens.ts';

function comparePub(a: SemverLike, b: SemverLike): number {
  const c = compareSemverLike(a, b, 3);
  if (c !== 0) return c;
  if (a.build.length === 0 || b.build.length === 0) {
    return a.build.length === b.build.length ? 0 : a.build.length === 0 ? -1 : 1;
  }
  return compareIdentifiers(a.build, b.build);
}

export function pubOrdering(): VersionOrdering {
  return createOrdering<SemverLike>({
    ecosystem: 'Pub',
    parse: (v) => parseSemverLike(v, 3, isStrictSemver),
    compare: comparePub,
    isValid: (p) => p.strict,
  });
}
