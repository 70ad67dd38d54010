// The `vulnerabilities` of a CSAF 2.0 document: one per CVE id of the advisory (one without `cve` when
// it has none), all sharing the advisory's products, remediations, score and credits. The shape is what
// the csaf_security_advisory profile (mandatory tests 6.1.27.x) asks for: notes and product_status on
// each, and every remediation and score tied to product ids (6.1.29, 6.1.7).
import type { ExportSource, PublisherSettings } from '../../domain/advisory/advisory-export.types.ts';
import type { CreditType } from '../../domain/advisory/advisory.types.ts';
import { scoreVector } from '../cvss/cvss.ts';
import type { PackageProducts } from './csaf-product-tree.ts';

export interface CsafNote {
  category: 'description' | 'details' | 'general' | 'other' | 'summary';
  text: string;
  title?: string;
}

export interface CsafCvssV3 {
  version: '3.0' | '3.1';
  vectorString: string;
  baseScore: number;
  baseSeverity: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
}

export interface CsafRemediation {
  category: 'vendor_fix' | 'workaround' | 'none_available';
  details: string;
  product_ids: string[];
  url?: string;
}

export interface CsafVulnerability {
  cve?: string;
  cwe?: { id: string; name: string };
  title: string;
  ids?: { system_name: string; text: string }[];
  notes: CsafNote[];
  product_status: { known_affected?: string[]; fixed?: string[] };
  remediations: CsafRemediation[];
  scores?: { products: string[]; cvss_v3: CsafCvssV3 }[];
  references?: { category: 'external'; summary: string; url: string }[];
  acknowledgments?: { names: string[]; summary?: string; urls?: string[] }[];
  release_date?: string;
}

/** An absolute URL in the serialised form the schemas' "uri" format accepts; null when it is none. */
export function normaliseUrl(url: string): string | null {
  try {
    return new URL(url).href;
  } catch {
    return null;
  }
}

/** Readable names of the id systems seen in OSV aliases; others are named by their prefix. */
const ID_SYSTEMS: ReadonlyMap<string, string> = new Map([
  ['GHSA', 'GitHub Security Advisory'],
  ['PYSEC', 'PyPI Advisory Database'],
  ['RUSTSEC', 'RustSec Advisory Database'],
  ['GO', 'Go Vulnerability Database'],
  ['OSV', 'OSV'],
]);

const CREDIT_SUMMARIES: Record<CreditType, string> = {
  FINDER: 'finder',
  REPORTER: 'reporter',
  ANALYST: 'analyst',
  COORDINATOR: 'coordinator',
  REMEDIATION_DEVELOPER: 'remediation developer',
  REMEDIATION_REVIEWER: 'remediation reviewer',
  REMEDIATION_VERIFIER: 'remediation verifier',
  TOOL: 'tool',
  SPONSOR: 'sponsor',
  OTHER: 'other',
};

/**
 * A CVSS 3.x vector as a cvss_v3 object. CVSS 4.0 has no place in CSAF 2.0 (its schema knows cvss_v2 and
 * cvss_v3 only), so 4.0 vectors give null. So does a vector the scorer rejects: stored vectors were
 * validated on save, and one bad imported score must not make the whole document invalid.
 */
export function csafCvssV3(vector: string | null | undefined): CsafCvssV3 | null {
  if (!vector) return null;
  try {
    const r = scoreVector(vector);
    if (r.version === '4.0') return null;
    const baseSeverity = r.rating.toUpperCase() as CsafCvssV3['baseSeverity'];
    return { version: r.version, vectorString: r.vector, baseScore: r.baseScore, baseSeverity };
  } catch {
    return null;
  }
}

function scores(source: ExportSource, products: PackageProducts[]): CsafVulnerability['scores'] {
  const all = products.flatMap((p) => p.affected);
  const advisoryScore = csafCvssV3(source.advisory.content.cvss3Vector);
  if (advisoryScore) return all.length ? [{ products: all, cvss_v3: advisoryScore }] : undefined;
  // Without an advisory-wide vector, imported per-package CVSS 3 scores apply to their package only
  // (one score per product and version: mandatory test 6.1.7).
  const perPackage = products.flatMap((p) => {
    const vector = p.packages.flatMap((pkg) => pkg.severity ?? []).find((s) => s.type === 'CVSS_V3');
    const score = csafCvssV3(vector?.score);
    return score && p.affected.length ? [{ products: p.affected, cvss_v3: score }] : [];
  });
  return perPackage.length ? perPackage : undefined;
}

function remediations(source: ExportSource, products: PackageProducts[]): CsafRemediation[] {
  const { upgrade, workarounds } = source.advisory.content;
  const steps = upgrade.trim();
  const out: CsafRemediation[] = [];
  for (const p of products) {
    if (p.affected.length === 0) continue;
    const facts = [
      p.fixedVersions.length ? `Fixed versions of ${p.label}: ${p.fixedVersions.join(', ')}.` : '',
      p.lastAffected.length
        ? `Versions of ${p.label} after ${p.lastAffected.join(', ')} are not affected.`
        : '',
    ].filter(Boolean);
    // Upgrade steps alone make a fix only for a package without version data; where the data shows
    // no fix (a range still open), they are about the other packages.
    if (facts.length > 0 || (steps && p.unversioned)) {
      const details = [...facts, steps].filter(Boolean).join('\n\n');
      out.push({ category: 'vendor_fix', details, product_ids: p.affected, url: source.urls.page });
    } else {
      const details = `No fixed version of ${p.label} is known yet.`;
      out.push({ category: 'none_available', details, product_ids: p.affected });
    }
  }
  const all = products.flatMap((p) => p.affected);
  if (workarounds.trim() && all.length) {
    out.push({ category: 'workaround', details: workarounds.trim(), product_ids: all });
  }
  return out;
}

function acknowledgments(source: ExportSource): CsafVulnerability['acknowledgments'] {
  const seen = new Set<string>();
  const list = source.advisory.content.credits.flatMap((c) => {
    const name = c.name.trim();
    if (!name) return [];
    const entry: NonNullable<CsafVulnerability['acknowledgments']>[number] = { names: [name] };
    if (c.type) entry.summary = CREDIT_SUMMARIES[c.type];
    const urls = [...new Set((c.contact ?? []).map(normaliseUrl).filter((u): u is string => u !== null))];
    if (urls.length) entry.urls = urls;
    const key = JSON.stringify(entry);
    if (seen.has(key)) return [];
    seen.add(key);
    return [entry];
  });
  return list.length ? list : undefined;
}

type Cwe = ExportSource['advisory']['content']['cwes'][number];

function notes(source: ExportSource, others: Cwe[], withdrawn: CsafNote | null): CsafNote[] {
  const { advisory } = source;
  const c = advisory.content;
  const text = c.summary.trim() || c.details.trim() || c.title.trim() || advisory.id;
  const out: CsafNote[] = [{ category: 'description', text, title: 'Description' }];
  // CSAF takes one CWE per vulnerability; the others would otherwise be lost.
  if (others.length > 0) {
    const list = others.map((w) => `${w.id}: ${w.name}`).join('\n');
    out.push({ category: 'other', text: list, title: 'Further weaknesses (CWE)' });
  }
  if (withdrawn) out.push(withdrawn);
  return out;
}

/** `context` carries what the document already computed: its withdrawal note and release date. */
export function csafVulnerabilities(
  source: ExportSource,
  settings: PublisherSettings,
  products: PackageProducts[],
  context: { withdrawn: CsafNote | null; releaseDate: string | null },
): CsafVulnerability[] {
  const { advisory } = source;
  const c = advisory.content;
  const known_affected = products.flatMap((p) => p.affected);
  const fixed = products.flatMap((p) => p.fixed);
  const aliasIds = [...new Set(c.aliases)].map((text) => {
    const prefix = text.split('-')[0] ?? text;
    return { system_name: ID_SYSTEMS.get(prefix.toUpperCase()) ?? prefix, text };
  });
  // Mandatory test 6.1.11 compares the name with the CWE catalogue: it must be the catalogue's exact
  // wording, which the advisory editor is expected to take from there (this writer has no catalogue).
  const cwe = c.cwes.find((w) => /^CWE-[1-9]\d{0,5}$/.test(w.id) && w.name.trim());
  const scoreList = scores(source, products);
  const ack = acknowledgments(source);

  const one = (cve: string | null): CsafVulnerability => {
    // Without a CVE the advisory's own id is the vulnerability's only stable name.
    const ids = cve ? aliasIds : [{ system_name: settings.publisherName, text: advisory.id }, ...aliasIds];
    return {
      ...(cve ? { cve } : {}),
      ...(cwe ? { cwe: { id: cwe.id, name: cwe.name } } : {}),
      title: c.title.trim() || advisory.id,
      ...(ids.length ? { ids } : {}),
      notes: notes(
        source,
        c.cwes.filter((w) => w !== cwe),
        context.withdrawn,
      ),
      product_status: {
        ...(known_affected.length ? { known_affected } : {}),
        ...(fixed.length ? { fixed } : {}),
      },
      remediations: remediations(source, products),
      ...(scoreList ? { scores: scoreList } : {}),
      ...(cve
        ? {
            references: [
              { category: 'external', summary: cve, url: `https://www.cve.org/CVERecord?id=${cve}` },
            ],
          }
        : {}),
      ...(ack ? { acknowledgments: ack } : {}),
      ...(context.releaseDate ? { release_date: context.releaseDate } : {}),
    };
  };
  const cves = [...new Set(c.cveIds)];
  return cves.length ? cves.map(one) : [one(null)];
}
