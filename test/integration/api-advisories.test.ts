// /api/v1/advisories over HTTP on both dialects: the draft → schedule → publish → revise → withdraw
// loop with a personal token, problem+json for every refusal (stale revision 409, bad content 422,
// roles 403/404), the public view of a published advisory, exports, and the import route.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { apiWorld, assertProblem, type ApiWorld } from '../helpers/api.ts';
import { advisoryContent } from '../helpers/advisories.ts';

for (const dialect of dialects()) {
  describe(`advisories API (${dialect})`, () => {
    let world: ApiWorld;
    before(async () => {
      world = await apiWorld(dialect);
    });
    after(() => world.t.close());

    test('draft from a case, edit, stale save, publish, revise, withdraw', async () => {
      const { call, pats, w } = world;
      const slug = w.project.slug;
      assertProblem(
        await call('POST', '/api/v1/advisories', { body: { project: slug, cases: [w.caseA.key] } }),
        401,
      );
      assertProblem(
        await call('POST', '/api/v1/advisories', {
          token: pats.outsider,
          body: { project: slug, cases: [w.caseA.key] },
        }),
        404,
      );
      const created = await call('POST', '/api/v1/advisories', {
        token: pats.responder,
        body: { project: slug, cases: [w.caseA.key] },
      });
      assert.equal(created.status, 201, created.body);
      const uid = created.json.uid;
      assert.equal(created.headers.location, `/api/v1/advisories/${uid}`);
      assert.equal(created.json.id, null);

      // Anonymous and outsiders cannot tell a draft from nothing.
      const anon = await call('GET', `/api/v1/advisories/${uid}`);
      const none = await call('GET', '/api/v1/advisories/00000000-0000-4000-8000-000000000000');
      assertProblem(anon, 404, 'not-found');
      assert.equal(anon.json.detail, none.json.detail);
      assertProblem(await call('GET', `/api/v1/advisories/${uid}`, { token: pats.outsider }), 404);

      const bad = await call('PUT', `/api/v1/advisories/${uid}`, {
        token: pats.responder,
        body: { content: { title: '', severity: 'severe' }, baseRevision: 1 },
      });
      const errs = assertProblem(bad, 422, 'validation-error');
      assert.deepEqual(errs.errors.map((e: { field: string }) => e.field).sort(), ['severity', 'title']);

      const content = advisoryContent();
      const saved = await call('PUT', `/api/v1/advisories/${uid}`, {
        token: pats.responder,
        body: { content, baseRevision: 1, note: 'filled in' },
      });
      assert.equal(saved.status, 200, saved.body);
      assert.equal(saved.json.revision, 2);
      assertProblem(
        await call('PUT', `/api/v1/advisories/${uid}`, {
          token: pats.maintainer,
          body: { content, baseRevision: 1 },
        }),
        409,
        'stale-revision',
      );

      assertProblem(
        await call('POST', `/api/v1/advisories/${uid}/publish`, { token: pats.responder }),
        403,
        'forbidden',
      );
      const sch = await call('POST', `/api/v1/advisories/${uid}/schedule`, {
        token: pats.maintainer,
        body: { at: '2099-01-01T00:00', zone: 'UTC' },
      });
      assertProblem(sch, 422, 'validation-error'); // more than two years ahead
      const soon = new Date(Date.now() + 86_400_000).toISOString().slice(0, 16);
      const sch2 = await call('POST', `/api/v1/advisories/${uid}/schedule`, {
        token: pats.maintainer,
        body: { at: soon, zone: 'Asia/Tokyo' },
      });
      assert.equal(sch2.json.state, 'scheduled', sch2.body);
      assertProblem(
        await call('POST', `/api/v1/advisories/${uid}/withdraw`, {
          token: pats.maintainer,
          body: { reason: 'x' },
        }),
        409,
        'invalid-advisory-state',
      );

      const pub = await call('POST', `/api/v1/advisories/${uid}/publish`, { token: pats.maintainer });
      assert.equal(pub.status, 200, pub.body);
      assert.match(pub.json.id, /^PARLEY-\d{4}-\d{4}$/);
      const publicView = await call('GET', `/api/v1/advisories/${pub.json.id}`);
      assert.equal(publicView.status, 200);
      assert.equal(publicView.json.uid, undefined, 'the public view has no team fields');
      assert.deepEqual(Object.keys(publicView.json).sort(), [
        'content',
        'id',
        'modifiedAt',
        'project',
        'publishedAt',
        'state',
        'withdrawnAt',
        'withdrawnReason',
      ]);

      const osv = await call('GET', `/api/v1/advisories/${uid}/export/osv`, { token: pats.responder });
      assert.equal(osv.json.id, `x_${pub.json.id}`);
      const cve = await call('GET', `/api/v1/advisories/${uid}/export/cve`, { token: pats.responder });
      assert.equal(cve.json.cveMetadata.cveId, content.cveIds[0]);

      const revs = await call('GET', `/api/v1/advisories/${uid}/revisions`, { token: pats.responder });
      assert.deepEqual(
        revs.json.items.map((r: { revision: number }) => r.revision),
        [2, 1],
      );

      const wd = await call('POST', `/api/v1/advisories/${uid}/withdraw`, {
        token: pats.maintainer,
        body: { reason: 'Duplicate of an upstream advisory.' },
      });
      assert.equal(wd.json.state, 'withdrawn');
      assertProblem(
        await call('PUT', `/api/v1/advisories/${uid}`, {
          token: pats.maintainer,
          body: { content, baseRevision: wd.json.revision },
        }),
        409,
        'advisory-withdrawn',
      );
      const list = await call('GET', `/api/v1/advisories?project=${slug}`, { token: pats.responder });
      assert.ok(
        list.json.items.some((a: { uid: string; state: string }) => a.uid === uid && a.state === 'withdrawn'),
      );
      assertProblem(await call('GET', '/api/v1/advisories?state=bogus', { token: pats.responder }), 422);
    });

    test('a draft without a CVE has no CVE export; import needs a maintainer', async () => {
      const { call, pats, w } = world;
      const d = await call('POST', '/api/v1/advisories', {
        token: pats.maintainer,
        body: { project: w.project.slug, content: advisoryContent({ cveIds: [] }) },
      });
      assertProblem(
        await call('GET', `/api/v1/advisories/${d.json.uid}/export/cve`, { token: pats.maintainer }),
        422,
      );
      const preview = await call('GET', `/api/v1/advisories/${d.json.uid}/export/osv`, {
        token: pats.maintainer,
      });
      assert.match(preview.json.id, /DRAFT/, 'a draft preview carries a placeholder id');
      const record = {
        schema_version: '1.6.0',
        id: 'RUSTSEC-2099-0001',
        modified: '2099-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'crates.io', name: 'demo' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
          },
        ],
      };
      assertProblem(
        await call('POST', `/api/v1/projects/${w.project.slug}/advisories/import`, {
          token: pats.responder,
          body: { records: [record] },
        }),
        403,
      );
      const imp = await call('POST', `/api/v1/projects/${w.project.slug}/advisories/import`, {
        token: pats.maintainer,
        body: { records: [record, { id: 'broken' }] },
      });
      assert.equal(imp.status, 200, imp.body);
      assert.equal(imp.json.created, 1);
      assert.equal(imp.json.invalid.length, 1);
      assert.equal((await call('GET', '/v1/vulns/RUSTSEC-2099-0001')).json.id, 'RUSTSEC-2099-0001');
    });
  });
}
