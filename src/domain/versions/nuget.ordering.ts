// NuGet versions (NuGet.Versioning): up to four numeric parts (Major.Minor.Patch.Revision, missing
// ones 0, leading zeros allowed), a pre-release label compared case-insensitively with SemVer rules,
// and build metadata ignored.
import { createOrdering } from './cached-ordering.ts';
import { compareSemverLike, parseSemverLike, type SemverLike } from './semver.ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';

const LABEL = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const NUGET = new RegExp(`^\\d+(?:\\.\\d+){0,3}(?:-${LABEL})?(?:\\+${LABEL})?$`);

export function nugetOrdering(): VersionOrdering {
  return createOrdering<SemverLike>({
    ecosystem: 'NuGet',
    parse: (v) => parseSemverLike(v, 4, (s) => NUGET.test(s), true),
    compare: (a, b) => compareSemverLike(a, b, 4),
    isValid: (p) => p.strict,
  });
}
