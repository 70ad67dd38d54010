// The mail pages on both dialects: a member's mail preferences (saved, CSRF-checked, applied to the
// notices that are mailed) and the admin's outbox page (mail-not-configured warning, dead letters,
// retry), which other members cannot open.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, makeUser, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { queueMail } from '../../src/services/outbox/outbox-queue.ts';

for (const dialect of dialects()) {
  describe(`mail pages (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('mail preferences: saved by the form, and a switched-off kind is no longer mailed', async () => {
      const p = await makeProject(t.services);
      const m = await makeMember(t.services, p.slug, 'responder');
      const c = new PageClient(t.app);
      await c.login(m.email, PASSWORD);
      let page = await c.get('/account/mail');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="clocks" checked/);
      const bad = await c.post('/account/mail', { newReport: 'on' }, { csrf: 'forged' });
      assert.equal(bad.statusCode, 403);
      const res = await c.post(
        '/account/mail',
        { newReport: 'on', digest: 'on' },
        { csrfFrom: '/account/mail' },
      );
      assert.equal(res.statusCode, 303);
      page = await c.get('/account/mail?saved=1');
      assert.match(page.body, /name="digest" checked/);
      assert.doesNotMatch(page.body, /name="clocks" checked/);
      const notice = (kind: string, key: string) =>
        t.services.notifications.notify(t.services.deps.db, {
          userId: m.user.id,
          kind,
          title: 'x',
          body: 'y',
          link: '/inbox',
          dedupeKey: key,
        });
      assert.equal((await notice('clock.overdue', 'k1')).emailQueued, false, 'clocks switched off');
      assert.equal((await notice('digest.daily', 'k2')).emailQueued, true, 'digest still on');
    });

    test('the outbox page: admins only, says mail is not configured, lists and retries dead letters', async () => {
      const admin = await makeUser(t.services, { admin: true });
      const p = await makeProject(t.services);
      const member = await makeMember(t.services, p.slug, 'maintainer');
      const db = t.tdb.handle.db;
      await db.transaction().execute((trx) =>
        queueMail(trx, t.services.deps, {
          to: 'x@example.org',
          kind: 'test.dead',
          subject: 'dead letter subject',
          text: 'x',
          dedupeKey: `page-dead:${dialect}`,
        }),
      );
      await db
        .updateTable('outbox')
        .set({ status: 'failed', attempts: 12, last_error: 'SMTP 550: mailbox unavailable' })
        .where('dedupe_key', '=', `page-dead:${dialect}`)
        .execute();
      const other = new PageClient(t.app);
      await other.login(member.email, PASSWORD);
      assert.equal((await other.get('/admin/outbox')).statusCode, 403);
      const c = new PageClient(t.app);
      await c.login(admin.email, PASSWORD);
      const page = await c.get('/admin/outbox');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /id="mail-not-configured"/);
      assert.match(page.body, /dead letter subject/);
      assert.match(page.body, /SMTP 550: mailbox unavailable/);
      const id = /name="id" value="([^"]+)"/.exec(page.body)![1]!;
      const res = await c.post('/admin/outbox/retry', { id }, { csrfFrom: '/admin/outbox' });
      assert.equal(res.statusCode, 303);
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'pending');
      assert.equal(row.attempts, 0);
    });
  });
}
