// The notifications page on both dialects: the unread count in the header, the list, "mark read" and
// "mark all read" forms (CSRF-checked), one user never seeing or marking another's notices, the
// sign-in redirect, and the note shown when no mail transport is configured.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';

const MAIL_NOTE = 'Mail is not configured on this instance';
const badge = (html: string) =>
  /<a href="\/notifications">Notifications<span class="badge count">(\d+)<\/span>/.exec(html)?.[1];

for (const dialect of dialects()) {
  describe(`notifications pages (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    /** A signed-in member with three notices (oldest first: A, B, C), and their ids. */
    async function member() {
      const p = await makeProject(t.services);
      const m = await makeMember(t.services, p.slug, 'responder');
      const ids: string[] = [];
      for (const name of ['A', 'B', 'C']) {
        const r = await t.services.notifications.notify(t.services.deps.db, {
          userId: m.user.id,
          kind: 'clock.at-risk',
          title: `Notice ${name} for ${m.email}`,
          body: `Body of notice ${name}`,
          link: `/cases/NOTICE-${name}`,
          dedupeKey: `test:${name}`,
        });
        ids.push(r.notificationId!);
      }
      const c = new PageClient(t.app);
      await c.login(m.email, PASSWORD);
      return { m, c, ids };
    }
    const readAt = async (ids: string[]) =>
      (
        await t.tdb.handle.db
          .selectFrom('notifications')
          .select(['id', 'read_at'])
          .where('id', 'in', ids)
          .execute()
      )
        .sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id))
        .map((r) => r.read_at !== null);

    test('anonymous visitors are sent to sign in, and cannot mark anything', async () => {
      const { ids } = await member();
      const anon = new PageClient(t.app);
      const page = await anon.get('/notifications');
      assert.equal(page.statusCode, 303);
      assert.equal(page.headers.location, '/login?next=%2Fnotifications');
      const post = await anon.post('/notifications/read', { all: 'true' }, { csrfFrom: '/login' });
      assert.equal(post.statusCode, 303);
      assert.match(String(post.headers.location), /^\/login\?next=/);
      assert.deepEqual(await readAt(ids), [false, false, false]);
    });

    test('a member sees the unread count in the header and their notices, newest first', async () => {
      const { m, c } = await member();
      const inbox = await c.get('/inbox');
      assert.equal(badge(inbox.body), '3', 'every page header carries the count');
      const res = await c.get('/notifications');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      const html = res.body;
      assert.equal(badge(html), '3');
      const positions = ['C', 'B', 'A'].map((n) => html.indexOf(`Notice ${n} for ${m.email}`));
      assert.ok(positions.every((x) => x > 0));
      assert.deepEqual(
        [...positions].sort((a, b) => a - b),
        positions,
        'newest first',
      );
      for (const n of ['A', 'B', 'C']) {
        assert.ok(html.includes(`href="/cases/NOTICE-${n}"`));
        assert.ok(html.includes(`Body of notice ${n}`));
      }
      assert.equal((html.match(/<li class="unread"/g) ?? []).length, 3);
      assert.equal((html.match(/>Mark read</g) ?? []).length, 3);
      assert.match(html, /Mark all 3 read/);
    });

    test('"mark read" marks one notice, "mark all" the rest; both need the form\'s CSRF token', async () => {
      const { c, ids } = await member();
      const [a, b, cId] = ids as [string, string, string];

      const forged = await c.post('/notifications/read', { id: b }, { csrf: null });
      assert.equal(forged.statusCode, 403);
      const wrong = await c.post('/notifications/read', { all: 'true' }, { csrf: 'not-a-token' });
      assert.equal(wrong.statusCode, 403);
      assert.deepEqual(await readAt(ids), [false, false, false], 'refused posts change nothing');

      const one = await c.post('/notifications/read', { id: b }, { csrfFrom: '/notifications' });
      assert.equal(one.statusCode, 303);
      assert.equal(one.headers.location, '/notifications');
      assert.deepEqual(await readAt(ids), [false, true, false]);
      let html = (await c.get('/notifications')).body;
      assert.equal(badge(html), '2');
      assert.match(html, /Mark all 2 read/);
      assert.match(html, new RegExp(`<li id="n-${b}">`), 'the read one is no longer marked unread');
      assert.match(html, new RegExp(`<li class="unread" id="n-${a}">`));
      assert.ok(!html.includes(`name="id" value="${b}"`), 'no "mark read" form for a read notice');

      const all = await c.post('/notifications/read', { all: 'true' }, { csrfFrom: '/notifications' });
      assert.equal(all.statusCode, 303);
      assert.deepEqual(await readAt([a, b, cId]), [true, true, true]);
      html = (await c.get('/notifications')).body;
      assert.equal(badge(html), undefined, 'no count once everything is read');
      assert.ok(!html.includes('Mark all'));
      assert.ok(!html.includes('>Mark read<'));
      assert.equal((html.match(/<li id="n-/g) ?? []).length, 3, 'read notices stay listed');
    });

    test("another user never sees someone else's notices, nor marks them", async () => {
      const first = await member();
      const p = await makeProject(t.services);
      const other = await makeMember(t.services, p.slug, 'maintainer');
      const c = new PageClient(t.app);
      await c.login(other.email, PASSWORD);
      const html = (await c.get('/notifications')).body;
      assert.equal(badge(html), undefined);
      assert.ok(!html.includes(first.m.email));
      for (const id of first.ids) assert.ok(!html.includes(id));
      assert.match(html, /Nothing yet\./);
      const res = await c.post('/notifications/read', { id: first.ids[0]! }, { csrfFrom: '/notifications' });
      assert.equal(res.statusCode, 303, 'an id of another user simply matches nothing');
      await c.post('/notifications/read', { all: 'true' }, { csrfFrom: '/notifications' });
      assert.deepEqual(await readAt(first.ids), [false, false, false]);
      assert.equal(badge((await first.c.get('/notifications')).body), '3');
    });

    test('without PARLEY_SMTP_URL the page says mail is not configured', async () => {
      const { c } = await member();
      assert.equal(t.config.smtpUrl, undefined);
      assert.ok((await c.get('/notifications')).body.includes(MAIL_NOTE));
    });
  });
}

describe('notifications page with mail configured (sqlite)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', { env: { PARLEY_SMTP_URL: 'smtp://mail.example.org:25' } });
  });
  after(() => t.close());

  test('does not show the "mail is not configured" note', async () => {
    const p = await makeProject(t.services);
    const m = await makeMember(t.services, p.slug, 'responder');
    const c = new PageClient(t.app);
    await c.login(m.email, PASSWORD);
    const res = await c.get('/notifications');
    assert.equal(res.statusCode, 200);
    assert.ok(!res.body.includes(MAIL_NOTE));
  });
});
