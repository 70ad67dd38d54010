// OSV import and export against real data: every record of PyPA's advisory database (YAML) and of
// RustSec's OSV export (JSON) in ../shared/data/osv. Each must either be refused for exactly the
// reasons the OSV schema gives, or import and export back to the record it was.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import type { Advisory } from '../../src/domain/advisory/advisory.types.ts';
import { toOsv } from '../../src/integrations/osv/osv-export.ts';
import { countOsvFiles, readOsvFiles } from '../../src/integrations/osv/osv-files.ts';
import { fromOsv, type ImportedAdvisory } from '../../src/integrations/osv/osv-import.ts';
import { validateOsv } from '../../src/integrations/osv/osv-validate.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/osv/', import.meta.url));
const SHARED_SCHEMA = new URL('../../../shared/data/schemas/osv-schema.json', import.meta.url);

// A second, plain validator over the shared schema file itself, so "refused" is checked against the
// schema and not only against the code under test.
const addFormats = formatsPlugin as unknown as typeof formatsPlugin.default;
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const schemaAccepts = ajv.compile(JSON.parse(readFileSync(SHARED_SCHEMA, 'utf8')));

const SETTINGS = {
  publicUrl: 'https://security.example.org/',
  publisherName: 'Example',
  publisherNamespace: 'https://example.org',
  osvPrefixRegistered: false,
};

function exportImported(r: ImportedAdvisory) {
  const advisory: Advisory = {
    ...r,
    projectId: 'p',
    state: r.withdrawnAt ? 'withdrawn' : 'published',
    revision: 1,
    caseIds: [],
    createdAt: r.modifiedAt,
    scheduledFor: null,
    scheduledZone: null,
    source: 'osv-import',
  };
  const page = `https://security.example.org/advisories/${r.id}`;
  return toOsv(
    {
      advisory,
      revisions: [],
      project: { slug: 'p', name: 'P' },
      urls: { page, osv: '', csaf: '', cve: '' },
    },
    SETTINGS,
  );
}

type Obj = Record<string, unknown>;

/** The only normalisations allowed: our schema_version where R had none, aliases as a set. */
function normalise(exported: Obj, original: Obj): Obj {
  const out = { ...exported };
  if (!('schema_version' in original)) delete out.schema_version;
  if (Array.isArray(out.aliases)) out.aliases = [...(out.aliases as string[])].sort();
  return out;
}
const sortedAliases = (r: Obj): Obj =>
  Array.isArray(r.aliases) ? { ...r, aliases: [...r.aliases].sort() } : r;

const GIT_EVENT =
  /^\/affected\/\d+\/ranges\/\d+\/events\/\d+\/(introduced|fixed|last_affected|limit): must match pattern/;

for (const set of ['pypa', 'rustsec']) {
  describe(`OSV data set ${set}`, () => {
    test('every record is refused for schema reasons or round-trips exactly', async (t) => {
      const dir = path.join(DATA, set);
      const total = await countOsvFiles([dir]);
      let seen = 0;
      let imported = 0;
      let roundTripped = 0;
      let aliasOrderOnly = 0;
      const unreadable: string[] = [];
      const rejected: { id: string | null; path: string; errors: string[] }[] = [];
      const mismatched: string[] = [];
      for await (const f of readOsvFiles([dir])) {
        seen++;
        if (f.error !== undefined) {
          unreadable.push(`${f.path}: ${f.error}`);
          continue;
        }
        const original = f.raw as Obj;
        const r = fromOsv(original);
        assert.equal(r.ok, schemaAccepts(original), `${f.path}: import and schema disagree`);
        if (!r.ok) {
          rejected.push({ id: r.id, path: path.relative(DATA, f.path), errors: r.errors });
          continue;
        }
        imported++;
        const exported = exportImported(r.record) as unknown as Obj;
        const valid = validateOsv(exported);
        if (!valid.ok) {
          mismatched.push(`${r.record.id}: export invalid: ${valid.errors.join('; ')}`);
          continue;
        }
        const n = normalise(exported, original);
        if (isDeepStrictEqual(n, sortedAliases(original))) {
          roundTripped++;
          if ('aliases' in n && !isDeepStrictEqual({ ...n, aliases: exported.aliases }, original))
            aliasOrderOnly++;
        } else if (mismatched.length < 5) {
          mismatched.push(`${r.record.id}:\n  got  ${JSON.stringify(n)}\n  want ${JSON.stringify(original)}`);
        } else mismatched.push(r.record.id);
      }

      t.diagnostic(
        `${set}: ${total} files, ${imported} imported, ${rejected.length} rejected, ${roundTripped} round-tripped ` +
          `(${aliasOrderOnly} of them differ only in alias order)`,
      );
      for (const x of rejected) t.diagnostic(`rejected ${x.id} (${x.path}): ${x.errors.join('; ')}`);

      assert.equal(seen, total, 'countOsvFiles agrees with readOsvFiles');
      assert.deepEqual(unreadable, []);
      assert.deepEqual(mismatched, []);
      assert.equal(imported + rejected.length, total);
      assert.equal(roundTripped, imported);
      // In these sets the schema's only objection is GIT events that are not full commit hashes.
      for (const x of rejected) {
        assert.ok(
          x.errors.length > 0 && x.errors.every((e) => GIT_EVENT.test(e)),
          `${x.id}: ${x.errors.join('; ')}`,
        );
      }
      if (set === 'rustsec') assert.equal(rejected.length, 0);
    });
  });
}

describe('readOsvFiles', () => {
  test('walks files and directories in name order, skipping dot entries and other files', async (t) => {
    const root = await mkdtemp(path.join(tmpdir(), 'parley-osv-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    await mkdir(path.join(root, 'b'));
    await mkdir(path.join(root, '.git'));
    await writeFile(path.join(root, '.git', 'x.json'), '{}');
    await writeFile(
      path.join(root, 'b', 'B-2.yml'),
      'id: B-2\nmodified: 2023-11-07T20:24:23.946863Z\nv: 0o17\n',
    );
    await writeFile(path.join(root, 'a.json'), '\uFEFF{"id": "A-1"}');
    await writeFile(path.join(root, 'c.yaml'), 'id: [unclosed');
    await writeFile(path.join(root, 'README.md'), '# not a record');

    const seen = [];
    for await (const f of readOsvFiles([root, path.join(root, 'missing.json')])) seen.push(f);
    assert.deepEqual(
      seen.map((f) => path.relative(root, f.path)),
      ['a.json', 'b/B-2.yml', 'c.yaml', 'missing.json'],
    );
    assert.deepEqual(seen[0]!.raw, { id: 'A-1' });
    // Timestamps stay as written (a Date would lose the microseconds); 1.1 rules for the rest.
    assert.deepEqual(seen[1]!.raw, { id: 'B-2', modified: '2023-11-07T20:24:23.946863Z', v: '0o17' });
    assert.match(seen[2]!.error ?? '', /./);
    assert.match(seen[3]!.error ?? '', /ENOENT/);
    assert.equal(await countOsvFiles([root, path.join(root, 'missing.json')]), 4);
  });
});
