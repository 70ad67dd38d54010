// In-app notifications and the outbox on both dialects: a notice and its e-mail are written
// together in the caller's transaction (or not at all), once per dedupe key and user, and a user
// only ever sees and marks their own notices.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/db.ts';
import { cryptoRandom, type ServiceDeps } from '../../src/services/deps.ts';
import { argon2idHasher } from '../../src/services/passwords.ts';
import { NotificationService, type NoticeInput } from '../../src/services/notification.service.ts';
import { ANONYMOUS, type Actor } from '../../src/services/actor.ts';
import * as users from '../../src/storage/repositories/user.repository.ts';
import * as outbox from '../../src/storage/repositories/outbox.repository.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

for (const dialect of dialects()) {
  describe(`notifications and outbox on ${dialect}`, () => {
    let tdb: TestDatabase;
    let svc: NotificationService;
    let n = 0;
    before(async () => {
      tdb = await createTestDatabase(dialect);
      let t = T0;
      const deps: ServiceDeps = {
        db: tdb.handle.db,
        dialect,
        // Each reading 1 ms later, so notices have distinct times.
        clock: { now: () => new Date((t += 1)) },
        random: cryptoRandom,
        passwords: argon2idHasher,
        secret: Buffer.alloc(32, 7),
        publicUrl: new URL('https://parley.example.org/'),
      };
      svc = new NotificationService(deps);
    });
    after(async () => {
      await tdb.drop();
    });

    /** A user row (this suite needs accounts, not the account service) and their actor. */
    const makeUser = async (opts: { admin?: boolean; disabled?: boolean } = {}) => {
      const id = cryptoRandom.uuid();
      const email = `user-${++n}@example.com`;
      await users.insertUser(tdb.handle.db, {
        id,
        email,
        name: `User ${n}`,
        password_hash: null,
        is_admin: opts.admin ? 1 : 0,
        created_at: new Date(T0).toISOString(),
        disabled_at: opts.disabled ? new Date(T0).toISOString() : null,
      });
      const actor: Actor = {
        kind: 'user',
        user: { id, email, name: `User ${n}`, isAdmin: !!opts.admin },
        via: 'session',
      };
      return { id, email, actor };
    };
    const notice = (userId: string, overrides: Partial<NoticeInput> = {}): NoticeInput => ({
      userId,
      kind: 'clock.overdue',
      title: 'FLUX-3: acknowledgement is overdue',
      body: 'The policy asks for an acknowledgement within 2 business days.',
      link: '/cases/FLUX-3',
      dedupeKey: `overdue:${userId}:${++n}`,
      ...overrides,
    });
    const count = async (table: 'notifications' | 'outbox', userId: string) => {
      const rows =
        table === 'notifications'
          ? await tdb.handle.db
              .selectFrom('notifications')
              .select('id')
              .where('user_id', '=', userId)
              .execute()
          : await tdb.handle.db
              .selectFrom('outbox')
              .select('id')
              .where('recipient_user_id', '=', userId)
              .execute();
      return rows.length;
    };

    test('notify writes the in-app notice and queues its e-mail, which nothing sends yet', async () => {
      const u = await makeUser();
      const r = await svc.notify(tdb.handle.db, notice(u.id, { dedupeKey: 'overdue:case-1:ack' }));
      assert.equal(r.created, true);
      assert.equal(r.emailQueued, true);
      const list = await svc.listNotifications(u.actor);
      assert.equal(list.length, 1);
      assert.deepEqual(
        { id: list[0]!.id, title: list[0]!.title, link: list[0]!.link, readAt: list[0]!.readAt },
        {
          id: r.notificationId,
          title: 'FLUX-3: acknowledgement is overdue',
          link: '/cases/FLUX-3',
          readAt: null,
        },
      );
      assert.equal(await svc.unreadCount(u.actor), 1);
      const mail = await outbox.findOutboxByDedupeKey(tdb.handle.db, `email:${u.id}:overdue:case-1:ack`);
      assert.ok(mail);
      assert.equal(mail.channel, 'email');
      assert.equal(mail.status, 'pending');
      assert.equal(mail.recipient_address, u.email);
      assert.equal(mail.subject, 'FLUX-3: acknowledgement is overdue');
      assert.match(mail.body, /https:\/\/parley\.example\.org\/cases\/FLUX-3/);
      assert.equal(mail.kind, 'clock.overdue');
    });

    test('the same notice is recorded once per user; another user gets their own', async () => {
      const a = await makeUser();
      const b = await makeUser();
      const input = notice(a.id, { dedupeKey: 'digest:2026-01-01' });
      assert.equal((await svc.notify(tdb.handle.db, input)).created, true);
      const again = await Promise.all([1, 2, 3].map(() => svc.notify(tdb.handle.db, input)));
      assert.ok(again.every((r) => !r.created && !r.emailQueued));
      assert.equal(await count('notifications', a.id), 1);
      assert.equal(await count('outbox', a.id), 1);
      assert.equal((await svc.notify(tdb.handle.db, { ...input, userId: b.id })).created, true);
      assert.equal(await count('notifications', b.id), 1);
      assert.equal(await count('outbox', b.id), 1);
    });

    test("notify in the caller's transaction commits or rolls back with it", async () => {
      const u = await makeUser();
      await assert.rejects(
        tdb.handle.db.transaction().execute(async (trx) => {
          const r = await svc.notify(trx, notice(u.id));
          assert.equal(r.created, true);
          throw new Error('the change that caused the notice failed');
        }),
        /caused the notice failed/,
      );
      assert.equal(await count('notifications', u.id), 0, 'no in-app notice');
      assert.equal(await count('outbox', u.id), 0, 'no e-mail');
      await tdb.handle.db.transaction().execute(async (trx) => {
        await svc.notify(trx, notice(u.id));
      });
      assert.equal(await count('notifications', u.id), 1);
      assert.equal(await count('outbox', u.id), 1);
    });

    test('a user sees and marks only their own notices', async () => {
      const a = await makeUser();
      const b = await makeUser();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await svc.notify(tdb.handle.db, notice(a.id))).notificationId!);
      await svc.notify(tdb.handle.db, notice(b.id, { title: "B's notice" }));
      const bList = await svc.listNotifications(b.actor);
      assert.deepEqual(
        bList.map((x) => x.title),
        ["B's notice"],
      );
      assert.deepEqual(
        (await svc.listNotifications(a.actor)).map((x) => x.id),
        [...ids].reverse(),
        'newest first',
      );
      assert.equal(await svc.markRead(b.actor, ids), 0, "B cannot mark A's notices");
      assert.equal(await svc.unreadCount(a.actor), 3);
      assert.equal(await svc.markRead(a.actor, [ids[0]]), 1);
      assert.equal(await svc.markRead(a.actor, [ids[0]]), 0, 'already read');
      const unread = await svc.listNotifications(a.actor, { unreadOnly: true });
      assert.deepEqual(
        unread.map((x) => x.id),
        [ids[2], ids[1]],
      );
      assert.equal((await svc.listNotifications(a.actor, { limit: 1 })).length, 1);
      assert.equal(await svc.markRead(a.actor, 'all'), 2);
      assert.equal(await svc.unreadCount(a.actor), 0);
      assert.equal(await svc.unreadCount(b.actor), 1, "A's 'all' is only A's");
      const read = (await svc.listNotifications(a.actor)).find((x) => x.id === ids[0]);
      assert.ok(read?.readAt);
      await assert.rejects(svc.listNotifications(ANONYMOUS), { code: 'unauthenticated' });
      await assert.rejects(svc.markRead(ANONYMOUS, 'all'), { code: 'unauthenticated' });
      await assert.rejects(svc.markRead(a.actor, [42]), { code: 'validation-error' });
    });

    test('e-mail can be sent elsewhere or left out; disabled accounts and foreign links get nothing', async () => {
      const u = await makeUser();
      const other = await svc.notify(
        tdb.handle.db,
        notice(u.id, { email: { address: 'oncall@example.net' } }),
      );
      assert.equal(other.emailQueued, true);
      const rows = await outbox.listOutboxForUser(tdb.handle.db, u.id, 10);
      assert.deepEqual(
        rows.map((r) => r.recipient_address),
        ['oncall@example.net'],
      );
      const inApp = await svc.notify(tdb.handle.db, notice(u.id, { email: false }));
      assert.deepEqual([inApp.created, inApp.emailQueued], [true, false]);
      assert.equal(await count('outbox', u.id), 1);

      const gone = await makeUser({ disabled: true });
      assert.equal((await svc.notify(tdb.handle.db, notice(gone.id))).created, false);
      assert.equal(await count('notifications', gone.id), 0);
      for (const link of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'cases/FLUX-3']) {
        await assert.rejects(svc.notify(tdb.handle.db, notice(u.id, { link })), { code: 'validation-error' });
      }
      await assert.rejects(svc.notify(tdb.handle.db, notice('no-such-user')), { code: 'not-found' });
    });

    test('outbox counts by channel and status are for instance admins', async () => {
      const admin = await makeUser({ admin: true });
      const member = await makeUser();
      await assert.rejects(svc.outboxStats(member.actor), { code: 'forbidden' });
      await svc.notify(tdb.handle.db, notice(member.id));
      const stats = await svc.outboxStats(admin.actor);
      const rows = await tdb.handle.db.selectFrom('outbox').select('id').execute();
      assert.equal(stats.total, rows.length);
      assert.ok(stats.total > 0);
      assert.deepEqual(
        stats.byChannelAndStatus.map((s) => [s.channel, s.status, s.count]),
        [['email', 'pending', rows.length]],
      );
    });
  });
}
