// `parley import osv` end to end on both dialects: both shared data sets import completely (the
// records the schema refuses are listed), a second run changes nothing, a newer `modified` updates,
// every imported record comes back out of /v1/vulns exactly as it went in, and the OSV API finds
// them by package and version. Plus the CLI itself (progress off a TTY, exit code, --json).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { dialects } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import { apiClient } from '../helpers/api.ts';
import { makeMember, makeProject } from '../helpers/factories.ts';
import { readOsvFiles } from '../../src/integrations/osv/osv-files.ts';
import { ForbiddenError, NotFoundError } from '../../src/domain/errors.ts';

const DATA = fileURLToPath(new URL('../../../shared/data/osv/', import.meta.url));
const SETS = [path.join(DATA, 'pypa'), path.join(DATA, 'rustsec')];
// The PyPA records whose GIT ranges name short or non-hex commits, which the OSV schema refuses.
const REFUSED = [
  'PYSEC-2017-27',
  'PYSEC-2019-155',
  'PYSEC-2021-371',
  'PYSEC-2021-424',
  'PYSEC-2021-425',
  'PYSEC-2021-436',
  'PYSEC-2023-80',
];

type Obj = Record<string, unknown>;
const normalise = (r: Obj, original: Obj): Obj => {
  const out = { ...r };
  if (!('schema_version' in original)) delete out.schema_version;
  if (Array.isArray(out.aliases)) out.aliases = [...(out.aliases as string[])].sort();
  return out;
};

for (const dialect of dialects()) {
  describe(`OSV import of the shared data sets (${dialect})`, () => {
    test('imports completely, idempotently, and round-trips through /v1/vulns', async (t) => {
      const app = await createTestApp(dialect);
      t.after(() => app.close());
      const s = app.services;
      const p = await makeProject(s, { slug: 'ecosystem-imports' });
      const responder = await makeMember(s, p.slug, 'responder');
      await assert.rejects(
        s.advisoryImport.importOsv(responder.actor, p.slug, []),
        (e) => e instanceof ForbiddenError,
      );
      await assert.rejects(
        s.advisoryImport.importOsv('system', 'no-such-project', []),
        (e) => e instanceof NotFoundError,
      );

      const started = Date.now();
      const first = await s.advisoryImport.importOsv('system', p.slug, readOsvFiles(SETS));
      t.diagnostic(
        `first import: ${JSON.stringify({ ...first, invalid: first.invalid.length })} in ${Date.now() - started} ms`,
      );
      assert.equal(first.read, 2661 + 1206);
      assert.equal(first.created, 2661 + 1206 - REFUSED.length);
      assert.deepEqual(first.invalid.map((i) => i.id).sort(), REFUSED);
      for (const i of first.invalid)
        assert.match(i.errors.join(' '), /must match pattern/, `${i.id}: ${i.errors.join('; ')}`);

      const again = await s.advisoryImport.importOsv('system', p.slug, readOsvFiles(SETS));
      assert.equal(again.unchanged, first.created, 're-import changes nothing');
      assert.equal(again.created + again.updated, 0);

      // Every imported record comes back out of the OSV API as it went in.
      const call = apiClient(app.app);
      let compared = 0;
      for await (const item of readOsvFiles(SETS)) {
        const raw = item.raw as Obj;
        if (REFUSED.includes(raw.id as string)) continue;
        const r = await call('GET', `/v1/vulns/${raw.id}`);
        assert.equal(r.status, 200, `${raw.id}`);
        const want = Array.isArray(raw.aliases)
          ? { ...raw, aliases: [...(raw.aliases as string[])].sort() }
          : raw;
        if (!isDeepStrictEqual(normalise(r.json, raw), want)) {
          assert.deepEqual(normalise(r.json, raw), want, `${raw.id} changed on its way through the database`);
        }
        compared++;
      }
      assert.equal(compared, first.created);

      // A newer modified time updates the record; an older one does not.
      const sample = (await call('GET', '/v1/vulns/RUSTSEC-2016-0001')).json as Obj;
      const newer = { ...sample, modified: '2030-01-01T00:00:00Z', summary: 'Updated summary' };
      const older = { ...sample, modified: '2000-01-01T00:00:00Z', summary: 'Older summary' };
      const upd = await s.advisoryImport.importOsv('system', p.slug, [
        { path: 'newer', raw: newer },
        { path: 'older', raw: older },
      ]);
      assert.deepEqual([upd.updated, upd.unchanged], [1, 1]);
      assert.equal((await call('GET', '/v1/vulns/RUSTSEC-2016-0001')).json.summary, 'Updated summary');

      // The query API finds imported ECOSYSTEM (PyPI) and SEMVER (crates.io) ranges.
      const batch = await call('POST', '/v1/querybatch', {
        body: {
          queries: [
            { package: { name: 'jinja2', ecosystem: 'PyPI' }, version: '2.4.1' },
            { package: { name: 'smallvec', ecosystem: 'crates.io' }, version: '0.6.0' },
            { package: { name: 'jinja2', ecosystem: 'PyPI' }, version: '999.0' },
          ],
        },
      });
      assert.ok(batch.json.results[0].vulns.length > 0, 'old jinja2 has advisories');
      assert.ok(batch.json.results[1].vulns.length > 0, 'old smallvec has advisories');
      assert.deepEqual(batch.json.results[2], {});
    });
  });
}
