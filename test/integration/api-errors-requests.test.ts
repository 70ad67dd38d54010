// Bad requests beyond the body: unknown API routes, bad credentials, bad query parameters and odd
// case ids. Every answer is problem+json and never a 5xx; a refused request stores nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { PASSWORD, reportInput } from '../helpers/factories.ts';
import {
  assertFieldErrors,
  assertProblem,
  type ApiResponse,
  type Call,
  apiWorld,
  type ApiWorld,
} from '../helpers/api.ts';

type World = ApiWorld['w'];

for (const dialect of dialects()) {
  describe(dialect, () => {
    let t: TestApp;
    let w: World;
    let call: Call;
    let team: string;
    const caseCount = async () => (await t.tdb.handle.db.selectFrom('cases').select('id').execute()).length;

    before(async () => {
      let pats: ApiWorld['pats'];
      ({ t, w, call, pats } = await apiWorld(dialect));
      team = pats.maintainer;
    });
    after(() => t.close());

    it('unknown routes and methods under /api → 404 problem', async () => {
      const id = w.caseA.id;
      const cases: Array<[string, string]> = [
        ['GET', '/api/'],
        ['GET', '/api/v1'],
        ['GET', '/api/v1/'],
        ['GET', '/api/v1/nope'],
        ['GET', '/api/v2/reports'],
        ['GET', `/api/v1/reports/${id}/nope`],
        ['GET', `/api/v1/reports/${id}/messages`],
        ['POST', '/api/v1/reports'],
        ['PUT', `/api/v1/reports/${id}`],
        ['DELETE', `/api/v1/reports/${id}`],
        ['GET', `/api/v1/projects/${w.project.slug}/reports`],
        ['OPTIONS', '/api/v1/reports'],
        ['GET', '/v1/nothing'],
      ];
      for (const [method, url] of cases) {
        for (const token of [undefined, team]) {
          const p = assertProblem(await call(method, url, { token }), 404, 'not-found');
          assert.equal(p.instance, url);
        }
      }
      assertProblem(await call('GET', '/api/v1/projects/no-such-project', {}), 404, 'not-found');
    });

    it('invalid or unknown bearer tokens → 401 with WWW-Authenticate, token not echoed', async () => {
      const pat = team;
      const headers = [
        'Bearer nope',
        `Bearer pat_${crypto.randomBytes(32).toString('base64url')}`,
        `Bearer rct_${crypto.randomBytes(32).toString('base64url')}`,
        `Bearer ${pat.slice(0, -1)}${pat.endsWith('A') ? 'B' : 'A'}`,
        `Bearer ${pat} extra`,
        'Bearer',
        'Bearer ',
        `Bearer ${'x'.repeat(5000)}`,
        'Basic dXNlcjpwYXNzd29yZA==',
        `Token ${pat}`,
        pat,
        `Bearer rct_${w.caseA.accessToken.slice(4, 20)}`,
      ];
      const routes: Array<[string, string, unknown]> = [
        ['GET', '/api/v1/reports', undefined],
        ['GET', `/api/v1/reports/${w.caseA.id}`, undefined],
        ['POST', `/api/v1/reports/${w.caseA.id}/messages`, { body: 'hi' }],
        ['POST', `/api/v1/projects/${w.project.slug}/reports`, reportInput()],
      ];
      const before = await caseCount();
      for (const authorization of headers) {
        for (const [method, url, body] of routes) {
          const res = await call(method, url, { headers: { authorization }, body });
          assertProblem(res, 401, 'unauthenticated');
          assert.match(String(res.headers['www-authenticate']), /^Bearer\b/);
          const secret = authorization.split(' ')[1];
          if (secret && secret.length > 8) assert.ok(!res.body.includes(secret), 'token not echoed');
        }
      }
      assert.equal(await caseCount(), before);
      // A session cookie is not an API credential: the API sees an anonymous caller.
      const { sessionSecret } = await t.services.auth.login(w.maintainer.email, PASSWORD, {});
      const cookie = `${t.app.parley.cookies.sessionName}=${sessionSecret}`;
      assertProblem(await call('GET', '/api/v1/reports', { headers: { cookie } }), 401, 'unauthenticated');
      assertProblem(
        await call('GET', `/api/v1/reports/${w.caseA.id}`, { headers: { cookie } }),
        404,
        'not-found',
      );
    });

    it('bad list query parameters → 422 naming the parameter', async () => {
      const bad: Array<[string, string]> = [
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=1.5', 'limit'],
        ['limit=-1', 'limit'],
        ['limit=1e3', 'limit'],
        ['limit=1&limit=2', 'limit'],
        ['offset=-1', 'offset'],
        ['offset=abc', 'offset'],
        ['offset=10000001', 'offset'],
        ['order=random', 'order'],
        ['order=NEWEST', 'order'],
        ['state=bogus', 'state'],
        ['state=new,bogus', 'state'],
        ['state=NEW', 'state'],
        ['state=new&state=fixed', 'state'],
        [`project=${'p'.repeat(65)}`, 'project'],
        ['foo=bar', 'foo'],
        ['state=%27%20OR%201%3D1--', 'state'],
      ];
      for (const [qs, field] of bad)
        assertFieldErrors(await call('GET', `/api/v1/reports?${qs}`, { token: team }), [field]);
      const ok = await call(
        'GET',
        '/api/v1/reports?project=%27%3B%20DROP%20TABLE%20cases%3B--&limit=200&offset=10000000',
        { token: team },
      );
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(ok.json, { items: [], total: 0, totalIsLowerBound: false });
      assert.equal((await call('GET', '/api/v1/reports?limit=200', { token: team })).json.total, 2);
    });

    it('garbage, SQL-ish, very long and unicode ids → 404 (or a 4xx for a malformed URL), nothing changed', async () => {
      const before = await caseCount();
      const notFound = [
        'garbage',
        "1' OR '1'='1",
        '1;DROP TABLE cases;--',
        "' UNION SELECT id FROM users--",
        'ключ',
        '😀😀',
        '\u202egnp.exe',
        'A-1',
        `${w.project.key}-0`,
        `${w.project.key}-9999999999`,
        `${w.project.key}-99999999999`,
        '..',
        '../../etc/passwd',
        '%',
        crypto.randomUUID(),
        'a'.repeat(64),
        ' ',
      ].map(encodeURIComponent);
      const routes = (id: string): Array<[string, string, unknown]> => [
        ['GET', `/api/v1/reports/${id}`, undefined],
        ['POST', `/api/v1/reports/${id}/messages`, { body: 'hello' }],
        ['POST', `/api/v1/reports/${id}/transition`, { to: 'acknowledged' }],
        ['PATCH', `/api/v1/reports/${id}`, { title: 'Some new title' }],
      ];
      const expect = async (id: string, check: (r: ApiResponse) => void) => {
        for (const [method, url, body] of routes(id)) check(await call(method, url, { token: team, body }));
      };
      for (const id of notFound) await expect(id, (r) => assertProblem(r, 404, 'not-found'));
      await expect('a'.repeat(65), (r) => assertFieldErrors(r, ['id']));
      await expect('a'.repeat(201), (r) => assertProblem(r, 414, 'bad-request'));
      await expect(encodeURIComponent('ключ'.repeat(30)), (r) => assertFieldErrors(r, ['id']));
      await expect(encodeURIComponent('ключ'.repeat(60)), (r) => assertProblem(r, 414, 'bad-request'));
      for (const id of ['%E0%A4%A', '%ZZ', '%C0%AF'])
        await expect(id, (r) => assertProblem(r, 400, 'bad-request'));
      assert.equal(await caseCount(), before);
      const a = (await call('GET', `/api/v1/reports/${w.caseA.id}`, { token: team })).json;
      assert.equal(a.state, 'new');
      assert.equal(a.title, reportInput().title);
    });
  });
}
