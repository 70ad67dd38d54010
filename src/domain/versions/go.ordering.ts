// Go module versions (golang.org/x/mod/semver rules). OSV writes them without the "v" Go itself
// requires, so both spellings are accepted. `+incompatible` is build metadata and so ignored, which
// puts v2.0.0+incompatible level with v2.0.0. Pseudo-versions (v0.0.0-20210101000000-abcdef123456,
// v1.2.4-0.20210101000000-abcdef123456, v1.2.3-pre.0.20210101000000-abcdef123456) are pre-releases
// whose timestamp identifier sorts by time under plain SemVer precedence, so they need no special case.
import { createOrdering } from './cached-ordering.ts';
import { compareSemverLike, isStrictSemver, parseSemverLike, type SemverLike } from './semver.ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';

/** Go's shorthand forms ("v1", "v1.2") are valid only without pre-release or build. */
const GO_SHORTHAND = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;
const isGoVersion = (s: string): boolean => isStrictSemver(s) || GO_SHORTHAND.test(s);

export function goOrdering(): VersionOrdering {
  return createOrdering<SemverLike>({
    ecosystem: 'Go',
    parse: (v) => parseSemverLike(v, 3, isGoVersion),
    compare: (a, b) => compareSemverLike(a, b, 3),
    isValid: (p) => p.strict,
  });
}
