// AuthService on both dialects: accounts, login and sessions, API tokens. Secrets must be stored only
// as digests. One-time links (setup, activation): auth.service.links.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { PASSWORD } from '../helpers/factories.ts';
import { fieldsOf } from '../helpers/expect.ts';
import type { Services } from '../../src/services/index.ts';
import { hashSecret } from '../../src/services/deps.ts';
import { ConflictError, UnauthenticatedError } from '../../src/domain/errors.ts';

const HOUR = 60 * 60 * 1000;

/** The message of the login failure, which must be the same whatever was wrong. */
async function loginFailure(s: Services, email: unknown, password: unknown): Promise<string> {
  try {
    await s.auth.login(email, password, {});
  } catch (e) {
    assert.ok(e instanceof UnauthenticatedError, `expected UnauthenticatedError, got ${String(e)}`);
    assert.equal(e.code, 'unauthenticated');
    return e.message;
  }
  assert.fail(`login succeeded for ${String(email)}`);
}

for (const dialect of dialects()) {
  describe(dialect, () => {
    let ts: TestServices;
    let s: Services;
    const clock = manualClock('2026-05-01T00:00:00.000Z');
    before(async () => {
      ts = await createTestServices(dialect, { clock });
      s = ts.services;
    });
    after(async () => {
      await ts.close();
    });
    const db = () => ts.tdb.handle.db;

    test('createUser validates, normalises the e-mail and stores an argon2id hash', async () => {
      const u = await s.auth.createUser(
        { email: '  Ada@Example.COM ', name: ' Ada L ', password: PASSWORD },
        { admin: false },
      );
      assert.equal(u.email, 'ada@example.com');
      assert.equal(u.name, 'Ada L');
      assert.equal(u.isAdmin, false);
      const row = await db().selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
      assert.match(row.password_hash!, /^\$argon2id\$/);
      assert.ok(!row.password_hash!.includes(PASSWORD));
      assert.equal(
        (
          await s.auth.createUser(
            { email: 'root@example.com', name: 'Root', password: 'x'.repeat(12) },
            { admin: true },
          )
        ).isAdmin,
        true,
      );

      assert.deepEqual(
        await fieldsOf(
          s.auth.createUser({ email: 'nope', name: '   ', password: 'x'.repeat(11) }, { admin: false }),
        ),
        ['email', 'name', 'password'],
      );
      assert.deepEqual(
        await fieldsOf(
          s.auth.createUser({ email: 5, name: {}, password: 123456789012345 }, { admin: false }),
        ),
        ['email', 'name', 'password'],
      );
      assert.deepEqual(
        await fieldsOf(
          s.auth.createUser(
            { email: 'long@example.com', name: 'n'.repeat(201), password: 'p'.repeat(1025) },
            { admin: false },
          ),
        ),
        ['name', 'password'],
      );
    });

    test('a second account with the same e-mail is a conflict', async () => {
      for (const email of ['ada@example.com', 'ADA@example.com', ' ada@EXAMPLE.com ']) {
        await assert.rejects(
          s.auth.createUser({ email, name: 'Other', password: PASSWORD }, { admin: false }),
          (e: unknown) => {
            assert.ok(e instanceof ConflictError);
            assert.equal(e.code, 'account-exists');
            return true;
          },
        );
      }
    });

    test('concurrent sign-ups with one e-mail: one account, one conflict', async () => {
      const input = { email: 'twice@example.com', name: 'Twice', password: PASSWORD };
      const results = await Promise.allSettled([
        s.auth.createUser(input, { admin: false }),
        s.auth.createUser(input, { admin: false }),
      ]);
      assert.deepEqual(
        results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code)).sort(),
        ['account-exists', 'ok'],
      );
      const rows = await db()
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'twice@example.com')
        .execute();
      assert.equal(rows.length, 1);
    });

    test('login: success, and one identical error for every failure', async () => {
      const ok = await s.auth.login(' ADA@example.com ', PASSWORD, { ip: '192.0.2.1', userAgent: 'test' });
      assert.equal(ok.user.email, 'ada@example.com');
      assert.ok(ok.sessionSecret.length >= 40);
      const wrong = await loginFailure(s, 'ada@example.com', PASSWORD + '!');
      assert.equal(
        await loginFailure(s, 'nobody@example.com', PASSWORD),
        wrong,
        'unknown e-mail looks like a wrong password',
      );
      assert.equal(await loginFailure(s, 'ada@example.com', ''), wrong);
      assert.equal(await loginFailure(s, 'ada@example.com', 'p'.repeat(1025)), wrong);
      assert.equal(await loginFailure(s, 42, PASSWORD), wrong);
      assert.equal(await loginFailure(s, 'ada@example.com', undefined), wrong);
      const invited = await s.auth.createInvitedUser('pending@example.com', 'Pending');
      assert.equal(
        await loginFailure(s, 'pending@example.com', ''),
        wrong,
        'an account without a password cannot log in',
      );
      await db()
        .updateTable('users')
        .set({ disabled_at: clock.peek().toISOString() })
        .where('id', '=', invited.user.id)
        .execute();
      const { user } = await s.auth.login('root@example.com', 'x'.repeat(12), {});
      await db()
        .updateTable('users')
        .set({ disabled_at: clock.peek().toISOString() })
        .where('id', '=', user.id)
        .execute();
      assert.equal(
        await loginFailure(s, 'root@example.com', 'x'.repeat(12)),
        wrong,
        'a disabled account cannot log in',
      );
    });

    test('sessions resolve, slide while used, expire and end on logout', async () => {
      const { sessionSecret, user } = await s.auth.login('ada@example.com', PASSWORD, {});
      assert.deepEqual(await s.auth.resolveSession(sessionSecret), user);
      const rows = await db().selectFrom('sessions').selectAll().execute();
      assert.ok(rows.some((r) => r.id_hash === hashSecret(sessionSecret)));
      assert.ok(!JSON.stringify(rows).includes(sessionSecret), 'the session secret is stored only hashed');
      assert.equal(await s.auth.resolveSession('not-a-session'), null);
      assert.equal(await s.auth.resolveSession(hashSecret(sessionSecret)), null);

      const idle = await s.auth.login('ada@example.com', PASSWORD, {});
      clock.advance(11 * HOUR);
      assert.ok(await s.auth.resolveSession(sessionSecret), 'used after 11 hours: renewed');
      clock.advance(11 * HOUR);
      assert.ok(await s.auth.resolveSession(sessionSecret), '22 hours after login, 11 after last use');
      assert.equal(await s.auth.resolveSession(idle.sessionSecret), null, 'unused for 22 hours: expired');
      clock.advance(12 * HOUR + 1);
      assert.equal(await s.auth.resolveSession(sessionSecret), null, 'unused for 12 hours: expired');

      const again = await s.auth.login('ada@example.com', PASSWORD, {});
      await s.auth.logout(again.sessionSecret);
      assert.equal(await s.auth.resolveSession(again.sessionSecret), null);
    });

    test('API tokens: pat_ prefix, stored hashed, resolve to their user until revoked', async () => {
      const { token, id } = await s.auth.createApiToken('ada@example.com', ' ci ');
      assert.match(token, /^pat_[A-Za-z0-9_-]{40,}$/);
      const actor = await s.auth.resolveBearer(token);
      assert.ok(actor && actor.kind === 'user');
      assert.equal(actor.via, 'api-token');
      assert.equal(actor.user.email, 'ada@example.com');
      const rows = await db().selectFrom('api_tokens').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(token), 'the raw token is not in api_tokens');
      assert.ok(!JSON.stringify(rows).includes(token.slice(4)), 'not even without its prefix');
      const row = rows.find((r) => r.id === id)!;
      assert.equal(row.token_hash, hashSecret(token));
      assert.equal(row.name, 'ci');
      assert.ok(row.last_used_at, 'use is recorded');

      for (const bad of [
        'pat_wrong',
        token + 'x',
        token.slice(0, -1),
        token.slice(4),
        'pat_' + 'a'.repeat(300),
        '',
        row.token_hash,
      ]) {
        assert.equal(await s.auth.resolveBearer(bad), null, bad.slice(0, 20));
      }
      await db()
        .updateTable('api_tokens')
        .set({ expires_at: clock.peek().toISOString() })
        .where('id', '=', id)
        .execute();
      assert.equal(await s.auth.resolveBearer(token), null, 'expired');
      await db()
        .updateTable('api_tokens')
        .set({ expires_at: null, revoked_at: clock.peek().toISOString() })
        .where('id', '=', id)
        .execute();
      assert.equal(await s.auth.resolveBearer(token), null, 'revoked');
      const root = await s.auth.createApiToken('root@example.com', 'disabled owner');
      assert.equal(await s.auth.resolveBearer(root.token), null, 'the owner is disabled');

      await assert.rejects(s.auth.createApiToken('nobody@example.com', 'x'), { code: 'not-found' });
      await assert.rejects(s.auth.createApiToken('ada@example.com', '   '), { code: 'validation-error' });
      await assert.rejects(s.auth.createApiToken('ada@example.com', 'n'.repeat(101)), {
        code: 'validation-error',
      });
      const second = await s.auth.createApiToken('ADA@example.com', 'second');
      assert.notEqual(second.token, token);
    });
  });
}
