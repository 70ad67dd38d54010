// CSAF 2.0 provider files (src/integrations/csaf/csaf-provider.ts): provider-metadata.json against the
// OASIS provider metadata schema, the TLP:WHITE directory's index.txt and changes.csv, hash files.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
// @ts-expect-error -- csaf-validator-lib ships JavaScript without type declarations
import cvssV2 from '@secvisogram/csaf-validator-lib/schemas/cvss-v2.0.js';
// @ts-expect-error -- as above
import cvssV30 from '@secvisogram/csaf-validator-lib/schemas/cvss-v3.0.js';
// @ts-expect-error -- as above
import cvssV31 from '@secvisogram/csaf-validator-lib/schemas/cvss-v3.1.js';
import {
  providerMetadata,
  directoryIndex,
  csafPathOf,
  sha256Of,
  sha256File,
} from '../../src/integrations/csaf/csaf-provider.ts';
import { SETTINGS } from '../helpers/export-fixtures.ts';

const SCHEMAS = new URL('../../../shared/data/schemas/', import.meta.url);
const readSchema = (name: string) => JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8'));

// ajv-formats is CommonJS; its default import is the plugin at run time (as in src/integrations/osv).
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// The provider schema takes its publisher definition from the document schema, by URL, and compiling
// that resolves the document schema's own references to FIRST's CVSS schemas.
ajv.addSchema(cvssV2, 'https://www.first.org/cvss/cvss-v2.0.json');
ajv.addSchema(cvssV30, 'https://www.first.org/cvss/cvss-v3.0.json');
ajv.addSchema(cvssV31, 'https://www.first.org/cvss/cvss-v3.1.json');
ajv.addSchema(readSchema('csaf-2.0.json'));
const validateProvider = ajv.compile(readSchema('csaf-2.0-provider-metadata.json'));

describe('CSAF provider files', () => {
  test('csafPathOf: year folder of the initial release date (UTC) and the §5.1 filename', () => {
    assert.equal(csafPathOf('PARLEY-2026-0001', '2026-03-01T10:00:00.000Z'), '2026/parley-2026-0001.json');
    assert.equal(csafPathOf('PARLEY-2026-0004', '2026-01-01T00:30:00+01:00'), '2025/parley-2026-0004.json');
  });

  test('directoryIndex: index.txt paths and changes.csv newest first', () => {
    const { indexTxt, changesCsv } = directoryIndex([
      { id: 'PARLEY-2025-0007', year: 2025, currentReleaseDate: '2026-01-05T08:00:00.000Z' },
      { id: 'PARLEY-2026-0001', year: 2026, currentReleaseDate: '2026-03-05T09:30:00.000Z' },
      { id: 'PARLEY-2026-0002', year: 2026, currentReleaseDate: '2026-02-01T00:00:00.000Z' },
    ]);
    assert.equal(
      indexTxt,
      '2025/parley-2025-0007.json\n2026/parley-2026-0001.json\n2026/parley-2026-0002.json\n',
    );
    assert.equal(
      changesCsv,
      '"2026/parley-2026-0001.json","2026-03-05T09:30:00.000Z"\n' +
        '"2026/parley-2026-0002.json","2026-02-01T00:00:00.000Z"\n' +
        '"2025/parley-2025-0007.json","2026-01-05T08:00:00.000Z"\n',
    );
    assert.deepEqual(directoryIndex([]), { indexTxt: '', changesCsv: '' });
  });

  test('providerMetadata is valid and points at the TLP:WHITE directory', () => {
    const meta = providerMetadata(SETTINGS, { lastUpdated: '2026-03-05T09:30:00Z' });
    assert.ok(validateProvider(meta), ajv.errorsText(validateProvider.errors));
    assert.equal(meta.canonical_url, 'https://security.example.org/.well-known/csaf/provider-metadata.json');
    assert.deepEqual(meta.distributions, [
      { directory_url: 'https://security.example.org/.well-known/csaf/white/' },
    ]);
    assert.equal(meta.role, 'csaf_provider');
    assert.equal(meta.last_updated, '2026-03-05T09:30:00.000Z');

    // A public URL without the trailing slash, and a signing instance with its key.
    const signed = providerMetadata(
      { ...SETTINGS, publicUrl: 'https://example.org/parley' },
      {
        lastUpdated: '2026-03-05T09:30:00Z',
        role: 'csaf_trusted_provider',
        publicKeys: [
          { url: 'https://example.org/key.asc', fingerprint: '8F5F267907B2C4559DB360DB2294BA7D2B2298B1' },
        ],
      },
    );
    assert.ok(validateProvider(signed), ajv.errorsText(validateProvider.errors));
    assert.equal(signed.canonical_url, 'https://example.org/parley/.well-known/csaf/provider-metadata.json');
  });

  test('sha256 hash file content', () => {
    assert.equal(sha256Of('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      sha256File('abc', 'parley-2026-0001.json'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  parley-2026-0001.json\n',
    );
  });
});
