// What the format writers (OSV, CSAF 2.0, CVE JSON 5) are given: one advisory with the facts about
// it that live outside its content (project, revision history, public links), and the instance's
// publishing settings. Writers are pure functions of these, so tests build them by hand.
import type { Advisory } from './advisory.types.ts';

/** One entry of the published revision history (CSAF tracking.revision_history, CVE timeline). */
export interface AdvisoryRevisionInfo {
  /** 1, 2, 3 … counted over published revisions only. */
  number: number;
  /** ISO 8601 UTC. */
  date: string;
  /** What changed, e.g. "Initial publication" or the editor's note. */
  summary: string;
}

export interface ExportSource {
  advisory: Advisory;
  revisions: AdvisoryRevisionInfo[];
  project: { slug: string; name: string };
  /** Absolute URLs of this advisory's public page and machine-readable documents. */
  urls: { page: string; osv: string; csaf: string; cve: string };
}

export interface PublisherSettings {
  /** Instance base URL, e.g. "https://security.example.org/". */
  publicUrl: string;
  /** Who publishes (CSAF document.publisher.name, CVE providerMetadata shortName). */
  publisherName: string;
  /** CSAF document.publisher.namespace: the publisher's own web origin. */
  publisherNamespace: string;
  /**
   * True when the instance's advisory id prefix is registered with OSV (listed in the schema's
   * prefix pattern); otherwise OSV ids are written as `x_<id>`, the schema's form for unregistered
   * databases.
   */
  osvPrefixRegistered: boolean;
}
