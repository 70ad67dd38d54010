// OSV export (src/integrations/osv): advisories built by hand are written as OSV, checked against the
// bundled schema, and read back into exactly the content they came from.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  emptyAdvisoryContent,
  type Advisory,
  type AdvisoryContent,
} from '../../src/domain/advisory/advisory.types.ts';
import type { ExportSource, PublisherSettings } from '../../src/domain/advisory/advisory-export.types.ts';
import { composeDetails, osvIdOf, parleyIdFromOsvId, toOsv } from '../../src/integrations/osv/osv-export.ts';
import { fromOsv, type ImportedAdvisory } from '../../src/integrations/osv/osv-import.ts';
import { validateOsv } from '../../src/integrations/osv/osv-validate.ts';
import type { OsvParleyBlock, OsvRecord } from '../../src/integrations/osv/osv.types.ts';

const HEX = (c: string) => c.repeat(40);

function fullContent(): AdvisoryContent {
  return {
    title: 'Path traversal in archive extraction',
    summary: 'Extracting a crafted tarball writes files **outside** the target directory.',
    details:
      'The extractor joins entry names to the target without normalising them.\n\n```\n../../etc/x\n```\n',
    severity: 'high',
    cvss3Vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:N',
    cvss4Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N',
    otherSeverity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:N/I:P/A:N' }],
    cwes: [
      {
        id: 'CWE-22',
        name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
      },
    ],
    cveIds: ['CVE-2026-12345'],
    aliases: ['GHSA-abcd-efgh-ijkl', 'CVE-2026-12345'],
    related: ['CVE-2025-99999'],
    upstream: ['CVE-2024-11111'],
    affected: [
      {
        ecosystem: 'npm',
        name: 'tar-lite',
        purl: 'pkg:npm/tar-lite',
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.4.3' }] }],
        versions: ['1.4.0', '1.4.1', '1.4.2'],
        ecosystemSpecific: { affected_functions: ['extract'] },
        databaseSpecific: { source: 'manual' },
      },
      {
        ecosystem: 'GIT',
        name: 'https://example.org/tar-lite.git',
        ranges: [
          {
            type: 'GIT',
            repo: 'https://example.org/tar-lite.git',
            events: [{ introduced: HEX('a') }, { fixed: HEX('b') }],
            databaseSpecific: { note: 'main branch' },
          },
        ],
        versions: [],
      },
    ],
    workarounds: 'Extract only archives you trust.\n',
    upgrade: '1. `npm install tar-lite@1.4.3`\n2. Restart the service.',
    references: [
      { type: 'FIX', url: 'https://example.org/tar-lite/commit/bbbb' },
      { type: 'ADVISORY', url: 'https://security.example.org/advisories/PARLEY-2026-0001' },
    ],
    credits: [
      { name: 'Ada Finder', contact: ['mailto:ada@example.org'], type: 'FINDER' },
      { name: 'Bob Fixer', type: 'REMEDIATION_DEVELOPER' },
      { name: 'Anonymous' },
    ],
    databaseSpecific: { internal_ticket: 'SEC-12' },
  };
}

function advisory(over: Partial<Advisory> = {}): Advisory {
  return {
    id: 'PARLEY-2026-0001',
    projectId: 'p1',
    state: 'published',
    content: fullContent(),
    revision: 3,
    caseIds: ['c1'],
    createdAt: '2026-01-02T03:04:05.678Z',
    publishedAt: '2026-02-01T12:00:00Z',
    modifiedAt: '2026-02-03T08:30:00.123Z',
    withdrawnAt: null,
    scheduledFor: null,
    scheduledZone: null,
    source: 'parley',
    ...over,
  };
}

const PAGE = 'https://security.example.org/advisories/';
const SETTINGS: PublisherSettings = {
  publicUrl: 'https://security.example.org/',
  publisherName: 'Example',
  publisherNamespace: 'https://example.org',
  osvPrefixRegistered: false,
};

function source(a: Advisory): ExportSource {
  return {
    advisory: a,
    revisions: [],
    project: { slug: 'tar-lite', name: 'tar-lite' },
    urls: { page: PAGE + a.id, osv: `${PAGE}${a.id}.osv.json`, csaf: '', cve: '' },
  };
}

function exportValid(a: Advisory, settings = SETTINGS): OsvRecord {
  const osv = toOsv(source(a), settings);
  assert.deepEqual(validateOsv(osv), { ok: true });
  // What goes over the wire is JSON; nothing may depend on object identity or undefined values.
  return JSON.parse(JSON.stringify(osv)) as OsvRecord;
}

function importOk(osv: unknown): ImportedAdvisory {
  const r = fromOsv(osv);
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  return r.record;
}

/** Content as it comes back: aliases are a set in OSV, written CVE ids first and deduplicated. */
function asReimported(c: AdvisoryContent): AdvisoryContent {
  const all = [...new Set([...c.cveIds, ...c.aliases])];
  return {
    ...c,
    aliases: all.filter((x) => !x.startsWith('CVE-')),
    cveIds: all.filter((x) => x.startsWith('CVE-')),
  };
}

test('the bundled schema is a verbatim copy of the shared one', () => {
  const shared = readFileSync(new URL('../../../shared/data/schemas/osv-schema.json', import.meta.url));
  const bundled = readFileSync(new URL('../../src/integrations/osv/osv-schema.json', import.meta.url));
  assert.ok(shared.equals(bundled));
});

describe('toOsv for an advisory written in Parley', () => {
  test('every field is written, and the record validates', () => {
    const osv = exportValid(advisory());
    assert.equal(osv.id, 'x_PARLEY-2026-0001');
    assert.equal(osv.schema_version, '1.7.0');
    assert.equal(osv.modified, '2026-02-03T08:30:00.123Z');
    assert.equal(osv.published, '2026-02-01T12:00:00Z');
    assert.equal('withdrawn' in osv, false);
    assert.deepEqual(osv.aliases, ['CVE-2026-12345', 'GHSA-abcd-efgh-ijkl']);
    assert.deepEqual(osv.related, ['CVE-2025-99999']);
    assert.deepEqual(osv.upstream, ['CVE-2024-11111']);
    assert.equal(osv.summary, 'Path traversal in archive extraction');
    assert.deepEqual(
      osv.severity?.map((s) => s.type),
      ['CVSS_V3', 'CVSS_V4', 'CVSS_V2'],
    );
    assert.deepEqual(osv.affected?.[1]?.ranges?.[0], {
      type: 'GIT',
      repo: 'https://example.org/tar-lite.git',
      events: [{ introduced: HEX('a') }, { fixed: HEX('b') }],
      database_specific: { note: 'main branch' },
    });
    assert.equal('versions' in osv.affected![1]!, false, 'an empty list is left out');
    assert.deepEqual(osv.credits?.[0], {
      name: 'Ada Finder',
      contact: ['mailto:ada@example.org'],
      type: 'FINDER',
    });
  });

  test('details are the Markdown a reader needs: overview, details, workarounds, upgrade', () => {
    const osv = exportValid(advisory());
    assert.equal(
      osv.details,
      'Extracting a crafted tarball writes files **outside** the target directory.\n\n' +
        'The extractor joins entry names to the target without normalising them.\n\n```\n../../etc/x\n```\n\n' +
        '## Workarounds\n\nExtract only archives you trust.\n\n' +
        '## Upgrade\n\n1. `npm install tar-lite@1.4.3`\n2. Restart the service.',
    );
    const c = { ...fullContent(), summary: '', workarounds: '  \n', upgrade: '' };
    assert.equal(composeDetails(c), fullContent().details.trimEnd());
  });

  test('database_specific keeps the advisory’s own keys and adds cwe_ids, severity and the parley block', () => {
    const dbs = exportValid(advisory()).database_specific!;
    assert.equal(dbs.internal_ticket, 'SEC-12');
    assert.deepEqual(dbs.cwe_ids, ['CWE-22']);
    assert.equal(dbs.severity, 'HIGH');
    const block = dbs.parley as OsvParleyBlock;
    assert.equal(block.url, `${PAGE}PARLEY-2026-0001`);
    assert.equal(block.summary, fullContent().summary);
    assert.deepEqual(block.cwes, fullContent().cwes);
    assert.deepEqual(block.added_keys, ['cwe_ids', 'severity']);
    const medium = exportValid(advisory({ content: { ...fullContent(), severity: 'medium' } }));
    assert.equal(medium.database_specific!.severity, 'MODERATE', 'GitHub’s word for medium');
  });

  test('import restores the content exactly', () => {
    const a = advisory();
    const back = importOk(exportValid(a));
    assert.deepEqual(back.content, asReimported(a.content));
    assert.equal(back.id, a.id);
    assert.equal(back.publishedAt, a.publishedAt);
    assert.equal(back.modifiedAt, a.modifiedAt);
    assert.equal(back.withdrawnAt, null);
  });

  test('a bare draft (title only, no database_specific) round-trips', () => {
    const content: AdvisoryContent = { ...emptyAdvisoryContent(), title: fullContent().title };
    const a = advisory({ state: 'draft', publishedAt: null, content });
    const osv = exportValid(a);
    assert.deepEqual(Object.keys(osv).sort(), [
      'database_specific',
      'id',
      'modified',
      'schema_version',
      'summary',
    ]);
    assert.deepEqual(importOk(osv).content, content);
  });

  test('a withdrawn advisory carries `withdrawn` and round-trips', () => {
    const a = advisory({ state: 'withdrawn', withdrawnAt: '2026-03-01T00:00:00Z' });
    const osv = exportValid(a);
    assert.equal(osv.withdrawn, '2026-03-01T00:00:00Z');
    assert.equal(importOk(osv).withdrawnAt, '2026-03-01T00:00:00Z');
  });

  test('timestamps that are not in OSV’s form are rewritten in UTC', () => {
    const osv = exportValid(
      advisory({ modifiedAt: '2026-02-03T10:30:00+02:00', publishedAt: '2026-02-01T12:00:00.000Z' }),
    );
    assert.equal(osv.modified, '2026-02-03T08:30:00Z');
    assert.equal(osv.published, '2026-02-01T12:00:00.000Z', 'already valid: kept as written');
  });

  test('a top-level score replaces per-package severity, which OSV forbids next to it', () => {
    const content = fullContent();
    content.affected[0]!.severity = [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ];
    const osv = exportValid(advisory({ content }));
    assert.equal('severity' in osv.affected![0]!, false);
    const perPackageOnly = { ...content, cvss3Vector: null, cvss4Vector: null, otherSeverity: [] };
    const osv2 = exportValid(advisory({ content: perPackageOnly }));
    assert.equal(osv2.affected![0]!.severity![0]!.type, 'CVSS_V3');
    assert.deepEqual(importOk(osv2).content, asReimported(perPackageOnly));
  });
});

describe('OSV ids', () => {
  test('unregistered prefixes get x_, which import takes off again', () => {
    assert.equal(osvIdOf('PARLEY-2026-0001', SETTINGS), 'x_PARLEY-2026-0001');
    assert.equal(parleyIdFromOsvId('x_PARLEY-2026-0001'), 'PARLEY-2026-0001');
    assert.equal(parleyIdFromOsvId('PYSEC-2021-1'), 'PYSEC-2021-1');
    // Stripping must not turn an id into one of a registered database.
    assert.equal(parleyIdFromOsvId('x_GHSA-aaaa-bbbb-cccc'), 'x_GHSA-aaaa-bbbb-cccc');
  });

  test('a registered prefix is written as is', () => {
    const registered = { ...SETTINGS, osvPrefixRegistered: true };
    // CURL- is in the bundled schema's list, as an instance's prefix would be once registered.
    const osv = exportValid(advisory({ id: 'CURL-2026-0001' }), registered);
    assert.equal(osv.id, 'CURL-2026-0001');
    assert.equal(importOk(osv).id, 'CURL-2026-0001');
    // The setting is trusted: a prefix the bundled schema does not list yet fails validation.
    const early = toOsv(source(advisory()), registered);
    assert.equal(early.id, 'PARLEY-2026-0001');
    assert.equal(validateOsv(early).ok, false);
  });

  test('imported ids keep their database’s standing whatever the setting says', () => {
    const registered = { ...SETTINGS, osvPrefixRegistered: true };
    const imported = advisory({ id: 'FOO-7', source: 'osv-import' });
    assert.equal(exportValid(imported, registered).id, 'x_FOO-7');
    assert.equal(exportValid(advisory({ id: 'PYSEC-2024-1', source: 'osv-import' })).id, 'PYSEC-2024-1');
  });
});

describe('toOsv for imported records', () => {
  const ghsaStyle = {
    id: 'PYSEC-2024-7',
    modified: '2024-05-01T10:00:00.123456Z',
    published: '2024-04-30T00:00:00Z',
    aliases: ['GHSA-xxxx-yyyy-zzzz', 'CVE-2024-1'],
    details: 'Original details.',
    affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, versions: ['1.0'], severity: null }],
    database_specific: { cwe_ids: ['CWE-79'], severity: 'MODERATE', github_reviewed: true },
  };
  const asImported = (raw: unknown): Advisory => {
    const r = importOk(raw);
    return advisory({ ...r, source: 'osv-import' });
  };

  test('are written back as they were', () => {
    const a = asImported(ghsaStyle);
    assert.equal(a.content.title, '', 'no summary: the page shows the id');
    assert.equal(a.content.severity, 'medium');
    assert.deepEqual(a.content.cwes, [{ id: 'CWE-79', name: '' }]);
    const osv = exportValid(a);
    const { schema_version: _, ...rest } = osv;
    assert.deepEqual(
      { ...rest, aliases: [...rest.aliases!].sort() },
      { ...ghsaStyle, aliases: [...ghsaStyle.aliases].sort() },
    );
  });

  test('get the parley block once Parley adds what OSV cannot carry', () => {
    const a = asImported(ghsaStyle);
    a.content.workarounds = 'Disable the upload form.';
    a.content.severity = 'high';
    const osv = exportValid(a);
    assert.equal(osv.details, 'Original details.\n\n## Workarounds\n\nDisable the upload form.');
    const dbs = osv.database_specific!;
    assert.equal(dbs.severity, 'HIGH');
    assert.equal(dbs.github_reviewed, true);
    assert.deepEqual((dbs.parley as OsvParleyBlock).added_keys, [], 'both keys were there already');
    const back = importOk(osv).content;
    assert.equal(back.details, 'Original details.');
    assert.equal(back.workarounds, 'Disable the upload form.');
    assert.equal(back.severity, 'high');
    // The imported MODERATE is replaced by what was published; nothing else changes.
    assert.deepEqual(back.databaseSpecific, { ...ghsaStyle.database_specific, severity: 'HIGH' });
  });

  test('empty values, nulls, a foreign schema_version and a package-less entry are spelled back as they were', () => {
    const odd = {
      schema_version: '1.4.0',
      id: 'x_ACME-1',
      modified: '2024-01-01T00:00:00Z',
      aliases: null,
      related: [],
      summary: '',
      severity: [],
      affected: [
        {
          severity: null,
          ranges: [{ type: 'GIT', repo: 'https://example.org/r.git', events: [{ introduced: '0' }] }],
          versions: [],
        },
      ],
      references: null,
      credits: [{ name: 'X', contact: [] }],
      database_specific: {},
    };
    const a = asImported(odd);
    assert.equal(a.id, 'ACME-1');
    assert.deepEqual(exportValid(a), odd);
  });

  test('Date objects from a YAML 1.1 reader become RFC 3339 text', () => {
    const r = importOk({
      ...ghsaStyle,
      modified: new Date('2024-05-01T10:00:00Z'),
      published: new Date(Date.UTC(2024, 3, 30, 1, 2, 3, 45)),
    });
    assert.equal(r.modifiedAt, '2024-05-01T10:00:00Z');
    assert.equal(r.publishedAt, '2024-04-30T01:02:03.045Z');
  });
});

describe('validateOsv', () => {
  test('errors name the JSON pointer and the rule', () => {
    const bad = {
      id: 'PYSEC-1',
      modified: '2021-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'PyPI', name: 'x' },
          ranges: [
            { type: 'GIT', repo: 'https://x', events: [{ introduced: '0' }, { fixed: 'cb35df940a' }] },
          ],
        },
      ],
    };
    assert.deepEqual(validateOsv(bad), {
      ok: false,
      errors: ['/affected/0/ranges/0/events/1/fixed: must match pattern "^(0|[a-f0-9]{40}|[a-f0-9]{64})$"'],
    });
    const r = fromOsv(bad);
    assert.deepEqual(r, {
      ok: false,
      id: 'PYSEC-1',
      errors: (validateOsv(bad) as { errors: string[] }).errors,
    });
    assert.deepEqual(fromOsv('nope'), { ok: false, id: null, errors: ['/: must be object'] });
  });
});
