// CSAF 2.0 writer (src/integrations/csaf): every fixture must pass the OASIS JSON schema (ajv, 2020-12)
// and secvisogram's csaf-validator-lib with the strict schema test and every mandatory test (§6.1);
// plus the content each part of an advisory becomes, and the §5.1 filename rule.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
// @ts-expect-error -- csaf-validator-lib ships JavaScript without type declarations
import validateCsaf from '@secvisogram/csaf-validator-lib/validate.js';
// @ts-expect-error -- as above
import * as schemaTests from '@secvisogram/csaf-validator-lib/schemaTests.js';
// @ts-expect-error -- as above
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js';
// @ts-expect-error -- as above: the FIRST CVSS schemas the CSAF schema refers to by URL
import cvssV2 from '@secvisogram/csaf-validator-lib/schemas/cvss-v2.0.js';
// @ts-expect-error -- as above
import cvssV30 from '@secvisogram/csaf-validator-lib/schemas/cvss-v3.0.js';
// @ts-expect-error -- as above
import cvssV31 from '@secvisogram/csaf-validator-lib/schemas/cvss-v3.1.js';
import { toCsaf, csafFilename, type CsafDocument } from '../../src/integrations/csaf/csaf-export.ts';
import { csafPathOf } from '../../src/integrations/csaf/csaf-provider.ts';
import {
  SETTINGS,
  ALL_FIXTURES,
  richSource,
  minimalSource,
  withdrawnSource,
  pypiMavenSource,
  draftSource,
} from '../helpers/export-fixtures.ts';

const SCHEMAS = new URL('../../../shared/data/schemas/', import.meta.url);
const readSchema = (name: string) => JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8'));

// ajv-formats is CommonJS; its default import is the plugin at run time (as in src/integrations/osv).
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(cvssV2, 'https://www.first.org/cvss/cvss-v2.0.json');
ajv.addSchema(cvssV30, 'https://www.first.org/cvss/cvss-v3.0.json');
ajv.addSchema(cvssV31, 'https://www.first.org/cvss/cvss-v3.1.json');
const csafSchema = readSchema('csaf-2.0.json');
ajv.addSchema(csafSchema);
const validateSchema = ajv.getSchema(csafSchema.$id)!;

type LibResult = {
  isValid: boolean;
  tests: { name: string; isValid: boolean; errors: { instancePath: string; message: string }[] }[];
};
const LIB_TESTS = [schemaTests.csaf_2_0_strict, ...Object.values(mandatoryTests)];

async function assertValidCsaf(doc: CsafDocument): Promise<void> {
  const json = JSON.parse(JSON.stringify(doc));
  const schemaOk = validateSchema(json);
  assert.ok(schemaOk, `schema: ${ajv.errorsText(validateSchema.errors, { separator: '\n' })}`);
  const result = (await validateCsaf(LIB_TESTS, json)) as LibResult;
  const failed = result.tests
    .filter((t) => !t.isValid || t.errors.length > 0)
    .map((t) => ({ test: t.name, errors: t.errors }));
  assert.deepEqual(failed, [], `csaf-validator-lib: ${JSON.stringify(failed, null, 2)}`);
  assert.equal(result.isValid, true);
  assert.ok(result.tests.length >= 40, 'every mandatory test ran');
}

describe('toCsaf: valid documents', () => {
  for (const [name, make] of Object.entries(ALL_FIXTURES)) {
    test(`${name} passes the schema and all mandatory tests`, async () => {
      await assertValidCsaf(toCsaf(make(), SETTINGS));
    });
  }
});

describe('the validity checks themselves', () => {
  // Guards against a harness that passes everything: each break must be caught by its test.
  const breaks: [string, (doc: CsafDocument) => void][] = [
    ['6.1.11 CWE name', (doc) => (doc.vulnerabilities[0]!.cwe = { id: 'CWE-22', name: 'Path traversal' })],
    ['6.1.1 missing product id', (doc) => doc.vulnerabilities[0]!.product_status.fixed!.push('CSAFPID-9999')],
    ['6.1.16 version', (doc) => (doc.document.tracking.version = '1')],
    ['6.1.9 score', (doc) => (doc.vulnerabilities[0]!.scores![0]!.cvss_v3.baseScore = 5)],
    ['schema', (doc) => ((doc.document as { lang: string }).lang = '')],
  ];
  for (const [name, breakIt] of breaks) {
    test(`a broken document is rejected: ${name}`, async () => {
      const doc = toCsaf(richSource(), SETTINGS);
      breakIt(doc);
      await assert.rejects(assertValidCsaf(doc), assert.AssertionError);
    });
  }
});

describe('toCsaf: content', () => {
  test('rich advisory: document, tracking and revision history', () => {
    const doc = toCsaf(richSource(), SETTINGS);
    const d = doc.document;
    assert.equal(d.category, 'csaf_security_advisory');
    assert.equal(d.distribution.tlp.label, 'WHITE');
    assert.deepEqual(d.publisher, {
      category: 'vendor',
      name: 'Example Security Team',
      namespace: 'https://example.org',
    });
    assert.equal(d.tracking.id, 'PARLEY-2026-0001');
    assert.equal(d.tracking.status, 'final');
    assert.equal(d.tracking.version, '2');
    assert.deepEqual(
      d.tracking.revision_history.map((r) => r.number),
      ['1', '2'],
    );
    assert.equal(d.tracking.initial_release_date, '2026-03-01T10:00:00.000Z');
    assert.equal(d.tracking.current_release_date, '2026-03-05T09:30:00.000Z');
    assert.equal(d.aggregate_severity?.text, 'High');
    assert.deepEqual(
      d.notes?.map((n) => n.category),
      ['summary', 'description'],
    );
    const self = d.references.filter((r) => r.category === 'self');
    assert.equal(self.length, 1);
    assert.equal(self[0]!.url, richSource().urls.csaf);
    // A space in a reference URL is percent-encoded rather than breaking the "uri" format.
    assert.ok(d.references.some((r) => r.url === 'https://example.net/blog/conure%20traversal'));
  });

  test('rich advisory: product tree with vers ranges, versions, fixed versions and purls', () => {
    const doc = toCsaf(richSource(), SETTINGS);
    const vendor = doc.product_tree.branches[0]!;
    assert.equal(vendor.category, 'vendor');
    assert.equal(vendor.name, 'Conure');
    const byName = new Map(vendor.branches!.map((b) => [b.name, b]));
    const server = byName.get('conure-server')!;
    assert.deepEqual(
      server.branches!.map((b) => [b.category, b.name]),
      [
        ['product_version_range', 'vers:npm/<1.4.2|>=2.0.0|<2.1.1'],
        ['product_version', '1.4.2'],
        ['product_version', '2.1.1'],
      ],
    );
    assert.equal(
      server.branches![1]!.product!.product_identification_helper?.purl,
      'pkg:npm/conure-server@1.4.2',
    );
    const client = byName.get('@conure/client')!;
    assert.deepEqual(
      client.branches!.map((b) => b.name),
      ['vers:npm/>=1.0.0|<=1.3.0', '1.0.0', '1.1.0', '1.3.0'],
    );
    assert.equal(
      client.branches![0]!.product!.product_identification_helper?.purl,
      'pkg:npm/%40conure/client',
    );
    assert.deepEqual(
      byName.get('conure')!.branches!.map((b) => b.name),
      ['vers:cargo/>=0.3.0'],
    );
    // The GIT range is left out; its ECOSYSTEM sibling gives the range and the fix.
    assert.deepEqual(
      byName.get('github.com/conure/conure')!.branches!.map((b) => b.name),
      ['vers:golang/<1.2.0', '1.2.0'],
    );
  });

  test('rich advisory: one vulnerability per CVE with shared status, CWE, scores, remediations, credits', () => {
    const doc = toCsaf(richSource(), SETTINGS);
    assert.deepEqual(
      doc.vulnerabilities.map((v) => v.cve),
      ['CVE-2026-10001', 'CVE-2026-10002'],
    );
    const v = doc.vulnerabilities[0]!;
    assert.deepEqual(v.cwe, {
      id: 'CWE-22',
      name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    });
    assert.ok(v.notes.some((n) => n.category === 'other' && n.text.includes('CWE-79')));
    assert.deepEqual(v.ids, [{ system_name: 'GitHub Security Advisory', text: 'GHSA-abcd-efgh-ijkl' }]);
    assert.equal(v.product_status.known_affected!.length, 7);
    assert.equal(v.product_status.fixed!.length, 3);
    assert.equal(v.scores!.length, 1);
    assert.deepEqual(v.scores![0]!.cvss_v3, {
      version: '3.1',
      vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N',
      baseScore: 9.1,
      baseSeverity: 'CRITICAL',
    });
    assert.deepEqual(v.scores![0]!.products, v.product_status.known_affected);
    const categories = v.remediations.map((r) => r.category);
    // The crate's range is still open: no fix, whatever the (other packages') upgrade steps say.
    assert.deepEqual(categories, ['vendor_fix', 'vendor_fix', 'none_available', 'vendor_fix', 'workaround']);
    assert.match(v.remediations[0]!.details, /Fixed versions of conure-server: 1\.4\.2, 2\.1\.1\./);
    assert.match(v.remediations[0]!.details, /conure migrate/);
    assert.match(v.remediations[1]!.details, /Versions of @conure\/client after 1\.3\.0 are not affected\./);
    assert.equal(v.remediations[2]!.details, 'No fixed version of conure is known yet.');
    assert.deepEqual(v.acknowledgments, [
      { names: ['Ada Lovelace'], summary: 'finder', urls: ['https://example.net/ada'] },
      { names: ['fuzz-o-matic'], summary: 'tool' },
      { names: ['Carol'] },
      { names: ['Dana'], summary: 'remediation developer' },
    ]);
    assert.equal(v.release_date, '2026-03-01T10:00:00.000Z');
    assert.deepEqual(v.references, [
      {
        category: 'external',
        summary: 'CVE-2026-10001',
        url: 'https://www.cve.org/CVERecord?id=CVE-2026-10001',
      },
    ]);
  });

  test('minimal advisory: the project is the product, the advisory id names the vulnerability', () => {
    const doc = toCsaf(minimalSource(), SETTINGS);
    assert.equal(doc.document.tracking.version, '1');
    assert.equal(doc.document.tracking.revision_history[0]!.summary, 'Initial version');
    assert.equal(doc.document.notes, undefined);
    assert.deepEqual(doc.product_tree.branches[0]!.branches, [
      { category: 'product_name', name: 'Conure', product: { product_id: 'CSAFPID-0001', name: 'Conure' } },
    ]);
    const [v] = doc.vulnerabilities;
    assert.equal(v!.cve, undefined);
    assert.deepEqual(v!.ids, [{ system_name: 'Example Security Team', text: 'PARLEY-2026-0002' }]);
    assert.deepEqual(v!.product_status, { known_affected: ['CSAFPID-0001'] });
    assert.deepEqual(
      v!.remediations.map((r) => r.category),
      ['none_available'],
    );
  });

  test('withdrawn advisory: final, a Withdrawn note and a revision at the withdrawal', () => {
    const doc = toCsaf(withdrawnSource(), SETTINGS);
    const t = doc.document.tracking;
    assert.equal(t.status, 'final');
    assert.equal(doc.document.distribution.tlp.label, 'WHITE');
    assert.equal(t.version, '2');
    assert.deepEqual(t.revision_history.at(-1), {
      number: '2',
      date: '2026-04-02T12:00:00.000Z',
      summary: 'Advisory withdrawn',
    });
    assert.equal(t.current_release_date, '2026-04-02T12:00:00.000Z');
    const note = doc.document.notes!.find((n) => n.title === 'Withdrawn');
    assert.equal(note?.category, 'general');
    assert.match(note!.text, /withdrawn on 2026-04-02/);
    assert.ok(doc.vulnerabilities[0]!.notes.some((n) => n.title === 'Withdrawn'));
  });

  test('withdrawn advisory whose history already reaches the withdrawal gets no extra revision', () => {
    const s = withdrawnSource();
    s.revisions.push({ number: 2, date: '2026-04-02T12:00:00.000Z', summary: 'Withdrawn: not reachable' });
    const t = toCsaf(s, SETTINGS).document.tracking;
    assert.equal(t.version, '2');
    assert.equal(t.revision_history.length, 2);
  });

  test('PyPI/Maven advisory: merged package, purls, per-package CVSS 3.0 score, unversioned package', () => {
    const doc = toCsaf(pypiMavenSource(), SETTINGS);
    const vendor = doc.product_tree.branches[0]!;
    const byName = new Map(vendor.branches!.map((b) => [b.name, b]));
    assert.equal(vendor.branches!.length, 3);
    const py = byName.get('Conure_Bindings')!;
    assert.deepEqual(
      py.branches!.map((b) => b.name),
      ['vers:pypi/<2.2.1', 'vers:pypi/>=3.0|<3.0.2', '2.0', '2.1', '2.2', '2.2.1', '3.0.2'],
    );
    assert.equal(
      py.branches![2]!.product!.product_identification_helper?.purl,
      'pkg:pypi/conure-bindings@2.0',
    );
    const mvn = byName.get('org.conure:conure-core')!;
    assert.equal(
      mvn.branches![1]!.product!.product_identification_helper?.purl,
      'pkg:maven/org.conure/conure-core@3.0.5',
    );
    const deb = byName.get('conure')!;
    assert.equal(deb.product?.product_identification_helper?.purl, 'pkg:deb/debian/conure');
    const [v] = doc.vulnerabilities;
    assert.equal(v!.scores!.length, 1);
    assert.equal(v!.scores![0]!.cvss_v3.version, '3.0');
    assert.equal(v!.scores![0]!.products.length, 5);
    assert.ok(v!.remediations.some((r) => r.category === 'none_available' && r.details.includes('conure')));
    // Year folder of a document first released on New Year's Eve (UTC).
    assert.equal(
      csafPathOf('PARLEY-2026-0004', doc.document.tracking.initial_release_date),
      '2025/parley-2026-0004.json',
    );
  });

  test('draft advisory: TLP:AMBER and status draft', () => {
    const d = toCsaf(draftSource(), SETTINGS).document;
    assert.equal(d.distribution.tlp.label, 'AMBER');
    assert.equal(d.tracking.status, 'draft');
  });

  test('the writer is deterministic', () => {
    assert.deepEqual(toCsaf(richSource(), SETTINGS), toCsaf(richSource(), SETTINGS));
  });

  test('csafFilename follows CSAF 2.0 §5.1', () => {
    assert.equal(csafFilename('PARLEY-2026-0001'), 'parley-2026-0001.json');
    assert.equal(csafFilename('Example Company - 2019-YH3234'), 'example_company_-_2019-yh3234.json');
    assert.equal(csafFilename('rhsa-2019:1862'), 'rhsa-2019_1862.json');
    assert.equal(csafFilename('a+b..c//d'), 'a+b_c_d.json');
  });
});
