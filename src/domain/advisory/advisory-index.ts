// Derives the rows of the OSV query index from an advisory's content: one per affected package
// (ecosystem, its base without ":suffix", the name as lookups compare it, the purl without version,
// the package JSON) and the commits that GIT ranges name as affected.
import { parsePurl } from '../../integrations/osv/purl.ts';
import type { AdvisoryContent } from './advisory.types.ts';

export interface PackageIndexEntry {
  seq: number;
  ecosystem: string;
  ecosystemBase: string;
  name: string;
  purl: string | null;
  affected: string;
}

export function ecosystemBase(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i === -1 ? ecosystem : ecosystem.slice(0, i);
}

/**
 * The name a lookup compares: PyPI names are normalised as PEP 503 says (case, and runs of "-", "_",
 * "." are one "-"), NuGet and Packagist names are case-insensitive; elsewhere names are exact.
 */
export function lookupName(ecosystem: string, name: string): string {
  const base = ecosystemBase(ecosystem);
  if (base === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (base === 'NuGet' || base === 'Packagist') return name.toLowerCase();
  return name;
}

/** A purl without version, qualifiers or subpath: what package-level lookups compare. */
export function purlBase(purl: string): string {
  try {
    return parsePurl(purl).base;
  } catch {
    return purl.replace(/[?#].*$/, '').replace(/@[^/@]*$/, '');
  }
}

export function packageIndex(content: AdvisoryContent): { packages: PackageIndexEntry[]; commits: string[] } {
  const packages = content.affected.map((p, seq) => ({
    seq,
    ecosystem: p.ecosystem,
    ecosystemBase: ecosystemBase(p.ecosystem),
    name: lookupName(p.ecosystem, p.name),
    purl: p.purl ? purlBase(p.purl) : null,
    affected: JSON.stringify(p),
  }));
  // Without the repositories' history only the commits a range names as affected can be matched:
  // introduced and last_affected ones (a fixed or limit commit is not affected).
  const commits = content.affected.flatMap((p) =>
    p.ranges
      .filter((r) => r.type === 'GIT')
      .flatMap((r) =>
        r.events.flatMap((e) =>
          'introduced' in e ? [e.introduced] : 'last_affected' in e ? [e.last_affected] : [],
        ),
      )
      .filter((v) => /^[0-9a-f]{7,64}$/i.test(v))
      .map((v) => v.toLowerCase()),
  );
  return { packages, commits };
}
