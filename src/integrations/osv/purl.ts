// Package URLs (purl) ↔ OSV packages: which OSV ecosystem a purl type stands for and how its
// namespace and name make the OSV package name (Maven "group:artifact", npm "@scope/name", Go and
// Packagist "namespace/name"). Parsing is packageurl-js's; the mapping follows osv.dev's.
import { PackageURL } from 'packageurl-js';

const TYPE_TO_ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  cargo: 'crates.io',
  golang: 'Go',
  maven: 'Maven',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  pub: 'Pub',
  hex: 'Hex',
  hackage: 'Hackage',
  deb: 'Debian',
  apk: 'Alpine',
  cran: 'CRAN',
  swift: 'SwiftURL',
  github: 'GitHub Actions',
};

export interface PurlPackage {
  ecosystem: string | null;
  name: string;
  version: string | null;
  /** The purl without version, qualifiers and subpath, for exact purl lookups. */
  base: string;
}

/** Parses a purl; throws an Error with a readable message when it is not one. */
export function parsePurl(purl: string): PurlPackage {
  const p = PackageURL.fromString(purl);
  const ecosystem = TYPE_TO_ECOSYSTEM[p.type] ?? null;
  let name = p.name;
  if (p.namespace) {
    if (p.type === 'maven') name = `${p.namespace}:${p.name}`;
    else if (p.type === 'deb' || p.type === 'apk')
      name = p.name; // namespace is the distribution
    else name = `${p.namespace}/${p.name}`;
  }
  const base = new PackageURL(p.type, p.namespace, p.name, undefined, undefined, undefined).toString();
  return { ecosystem, name, version: p.version ?? null, base };
}
