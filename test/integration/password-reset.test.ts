// Password reset by mail, end to end on both dialects: the form, the outbox worker sending through
// nodemailer to a real SMTP server on loopback, the link in the mail, the new password. Checks the
// same answer (and similar time) for unknown addresses, the per-account limit, one-time use and
// expiry, that every session ends, that a second factor stays on, and the audit entry.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createTestServices, manualClock } from '../helpers/services.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { makeUser, PASSWORD } from '../helpers/factories.ts';
import { enableTotp } from '../helpers/accounts.ts';
import { startSmtpSink, parseSunk, type SmtpSink } from '../helpers/smtp-sink.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { createMailSender } from '../../src/integrations/mail/mail-sender.ts';
import { hashSecret } from '../../src/services/deps.ts';
import { MAX_PER_HOUR, MIN_ANSWER_MS } from '../../src/services/accounts/password-reset.service.ts';

const NEW_PASSWORD = 'a brand new passphrase 42';

for (const dialect of dialects()) {
  describe(`password reset by mail (${dialect})`, () => {
    let t: TestApp;
    let sink: SmtpSink;
    let worker: OutboxWorker;
    before(async () => {
      t = await createTestApp(dialect);
      sink = await startSmtpSink();
      worker = new OutboxWorker({
        db: t.tdb.handle.db,
        dialect,
        senders: {
          email: createMailSender({
            smtpUrl: sink.url,
            from: 'Parley <parley@localhost>',
            domain: 'localhost',
          }),
        },
      });
    });
    after(async () => {
      await worker.stop();
      await sink.close();
      await t.close();
    });

    /** Delivers the outbox; returns the reset mails that arrived meanwhile. */
    async function deliver() {
      const from = sink.messages.length;
      await worker.runOnce();
      return Promise.all(sink.messages.slice(from).map(parseSunk));
    }

    const ask = async (c: PageClient, email: string) => {
      const started = performance.now();
      const res = await c.post('/password-reset', { email }, { csrfFrom: '/password-reset' });
      return { res, ms: performance.now() - started };
    };

    test('a link by mail sets a new password once, ends every session and keeps 2FA on', async () => {
      const { user, email } = await makeUser(t.services);
      await enableTotp(t.services, user);
      // Two sessions of the account that must end (pending logins count too).
      const other = await t.services.auth.login(email, PASSWORD, {});
      assert.equal(other.pending, true);

      const login = await new PageClient(t.app).get('/login');
      assert.match(login.body, /href="\/password-reset"/);
      const c = new PageClient(t.app);
      const known = await ask(c, email.toUpperCase());
      const unknown = await ask(c, 'nobody-at-all@example.com');
      assert.equal(known.res.statusCode, 200);
      assert.equal(unknown.res.statusCode, 200);
      const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');
      assert.equal(strip(known.res.body), strip(unknown.res.body), 'the same answer either way');
      assert.ok(known.ms >= MIN_ANSWER_MS - 5 && unknown.ms >= MIN_ANSWER_MS - 5);

      const mails = await deliver();
      assert.equal(mails.length, 1, 'one mail, to the known address only');
      const mail = mails[0]!;
      assert.equal((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address, email);
      assert.match(mail.subject!, /Reset your Parley password/);
      const link = /http:\/\/localhost:8080(\/password-reset\/[A-Za-z0-9_-]{43})/.exec(mail.text!)![1]!;
      const token = link.split('/').pop()!;
      const stored = await t.tdb.handle.db
        .selectFrom('account_tokens')
        .selectAll()
        .where('purpose', '=', 'reset')
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.token_hash, hashSecret(token), 'stored only as a digest');
      assert.equal(Date.parse(stored[0]!.expires_at) - Date.parse(stored[0]!.created_at), 60 * 60 * 1000);

      const form = await c.get(link);
      assert.equal(form.statusCode, 200);
      assert.ok(form.body.includes(email));
      const short = await c.post(link, { password: 'short' }, { csrf: csrfToken(form.body) });
      assert.equal(short.statusCode, 422);
      const done = await c.post(link, { password: NEW_PASSWORD }, { csrf: csrfToken(short.body) });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/login?reset=1');
      assert.match((await c.get('/login?reset=1')).body, /Your new password is set/);
      assert.equal((await c.get(link)).statusCode, 404, 'the link works once');
      assert.equal((await c.post(link, { password: NEW_PASSWORD }, { csrfFrom: '/login' })).statusCode, 404);

      const sessions = await t.tdb.handle.db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(sessions.length, 0, 'every session ended');
      await assert.rejects(t.services.auth.login(email, PASSWORD, {}), { code: 'unauthenticated' });
      const again = await t.services.auth.login(email, NEW_PASSWORD, {});
      assert.equal(again.pending, true, 'the second factor is still asked for');
      const audit = await t.tdb.handle.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'auth.password-reset')
        .where('target', '=', email)
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(JSON.parse(audit[0]!.data).sessionsEnded, 1);
    });

    test(`at most ${MAX_PER_HOUR} links an hour per account, silently; bad input is a form error`, async () => {
      const { email } = await makeUser(t.services);
      const c = new PageClient(t.app);
      for (let i = 0; i < MAX_PER_HOUR + 2; i++) assert.equal((await ask(c, email)).res.statusCode, 200);
      const mails = await deliver();
      assert.equal(mails.length, MAX_PER_HOUR);
      const bad = await c.post(
        '/password-reset',
        { email: 'not an address' },
        { csrfFrom: '/password-reset' },
      );
      assert.equal(bad.statusCode, 422);
      const noCsrf = await c.post('/password-reset', { email }, { csrf: null });
      assert.equal(noCsrf.statusCode, 403);
    });

    test('requests are rate-limited per client IP', async () => {
      const limited = await createTestApp(dialect, { env: { PARLEY_LOGIN_RATE_LIMIT: '2' } });
      try {
        const c = new PageClient(limited.app);
        const codes: number[] = [];
        for (let i = 0; i < 3; i++)
          codes.push(
            (await c.post('/password-reset', { email: `x${i}@example.com` }, { csrfFrom: '/password-reset' }))
              .statusCode,
          );
        assert.deepEqual(codes, [200, 200, 429]);
      } finally {
        await limited.close();
      }
    });
  });

  describe(`password reset links expire (${dialect})`, () => {
    test('after one hour the link is refused', async () => {
      const clock = manualClock('2026-06-01T00:00:00.000Z');
      const ts = await createTestServices(dialect, { clock });
      try {
        const { email } = await makeUser(ts.services);
        await ts.services.passwordReset.request(email);
        const row = await ts.tdb.handle.db
          .selectFrom('outbox')
          .select('body')
          .where('kind', '=', 'account.password-reset')
          .executeTakeFirstOrThrow();
        const token = /\/password-reset\/([A-Za-z0-9_-]{43})/.exec(row.body)![1]!;
        assert.deepEqual(await ts.services.passwordReset.check(token), { email });
        clock.advance(60 * 60 * 1000 + 1);
        assert.equal(await ts.services.passwordReset.check(token), null);
        await assert.rejects(ts.services.passwordReset.complete(token, NEW_PASSWORD), { code: 'not-found' });
      } finally {
        await ts.close();
      }
    });
  });
}
