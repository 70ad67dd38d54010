// The /api/v1 report routes end to end over app.inject(), on SQLite and PostgreSQL: intake, reading by
// id and key, the inbox list and its filters, the OpenAPI document and health probes. Messages,
// transitions and field changes are in api-reports-workflow.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeMember, makeProject, reportInput } from '../helpers/factories.ts';
import { assertProblem, patFor, type Call, apiWorld, type ApiWorld } from '../helpers/api.ts';
import { hashSecret } from '../../src/services/deps.ts';

type World = ApiWorld['w'];

for (const dialect of dialects()) {
  describe(dialect, () => {
    let t: TestApp;
    let w: World;
    let call: Call;
    let maint: string;
    let resp: string;

    before(async () => {
      let pats: ApiWorld['pats'];
      ({ t, w, call, pats } = await apiWorld(dialect));
      maint = pats.maintainer;
      resp = pats.responder;
    });
    after(() => t.close());

    it('intake answers 201 with id, key, caseUrl, a 256-bit token and a Location', async () => {
      const res = await call('POST', `/api/v1/projects/${w.project.slug}/reports`, {
        body: reportInput({ title: '  Heap overflow in parser  ' }),
      });
      assert.equal(res.status, 201, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(Object.keys(res.json).sort(), ['accessToken', 'caseUrl', 'id', 'key']);
      const { id, key, caseUrl, accessToken } = res.json;
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.match(key, new RegExp(`^${w.project.key}-\\d+$`));
      assert.equal(res.headers.location, `/api/v1/reports/${id}`);
      assert.match(accessToken, /^rct_[A-Za-z0-9_-]{22,}$/);
      assert.ok(Buffer.from(accessToken.slice(4), 'base64url').length >= 16, 'at least 128 bits');
      assert.equal(caseUrl, `http://localhost:8080/c/${accessToken}`);

      const seen = await call('GET', `/api/v1/reports/${id}`, { token: maint });
      assert.equal(seen.status, 200);
      assert.equal(seen.json.title, 'Heap overflow in parser');
      assert.equal(seen.json.channel, 'api');
      assert.equal(seen.json.state, 'new');
      assert.equal(seen.json.reporterEmail, 'researcher@example.org');
    });

    it('stores the case token only as its hash', async () => {
      const created = (
        await call('POST', `/api/v1/projects/${w.project.slug}/reports`, { body: reportInput() })
      ).json;
      const secret = created.accessToken as string;
      const db = t.tdb.handle.db;
      const rows = await db.selectFrom('cases').selectAll().execute();
      const dump = JSON.stringify(rows);
      assert.ok(!dump.includes(secret.slice(4)), 'raw token absent from cases');
      const events = JSON.stringify(await db.selectFrom('case_events').selectAll().execute());
      assert.ok(!events.includes(secret.slice(4)), 'raw token absent from the timeline');
      const row = rows.find((r) => r.id === created.id)!;
      assert.equal(row.reporter_token_hash, hashSecret(secret));
      const asReporter = await call('GET', `/api/v1/reports/${created.id}`, { token: secret });
      assert.equal(asReporter.status, 200);
      assert.equal(asReporter.json.audience, 'reporter');
    });

    it('numbers keys KEY-n per project, also under concurrent intake', async () => {
      const p = await makeProject(t.services);
      const q = await makeProject(t.services);
      const post = (slug: string) =>
        call('POST', `/api/v1/projects/${slug}/reports`, { body: reportInput() });
      const first = [
        (await post(p.slug)).json.key,
        (await post(p.slug)).json.key,
        (await post(p.slug)).json.key,
      ];
      assert.deepEqual(first, [`${p.key}-1`, `${p.key}-2`, `${p.key}-3`]);
      assert.equal((await post(q.slug)).json.key, `${q.key}-1`);
      const burst = await Promise.all(Array.from({ length: 6 }, () => post(p.slug)));
      for (const r of burst) assert.equal(r.status, 201, r.body);
      const numbers = burst.map((r) => Number(r.json.key.split('-').pop())).sort((a, b) => a - b);
      assert.deepEqual(numbers, [4, 5, 6, 7, 8, 9]);
    });

    it('unknown project → 404 problem, nothing stored', async () => {
      const before = (await t.tdb.handle.db.selectFrom('cases').select('id').execute()).length;
      assertProblem(
        await call('POST', '/api/v1/projects/no-such-project/reports', { body: reportInput() }),
        404,
        'not-found',
      );
      assert.equal((await t.tdb.handle.db.selectFrom('cases').select('id').execute()).length, before);
    });

    it('reads a case by id and by key; the team sees the team view', async () => {
      const byId = await call('GET', `/api/v1/reports/${w.caseA.id}`, { token: resp });
      const byKey = await call('GET', `/api/v1/reports/${w.caseA.key}`, { token: resp });
      assert.equal(byId.status, 200);
      assert.equal(byKey.status, 200);
      assert.equal(byId.json.audience, 'team');
      assert.equal(byId.json.id, w.caseA.id);
      assert.equal(byKey.json.id, w.caseA.id);
      assert.equal(byId.json.key, w.caseA.key);
      assert.deepEqual(byId.json.project, { slug: w.project.slug, name: w.project.name });
      assert.deepEqual(byId.json.allowedTransitions, ['acknowledged', 'triaged', 'closed']);
      assertProblem(
        await call('GET', `/api/v1/reports/${w.project.key}-9999`, { token: resp }),
        404,
        'not-found',
      );
    });

    it('lists with project, state, order, limit and offset', async () => {
      const p = await makeProject(t.services);
      const m = await makeMember(t.services, p.slug, 'maintainer');
      const tok = await patFor(t.services, m.email);
      const keys = [];
      for (let i = 0; i < 3; i++) keys.push((await makeCase(t.services, p.slug)).key);
      await call('POST', `/api/v1/reports/${keys[0]}/transition`, {
        token: tok,
        body: { to: 'acknowledged' },
      });
      const list = async (qs: string) => {
        const r = await call('GET', `/api/v1/reports?project=${p.slug}${qs}`, { token: tok });
        assert.equal(r.status, 200, r.body);
        return {
          keys: r.json.items.map((i: { key: string }) => i.key),
          total: r.json.total,
          items: r.json.items,
        };
      };
      const all = await list('');
      // By default the nearest running deadline comes first: the two new cases' acknowledge clocks
      // (oldest first), then the acknowledged case, whose assessment is due days later.
      assert.deepEqual(all.keys, [keys[1], keys[2], keys[0]], 'nearest deadline first by default');
      assert.equal(all.items[0].deadline.clock, 'acknowledge');
      assert.equal(all.items[2].deadline.clock, 'assess');
      assert.deepEqual((await list('&order=newest')).keys, [...keys].reverse());
      assert.equal(all.total, 3);
      assert.deepEqual(Object.keys(all.items[0]).sort(), [
        'assignee',
        'createdAt',
        'deadline',
        'id',
        'key',
        'needsInfo',
        'project',
        'resolution',
        'severity',
        'state',
        'title',
        'updatedAt',
        'versionStatus',
      ]);
      assert.deepEqual((await list('&order=oldest')).keys, keys);
      assert.deepEqual((await list('&state=new&order=newest')).keys, [keys[2], keys[1]]);
      assert.deepEqual((await list('&state=acknowledged')).keys, [keys[0]]);
      assert.deepEqual((await list('&state=new,acknowledged')).total, 3);
      assert.deepEqual((await list('&state=open')).total, 3);
      assert.deepEqual(await list('&state=closed'), { keys: [], total: 0, items: [] });
      const page = await list('&order=oldest&limit=2');
      assert.deepEqual(page.keys, [keys[0], keys[1]]);
      assert.equal(page.total, 3, 'total counts every match, not the page');
      assert.deepEqual((await list('&order=oldest&limit=2&offset=2')).keys, [keys[2]]);
      assert.deepEqual((await list('&offset=10')).keys, []);
    });

    it('serves an OpenAPI 3.1 document listing the report routes', async () => {
      const res = await call('GET', '/api/openapi.json');
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const doc = res.json;
      assert.equal(doc.openapi, '3.1.0');
      assert.equal(typeof doc.info.title, 'string');
      assert.equal(typeof doc.info.version, 'string');
      assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
      const expected: Record<string, string[]> = {
        '/api/v1/projects/{slug}/reports': ['post'],
        '/api/v1/reports': ['get'],
        '/api/v1/reports/{id}': ['get', 'patch'],
        '/api/v1/reports/{id}/messages': ['post'],
        '/api/v1/reports/{id}/transition': ['post'],
      };
      for (const [path, methods] of Object.entries(expected)) {
        assert.ok(doc.paths[path], `${path} listed`);
        for (const m of methods) {
          const op = doc.paths[path][m];
          assert.ok(op, `${m.toUpperCase()} ${path} listed`);
          assert.ok(Object.keys(op.responses).length > 0);
          for (const name of path.match(/\{(\w+)\}/g) ?? []) {
            const declared = (op.parameters ?? []).some(
              (p: { in: string; name: string; required: boolean }) =>
                p.in === 'path' && `{${p.name}}` === name && p.required,
            );
            assert.ok(declared, `${m} ${path} declares ${name}`);
          }
        }
      }
      assert.ok(doc.paths['/api/v1/projects/{slug}/reports'].post.responses['201']);
      // Required fields are the project policy's to decide (the service names every missing one at
      // once); the schema documents them in each field's description.
      const createSchema =
        doc.paths['/api/v1/projects/{slug}/reports'].post.requestBody.content['application/json'].schema;
      assert.equal(createSchema.additionalProperties, false);
      assert.match(createSchema.properties.title.description, /Required/);
      // Every internal $ref resolves inside the document.
      const refs = [...res.body.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
      for (const ref of refs) {
        assert.ok(ref.startsWith('#/'), `local ref ${ref}`);
        const target = ref
          .slice(2)
          .split('/')
          .reduce(
            (o: Record<string, unknown> | undefined, k) => o?.[k] as Record<string, unknown> | undefined,
            doc,
          );
        assert.ok(target, `${ref} resolves`);
      }
    });

    it('answers /healthz and /readyz with 200', async () => {
      const h = await call('GET', '/healthz');
      assert.equal(h.status, 200);
      assert.deepEqual(h.json, { status: 'ok' });
      const r = await call('GET', '/readyz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { status: 'ok' });
    });
  });
}
