// The CSAF 2.0 provider side (§7): provider-metadata.json, the TLP:WHITE directory's index.txt and
// changes.csv, where each document lives in it, and SHA-256 hash files. Pure: routes serve the results.
//
// Role: "csaf_provider" by default. CSAF 2.0 §7.2.2 asks a provider for requirements 1–7 (valid and
// well-named documents over TLS, TLP:WHITE freely accessible, no redirects, provider-metadata.json), one
// of 8–10 (Parley serves /.well-known/csaf/provider-metadata.json: 9) and 11–14 for directory-based
// distribution (a folder per year, index.txt, changes.csv, directory listings), which the route builds
// from this module. Hash files (18) are offered as well, but a "csaf_trusted_provider" also needs
// OpenPGP signatures of every document (19, 20), which Parley does not make yet: callers that sign may
// pass that role with their public keys.
import { createHash } from 'node:crypto';
import type { PublisherSettings } from '../../domain/advisory/advisory-export.types.ts';
import { csafFilename, csafPublisher, isoUtc, type CsafPublisher } from './csaf-export.ts';

export type CsafRole = 'csaf_publisher' | 'csaf_provider' | 'csaf_trusted_provider';

export interface CsafPublicKey {
  url: string;
  /** Hex, at least 40 digits (the schema's pattern). */
  fingerprint?: string;
}

export interface ProviderMetadata {
  canonical_url: string;
  distributions: { directory_url: string }[];
  last_updated: string;
  list_on_CSAF_aggregators: boolean;
  metadata_version: '2.0';
  mirror_on_CSAF_aggregators: boolean;
  public_openpgp_keys?: CsafPublicKey[];
  publisher: CsafPublisher;
  role: CsafRole;
}

/** Path of the CSAF tree under the instance URL (RFC 8615 well-known location, requirement 9). */
export const CSAF_WELL_KNOWN_PATH = '.well-known/csaf/';
/** The TLP:WHITE directory, named as in the spec's examples and the common provider tools. */
export const CSAF_WHITE_DIRECTORY = `${CSAF_WELL_KNOWN_PATH}white/`;

function under(publicUrl: string, path: string): string {
  return new URL(path, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).href;
}

/** provider-metadata.json, valid against the CSAF 2.0 provider metadata schema. */
export function providerMetadata(
  settings: PublisherSettings,
  opts: { lastUpdated: string; role?: CsafRole; publicKeys?: CsafPublicKey[] },
): ProviderMetadata {
  return {
    canonical_url: under(settings.publicUrl, `${CSAF_WELL_KNOWN_PATH}provider-metadata.json`),
    distributions: [{ directory_url: under(settings.publicUrl, CSAF_WHITE_DIRECTORY) }],
    last_updated: isoUtc(opts.lastUpdated),
    // Published advisories are public: aggregators may list and mirror them.
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    ...(opts.publicKeys?.length ? { public_openpgp_keys: opts.publicKeys } : {}),
    publisher: csafPublisher(settings),
    role: opts.role ?? 'csaf_provider',
  };
}

/**
 * Where a document lives in the directory: `<YYYY>/<filename>`, the year of its initial release date
 * (requirement 11) in UTC, as the document writes its dates.
 */
export function csafPathOf(id: string, initialReleaseDate: string): string {
  return `${isoUtc(initialReleaseDate).slice(0, 4)}/${csafFilename(id)}`;
}

export interface DirectoryEntry {
  id: string;
  /** Year of the document's initial_release_date (its folder). */
  year: number;
  /** The document's tracking.current_release_date, written as the document writes it. */
  currentReleaseDate: string;
}

const csvField = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * index.txt (requirement 12: every document's path relative to the directory, one per line) and
 * changes.csv (requirement 13: `"path","current_release_date"` without a heading, latest first).
 */
export function directoryIndex(docs: DirectoryEntry[]): { indexTxt: string; changesCsv: string } {
  const entries = docs.map((d) => ({
    path: `${d.year}/${csafFilename(d.id)}`,
    date: d.currentReleaseDate,
    time: Date.parse(isoUtc(d.currentReleaseDate)),
  }));
  const byPath = [...entries].sort((a, b) => compare(a.path, b.path));
  const byDate = [...entries].sort((a, b) => b.time - a.time || compare(a.path, b.path));
  return {
    indexTxt: byPath.map((e) => `${e.path}\n`).join(''),
    changesCsv: byDate.map((e) => `${csvField(e.path)},${csvField(e.date)}\n`).join(''),
  };
}

/** Hex SHA-256 of a document exactly as served (the bytes of its UTF-8 text). */
export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Content of `<filename>.sha256` (requirement 18): the hash first, then the filename, as sha256sum writes. */
export function sha256File(text: string, filename: string): string {
  return `${sha256Of(text)}  ${filename}\n`;
}
