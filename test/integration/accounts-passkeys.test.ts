// PasskeyService on both dialects with a software authenticator that makes real ES256 credentials:
// registration (one-time challenge, origin checked), second step after a password, passwordless
// sign-in (user verification required), replay and cloned-key (counter) refusal, someone else's
// passkey, removal. The browser path is in test/e2e/passkeys.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeUser, PASSWORD } from '../helpers/factories.ts';
import { verified } from '../helpers/accounts.ts';
import { SoftAuthenticator } from '../helpers/soft-authenticator.ts';
import type { Services } from '../../src/services/index.ts';
import type { Actor } from '../../src/services/actor.ts';
import { hashSecret } from '../../src/services/deps.ts';

for (const dialect of dialects()) {
  describe(`passkeys (${dialect})`, () => {
    let ts: TestServices;
    let s: Services;
    const auth = new SoftAuthenticator('localhost', 'http://localhost:8080');
    before(async () => {
      ts = await createTestServices(dialect);
      s = ts.services;
    });
    after(() => ts.close());
    const db = () => ts.tdb.handle.db;

    /** A user with one registered passkey; returns its credential id and the session used. */
    async function withPasskey() {
      const u = await makeUser(s);
      const login = await s.auth.login(u.email, PASSWORD, {});
      const options = await s.passkeys.registrationOptions(u.actor, login.sessionSecret);
      const r = await s.passkeys.register(u.actor, login.sessionSecret, {
        name: 'Soft key',
        response: auth.create(options),
      });
      return { ...u, credId: r.id, recoveryCodes: r.recoveryCodes, session: login.sessionSecret };
    }

    test('registration: options name the relying party; the answer is verified once and stored', async () => {
      const u = await makeUser(s);
      const login = await s.auth.login(u.email, PASSWORD, {});
      const options = await s.passkeys.registrationOptions(u.actor, login.sessionSecret);
      assert.equal(options.rp.id, 'localhost');
      assert.equal(options.user.name, u.email);
      assert.equal(Buffer.from(options.user.id, 'base64url').toString(), u.user.id);
      // An answer made for another origin is refused, and uses up the challenge.
      await assert.rejects(
        s.passkeys.register(u.actor, login.sessionSecret, {
          name: 'Evil',
          response: auth.create(options, { origin: 'https://evil.example' }),
        }),
        { code: 'validation-error' },
      );
      await assert.rejects(
        s.passkeys.register(u.actor, login.sessionSecret, { name: 'Late', response: auth.create(options) }),
        { code: 'validation-error' },
        'the challenge works once',
      );
      const fresh = await s.passkeys.registrationOptions(u.actor, login.sessionSecret);
      const r = await s.passkeys.register(u.actor, login.sessionSecret, {
        name: ' Laptop ',
        response: auth.create(fresh),
      });
      assert.equal(r.recoveryCodes?.length, 10, 'the first second factor brings recovery codes');
      const rows = await db().selectFrom('passkeys').selectAll().where('user_id', '=', u.user.id).execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.name, 'Laptop');
      assert.equal(rows[0]!.transports, 'internal');
      // The session it was added in counts as opened with it.
      assert.equal((await s.auth.resolveSession(login.sessionSecret))?.hasSecondFactor, true);
      const audit = await db()
        .selectFrom('audit_log')
        .select('action')
        .where('actor_user_id', '=', u.user.id)
        .execute();
      assert.ok(audit.some((a) => a.action === 'account.passkey-added'));
      // A session from before cannot add another one.
      const legacy: Actor = { kind: 'user', user: u.user, via: 'session' };
      await assert.rejects(s.passkeys.registrationOptions(legacy, 'x'), { code: 'forbidden' });
    });

    test('second step: password, then the passkey; replays and clones are refused', async () => {
      const u = await withPasskey();
      const login = await s.auth.login(u.email, PASSWORD, {});
      assert.equal(login.pending, true);
      const options = await s.passkeys.loginOptions(login.sessionSecret);
      assert.deepEqual(
        options.allowCredentials?.map((c) => c.id),
        [u.credId],
      );
      const answer = auth.get(u.credId, options);
      const r = await s.passkeys.login(login.sessionSecret, answer, { ip: '198.51.100.4' });
      const me = await s.auth.resolveSession(r.sessionSecret);
      assert.equal(me?.id, u.user.id);
      assert.equal(me?.hasSecondFactor, true);
      const row = await db()
        .selectFrom('sessions')
        .select('second_factor')
        .where('id_hash', '=', hashSecret(r.sessionSecret))
        .executeTakeFirstOrThrow();
      assert.equal(row.second_factor, 'passkey');

      // The same answer again (a replay) in a new login: refused and counted.
      const again = await s.auth.login(u.email, PASSWORD, {});
      await s.passkeys.loginOptions(again.sessionSecret);
      await assert.rejects(s.passkeys.login(again.sessionSecret, answer, {}), { code: 'validation-error' });
      // A counter that goes backwards means a cloned key.
      const o2 = await s.passkeys.loginOptions(again.sessionSecret);
      await assert.rejects(
        s.passkeys.login(again.sessionSecret, auth.get(u.credId, o2, { counter: 1 }), {}),
        {
          code: 'validation-error',
        },
      );
      const o3 = await s.passkeys.loginOptions(again.sessionSecret);
      assert.ok((await s.passkeys.login(again.sessionSecret, auth.get(u.credId, o3), {})).sessionSecret);
      const failures = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'auth.second-factor-failed')
        .where('target', '=', u.email)
        .execute();
      assert.equal(failures.length, 2);
    });

    test("someone else's passkey does not complete my login", async () => {
      const me = await withPasskey();
      const other = await withPasskey();
      const login = await s.auth.login(me.email, PASSWORD, {});
      const options = await s.passkeys.loginOptions(login.sessionSecret);
      await assert.rejects(s.passkeys.login(login.sessionSecret, auth.get(other.credId, options), {}), {
        code: 'validation-error',
      });
      assert.equal(await s.auth.resolveSession(login.sessionSecret), null);
    });

    test('passwordless: a one-time challenge, user verification required', async () => {
      const u = await withPasskey();
      const options = await s.passkeys.loginOptions(undefined);
      assert.equal(options.userVerification, 'required');
      assert.equal(options.allowCredentials, undefined, 'any discoverable passkey');
      const stored = await db()
        .selectFrom('account_tokens')
        .selectAll()
        .where('token_hash', '=', hashSecret(options.challenge))
        .executeTakeFirstOrThrow();
      assert.equal(stored.purpose, 'passkey');
      await assert.rejects(s.passkeys.login(undefined, auth.get(u.credId, options, { uv: false }), {}), {
        code: 'unauthenticated',
      });
      const fresh = await s.passkeys.loginOptions(undefined);
      const answer = auth.get(u.credId, fresh);
      const r = await s.passkeys.login(undefined, answer, {});
      assert.equal((await s.auth.resolveSession(r.sessionSecret))?.id, u.user.id);
      await assert.rejects(
        s.passkeys.login(undefined, answer, {}),
        { code: 'unauthenticated' },
        'challenge used',
      );
      // A challenge nobody handed out is refused.
      await assert.rejects(s.passkeys.login(undefined, auth.get(u.credId, { challenge: 'bWFkZS11cA' }), {}), {
        code: 'unauthenticated',
      });
    });

    test('rename and remove (with the password); the last factor takes the recovery codes along', async () => {
      const u = await withPasskey();
      const me = verified(u.user);
      await s.passkeys.rename(me, u.credId, 'Renamed');
      assert.equal((await s.passkeys.list(me))[0]!.name, 'Renamed');
      const other = await withPasskey();
      await assert.rejects(s.passkeys.rename(me, other.credId, 'Mine now'), { code: 'not-found' });
      await assert.rejects(s.passkeys.remove(me, other.credId, PASSWORD), { code: 'not-found' });
      await assert.rejects(s.passkeys.remove(me, u.credId, 'wrong'), { code: 'validation-error' });
      await s.passkeys.remove(me, u.credId, PASSWORD);
      assert.equal((await s.passkeys.list(me)).length, 0);
      const codes = await db()
        .selectFrom('recovery_codes')
        .selectAll()
        .where('user_id', '=', u.user.id)
        .execute();
      assert.equal(codes.length, 0);
      assert.equal((await s.auth.login(u.email, PASSWORD, {})).pending, false, 'no second factor left');
    });
  });
}
