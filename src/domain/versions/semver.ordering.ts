// SemVer 2.0 precedence for OSV `SEMVER` ranges and the ecosystems that version with strict SemVer
// (crates.io, Hex), plus the lenient "semver-like" parser that Go, Pub and NuGet build on.
//
// Not the `semver` package: it rejects numbers above 2^53 and more than three components, both of
// which appear in OSV data and in the osv-scalibr fixtures. Parsing follows osv-scalibr's leniency:
// an optional leading "v", missing minor/patch count as 0, text straight after the numbers
// ("1.2.3beta") is a pre-release, and numeric components past the core are build metadata.
import { createOrdering } from './cached-ordering.ts';
import type { VersionOrdering } from './version-ordering.ts';
import {
  compareDigits,
  compareIdentifiers,
  stripZeros,
  toIdentifiers,
  type Identifier,
} from './version-tokens.ts';

export interface SemverLike {
  /** Core numbers, zero-stripped, at most `coreSize` of them (missing ones count as 0). */
  core: string[];
  /** Empty for a release. */
  pre: Identifier[];
  /** Build metadata, including numeric components past the core ("1.2.3.4" → build "4"). */
  build: Identifier[];
  /** The caller's strict grammar accepts the (trimmed) string. */
  strict: boolean;
}

/** SemVer 2.0.0 (semver.org's regex), with the leading "v" OSV tools tolerate. */
export const STRICT_SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const isStrictSemver = (s: string): boolean => STRICT_SEMVER.test(s);

/**
 * Lenient parse: null unless the string starts (after an optional "v") with a digit.
 * `lowerPre` folds the pre-release to lower case for ecosystems that compare it case-insensitively.
 */
export function parseSemverLike(
  input: string,
  coreSize: number,
  isStrict: (trimmed: string) => boolean,
  lowerPre = false,
): SemverLike | null {
  const s = input.trim();
  let i = s.startsWith('v') ? 1 : 0;
  const start = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if ((c < 48 || c > 57) && c !== 46) break;
    i++;
  }
  const numbers = s
    .slice(start, i)
    .split('.')
    .filter((part) => part !== '');
  if (numbers.length === 0 || s.charCodeAt(start) === 46) return null;

  let rest = s.slice(i);
  let buildText = '';
  const plus = rest.indexOf('+');
  if (plus !== -1) {
    buildText = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
  }
  if (rest.startsWith('-')) rest = rest.slice(1);
  if (lowerPre) rest = rest.toLowerCase();

  const core = numbers.slice(0, coreSize).map(stripZeros);
  const extra = numbers.slice(coreSize).join('.');
  const build = toIdentifiers(extra && buildText ? `${extra}.${buildText}` : extra || buildText);
  return { core, pre: toIdentifiers(rest), build, strict: isStrict(s) };
}

/** Precedence of core then pre-release (build metadata ignored, SemVer §10). */
export function compareSemverLike(a: SemverLike, b: SemverLike, coreSize: number): number {
  for (let i = 0; i < coreSize; i++) {
    const c = compareDigits(a.core[i] ?? '0', b.core[i] ?? '0');
    if (c !== 0) return c;
  }
  // A release sorts after its pre-releases (SemVer §11.3).
  if (a.pre.length === 0 || b.pre.length === 0) {
    return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  }
  return compareIdentifiers(a.pre, b.pre);
}

/** SemVer ordering under an ecosystem name: "SEMVER" (the range type), "crates.io", "Hex". */
export function semverOrdering(ecosystem: string): VersionOrdering {
  return createOrdering<SemverLike>({
    ecosystem,
    parse: (v) => parseSemverLike(v, 3, isStrictSemver),
    compare: (a, b) => compareSemverLike(a, b, 3),
    isValid: (p) => p.strict,
  });
}
