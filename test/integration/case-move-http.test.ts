// Moving cases over HTTP on both dialects: the team's pages (move page, transfer and downgrade forms
// with confirmation and CSRF, old keys redirecting, the Markdown download), the reporter's private
// page after a move, and the /api/v1 routes with their problem answers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { apiClient, assertProblem, patFor, type Call } from '../helpers/api.ts';

for (const dialect of dialects()) {
  describe(`moving cases over HTTP (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    before(async () => {
      t = await createTestApp(dialect);
      call = apiClient(t.app);
    });
    after(() => t.close());

    async function world() {
      const s = t.services;
      const src = await makeProject(s);
      const tgt = await makeProject(s);
      const maintainer = await makeMember(s, src.slug, 'maintainer');
      await s.projects.addMemberAsSystem(tgt.slug, maintainer.email, 'responder');
      const responder = await makeMember(s, src.slug, 'responder');
      const outsider = await makeMember(s, (await makeProject(s)).slug, 'maintainer');
      const browser = async (email: string) => {
        const c = new PageClient(t.app);
        await c.login(email, PASSWORD);
        return c;
      };
      return { src, tgt, maintainer, responder, outsider, browser };
    }

    test('pages: transfer with confirmation, the old key redirects, the reporter’s link keeps working', async () => {
      const w = await world();
      const c = await makeCase(t.services, w.src.slug);
      const m = await w.browser(w.maintainer.email);
      const casePage = await m.get(`/cases/${c.key}`);
      assert.equal(casePage.statusCode, 200);
      assert.ok(casePage.body.includes(`href="/cases/${c.key}/issue.md"`), 'export link on the case page');
      assert.ok(casePage.body.includes(`href="/cases/${c.key}/move"`));
      const move = `/cases/${c.key}/move`;
      const page = await m.get(move);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`<option value="${w.tgt.slug}"`), 'the target is offered');
      // Without the confirmation box: refused, shown again, nothing moved.
      const unconfirmed = await m.post(
        `/cases/${c.key}/transfer`,
        { project: w.tgt.slug },
        { csrfFrom: move },
      );
      assert.equal(unconfirmed.statusCode, 422);
      assert.ok(unconfirmed.body.includes('Tick the box'));
      const noCsrf = await m.post(
        `/cases/${c.key}/transfer`,
        { project: w.tgt.slug, confirm: 'yes' },
        { csrf: null },
      );
      assert.equal(noCsrf.statusCode, 403);
      const res = await m.post(
        `/cases/${c.key}/transfer`,
        { project: w.tgt.slug, confirm: 'yes' },
        { csrfFrom: move },
      );
      assert.equal(res.statusCode, 303);
      const newKey = /^\/cases\/([A-Z0-9]+-\d+)#timeline$/.exec(String(res.headers.location))?.[1];
      assert.ok(newKey?.startsWith(`${w.tgt.key}-`), String(res.headers.location));
      const old = await m.get(`/cases/${c.key}`);
      assert.equal(old.statusCode, 301);
      assert.equal(old.headers.location, `/cases/${newKey}`);
      const now = await m.get(`/cases/${newKey}`);
      assert.equal(now.statusCode, 200);
      assert.ok(now.body.includes(`moved the case from ${c.key}`));
      // Old and new keys alike answer 404 to someone without access: no redirect reveals the move.
      const o = await w.browser(w.outsider.email);
      assert.equal((await o.get(`/cases/${c.key}`)).statusCode, 404);
      const r = await w.browser(w.responder.email);
      assert.equal((await r.get(`/cases/${c.key}`)).statusCode, 404, 'the old project’s team lost it');
      // The reporter's secret link is unchanged and shows the new key and the move.
      const reporter = await new PageClient(t.app).get(`/c/${c.accessToken}`);
      assert.equal(reporter.statusCode, 200);
      assert.ok(reporter.body.includes(newKey!) && reporter.body.includes(`moved the case from ${c.key}`));
      // A responder sees the move page but cannot transfer.
      const c2 = await makeCase(t.services, w.src.slug);
      const rMove = await r.get(`/cases/${c2.key}/move`);
      assert.ok(
        rMove.body.includes('Only a maintainer') &&
          !rMove.body.includes(`action="/cases/${c2.key}/transfer"`),
      );
      const forbidden = await r.post(
        `/cases/${c2.key}/transfer`,
        { project: w.tgt.slug, confirm: 'yes' },
        { csrfFrom: `/cases/${c2.key}/move` },
      );
      assert.equal(forbidden.statusCode, 403);
    });

    test('pages: the Markdown download and the downgrade form', async () => {
      const w = await world();
      const c = await makeCase(t.services, w.src.slug, { description: 'See <details>here</details>' });
      const r = await w.browser(w.responder.email);
      const md = await r.get(`/cases/${c.key}/issue.md`);
      assert.equal(md.statusCode, 200);
      assert.match(String(md.headers['content-type']), /^text\/markdown; charset=utf-8/);
      assert.equal(md.headers['content-disposition'], `attachment; filename="${c.key}-issue.md"`);
      assert.ok(md.body.startsWith('# Path traversal in archive extraction\n'));
      assert.ok(
        md.body.includes('See <details>here</details>') && !md.body.includes('researcher@example.org'),
      );
      const page = `/cases/${c.key}`;
      const bad = await r.post(
        `${page}/downgrade`,
        { confirm: 'yes', issueUrl: 'javascript:alert(1)', message: 'Kept text' },
        { csrfFrom: page },
      );
      assert.equal(bad.statusCode, 422);
      assert.ok(
        bad.body.includes('http(s) URL') && bad.body.includes('Kept text'),
        'error shown, message kept',
      );
      const ok = await r.post(
        `${page}/downgrade`,
        { confirm: 'yes', issueUrl: 'https://github.com/acme/lib/issues/7', message: 'Continues in public.' },
        { csrfFrom: page },
      );
      assert.equal(ok.statusCode, 303);
      const after = await r.get(page);
      assert.ok(after.body.includes('Closed: not a vulnerability'));
      assert.ok(after.body.includes('<a href="https://github.com/acme/lib/issues/7">'));
      const reporter = await new PageClient(t.app).get(`/c/${c.accessToken}`);
      assert.ok(reporter.body.includes('judged the report not to be a security issue'));
      assert.ok(reporter.body.includes('Continues in public.'));
      const again = await r.post(`${page}/downgrade`, { confirm: 'yes' }, { csrfFrom: page });
      assert.equal(again.statusCode, 409, 'a closed case is not downgraded twice');
    });

    test('API: transfer, old keys resolve, export as Markdown or JSON, downgrade; problems for refusals', async () => {
      const w = await world();
      const s = t.services;
      const c = await makeCase(s, w.src.slug);
      const maint = await patFor(s, w.maintainer.email);
      const resp = await patFor(s, w.responder.email);
      const out = await patFor(s, w.outsider.email);
      const url = `/api/v1/reports/${c.id}/transfer`;
      assertProblem(await call('POST', url, { token: resp, body: { project: w.tgt.slug } }), 403);
      assertProblem(await call('POST', url, { token: out, body: { project: w.tgt.slug } }), 404);
      assertProblem(await call('POST', url, { token: maint, body: { project: w.src.slug } }), 422);
      assertProblem(await call('POST', url, { token: maint, body: { project: 'nope' } }), 404);
      const moved = await call('POST', url, { token: maint, body: { project: w.tgt.slug } });
      assert.equal(moved.status, 200, moved.body);
      assert.match(moved.json.key, new RegExp(`^${w.tgt.key}-\\d+$`));
      assert.equal(moved.json.project.slug, w.tgt.slug);
      const byOld = await call('GET', `/api/v1/reports/${c.key}`, { token: maint });
      assert.equal(byOld.status, 200);
      assert.equal(byOld.json.key, moved.json.key);
      // Through the alias too, the report's text is read as written (it is encrypted at rest).
      assert.equal(byOld.json.title, 'Path traversal in archive extraction');
      assert.match(byOld.json.description, /^Extracting a crafted tarball/);
      const asReporter = await call('GET', `/api/v1/reports/${c.key}`, { token: c.accessToken });
      assert.equal(asReporter.status, 200);
      assert.equal(asReporter.json.audience, 'reporter');
      assertProblem(await call('GET', `/api/v1/reports/${c.key}`, { token: out }), 404);
      // Export.
      const md = await call('GET', `/api/v1/reports/${c.key}/issue-markdown`, { token: maint });
      assert.equal(md.status, 200);
      assert.match(String(md.headers['content-type']), /^text\/markdown/);
      assert.ok(md.body.includes(`as ${moved.json.key.replace('-', '\\-')}`));
      const json = await call('GET', `/api/v1/reports/${c.id}/issue-markdown?format=json`, { token: maint });
      assert.equal(json.status, 200);
      assert.deepEqual(Object.keys(json.json).sort(), ['body', 'key', 'title']);
      assert.equal(json.json.title, 'Path traversal in archive extraction');
      assertProblem(
        await call('GET', `/api/v1/reports/${c.id}/issue-markdown`, { token: c.accessToken }),
        404,
      );
      assertProblem(await call('GET', `/api/v1/reports/${c.id}/issue-markdown`, { token: out }), 404);
      const audits = await t.tdb.handle.db
        .selectFrom('audit_log')
        .select('action')
        .where('case_id', '=', c.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audits.map((a) => a.action),
        ['case.transferred', 'case.exported', 'case.exported'],
      );
      // Downgrade.
      const dg = `/api/v1/reports/${moved.json.key}/downgrade`;
      assertProblem(await call('POST', dg, { token: maint, body: { issueUrl: 'ftp://x' } }), 422);
      const done = await call('POST', dg, {
        token: maint,
        body: { issueUrl: 'https://gitlab.example/x/-/issues/3' },
      });
      assert.equal(done.status, 200, done.body);
      assert.equal(done.json.state, 'closed');
      assert.equal(done.json.resolution, 'not-a-vulnerability');
      assertProblem(await call('POST', dg, { token: maint, body: {} }), 409);
      const row = await t.tdb.handle.db
        .selectFrom('outbox')
        .select(['kind', 'recipient_address'])
        .where('case_id', '=', c.id)
        .where('kind', '=', 'reporter.case.downgraded')
        .execute();
      assert.deepEqual(row, [
        { kind: 'reporter.case.downgraded', recipient_address: 'researcher@example.org' },
      ]);
    });
  });
}
