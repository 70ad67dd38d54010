// AuthService one-time links on both dialects: the first-run setup link and account activation.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { PASSWORD } from '../helpers/factories.ts';
import { fieldsOf } from '../helpers/expect.ts';
import type { Services } from '../../src/services/index.ts';
import { UnauthenticatedError } from '../../src/domain/errors.ts';

const DAY = 24 * 60 * 60 * 1000;

async function loginFails(s: Services, email: string, password: string) {
  await assert.rejects(s.auth.login(email, password, {}), (e: unknown) => e instanceof UnauthenticatedError);
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

    test('activation links: invited account sets its password once', async () => {
      const { user, activationPath } = await s.auth.createInvitedUser(
        ' New.Person@Example.com ',
        ' New Person ',
      );
      assert.equal(user.email, 'new.person@example.com');
      assert.equal(user.isAdmin, false);
      const m = /^\/activate\/([A-Za-z0-9_-]{40,})$/.exec(activationPath);
      assert.ok(m, activationPath);
      const token = m[1]!;
      const rows = await db().selectFrom('account_tokens').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(token), 'the activation token is stored only hashed');
      assert.deepEqual(await s.auth.findActivation(token), {
        email: 'new.person@example.com',
        name: 'New Person',
      });
      await loginFails(s, 'new.person@example.com', PASSWORD);

      assert.deepEqual(await fieldsOf(s.auth.activate(token, 'too short')), ['password']);
      assert.deepEqual(await fieldsOf(s.auth.activate(token, undefined)), ['password']);
      assert.ok(await s.auth.findActivation(token), 'a bad password does not burn the link');
      const activated = await s.auth.activate(token, PASSWORD);
      assert.equal(activated.id, user.id);
      assert.equal((await s.auth.login('new.person@example.com', PASSWORD, {})).user.id, user.id);
      await assert.rejects(s.auth.activate(token, PASSWORD + '2'), { code: 'not-found' });
      assert.equal(await s.auth.findActivation(token), null);
      await assert.rejects(s.auth.activate('no-such-token', PASSWORD), { code: 'not-found' });
      await assert.rejects(
        s.auth.createUser(
          { email: 'new.person@example.com', name: 'X', password: PASSWORD },
          { admin: false },
        ),
        { code: 'account-exists' },
      );
      await assert.rejects(s.auth.createInvitedUser('NEW.person@example.com', 'Again'), {
        code: 'account-exists',
      });
      await assert.rejects(s.auth.createInvitedUser('not an address', ''), { code: 'validation-error' });

      const late = await s.auth.createInvitedUser('late@example.com', 'Late');
      const lateToken = late.activationPath.split('/').pop()!;
      clock.advance(7 * DAY + 1);
      assert.equal(await s.auth.findActivation(lateToken), null, 'expired after 7 days');
      await assert.rejects(s.auth.activate(lateToken, PASSWORD), { code: 'not-found' });
    });

    describe('first-run setup link', () => {
      let fresh: TestServices;
      const setupClock = manualClock('2026-06-01T00:00:00.000Z');
      before(async () => {
        fresh = await createTestServices(dialect, { clock: setupClock });
      });
      after(async () => {
        await fresh.close();
      });
      const tokenOf = (p: string | null) => {
        assert.ok(p);
        const m = /^\/setup\/([A-Za-z0-9_-]{40,})$/.exec(p);
        assert.ok(m, p);
        return m[1]!;
      };

      test('issued while no admin exists; a new link replaces the old; it works once', async () => {
        const a = fresh.services.auth;
        assert.equal(await a.hasAdmin(), false);
        const t1 = tokenOf(await a.issueSetupLinkIfNeeded());
        assert.equal(await a.isSetupTokenValid(t1), true);
        const t2 = tokenOf(await a.issueSetupLinkIfNeeded());
        assert.notEqual(t1, t2);
        assert.equal(await a.isSetupTokenValid(t1), false, 'the old link stops working');
        assert.equal(await a.isSetupTokenValid(t2), true);
        await assert.rejects(
          a.completeSetup(t1, { email: 'admin@example.com', name: 'Admin', password: PASSWORD }),
          { code: 'not-found' },
        );

        assert.deepEqual(
          await fieldsOf(a.completeSetup(t2, { email: 'admin', name: '', password: 'short' })),
          ['email', 'name', 'password'],
        );
        assert.equal(await a.isSetupTokenValid(t2), true, 'a typo does not burn the link');
        setupClock.advance(DAY + 1);
        assert.equal(await a.isSetupTokenValid(t2), false, 'expired after 24 hours');

        const t3 = tokenOf(await a.issueSetupLinkIfNeeded());
        const rows = await fresh.tdb.handle.db.selectFrom('account_tokens').selectAll().execute();
        assert.ok(!JSON.stringify(rows).includes(t3), 'the setup token is stored only hashed');
        const admin = await a.completeSetup(t3, {
          email: 'Admin@Example.com',
          name: 'Admin',
          password: PASSWORD,
        });
        assert.equal(admin.isAdmin, true);
        assert.equal(admin.email, 'admin@example.com');
        assert.equal(await a.hasAdmin(), true);
        assert.equal((await a.login('admin@example.com', PASSWORD, {})).user.isAdmin, true);

        await assert.rejects(
          a.completeSetup(t3, { email: 'second@example.com', name: 'Second', password: PASSWORD }),
          { code: 'not-found' },
        );
        assert.equal(await a.isSetupTokenValid(t3), false);
        assert.equal(await a.issueSetupLinkIfNeeded(), null, 'no link once an admin exists');
        const admins = await fresh.tdb.handle.db
          .selectFrom('users')
          .select('email')
          .where('is_admin', '=', 1)
          .execute();
        assert.deepEqual(admins, [{ email: 'admin@example.com' }]);
      });
    });

    test('a setup link completed twice at once makes one admin', async () => {
      const other = await createTestServices(dialect);
      try {
        const a = other.services.auth;
        const t = (await a.issueSetupLinkIfNeeded())!.split('/').pop()!;
        const raced = await Promise.allSettled(
          ['first', 'second'].map((n) =>
            a.completeSetup(t, { email: `${n}@example.com`, name: n, password: PASSWORD }),
          ),
        );
        assert.deepEqual(
          raced.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code)).sort(),
          ['not-found', 'ok'],
        );
        const admins = await other.tdb.handle.db
          .selectFrom('users')
          .select('id')
          .where('is_admin', '=', 1)
          .execute();
        assert.equal(admins.length, 1);
      } finally {
        await other.close();
      }
    });

    test('an outstanding setup link dies when an admin is created another way', async () => {
      const other = await createTestServices(dialect);
      try {
        const a = other.services.auth;
        const t = (await a.issueSetupLinkIfNeeded())!.split('/').pop()!;
        await a.createUser(
          { email: 'cli-admin@example.com', name: 'CLI', password: PASSWORD },
          { admin: true },
        );
        assert.equal(await a.isSetupTokenValid(t), false);
        await assert.rejects(
          a.completeSetup(t, { email: 'late@example.com', name: 'Late', password: PASSWORD }),
          { code: 'not-found' },
        );
      } finally {
        await other.close();
      }
    });
  });
}
