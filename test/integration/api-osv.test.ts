// The osv.dev-compatible API over real advisories on both dialects: /v1/vulns/{id}, /v1/query by
// package and version, by purl and by commit, /v1/querybatch with osv.dev's answer shape, page
// tokens, errors as problem+json, and that only published advisories are ever answered.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiClient, assertProblem, type Call } from '../helpers/api.ts';
import { makeMember, makeProject } from '../helpers/factories.ts';
import { advisoryContent, publishedAdvisory } from '../helpers/advisories.ts';
import { validateOsv } from '../../src/integrations/osv/osv-validate.ts';

const COMMIT = 'a'.repeat(40);

for (const dialect of dialects()) {
  describe(`OSV API (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let ids: { semver: string; pypi: string; git: string; withdrawn: string };
    let draftPkg: string;

    before(async () => {
      t = await createTestApp(dialect);
      call = apiClient(t.app);
      const s = t.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const semver = await publishedAdvisory(s, m.actor, p.slug, {
        affected: [
          {
            ecosystem: 'npm',
            name: 'left-pad',
            ranges: [
              { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] },
              { type: 'SEMVER', events: [{ introduced: '2.0.0' }, { last_affected: '2.1.0' }] },
            ],
            versions: [],
          },
        ],
      });
      const pypi = await publishedAdvisory(s, m.actor, p.slug, {
        affected: [
          {
            ecosystem: 'PyPI',
            name: 'Jinja2',
            purl: 'pkg:pypi/jinja2',
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.10.1' }] }],
            versions: ['2.10rc1'],
          },
        ],
      });
      const git = await publishedAdvisory(s, m.actor, p.slug, {
        affected: [
          {
            ecosystem: 'npm',
            name: 'gitpkg',
            ranges: [
              {
                type: 'GIT',
                repo: 'https://example.org/r.git',
                events: [{ introduced: COMMIT }, { fixed: 'b'.repeat(40) }],
              },
              { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '9.0.0' }] },
            ],
            versions: [],
          },
        ],
      });
      const gone = await publishedAdvisory(s, m.actor, p.slug, {
        affected: [
          {
            ecosystem: 'npm',
            name: 'left-pad',
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.1.0' }] }],
            versions: [],
          },
        ],
      });
      await s.publishing.withdraw(m.actor, gone.uid, { reason: 'duplicate' });
      draftPkg = 'draft-only-package';
      await s.advisories.create(m.actor, p.slug, {
        content: advisoryContent({
          affected: [
            {
              ecosystem: 'npm',
              name: draftPkg,
              ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
              versions: [],
            },
          ],
        }),
      });
      ids = { semver: semver.id!, pypi: pypi.id!, git: git.id!, withdrawn: gone.id! };
    });
    after(() => t.close());

    const idsOf = (json: { vulns?: { id: string }[] }) => (json.vulns ?? []).map((v) => v.id).sort();
    const x = (id: string) => `x_${id}`;

    test('GET /v1/vulns/{id} answers a valid OSV record, by x_ id or plain id', async () => {
      const r = await call('GET', `/v1/vulns/${x(ids.semver)}`);
      assert.equal(r.status, 200);
      assert.equal(r.json.id, x(ids.semver), 'unregistered prefixes are written with x_');
      assert.deepEqual(validateOsv(r.json), { ok: true });
      assert.equal((await call('GET', `/v1/vulns/${ids.semver}`)).json.id, x(ids.semver));
      assertProblem(await call('GET', '/v1/vulns/PARLEY-2026-9999'), 404, 'not-found');
    });

    test('package + version follows the ranges (introduced 0, fixed, re-introduced, last_affected)', async () => {
      const q = async (version: string) =>
        idsOf(
          (
            await call('POST', '/v1/query', {
              body: { package: { name: 'left-pad', ecosystem: 'npm' }, version },
            })
          ).json,
        );
      assert.deepEqual(await q('1.2.9'), [x(ids.semver)]);
      assert.deepEqual(await q('1.0.0'), [x(ids.semver)], 'the withdrawn advisory is not answered');
      assert.deepEqual(await q('1.3.0'), []);
      assert.deepEqual(await q('2.1.0'), [x(ids.semver)]);
      assert.deepEqual(await q('2.1.1'), []);
      const all = await call('POST', '/v1/query', {
        body: { package: { name: 'left-pad', ecosystem: 'npm' } },
      });
      assert.deepEqual(idsOf(all.json), [x(ids.semver)], 'without a version every advisory of the package');
      const none = await call('POST', '/v1/query', {
        body: { package: { name: 'left-pad', ecosystem: 'npm' }, version: '3.0.0' },
      });
      assert.equal(none.status, 200);
      assert.deepEqual(none.json, {}, 'osv.dev answers {} when nothing matches');
    });

    test('PyPI names are normalised; purl with version; explicit versions; commit queries', async () => {
      const byName = await call('POST', '/v1/query', {
        body: { package: { name: 'jinja2', ecosystem: 'PyPI' }, version: '2.10' },
      });
      assert.deepEqual(idsOf(byName.json), [x(ids.pypi)]);
      const byPurl = await call('POST', '/v1/query', {
        body: { package: { purl: 'pkg:pypi/jinja2@2.10rc1' } },
      });
      assert.deepEqual(idsOf(byPurl.json), [x(ids.pypi)]);
      const fixed = await call('POST', '/v1/query', {
        body: { package: { purl: 'pkg:pypi/jinja2@2.10.1' } },
      });
      assert.deepEqual(fixed.json, {});
      const twice = await call('POST', '/v1/query', {
        body: { package: { purl: 'pkg:pypi/jinja2@2.10' }, version: '2.10' },
      });
      assertProblem(twice, 422, 'validation-error');
      const commit = await call('POST', '/v1/query', { body: { commit: COMMIT } });
      assert.deepEqual(idsOf(commit.json), [x(ids.git)]);
      const fixCommit = await call('POST', '/v1/query', { body: { commit: 'b'.repeat(40) } });
      assert.deepEqual(fixCommit.json, {}, 'the fixing commit is not affected');
    });

    test('querybatch answers ids and modified per query, in order, {} for misses', async () => {
      const r = await call('POST', '/v1/querybatch', {
        body: {
          queries: [
            { package: { name: 'left-pad', ecosystem: 'npm' }, version: '1.0.0' },
            { package: { name: 'nothing-here', ecosystem: 'npm' }, version: '1.0.0' },
            { package: { purl: 'pkg:pypi/Jinja2@2.9' } },
            { commit: COMMIT },
            { package: { name: draftPkg, ecosystem: 'npm' }, version: '1.0.0' },
          ],
        },
      });
      assert.equal(r.status, 200);
      assert.equal(r.json.results.length, 5);
      assert.deepEqual(Object.keys(r.json.results[0].vulns[0]).sort(), ['id', 'modified']);
      assert.equal(r.json.results[0].vulns[0].id, x(ids.semver));
      assert.deepEqual(r.json.results[1], {});
      assert.equal(r.json.results[2].vulns[0].id, x(ids.pypi));
      assert.equal(r.json.results[3].vulns[0].id, x(ids.git));
      assert.deepEqual(r.json.results[4], {}, 'a draft is never answered');
    });

    test('bad requests are problem+json 4xx, never 5xx', async () => {
      const bad = [
        { package: {} },
        { package: { purl: 'not a purl' } },
        { commit: 'zz' },
        { commit: COMMIT, version: '1' },
        { package: { name: 'x', ecosystem: 'npm' }, page_token: 'garbage' },
        'string',
      ];
      for (const body of bad) {
        const r = await call('POST', '/v1/query', { body });
        assert.ok(r.status >= 400 && r.status < 500, `${JSON.stringify(body)} → ${r.status}`);
        assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      }
      const tooMany = await call('POST', '/v1/querybatch', {
        body: { queries: Array.from({ length: 1001 }, () => ({ commit: COMMIT })) },
      });
      assertProblem(tooMany, 422, 'validation-error');
      assertProblem(await call('POST', '/v1/querybatch', { body: { nope: 1 } }), 422);
    });
  });
}

describe('OSV API pagination (sqlite)', () => {
  test('next_page_token pages through more matches than one page holds', async (t) => {
    const app = await createTestApp('sqlite');
    t.after(() => app.close());
    const call = apiClient(app.app);
    const p = await makeProject(app.services);
    const m = await makeMember(app.services, p.slug, 'maintainer');
    // 105 advisories of one package: one /v1/query page holds 100 full records.
    for (let i = 0; i < 105; i++) {
      await publishedAdvisory(app.services, m.actor, p.slug, {
        affected: [
          {
            ecosystem: 'npm',
            name: 'popular',
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `${i + 1}.0.0` }] }],
            versions: [],
          },
        ],
      });
    }
    const body = { package: { name: 'popular', ecosystem: 'npm' }, version: '0.5.0' };
    const first = await call('POST', '/v1/query', { body });
    assert.equal(first.json.vulns.length, 100);
    assert.ok(first.json.next_page_token);
    const second = await call('POST', '/v1/query', {
      body: { ...body, page_token: first.json.next_page_token },
    });
    assert.equal(second.json.vulns.length, 5);
    assert.equal(second.json.next_page_token, undefined);
    const seen = new Set([...first.json.vulns, ...second.json.vulns].map((v: { id: string }) => v.id));
    assert.equal(seen.size, 105);
    const other = await call('POST', '/v1/query', {
      body: {
        package: { name: 'popular', ecosystem: 'npm' },
        version: '9.9.9',
        page_token: first.json.next_page_token,
      },
    });
    assertProblem(other, 422, 'validation-error');
  });
});

describe('OSV API rate limit (sqlite)', () => {
  test('answers 429 problem+json past the per-address limit', async (t) => {
    const app = await createTestApp('sqlite', { env: { PARLEY_QUERY_RATE_LIMIT: '3' } });
    t.after(() => app.close());
    const call = apiClient(app.app);
    const body = { package: { name: 'x', ecosystem: 'npm' }, version: '1.0.0' };
    for (let i = 0; i < 3; i++) assert.equal((await call('POST', '/v1/query', { body })).status, 200);
    assertProblem(await call('POST', '/v1/query', { body }), 429, 'rate-limited');
  });
});
