// The public pages a reporter uses, over app.inject(): the report form without JavaScript, its
// validation (input kept), CSRF, the 303 to the private case page, replies, and headers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeProject, reportInput } from '../helpers/factories.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';

const form = (o: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(reportInput(o)).map(([k, v]) => [k, String(v ?? '')]));

for (const dialect of dialects()) {
  describe(`report form pages (${dialect})`, () => {
    let t: TestApp;
    let slug: string;
    before(async () => {
      t = await createTestApp(dialect);
      slug = (await makeProject(t.services, { name: 'Conure' })).slug;
    });
    after(() => t.close());

    test('the form page lists every field and carries a CSRF token; strict headers', async () => {
      const res = await new PageClient(t.app).get(`/p/${slug}/report`);
      assert.equal(res.statusCode, 200);
      for (const name of [
        'title',
        'description',
        'stepsToReproduce',
        'impact',
        'affectedVersions',
        'suggestedFix',
        'reporterEmail',
        'creditPreference',
        'creditName',
      ]) {
        assert.match(res.body, new RegExp(`name="${name}"`), name);
      }
      assert.ok(csrfToken(res.body));
      assert.doesNotMatch(res.body, /<script/i, 'pages need no script');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.equal(res.headers['cache-control'], 'no-store');
    });

    test('a valid report answers 303 to /c/{token}; the page shows it once with a notice', async () => {
      const c = new PageClient(t.app);
      const res = await c.post(`/p/${slug}/report`, form(), { csrfFrom: `/p/${slug}/report` });
      assert.equal(res.statusCode, 303);
      const location = String(res.headers.location);
      assert.match(location, /^\/c\/rct_[A-Za-z0-9_-]{43}$/);
      const page = await c.get(location);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Your report was received/);
      assert.match(page.body, /Path traversal in archive extraction/);
      const again = await c.get(location);
      assert.doesNotMatch(again.body, /Your report was received/, 'the notice shows once');
    });

    test('errors re-render the form with 422, every message, and the text kept (escaped)', async () => {
      const c = new PageClient(t.app);
      const res = await c.post(
        `/p/${slug}/report`,
        form({ title: '', impact: '', description: '<script>alert(1)</script> twenty chars at least' }),
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Title needs at least 5 characters/);
      assert.match(res.body, /Impact is required/);
      assert.match(res.body, /&lt;script>alert\(1\)&lt;\/script> twenty chars at least/);
      assert.doesNotMatch(res.body, /<script>alert/);
      assert.ok(res.body.includes('value=">= 1.2.0, &lt; 1.4.3"'), 'other fields are kept');
      const count = await t.services.cases.list(
        { kind: 'user', user: { id: 'x', email: 'x', name: 'x', isAdmin: true }, via: 'session' },
        { project: slug },
      );
      assert.ok(
        count.items.every((i) => i.title !== ''),
        'nothing half-written was stored',
      );
    });

    test('a missing or wrong CSRF token keeps the text and stores nothing', async () => {
      const c = new PageClient(t.app);
      const before = (await t.services.projects.listPublic()).length;
      const res = await c.post(`/p/${slug}/report`, form({ title: 'Unique CSRF probe title' }), {
        csrf: 'forged',
      });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /Unique CSRF probe title/);
      assert.match(res.body, /expired/);
      const noToken = await c.post(`/p/${slug}/report`, form({ title: 'Another CSRF probe' }), {
        csrf: null,
      });
      assert.equal(noToken.statusCode, 403);
      const admin = {
        kind: 'user' as const,
        user: { id: 'x', email: 'x', name: 'x', isAdmin: true },
        via: 'session' as const,
      };
      const list = await t.services.cases.list(admin, { project: slug, limit: 200 });
      assert.ok(!list.items.some((i) => i.title.includes('CSRF probe')));
      assert.equal((await t.services.projects.listPublic()).length, before);
    });

    test('the reporter replies from the case page; an empty reply is refused', async () => {
      const c = new PageClient(t.app);
      const created = await c.post(`/p/${slug}/report`, form(), { csrfFrom: `/p/${slug}/report` });
      const casePath = String(created.headers.location);
      const ok = await c.post(
        `${casePath}/messages`,
        { body: 'More detail: it also affects 1.1.' },
        { csrfFrom: casePath },
      );
      assert.equal(ok.statusCode, 303);
      assert.match((await c.get(casePath)).body, /More detail: it also affects 1.1./);
      const empty = await c.post(`${casePath}/messages`, { body: '   ' }, { csrfFrom: casePath });
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /Write a message/);
    });

    test('the reporter changes contact and credit from the case page', async () => {
      const c = new PageClient(t.app);
      const created = await c.post(
        `/p/${slug}/report`,
        form({ creditPreference: 'anonymous', creditName: '' }),
        {
          csrfFrom: `/p/${slug}/report`,
        },
      );
      const casePath = String(created.headers.location);
      const bad = await c.post(
        `${casePath}/details`,
        { reporterEmail: 'not-an-address', creditPreference: 'name', creditName: 'Ada Lovelace' },
        { csrfFrom: casePath },
      );
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /valid e-mail/);
      assert.match(bad.body, /value="Ada Lovelace"/, 'the typed name is kept');
      const ok = await c.post(
        `${casePath}/details`,
        { reporterEmail: 'Ada@Example.org', creditPreference: 'name', creditName: 'Ada Lovelace' },
        { csrfFrom: casePath },
      );
      assert.equal(ok.statusCode, 303);
      const page = (await c.get(casePath)).body;
      assert.match(page, /Ada Lovelace \(name\)/);
      assert.match(page, /ada@example.org/);
      assert.match(page, /changed how the reporter is credited/);
      const forged = await c.post(
        `${casePath}/details`,
        { creditPreference: 'anonymous' },
        { csrf: 'forged' },
      );
      assert.equal(forged.statusCode, 403);
      assert.match((await c.get(casePath)).body, /Ada Lovelace \(name\)/, 'a forged form changes nothing');
    });

    test('unknown tokens, projects and paths are 404 pages', async () => {
      const c = new PageClient(t.app);
      for (const url of [
        '/c/rct_nope',
        '/c/whatever',
        '/p/no-such-project',
        '/p/no-such-project/report',
        '/cases-nope',
      ]) {
        const res = await c.get(url);
        assert.equal(res.statusCode, 404, url);
        assert.match(String(res.headers['content-type']), /text\/html/);
      }
    });

    test('the form intake is rate limited per IP with a 429 page', async () => {
      const limited = await createTestApp(dialect, { env: { PARLEY_INTAKE_RATE_LIMIT: '3' } });
      try {
        const p = await makeProject(limited.services);
        const c = new PageClient(limited.app);
        const token = csrfToken((await c.get(`/p/${p.slug}/report`)).body)!;
        const codes: number[] = [];
        for (let i = 0; i < 5; i++)
          codes.push((await c.post(`/p/${p.slug}/report`, form(), { csrf: token })).statusCode);
        assert.deepEqual(codes, [303, 303, 303, 429, 429]);
      } finally {
        await limited.close();
      }
    });
  });
}
