// TOTP and recovery codes on both dialects: enrolment (secret encrypted at rest, QR code), the
// confirm step, the ±1 step window, replay refusal, recovery codes (hashed, single use, regenerate),
// disabling, the second sign-in step with its lockout and audit entries, and the pages without JS.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { makeUser, PASSWORD } from '../helpers/factories.ts';
import { enableTotp, totpCode, verified } from '../helpers/accounts.ts';
import type { Services } from '../../src/services/index.ts';
import type { Actor } from '../../src/services/actor.ts';
import { hashSecret } from '../../src/services/deps.ts';
import { MAX_FAILURES } from '../../src/services/accounts/second-factor.service.ts';

for (const dialect of dialects()) {
  describe(`TOTP and recovery codes (${dialect})`, () => {
    let ts: TestServices;
    let s: Services;
    const clock = manualClock('2026-06-01T10:00:05.000Z');
    before(async () => {
      ts = await createTestServices(dialect, { clock });
      s = ts.services;
    });
    after(() => ts.close());
    const db = () => ts.tdb.handle.db;
    const auditOf = (action: string) =>
      db().selectFrom('audit_log').selectAll().where('action', '=', action).execute();

    test('enrolment: encrypted secret, QR code, confirm with a valid code only, then recovery codes', async () => {
      const { user } = await makeUser(s);
      const actor: Actor = { kind: 'user', user, via: 'session' };
      const e = await s.totp.beginEnrolment(actor);
      assert.match(e.secret, /^[A-Z2-7]{32}$/);
      assert.match(e.uri, /^otpauth:\/\/totp\/localhost%3A8080:/);
      assert.match(e.uri, /issuer=localhost%3A8080/);
      assert.match(e.qrDataUri, /^data:image\/svg\+xml;base64,/);
      assert.match(Buffer.from(e.qrDataUri.split(',')[1]!, 'base64').toString(), /^<svg[^>]*>.*<path/s);
      const row = await db()
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.totp_secret?.startsWith('v1.'));
      assert.ok(!row.totp_secret!.includes(e.secret), 'the secret is stored encrypted');
      assert.equal(row.totp_enabled_at, null, 'not on before a code confirms it');
      assert.equal((await s.totp.beginEnrolment(actor)).secret, e.secret, 'a reload shows the same secret');

      // Not on yet: a password login is a full session.
      assert.equal((await s.auth.login(user.email, PASSWORD, {})).pending, false);
      await assert.rejects(s.totp.confirmEnrolment(actor, 'x', '000000'), { code: 'validation-error' });
      await assert.rejects(s.totp.confirmEnrolment(actor, 'x', totpCode(e.secret, clock.peek(), 3)), {
        code: 'validation-error',
      });
      const login = await s.auth.login(user.email, PASSWORD, {});
      const r = await s.totp.confirmEnrolment(actor, login.sessionSecret, totpCode(e.secret, clock.peek()));
      assert.equal(r.recoveryCodes?.length, 10);
      assert.equal(new Set(r.recoveryCodes).size, 10);
      for (const c of r.recoveryCodes!) assert.match(c, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      const stored = await db()
        .selectFrom('recovery_codes')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(stored.length, 10);
      const dump = JSON.stringify(stored);
      for (const c of r.recoveryCodes!) {
        assert.ok(!dump.includes(c) && !dump.includes(c.replace(/-/g, '')), 'codes stored only as digests');
        assert.ok(!dump.includes(hashSecret(c.replace(/-/g, ''))), 'and not as a plain sha256 either');
      }
      // The session the code was given in now counts as opened with the second factor.
      const me = await s.auth.resolveSession(login.sessionSecret);
      assert.equal(me?.hasSecondFactor, true);
      assert.equal(
        (await auditOf('account.totp-enabled')).filter((a) => a.actor_user_id === user.id).length,
        1,
      );
      await assert.rejects(s.totp.beginEnrolment(verified(user)), { code: 'conflict' });
    });

    test('sign-in: password gives a pending login that is no session; a code completes it once', async () => {
      const { user } = await makeUser(s);
      const { secret } = await enableTotp(s, user, clock.peek());
      clock.advance(60_000);
      const first = await s.auth.login(user.email, PASSWORD, { ip: '192.0.2.7' });
      assert.equal(first.pending, true);
      assert.equal(await s.auth.resolveSession(first.sessionSecret), null, 'pending: signed in nowhere');
      const p = await s.secondFactor.pending(first.sessionSecret);
      assert.equal(p?.user.id, user.id);
      assert.equal(p?.totp, true);

      const code = totpCode(secret, clock.peek(), -1); // one step late: still inside the window
      const done = await s.secondFactor.verifyCode(first.sessionSecret, code, { ip: '192.0.2.7' });
      assert.notEqual(done.sessionSecret, first.sessionSecret, 'a new session id after the second step');
      assert.equal(await s.secondFactor.pending(first.sessionSecret), null, 'the pending one is gone');
      const me = await s.auth.resolveSession(done.sessionSecret);
      assert.equal(me?.id, user.id);
      assert.equal(me?.hasSecondFactor, true);
      const row = await db()
        .selectFrom('sessions')
        .select('second_factor')
        .where('id_hash', '=', hashSecret(done.sessionSecret))
        .executeTakeFirstOrThrow();
      assert.equal(row.second_factor, 'totp');

      // Replay: the same code (or an older one) is refused, even in a new login.
      const second = await s.auth.login(user.email, PASSWORD, {});
      await assert.rejects(s.secondFactor.verifyCode(second.sessionSecret, code, {}), {
        code: 'validation-error',
      });
      await assert.rejects(
        s.secondFactor.verifyCode(second.sessionSecret, totpCode(secret, clock.peek(), -2), {}),
        { code: 'validation-error' },
        'two steps late is outside the window',
      );
      await assert.rejects(
        s.secondFactor.verifyCode(second.sessionSecret, totpCode(secret, clock.peek(), 2), {}),
        { code: 'validation-error' },
      );
      const ok = await s.secondFactor.verifyCode(second.sessionSecret, totpCode(secret, clock.peek(), 1), {});
      assert.ok(await s.auth.resolveSession(ok.sessionSecret));

      const failed = (await auditOf('auth.second-factor-failed')).filter((a) => a.target === user.email);
      assert.equal(failed.length, 3);
      const logins = (await auditOf('auth.login')).filter((a) => a.actor_user_id === user.id);
      assert.deepEqual(
        logins.map((a) => JSON.parse(a.data).secondFactor),
        ['totp', 'totp'],
        'only completed logins are logins',
      );
      assert.equal(logins[0]!.ip, '192.0.2.7');
    });

    test('two codes of one step racing: exactly one wins', async () => {
      const { user } = await makeUser(s);
      const { secret } = await enableTotp(s, user, clock.peek());
      clock.advance(30_000);
      const a = await s.auth.login(user.email, PASSWORD, {});
      const b = await s.auth.login(user.email, PASSWORD, {});
      const code = totpCode(secret, clock.peek());
      const results = await Promise.allSettled([
        s.secondFactor.verifyCode(a.sessionSecret, code, {}),
        s.secondFactor.verifyCode(b.sessionSecret, code, {}),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    });

    test('recovery codes work once each, can be regenerated, and TOTP can be turned off', async () => {
      const { user } = await makeUser(s);
      const { secret, recoveryCodes } = await enableTotp(s, user, clock.peek());
      const login = await s.auth.login(user.email, PASSWORD, {});
      // Typed with upper case and spaces instead of dashes: still the code.
      const typed = recoveryCodes[0]!.toUpperCase().replace(/-/g, ' ');
      const r = await s.secondFactor.verifyCode(login.sessionSecret, typed, {});
      assert.equal(r.recoveryCodesLeft, 9);
      const again = await s.auth.login(user.email, PASSWORD, {});
      await assert.rejects(s.secondFactor.verifyCode(again.sessionSecret, recoveryCodes[0], {}), {
        code: 'validation-error',
      });
      const me = verified(user);
      await assert.rejects(s.totp.regenerateRecoveryCodes(me, 'wrong password'), {
        code: 'validation-error',
      });
      const fresh = await s.totp.regenerateRecoveryCodes(me, PASSWORD);
      assert.equal(fresh.length, 10);
      await assert.rejects(s.secondFactor.verifyCode(again.sessionSecret, recoveryCodes[1], {}), {
        code: 'validation-error',
      });
      assert.ok((await s.secondFactor.verifyCode(again.sessionSecret, fresh[0], {})).sessionSecret);

      // A session from before enrolment may not change the factors.
      const legacy: Actor = { kind: 'user', user, via: 'session' };
      await assert.rejects(s.totp.disable(legacy, { password: PASSWORD }), { code: 'forbidden' });
      await assert.rejects(s.totp.disable(me, { code: '123456' }), { code: 'validation-error' });
      await assert.rejects(s.totp.disable(me, { password: 'nope' }), { code: 'validation-error' });
      clock.advance(30_000);
      await s.totp.disable(me, { code: totpCode(secret, clock.peek()) });
      const row = await db()
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.totp_secret, null);
      assert.equal(row.totp_enabled_at, null);
      const left = await db()
        .selectFrom('recovery_codes')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(left.length, 0, 'no second factor left: recovery codes go too');
      assert.equal((await s.auth.login(user.email, PASSWORD, {})).pending, false);
      const off = (await auditOf('account.totp-disabled')).filter((a) => a.actor_user_id === user.id);
      assert.equal(off.length, 1);
    });

    test(`after ${MAX_FAILURES} wrong codes the second step is locked for 15 minutes`, async () => {
      const { user } = await makeUser(s);
      const { secret } = await enableTotp(s, user, clock.peek());
      clock.advance(30_000);
      const login = await s.auth.login(user.email, PASSWORD, {});
      for (let i = 0; i < MAX_FAILURES; i++)
        await assert.rejects(s.secondFactor.verifyCode(login.sessionSecret, '000000', {}), {
          code: 'validation-error',
        });
      await assert.rejects(
        s.secondFactor.verifyCode(login.sessionSecret, totpCode(secret, clock.peek()), {}),
        {
          code: 'rate-limited',
        },
      );
      clock.advance(15 * 60_000 + 1000);
      const again = await s.auth.login(user.email, PASSWORD, {});
      const ok = await s.secondFactor.verifyCode(again.sessionSecret, totpCode(secret, clock.peek()), {});
      assert.ok(await s.auth.resolveSession(ok.sessionSecret));
      const row = await db()
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.mfa_failures, 0, 'a success resets the count');
    });

    test('a pending login expires after 10 minutes', async () => {
      const { user } = await makeUser(s);
      const { secret } = await enableTotp(s, user, clock.peek());
      const login = await s.auth.login(user.email, PASSWORD, {});
      clock.advance(10 * 60_000 + 1);
      await assert.rejects(
        s.secondFactor.verifyCode(login.sessionSecret, totpCode(secret, clock.peek()), {}),
        {
          code: 'unauthenticated',
        },
      );
    });
  });

  describe(`TOTP pages without JavaScript (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('enrol on /account/security, then sign in with password and code', async () => {
      const { user, email } = await makeUser(t.services);
      const c = new PageClient(t.app);
      await c.login(email, PASSWORD);
      const page = await c.get('/account/security');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Two-factor sign-in is <strong>off<\/strong>/);
      assert.match(page.body, /Passkeys need JavaScript/);
      const start = await c.post('/account/security/totp', {}, { csrf: csrfToken(page.body) });
      assert.equal(start.statusCode, 200);
      const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/.exec(start.body)![1]!.replace(/ /g, '');
      assert.match(start.body, /<img src="data:image\/svg\+xml;base64,/);
      const wrong = await c.post(
        '/account/security/totp/confirm',
        { code: '000000' },
        { csrf: csrfToken(start.body) },
      );
      assert.equal(wrong.statusCode, 422);
      assert.ok(wrong.body.includes(secret.slice(0, 4)), 'the same secret is shown again');
      const ok = await c.post(
        '/account/security/totp/confirm',
        { code: totpCode(secret, Date.now()) },
        { csrf: csrfToken(wrong.body) },
      );
      assert.equal(ok.statusCode, 200);
      assert.match(ok.body, /Save your recovery codes/);
      const codes = /<pre class="secret"[^>]*>([^<]+)<\/pre>/.exec(ok.body)![1]!.trim().split('\n');
      assert.equal(codes.length, 10);
      assert.match((await c.get('/account/security')).body, /Two-factor sign-in is <strong>on<\/strong>/);

      // A fresh browser: password, then the second step.
      const b = new PageClient(t.app);
      const first = await b.post(
        '/login',
        { email, password: PASSWORD, next: '/inbox' },
        { csrfFrom: '/login' },
      );
      assert.equal(first.statusCode, 303);
      assert.equal(first.headers.location, '/login/second-factor?next=%2Finbox');
      const inbox = await b.get('/inbox');
      assert.equal(inbox.statusCode, 303, 'not signed in before the second step');
      const step = await b.get('/login/second-factor?next=%2Finbox');
      assert.match(step.body, new RegExp(email.replace(/[.]/g, '\\.')));
      const bad = await b.post(
        '/login/second-factor',
        { code: '000000', next: '/inbox' },
        { csrf: csrfToken(step.body) },
      );
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /not right/);
      const good = await b.post(
        '/login/second-factor',
        { code: codes[0]!, next: '/inbox' },
        { csrf: csrfToken(bad.body) },
      );
      assert.equal(good.statusCode, 303);
      assert.equal(good.headers.location, '/account/security?recovery=9');
      assert.equal((await b.get('/inbox')).statusCode, 200);
      assert.match((await b.get('/account/security?recovery=9')).body, /9 are left/);
      const audit = await t.tdb.handle.db
        .selectFrom('audit_log')
        .select('action')
        .where('actor_user_id', '=', user.id)
        .execute();
      assert.ok(audit.some((a) => a.action === 'auth.second-factor'));
    });
  });
}
