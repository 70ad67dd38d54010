// The project rule "require a second factor", on both dialects: who may turn it on, what members
// and instance admins without a second factor are refused (cases, pages, API, lists), the clear
// message pointing to /account/security, the settings page and API, and the audit entry.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { apiClient, assertProblem, type Call } from '../helpers/api.ts';
import { makeCase, makeMember, makeProject, makeUser, PASSWORD } from '../helpers/factories.ts';
import { enableTotp, totpCode, verified } from '../helpers/accounts.ts';

for (const dialect of dialects()) {
  describe(`projects that require a second factor (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    before(async () => {
      t = await createTestApp(dialect);
      call = apiClient(t.app);
    });
    after(() => t.close());

    /** A project with the rule on, a maintainer with TOTP, a responder without, and a case. */
    async function setUp() {
      const s = t.services;
      const project = await makeProject(s);
      const open = await makeProject(s);
      const maintainer = await makeMember(s, project.slug, 'maintainer');
      const responder = await makeMember(s, project.slug, 'responder');
      await s.projects.addMemberAsSystem(open.slug, responder.email, 'responder');
      const { secret } = await enableTotp(s, maintainer.user);
      const c = await makeCase(s, project.slug);
      const o = await makeCase(s, open.slug);
      // Without a second factor of their own, a maintainer cannot switch the rule on.
      await assert.rejects(s.projectSecurity.setRequire2fa(maintainer.actor, project.slug, true), {
        code: 'conflict',
      });
      const r = await s.projectSecurity.setRequire2fa(verified(maintainer.user), project.slug, true);
      assert.equal(r.require2fa, true);
      assert.deepEqual(
        r.membersWithoutSecondFactor.map((m) => m.email),
        [responder.email],
      );
      return { project, open, maintainer, responder, secret, c, o };
    }

    test('services refuse members and admins without a second factor, with a clear error', async () => {
      const s = t.services;
      const { project, maintainer, responder, c, o } = await setUp();
      const admin = await makeUser(s, { admin: true });
      for (const actor of [responder.actor, admin.actor, maintainer.actor]) {
        await assert.rejects(s.cases.get(actor, { id: c.id }), (e: Error & { code?: string }) => {
          assert.equal(e.code, 'second-factor-required');
          assert.match(e.message, /\/account\/security/);
          return true;
        });
      }
      assert.equal((await s.cases.get(verified(maintainer.user), { id: c.id })).id, c.id);
      // Lists leave the project out rather than failing: the other project's case still shows.
      const list = await s.cases.list(responder.actor, {});
      assert.deepEqual(
        list.items.map((i) => i.id),
        [o.id],
      );
      const adminList = await s.cases.list(admin.actor, {});
      assert.ok(!adminList.items.some((i) => i.id === c.id));
      assert.ok((await s.cases.list(verified(admin.user), {})).items.some((i) => i.id === c.id));
      // The public project page still works for the barred maintainer (no settings link).
      assert.equal(await s.projects.canManage(maintainer.actor, project.slug), false);
      assert.equal(await s.projects.canManage(verified(maintainer.user), project.slug), true);

      const audit = await t.tdb.handle.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'project.settings-changed')
        .where('target', '=', project.slug)
        .execute();
      assert.equal(audit.length, 1);
      assert.deepEqual(JSON.parse(audit[0]!.data), { require2fa: true });
    });

    test('pages: a member without 2FA gets a 403 pointing to /account/security; with TOTP they get in', async () => {
      const { responder, c } = await setUp();
      const p = new PageClient(t.app);
      await p.login(responder.email, PASSWORD);
      const refused = await p.get(`/cases/${c.key}`);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /requires two-factor sign-in/);
      assert.match(
        refused.body,
        /<a class="button" href="\/account\/security">Set up two-factor sign-in<\/a>/,
      );
      const inbox = await p.get('/inbox');
      assert.equal(inbox.statusCode, 200);
      assert.ok(!inbox.body.includes(c.key), 'the case is not listed either');

      // Setting up TOTP in this session makes this session count: the case opens.
      const sec = await p.get('/account/security');
      const start = await p.post('/account/security/totp', {}, { csrf: csrfToken(sec.body) });
      const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(start.body)![1]!.replace(/ /g, '');
      const ok = await p.post(
        '/account/security/totp/confirm',
        { code: totpCode(secret, Date.now()) },
        { csrf: csrfToken(start.body) },
      );
      assert.equal(ok.statusCode, 200);
      assert.equal((await p.get(`/cases/${c.key}`)).statusCode, 200);
      // Another browser with only the password (a session from before) is still refused.
      const oldSession = new PageClient(t.app);
      await oldSession.post(
        '/login',
        { email: responder.email, password: PASSWORD, next: '/inbox' },
        { csrfFrom: '/login' },
      );
      assert.equal((await oldSession.get(`/cases/${c.key}`)).statusCode, 303, 'pending: sent to sign in');
    });

    test('settings page and API: maintainers toggle the rule; tokens of accounts without 2FA are refused', async () => {
      const { project, maintainer, responder, secret, c } = await setUp();
      // API: the responder's token (account has no factor) is refused on the project's cases.
      const rTok = (await t.services.auth.createApiToken(responder.email, 'ci')).token;
      assertProblem(
        await call('GET', `/api/v1/reports/${c.id}`, { token: rTok }),
        403,
        'second-factor-required',
      );
      // The maintainer's token (account has TOTP) works, and reads and sets the rule.
      const mTok = (await t.services.auth.createApiToken(maintainer.email, 'ci')).token;
      assert.equal((await call('GET', `/api/v1/reports/${c.id}`, { token: mTok })).status, 200);
      const got = await call('GET', `/api/v1/projects/${project.slug}/security`, { token: mTok });
      assert.equal(got.status, 200);
      assert.equal(got.json.require2fa, true);
      const off = await call('PUT', `/api/v1/projects/${project.slug}/security`, {
        token: mTok,
        body: { require2fa: false },
      });
      assert.equal(off.status, 200);
      assert.equal(off.json.require2fa, false);
      assert.equal((await call('GET', `/api/v1/reports/${c.id}`, { token: rTok })).status, 200);
      assertProblem(
        await call('PUT', `/api/v1/projects/${project.slug}/security`, {
          token: rTok,
          body: { require2fa: true },
        }),
        403,
        'forbidden',
      );

      // The settings page: maintainer signs in with password + code and switches it back on.
      const m = new PageClient(t.app);
      await m.post(
        '/login',
        { email: maintainer.email, password: PASSWORD, next: '/inbox' },
        { csrfFrom: '/login' },
      );
      const step = await m.get('/login/second-factor');
      const done = await m.post(
        '/login/second-factor',
        { code: totpCode(secret, Date.now(), 1), next: '/inbox' },
        { csrf: csrfToken(step.body) },
      );
      assert.equal(done.statusCode, 303);
      const settings = await m.get(`/p/${project.slug}/settings`);
      assert.equal(settings.statusCode, 200);
      assert.match(settings.body, /Two-factor sign-in/);
      assert.ok(settings.body.includes(responder.email));
      const on = await m.post(
        `/p/${project.slug}/settings/security`,
        { require2fa: 'on' },
        { csrf: csrfToken(settings.body) },
      );
      assert.equal(on.statusCode, 303);
      assert.match((await m.get(`/p/${project.slug}/settings`)).body, /name="require2fa" checked/);
      assertProblem(
        await call('GET', `/api/v1/reports/${c.id}`, { token: rTok }),
        403,
        'second-factor-required',
      );
    });
  });
}
