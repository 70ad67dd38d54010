// Version ordering per OSV ecosystem: the single entry point (orderingFor) that range evaluation, the
// OSV query API and imports use to compare versions the way each package ecosystem does. Pure and
// synchronous; every ordering caches its parses (cached-ordering.ts).
import { alpineOrdering } from './alpine.ordering.ts';
import { debianOrdering } from './debian.ordering.ts';
import { cranOrdering, hackageOrdering } from './dotted-numbers.ordering.ts';
import { goOrdering } from './go.ordering.ts';
import { mavenOrdering } from './maven.ordering.ts';
import { npmOrdering } from './npm.ordering.ts';
import { nugetOrdering } from './nuget.ordering.ts';
import { packagistOrdering } from './packagist.ordering.ts';
import { pubOrdering } from './pub.ordering.ts';
import { pypiOrdering } from './pypi.ordering.ts';
import { rubygemsOrdering } from './rubygems.ordering.ts';
import { semverOrdering } from './semver.ordering.ts';

export interface VersionOrdering {
  /** The base ecosystem name ("Debian" for "Debian:12"), or "SEMVER". */
  ecosystem: string;
  /**
   * Negative, zero or positive as a sorts before, level with or after b. Never throws, whatever the
   * strings: ones the ecosystem can't read still get a place — by default after every readable
   * version and among themselves by code units; some ecosystems place them as their own tools do
   * (see each module). A total order, except where the ecosystem's own rules aren't transitive:
   * Maven qualifiers after a zero part, Packagist's "#" form, apk-invalid Alpine strings.
   */
  compare(a: string, b: string): number;
  /** false for strings the ecosystem can't parse */
  isValid(v: string): boolean;
}

/** The ordering of OSV `SEMVER` ranges, whatever the package's ecosystem. */
export const SEMVER = 'SEMVER';

const FACTORIES: Record<string, () => VersionOrdering> = {
  npm: npmOrdering,
  Go: goOrdering,
  'crates.io': () => semverOrdering('crates.io'),
  PyPI: pypiOrdering,
  Maven: mavenOrdering,
  RubyGems: rubygemsOrdering,
  NuGet: nugetOrdering,
  Packagist: packagistOrdering,
  Pub: pubOrdering,
  Hex: () => semverOrdering('Hex'),
  Hackage: hackageOrdering,
  CRAN: cranOrdering,
  Debian: () => debianOrdering('Debian'),
  Ubuntu: () => debianOrdering('Ubuntu'),
  Alpine: alpineOrdering,
};

/** OSV ecosystem names (as OSV spells them, without a ":suffix") that orderingFor knows; not SEMVER. */
export const SUPPORTED_ECOSYSTEMS: readonly string[] = Object.freeze(Object.keys(FACTORIES));

const instances = new Map<string, VersionOrdering>();

/**
 * The ordering for an OSV ecosystem name ("PyPI", "Debian:12", "Maven:https://repo.example") or for
 * the SEMVER range type; null when the ecosystem has no known ordering. Names are case-sensitive,
 * as in OSV. One shared instance (and cache) per base name.
 */
export function orderingFor(ecosystem: string): VersionOrdering | null {
  if (typeof ecosystem !== 'string') return null;
  const colon = ecosystem.indexOf(':');
  const base = colon === -1 ? ecosystem : ecosystem.slice(0, colon);
  let ordering = instances.get(base);
  if (ordering === undefined) {
    const factory =
      base === SEMVER
        ? () => semverOrdering(SEMVER)
        : Object.hasOwn(FACTORIES, base)
          ? FACTORIES[base]
          : undefined;
    if (factory === undefined) return null;
    ordering = factory();
    instances.set(base, ordering);
  }
  return ordering;
}
