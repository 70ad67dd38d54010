// Advisory test data: publishable content and a shortcut to a published advisory.
import type { Services } from '../../src/services/index.ts';
import type { Actor } from '../../src/services/actor.ts';

let n = 0;

/** Content that passes every publication check: npm package, SEMVER range, severity, CVE, CWE. */
export function advisoryContent(overrides: Record<string, unknown> = {}) {
  n++;
  return {
    title: `Path traversal in archive extraction ${n}`,
    summary: 'Extracting a crafted archive writes files **outside** the target directory.',
    details: 'The extractor joins entry names without checking for `..` segments.',
    severity: 'high',
    cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:N',
    cveIds: [`CVE-2026-${String(10000 + n)}`],
    cwes: [
      {
        id: 'CWE-22',
        name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
      },
    ],
    affected: [
      {
        ecosystem: 'npm',
        name: `tar-extract-${n}`,
        ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.4.2' }] }],
        versions: [],
      },
    ],
    workarounds: 'Extract untrusted archives in a throwaway container.',
    upgrade: `npm install tar-extract-${n}@1.4.2`,
    references: [{ type: 'FIX', url: 'https://example.org/commit/abc' }],
    credits: [{ name: 'Ada Researcher', type: 'FINDER' }],
    ...overrides,
  };
}

/** Drafts and publishes an advisory in `slug` as `maintainer`; returns the team view. */
export async function publishedAdvisory(
  s: Services,
  maintainer: Actor,
  slug: string,
  overrides: Record<string, unknown> = {},
) {
  const draft = await s.advisories.create(maintainer, slug, { content: advisoryContent(overrides) });
  return s.publishing.publish(maintainer, draft.uid);
}
