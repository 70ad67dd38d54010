// Sign-in, sign-out, the first-admin setup link and activation links, through the real pages.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, makeUser, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';

for (const dialect of dialects()) {
  describe(`account pages (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('the setup link creates the first admin once, then stops working', async () => {
      const path = await t.services.auth.issueSetupLinkIfNeeded();
      assert.ok(path);
      const c = new PageClient(t.app);
      assert.equal((await c.get(path)).statusCode, 200);
      const weak = await c.post(
        path,
        { name: 'Ada', email: 'ada@example.org', password: 'short' },
        { csrfFrom: path },
      );
      assert.equal(weak.statusCode, 422, 'a weak password is refused without burning the link');
      assert.match(weak.body, /at least 12 characters/);
      const ok = await c.post(
        path,
        { name: 'Ada', email: 'ada@example.org', password: PASSWORD },
        { csrfFrom: path },
      );
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/inbox');
      assert.equal((await c.get('/inbox')).statusCode, 200, 'signed in after setup');
      assert.equal((await new PageClient(t.app).get(path)).statusCode, 404, 'the link is spent');
      assert.equal(await t.services.auth.issueSetupLinkIfNeeded(), null, 'no new link once an admin exists');
    });

    test('sign-in sets a hardened session cookie; wrong passwords and unknown users get the same answer', async () => {
      const u = await makeUser(t.services);
      const c = new PageClient(t.app);
      const wrong = await c.post(
        '/login',
        { email: u.email, password: 'not the password!' },
        { csrfFrom: '/login' },
      );
      const unknown = await c.post(
        '/login',
        { email: 'nobody@example.org', password: 'not the password!' },
        { csrfFrom: '/login' },
      );
      assert.equal(wrong.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      assert.match(wrong.body, /Wrong e-mail or password/);
      assert.match(unknown.body, /Wrong e-mail or password/);
      const ok = await c.post(
        '/login',
        { email: u.email, password: PASSWORD, next: '/inbox' },
        { csrfFrom: '/login' },
      );
      assert.equal(ok.statusCode, 303);
      const cookie = (
        ok.cookies as Array<{ name: string; httpOnly?: boolean; sameSite?: string; secure?: boolean }>
      ).find((x) => x.name === 'parley_session');
      assert.ok(cookie, 'session cookie set');
      assert.equal(cookie.httpOnly, true);
      assert.equal(cookie.secure, true);
      assert.equal(cookie.sameSite, 'Lax');
    });

    test('next= only follows local paths', async () => {
      const u = await makeUser(t.services);
      for (const [next, expected] of [
        ['/cases/X-1', '/cases/X-1'],
        ['https://evil.example/', '/inbox'],
        ['//evil.example/', '/inbox'],
        ['/\\evil.example', '/inbox'],
      ]) {
        const c = new PageClient(t.app);
        const res = await c.post(
          '/login',
          { email: u.email, password: PASSWORD, next: next! },
          { csrfFrom: '/login' },
        );
        assert.equal(res.headers.location, expected, next);
      }
    });

    test('sign-out ends the session on the server, not only in the browser', async () => {
      const u = await makeUser(t.services);
      const c = new PageClient(t.app);
      const res = await c.post('/login', { email: u.email, password: PASSWORD }, { csrfFrom: '/login' });
      const secret = (res.cookies as Array<{ name: string; value: string }>).find(
        (x) => x.name === 'parley_session',
      )!.value;
      assert.ok(await t.services.auth.resolveSession(secret));
      assert.equal((await c.post('/logout', {}, { csrfFrom: '/inbox' })).statusCode, 303);
      assert.equal(await t.services.auth.resolveSession(secret), null);
      const stale = await t.app.inject({
        method: 'GET',
        url: '/inbox',
        headers: { cookie: `parley_session=${secret}` },
      });
      assert.equal(stale.statusCode, 303);
    });

    test('sign-out without a CSRF token is refused', async () => {
      const u = await makeUser(t.services);
      const c = new PageClient(t.app);
      await c.login(u.email, PASSWORD);
      const res = await c.post('/logout', {}, { csrf: null });
      assert.equal(res.statusCode, 403);
      assert.equal((await c.get('/inbox')).statusCode, 200, 'still signed in');
    });

    test('a maintainer adds a new member, who activates the account through a one-time link', async () => {
      const p = await makeProject(t.services);
      const m = await makeMember(t.services, p.slug, 'maintainer');
      const c = new PageClient(t.app);
      await c.login(m.email, PASSWORD);
      const settings = `/p/${p.slug}/settings`;
      const res = await c.post(
        `${settings}/members`,
        { email: 'new.responder@example.org', name: 'Newt', role: 'responder' },
        { csrfFrom: settings },
      );
      assert.equal(res.statusCode, 200);
      const link = /(http:\/\/localhost:8080\/activate\/[A-Za-z0-9_-]+)/.exec(res.body)?.[1];
      assert.ok(link, 'activation link shown to the maintainer');
      const path = new URL(link).pathname;
      const newbie = new PageClient(t.app);
      assert.match((await newbie.get(path)).body, /new.responder@example.org/);
      const done = await newbie.post(path, { password: 'a brand new long password' }, { csrfFrom: path });
      assert.equal(done.statusCode, 303);
      assert.equal((await newbie.get('/inbox')).statusCode, 200);
      assert.equal((await new PageClient(t.app).get(path)).statusCode, 404, 'the link works once');
      const login = new PageClient(t.app);
      await login.login('new.responder@example.org', 'a brand new long password');
    });

    test('sign-in is rate limited per IP', async () => {
      const limited = await createTestApp(dialect, { env: { PARLEY_LOGIN_RATE_LIMIT: '3' } });
      try {
        const c = new PageClient(limited.app);
        const codes: number[] = [];
        for (let i = 0; i < 5; i++) {
          codes.push(
            (
              await c.post(
                '/login',
                { email: 'x@example.org', password: 'wrong password!' },
                { csrfFrom: '/login' },
              )
            ).statusCode,
          );
        }
        assert.deepEqual(codes, [401, 401, 401, 429, 429]);
      } finally {
        await limited.close();
      }
    });
  });
}
