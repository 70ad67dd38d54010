// Hand-built ExportSource fixtures for the CSAF and CVE writers' tests: a rich advisory (several
// packages, SEMVER, ECOSYSTEM and GIT ranges, enumerated versions, two CVEs, two CWEs, CVSS 3.1 and
// 4.0, credits, workarounds, two revisions), a minimal one without CVE or packages, a withdrawn one,
// a PyPI/Maven one (CVSS 3.0 only per package, duplicate package entries, a given purl) and a draft.
import type { ExportSource, PublisherSettings } from '../../src/domain/advisory/advisory-export.types.ts';
import {
  emptyAdvisoryContent,
  type Advisory,
  type AdvisoryContent,
} from '../../src/domain/advisory/advisory.types.ts';

export const SETTINGS: PublisherSettings = {
  publicUrl: 'https://security.example.org/',
  publisherName: 'Example Security Team',
  publisherNamespace: 'https://example.org',
  osvPrefixRegistered: false,
};

export const CNA = { orgId: '6f1b8a7e-3c2d-4e5f-9a0b-1c2d3e4f5a6b', shortName: 'example' };

// Names exactly as in the CWE catalogue: CSAF mandatory test 6.1.11 compares them.
export const CWE_22 = {
  id: 'CWE-22',
  name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
};
export const CWE_79 = {
  id: 'CWE-79',
  name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
};
export const CWE_502 = { id: 'CWE-502', name: 'Deserialization of Untrusted Data' };

function source(
  id: string,
  content: Partial<AdvisoryContent>,
  advisory: Partial<Advisory>,
  revisions: ExportSource['revisions'],
): ExportSource {
  const base = `https://security.example.org/advisories/${id}`;
  return {
    advisory: {
      id,
      projectId: 'p1',
      state: 'published',
      content: { ...emptyAdvisoryContent(), ...content },
      revision: revisions.length || 1,
      caseIds: [],
      createdAt: '2026-02-20T08:00:00.000Z',
      publishedAt: '2026-03-01T10:00:00.000Z',
      modifiedAt: revisions.at(-1)?.date ?? '2026-03-01T10:00:00.000Z',
      withdrawnAt: null,
      scheduledFor: null,
      scheduledZone: null,
      source: 'parley',
      ...advisory,
    },
    revisions,
    project: { slug: 'conure', name: 'Conure' },
    urls: {
      page: base,
      osv: `${base}.osv.json`,
      csaf: `https://security.example.org/.well-known/csaf/white/2026/${id.toLowerCase()}.json`,
      cve: `${base}.cve.json`,
    },
  };
}

export function richSource(): ExportSource {
  return source(
    'PARLEY-2026-0001',
    {
      title: 'Path traversal and stored XSS in the Conure server',
      summary: 'Crafted archive names escape the upload directory; file names are rendered unescaped.',
      details: '## Impact\n\nAn unauthenticated attacker can write files outside `uploads/` and run script.',
      severity: 'high',
      cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N',
      cvss4Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N',
      cwes: [CWE_22, CWE_79],
      cveIds: ['CVE-2026-10001', 'CVE-2026-10002'],
      aliases: ['GHSA-abcd-efgh-ijkl'],
      affected: [
        {
          ecosystem: 'npm',
          name: 'conure-server',
          ranges: [
            {
              type: 'SEMVER',
              events: [{ introduced: '0' }, { fixed: '1.4.2' }, { introduced: '2.0.0' }, { fixed: '2.1.1' }],
            },
          ],
          versions: [],
        },
        {
          ecosystem: 'npm',
          name: '@conure/client',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { last_affected: '1.3.0' }] }],
          versions: ['1.0.0', '1.1.0', '1.3.0'],
        },
        {
          ecosystem: 'crates.io',
          name: 'conure',
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0.3.0' }] }],
          versions: [],
        },
        {
          ecosystem: 'Go',
          name: 'github.com/conure/conure',
          ranges: [
            { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.2.0' }] },
            {
              type: 'GIT',
              repo: 'https://github.com/conure/conure',
              events: [{ introduced: '0' }, { fixed: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432' }],
            },
          ],
          versions: [],
        },
      ],
      workarounds: 'Reject uploads whose archive entries contain `..`.',
      upgrade: 'Upgrade `conure-server` and run `conure migrate`.',
      references: [
        { type: 'FIX', url: 'https://github.com/conure/conure/commit/9f8e7d6c' },
        { type: 'ADVISORY', url: 'https://github.com/advisories/GHSA-abcd-efgh-ijkl' },
        { type: 'WEB', url: 'https://example.net/blog/conure traversal' },
      ],
      credits: [
        { name: 'Ada Lovelace', type: 'FINDER', contact: ['https://example.net/ada', 'not a url'] },
        { name: 'fuzz-o-matic', type: 'TOOL' },
        { name: 'Carol' },
        { name: 'Dana', type: 'REMEDIATION_DEVELOPER' },
      ],
    },
    { modifiedAt: '2026-03-05T09:30:00.000Z' },
    [
      { number: 2, date: '2026-03-05T09:30:00.000Z', summary: 'Added the fixed 2.x version' },
      { number: 1, date: '2026-03-01T10:00:00.000Z', summary: 'Initial publication' },
    ],
  );
}

export function minimalSource(): ExportSource {
  return source('PARLEY-2026-0002', { title: 'Weak default session lifetime' }, {}, []);
}

export function withdrawnSource(): ExportSource {
  return source(
    'PARLEY-2026-0003',
    {
      title: 'Denial of service in the archive reader',
      summary: 'Turned out not to be reachable.',
      cveIds: ['CVE-2026-10003'],
      cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H',
      affected: [
        {
          ecosystem: 'npm',
          name: 'conure-server',
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.5.0' }] }],
          versions: [],
        },
      ],
    },
    { state: 'withdrawn', withdrawnAt: '2026-04-02T12:00:00.000Z', modifiedAt: '2026-03-10T00:00:00.000Z' },
    [{ number: 1, date: '2026-03-10T00:00:00.000Z', summary: 'Initial publication' }],
  );
}

export function pypiMavenSource(): ExportSource {
  return source(
    'PARLEY-2026-0004',
    {
      title: 'Unsafe deserialisation in the Conure bindings',
      details: 'Pickled session data is loaded without a signature check.',
      severity: 'critical',
      cwes: [CWE_502],
      cveIds: ['CVE-2026-10004'],
      affected: [
        {
          ecosystem: 'PyPI',
          name: 'Conure_Bindings',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.2.1' }] }],
          versions: ['2.0', '2.1', '2.2'],
          severity: [{ type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
        },
        {
          // A second entry for the same package (OSV allows it): merged into one product branch.
          ecosystem: 'PyPI',
          name: 'Conure_Bindings',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0' }, { fixed: '3.0.2' }] }],
          versions: [],
        },
        {
          ecosystem: 'Maven',
          name: 'org.conure:conure-core',
          purl: 'pkg:maven/org.conure/conure-core',
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0.0' }, { fixed: '3.0.5' }] }],
          versions: [],
        },
        {
          ecosystem: 'Debian:12',
          name: 'conure',
          ranges: [],
          versions: [],
        },
      ],
      upgrade: '',
      credits: [{ name: 'Eve', type: 'REPORTER' }],
    },
    { publishedAt: '2025-12-31T23:30:00.000Z', modifiedAt: '2026-01-02T00:00:00.000Z' },
    [
      { number: 1, date: '2025-12-31T23:30:00.000Z', summary: 'Initial publication' },
      { number: 2, date: '2026-01-02T00:00:00.000Z', summary: 'Maven package added' },
    ],
  );
}

export function draftSource(): ExportSource {
  const s = richSource();
  s.advisory.state = 'draft';
  s.advisory.publishedAt = null;
  s.advisory.id = 'PARLEY-2026-0005';
  s.revisions = [];
  return s;
}

export const ALL_FIXTURES = { richSource, minimalSource, withdrawnSource, pypiMavenSource, draftSource };
