// CSAF 2.0 writer: one advisory → one `csaf_security_advisory` document that passes the CSAF 2.0 JSON
// schema and every mandatory test of the standard (§6.1). Pure: the caller supplies the revisions, links
// and publisher settings (ExportSource, PublisherSettings), so the unit tests build them by hand.
//
// Decisions:
// - TLP:WHITE for published and withdrawn advisories, which are public. Drafts and scheduled advisories
//   (an embargo) are labelled TLP:AMBER and status "draft", so a preview never claims to be public.
// - Integer versioning: tracking.version is the number of the latest published revision, as a string.
// - Withdrawn: CSAF 2.0 has no such state (2.1 adds one). The document stays "final" and valid, gets a
//   "general" note titled "Withdrawn" on the document and on each vulnerability, and — since withdrawing
//   changes the document — a revision dated at the withdrawal unless the history already reaches it.
import pkg from '../../../package.json' with { type: 'json' };
import type { ExportSource, PublisherSettings } from '../../domain/advisory/advisory-export.types.ts';
import type { ReferenceType } from '../../domain/advisory/advisory.types.ts';
import { buildProductTree, type CsafBranch } from './csaf-product-tree.ts';
import {
  csafVulnerabilities,
  normaliseUrl,
  type CsafNote,
  type CsafVulnerability,
} from './csaf-vulnerabilities.ts';

export type { CsafBranch, CsafProduct } from './csaf-product-tree.ts';
export type { CsafNote, CsafVulnerability } from './csaf-vulnerabilities.ts';

export interface CsafReference {
  category: 'external' | 'self';
  summary: string;
  url: string;
}

export interface CsafPublisher {
  category: 'vendor';
  name: string;
  namespace: string;
}

export interface CsafRevision {
  date: string;
  number: string;
  summary: string;
}

export interface CsafDocument {
  document: {
    aggregate_severity?: { text: string };
    category: 'csaf_security_advisory';
    csaf_version: '2.0';
    distribution: { tlp: { label: 'WHITE' | 'AMBER'; url: string } };
    lang: 'en';
    notes?: CsafNote[];
    publisher: CsafPublisher;
    references: CsafReference[];
    title: string;
    tracking: {
      current_release_date: string;
      generator: { engine: { name: string; version: string } };
      id: string;
      initial_release_date: string;
      revision_history: CsafRevision[];
      status: 'final' | 'draft';
      version: string;
    };
  };
  product_tree: { branches: CsafBranch[] };
  vulnerabilities: CsafVulnerability[];
}

/** CSAF 2.0 §5.1: the lower-cased tracking id, each run of other characters than [+-a-z0-9] as "_". */
export function csafFilename(id: string): string {
  return `${id.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;
}

/** The publisher object, shared by the documents and provider-metadata.json (which should match). */
export function csafPublisher(settings: PublisherSettings): CsafPublisher {
  return { category: 'vendor', name: settings.publisherName, namespace: settings.publisherNamespace };
}

/** Normalised UTC timestamp; a bad date is a bug upstream, so it fails loudly rather than exporting. */
export function isoUtc(date: string): string {
  const t = Date.parse(date);
  if (Number.isNaN(t)) throw new Error(`not a date: ${JSON.stringify(date)}`);
  return new Date(t).toISOString();
}

const REFERENCE_SUMMARIES: Record<ReferenceType, string> = {
  ADVISORY: 'Advisory',
  ARTICLE: 'Article',
  DETECTION: 'Detection',
  DISCUSSION: 'Discussion',
  REPORT: 'Report',
  FIX: 'Fix',
  INTRODUCED: 'Change that introduced the vulnerability',
  GIT: 'Source repository',
  PACKAGE: 'Package',
  EVIDENCE: 'Evidence',
  WEB: 'Web page',
};

function revisionHistory({ advisory, revisions }: ExportSource): CsafRevision[] {
  const revs = revisions
    .map((r) => ({
      number: r.number,
      date: isoUtc(r.date),
      summary: r.summary.trim() || `Revision ${r.number}`,
    }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.number - b.number);
  if (revs.length === 0) {
    const date = isoUtc(advisory.publishedAt ?? advisory.modifiedAt);
    revs.push({ number: 1, date, summary: 'Initial version' });
  }
  if (advisory.state === 'withdrawn' && advisory.withdrawnAt) {
    const date = isoUtc(advisory.withdrawnAt);
    if (revs.at(-1)!.date < date) {
      const number = Math.max(...revs.map((r) => r.number)) + 1;
      revs.push({ number, date, summary: 'Advisory withdrawn' });
    }
  }
  return revs.map((r) => ({ date: r.date, number: String(r.number), summary: r.summary }));
}

function documentNotes(source: ExportSource, withdrawn: CsafNote | null): CsafNote[] {
  const notes: CsafNote[] = [];
  const { summary, details } = source.advisory.content;
  if (summary.trim()) notes.push({ category: 'summary', text: summary.trim(), title: 'Summary' });
  if (details.trim()) notes.push({ category: 'description', text: details.trim(), title: 'Details' });
  if (withdrawn) notes.push(withdrawn);
  return notes;
}

/** The note a withdrawn advisory carries, on the document and on each vulnerability. */
function withdrawnNote({ advisory }: ExportSource): CsafNote {
  const when = advisory.withdrawnAt ? ` on ${isoUtc(advisory.withdrawnAt).slice(0, 10)}` : '';
  return {
    category: 'general',
    title: 'Withdrawn',
    text: `This advisory was withdrawn${when}. Its content is kept for reference and should no longer be acted on.`,
  };
}

function documentReferences(source: ExportSource): CsafReference[] {
  const { advisory, urls } = source;
  const refs: CsafReference[] = [
    { category: 'self', summary: 'This CSAF document', url: urls.csaf },
    { category: 'external', summary: 'Advisory page', url: urls.page },
    { category: 'external', summary: 'OSV record', url: urls.osv },
  ];
  if (advisory.content.cveIds.length > 0) {
    refs.push({ category: 'external', summary: 'CVE JSON 5 record', url: urls.cve });
  }
  for (const r of advisory.content.references) {
    refs.push({ category: 'external', summary: REFERENCE_SUMMARIES[r.type] ?? 'Reference', url: r.url });
  }
  const seen = new Set<string>();
  return refs.flatMap((r) => {
    const url = normaliseUrl(r.url);
    if (!url || seen.has(url)) return [];
    seen.add(url);
    return [{ ...r, url }];
  });
}

/** The CSAF 2.0 document of one advisory. */
export function toCsaf(source: ExportSource, settings: PublisherSettings): CsafDocument {
  const { advisory, project } = source;
  const content = advisory.content;
  const isPublic = advisory.state === 'published' || advisory.state === 'withdrawn';
  const history = revisionHistory(source);
  const latest = history.at(-1)!;
  const initial = isoUtc(advisory.publishedAt ?? history[0]!.date);
  const withdrawn = advisory.state === 'withdrawn' ? withdrawnNote(source) : null;
  const notes = documentNotes(source, withdrawn);
  const severity = content.severity;
  const tree = buildProductTree(project.name.trim() || project.slug, content.affected);
  const releaseDate = advisory.publishedAt ? isoUtc(advisory.publishedAt) : null;

  return {
    document: {
      ...(severity ? { aggregate_severity: { text: severity[0]!.toUpperCase() + severity.slice(1) } } : {}),
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      distribution: { tlp: { label: isPublic ? 'WHITE' : 'AMBER', url: 'https://www.first.org/tlp/' } },
      lang: 'en',
      ...(notes.length ? { notes } : {}),
      publisher: csafPublisher(settings),
      references: documentReferences(source),
      title: content.title.trim() || advisory.id,
      tracking: {
        current_release_date: latest.date > initial ? latest.date : initial,
        generator: { engine: { name: 'Parley', version: pkg.version } },
        id: advisory.id,
        initial_release_date: initial,
        revision_history: history,
        status: isPublic ? 'final' : 'draft',
        version: latest.number,
      },
    },
    product_tree: { branches: tree.branches },
    vulnerabilities: csafVulnerabilities(source, settings, tree.products, { withdrawn, releaseDate }),
  };
}
