// The CSAF 2.0 product tree of an advisory: vendor (the project) → product_name (each package) →
// one leaf per OSV range (a `vers:` range), per enumerated affected version and per fixed version.
// Every leaf is a product with its own id, so the vulnerabilities can say which are known_affected and
// which fixed; ids are numbered in tree order, which keeps a document stable across exports.
import type { AffectedPackage, RangeEvent } from '../../domain/advisory/advisory.types.ts';

export interface CsafProduct {
  product_id: string;
  name: string;
  product_identification_helper?: { purl: string };
}

export interface CsafBranch {
  category: 'vendor' | 'product_name' | 'product_version' | 'product_version_range';
  name: string;
  branches?: CsafBranch[];
  product?: CsafProduct;
}

/** The product ids of one package, for product_status, remediations and scores. */
export interface PackageProducts {
  /** Branch name of the package (its name, with the ecosystem when two ecosystems share a name). */
  label: string;
  packages: AffectedPackage[];
  affected: string[];
  fixed: string[];
  fixedVersions: string[];
  /** Upper bounds of ranges that end with last_affected (the versions after them are fixed). */
  lastAffected: string[];
  /** True when the package has no usable version data and is affected as a whole. */
  unversioned: boolean;
}

/** OSV ecosystem (without its ":release" suffix) → purl type, which `vers` also uses as scheme name. */
const PURL_TYPES: ReadonlyMap<string, string> = new Map([
  ['npm', 'npm'],
  ['PyPI', 'pypi'],
  ['crates.io', 'cargo'],
  ['Go', 'golang'],
  ['Maven', 'maven'],
  ['NuGet', 'nuget'],
  ['RubyGems', 'gem'],
  ['Packagist', 'composer'],
  ['Pub', 'pub'],
  ['Hex', 'hex'],
  ['Hackage', 'hackage'],
  ['CRAN', 'cran'],
  ['Debian', 'deb'],
  ['Ubuntu', 'deb'],
  ['Alpine', 'apk'],
]);

const ecosystemBase = (ecosystem: string): string => ecosystem.split(':')[0] ?? ecosystem;

/**
 * The package's purl without a version: the record's own, or (when it has none or one that does not parse)
 * one built for ecosystems that have a purl type.
 */
export function basePurl(pkg: AffectedPackage): string | null {
  if (pkg.purl) {
    // Drop a version (and keep qualifiers/subpath): a range leaf names the package, not one version.
    const m = /^(pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/[^@?#]+)(?:@[^?#]*)?(.*)$/.exec(pkg.purl);
    if (m) return `${m[1]}${m[2]}`;
  }
  const type = PURL_TYPES.get(ecosystemBase(pkg.ecosystem));
  if (!type || !pkg.name) return null;
  const segments = (path: string) => path.split('/').map(encodeURIComponent).join('/');
  switch (type) {
    case 'maven': {
      const [group, artifact] = pkg.name.split(':');
      return group && artifact ? `pkg:maven/${segments(group)}/${segments(artifact)}` : null;
    }
    case 'pypi':
      // The purl spec's PyPI normalisation: lower case, "_" written as "-".
      return `pkg:pypi/${encodeURIComponent(pkg.name.toLowerCase().replace(/_/g, '-'))}`;
    case 'deb':
    case 'apk':
      return `pkg:${type}/${ecosystemBase(pkg.ecosystem).toLowerCase()}/${encodeURIComponent(pkg.name)}`;
    default:
      // npm scopes, Go module paths and Packagist vendors are namespaces: keep their slashes.
      return `pkg:${type}/${segments(pkg.name)}`;
  }
}

function purlAt(base: string | null, version: string): string | null {
  if (!base) return null;
  const m = /^([^?#]*)(.*)$/.exec(base)!;
  return `${m[1]}@${encodeURIComponent(version)}${m[2]}`;
}

/** Characters that would break a `vers` constraint list are percent-encoded, as the vers spec asks. */
const versEncode = (v: string): string => v.replace(/[%|\s]/g, (c) => encodeURIComponent(c));

/**
 * One OSV range as a `vers:` string. Events are taken in the order given (Parley and OSV keep them
 * sorted); `limit` only bounds evaluation of git ranges and says nothing about fixes, so it is left out.
 */
export function versOf(scheme: string, events: RangeEvent[]): string | null {
  const parts: string[] = [];
  let openFromZero = false;
  for (const e of events) {
    if ('introduced' in e) {
      openFromZero = e.introduced === '0';
      if (!openFromZero) parts.push(`>=${versEncode(e.introduced)}`);
    } else if ('fixed' in e) {
      parts.push(`<${versEncode(e.fixed)}`);
      openFromZero = false;
    } else if ('last_affected' in e) {
      parts.push(`<=${versEncode(e.last_affected)}`);
      openFromZero = false;
    }
  }
  if (parts.length === 0) return openFromZero ? `vers:${scheme}/*` : null;
  return `vers:${scheme}/${parts.join('|')}`;
}

function versScheme(pkg: AffectedPackage, rangeType: 'SEMVER' | 'ECOSYSTEM'): string {
  const type = PURL_TYPES.get(ecosystemBase(pkg.ecosystem));
  if (type) return type;
  return rangeType === 'SEMVER' ? 'semver' : 'generic';
}

function unversioned(label: string, productId: string): Omit<PackageProducts, 'packages'> {
  return { label, affected: [productId], fixed: [], fixedVersions: [], lastAffected: [], unversioned: true };
}

/** Builds the tree; `vendor` is the project's name. An advisory without packages names the project. */
export function buildProductTree(
  vendor: string,
  affected: AffectedPackage[],
): { branches: CsafBranch[]; products: PackageProducts[] } {
  let next = 0;
  const newId = () => `CSAFPID-${String(++next).padStart(4, '0')}`;

  // Merge entries for the same package (OSV allows several, e.g. per ecosystem_specific block).
  const groups = new Map<string, AffectedPackage[]>();
  for (const pkg of affected) {
    const key = `${pkg.ecosystem}\u0000${pkg.name}`;
    groups.set(key, [...(groups.get(key) ?? []), pkg]);
  }
  const nameCount = new Map<string, number>();
  for (const [first] of groups.values()) nameCount.set(first!.name, (nameCount.get(first!.name) ?? 0) + 1);

  const branches: CsafBranch[] = [];
  const products: PackageProducts[] = [];
  for (const packages of groups.values()) {
    const pkg = packages[0]!;
    const label = (nameCount.get(pkg.name) ?? 0) > 1 ? `${pkg.name} (${pkg.ecosystem})` : pkg.name || vendor;
    const purl = packages.map(basePurl).find((p) => p !== null) ?? null;
    const leaf = (category: CsafBranch['category'], name: string, leafPurl: string | null): CsafBranch => {
      const product: CsafProduct = { product_id: newId(), name: `${vendor} ${label} ${name}` };
      if (leafPurl) product.product_identification_helper = { purl: leafPurl };
      return { category, name, product };
    };

    const seen = new Set<string>();
    const rangeLeaves: CsafBranch[] = [];
    const fixedVersions: string[] = [];
    const lastAffected: string[] = [];
    for (const range of packages.flatMap((p) => p.ranges)) {
      // Git ranges name commits, which CSAF consumers cannot match against installed versions.
      if (range.type === 'GIT') continue;
      const vers = versOf(versScheme(pkg, range.type), range.events);
      if (vers && !seen.has(vers)) {
        seen.add(vers);
        rangeLeaves.push(leaf('product_version_range', vers, purl));
      }
      for (const e of range.events) {
        if ('fixed' in e) fixedVersions.push(e.fixed);
        if ('last_affected' in e) lastAffected.push(e.last_affected);
      }
    }
    const explicit = [...new Set(packages.flatMap((p) => p.versions))];
    // A version both listed as affected and given as a fix contradicts itself; affected is the safe side.
    const fixes = [...new Set(fixedVersions)].filter((v) => !explicit.includes(v));
    const versionLeaves = explicit.map((v) => leaf('product_version', v, purlAt(purl, v)));
    const fixedLeaves = fixes.map((v) => leaf('product_version', v, purlAt(purl, v)));

    const affectedLeaves = [...rangeLeaves, ...versionLeaves];
    if (affectedLeaves.length + fixedLeaves.length === 0) {
      // Nothing but a name (or only git ranges): the package as a whole is the affected product.
      const product: CsafProduct = { product_id: newId(), name: `${vendor} ${label}` };
      if (purl) product.product_identification_helper = { purl };
      branches.push({ category: 'product_name', name: label, product });
      products.push({ ...unversioned(label, product.product_id), packages });
      continue;
    }
    branches.push({ category: 'product_name', name: label, branches: [...affectedLeaves, ...fixedLeaves] });
    products.push({
      label,
      packages,
      affected: affectedLeaves.map((b) => b.product!.product_id),
      fixed: fixedLeaves.map((b) => b.product!.product_id),
      fixedVersions: fixes,
      lastAffected: [...new Set(lastAffected)],
      unversioned: false,
    });
  }

  if (branches.length === 0) {
    const product: CsafProduct = { product_id: newId(), name: vendor };
    branches.push({ category: 'product_name', name: vendor, product });
    products.push({ ...unversioned(vendor, product.product_id), packages: [] });
  }
  return { branches: [{ category: 'vendor', name: vendor, branches }], products };
}
