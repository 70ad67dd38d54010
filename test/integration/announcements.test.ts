// Announcement lists, subscription side, on both dialects: double opt-in by web form and API, the
// same answer for new and already-subscribed addresses, confirmation links (a GET never confirms),
// expiry and the hourly mail limits, RFC 8058 one-click unsubscription (no cookies, no CSRF; forged
// links refused; a GET never unsubscribes), and the maintainers' list page.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { manualClock } from '../helpers/services.ts';
import { makeMember, makeProject, PASSWORD } from '../helpers/factories.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import {
  confirmLink,
  mailsTo,
  projectId,
  subscribeConfirmed,
  subscriberStatus,
  tokenOf,
} from '../helpers/announcements.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { unsubscribeUrl } from '../../src/services/announcements/list-links.ts';
import { NotFoundError, ValidationError } from '../../src/domain/errors.ts';

for (const dialect of dialects()) {
  describe(`announcement lists: subscribing (${dialect})`, () => {
    let t: TestApp;
    let s: Services;
    let slug = '';
    let pid = '';
    let maintainer: Awaited<ReturnType<typeof makeMember>>;
    let responder: Awaited<ReturnType<typeof makeMember>>;
    let stranger: Awaited<ReturnType<typeof makeMember>>;

    before(async () => {
      t = await createTestApp(dialect);
      s = t.services;
      slug = (await makeProject(s, { name: 'Conure' })).slug;
      pid = await projectId(s.deps.db, slug);
      maintainer = await makeMember(s, slug, 'maintainer');
      responder = await makeMember(s, slug, 'responder');
      stranger = await makeMember(s, (await makeProject(s)).slug, 'maintainer');
    });
    after(() => t.close());

    const db = () => s.deps.db;

    test('the web form: confirmation mail with a working link; a GET shows a button, the POST confirms', async () => {
      const page = await t.app.inject({ url: `/p/${slug}` });
      assert.match(page.body, new RegExp(`<form method="post" action="/p/${slug}/subscribe"`));
      const browser = new PageClient(t.app);
      const res = await browser.post(
        `/p/${slug}/subscribe`,
        { email: '  Alice@Example.ORG ' },
        { csrfFrom: `/p/${slug}` },
      );
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/subscribe/sent');
      assert.match((await browser.get('/subscribe/sent')).body, /Check your inbox/);

      const [mail, ...more] = await mailsTo(db(), 'alice@example.org', 'subscription-confirm');
      assert.equal(more.length, 0);
      assert.equal(mail!.subject, 'Confirm your subscription to Conure security announcements');
      assert.equal(mail!.project_id, pid);
      assert.equal(mail!.status, 'pending');
      assert.match(mail!.body, /http:\/\/localhost:8080\/subscribe\/confirm\?token=/);
      assert.equal(await subscriberStatus(db(), pid, 'alice@example.org'), 'pending');

      const link = await confirmLink(db(), 'alice@example.org');
      const shown = await browser.get(link);
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /Confirm subscription<\/button>/);
      assert.equal(
        await subscriberStatus(db(), pid, 'alice@example.org'),
        'pending',
        'a GET confirms nothing',
      );

      const done = await browser.post(
        '/subscribe/confirm',
        { token: tokenOf(link) },
        { csrf: csrfToken(shown.body)! },
      );
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /alice@example\.org now receives Conure security announcements/);
      assert.equal(await subscriberStatus(db(), pid, 'alice@example.org'), 'confirmed');
      // Idempotent: the same link again is still a success.
      const again = await browser.post('/subscribe/confirm', { token: tokenOf(link) }, { csrfFrom: link });
      assert.equal(again.statusCode, 200);
      const forged = await browser.post('/subscribe/confirm', { token: 'not-a-token' }, { csrfFrom: link });
      assert.equal(forged.statusCode, 404);
      assert.match(forged.body, /confirmation link is not valid/);
      const noCsrf = await browser.post('/subscribe/confirm', { token: tokenOf(link) }, { csrf: null });
      assert.equal(noCsrf.statusCode, 403);
    });

    test('an already-subscribed address gets the same answer; only its mailbox hears, once an hour', async () => {
      await subscribeConfirmed(s, slug, 'bob@example.org');
      const browser = new PageClient(t.app);
      const known = await browser.post(
        `/p/${slug}/subscribe`,
        { email: 'bob@example.org' },
        { csrfFrom: `/p/${slug}` },
      );
      const fresh = await browser.post(
        `/p/${slug}/subscribe`,
        { email: 'carol@example.org' },
        { csrfFrom: `/p/${slug}` },
      );
      assert.equal(known.statusCode, fresh.statusCode);
      assert.equal(known.headers.location, fresh.headers.location);
      assert.equal(known.body, fresh.body);
      await browser.post(`/p/${slug}/subscribe`, { email: 'BOB@example.org' }, { csrfFrom: `/p/${slug}` });
      const exists = await mailsTo(db(), 'bob@example.org', 'subscription-exists');
      assert.equal(exists.length, 1, 'at most one "already subscribed" mail per hour');
      assert.match(exists[0]!.body, /already subscribed/);
      assert.match(exists[0]!.body, /\/unsubscribe\?s=/);
      assert.equal((await mailsTo(db(), 'bob@example.org', 'subscription-confirm')).length, 1);
      assert.equal(await subscriberStatus(db(), pid, 'bob@example.org'), 'confirmed');

      // The API answers alike too.
      const api = (email: string) =>
        t.app.inject({ method: 'POST', url: `/api/v1/projects/${slug}/subscribe`, payload: { email } });
      const a = await api('bob@example.org');
      const b = await api('dave@example.org');
      assert.equal(a.statusCode, 202);
      assert.equal(a.body, b.body);
      assert.equal(JSON.parse(a.body).list.name, 'Conure security announcements');
      const bad = await api('not an address');
      assert.equal(bad.statusCode, 422);
      assert.equal(JSON.parse(bad.body).errors[0].field, 'email');
      const unknown = await t.app.inject({
        method: 'POST',
        url: '/api/v1/projects/no-such-project/subscribe',
        payload: { email: 'x@example.org' },
      });
      assert.equal(unknown.statusCode, 404);
    });

    test('a bad address re-renders the form with the error; the CSRF check keeps the address', async () => {
      const browser = new PageClient(t.app);
      const res = await browser.post(`/p/${slug}/subscribe`, { email: 'nope' }, { csrfFrom: `/p/${slug}` });
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /Enter an e-mail address/);
      assert.match(res.body, /value="nope"/);
      const noCsrf = await browser.post(`/p/${slug}/subscribe`, { email: 'eve@example.org' }, { csrf: null });
      assert.equal(noCsrf.statusCode, 403);
      assert.match(noCsrf.body, /value="eve@example\.org"/);
      assert.equal((await mailsTo(db(), 'eve@example.org')).length, 0);
    });

    test('links expire after 7 days; a pending address is mailed at most once an hour', async () => {
      const clock = manualClock(new Date().toISOString());
      const s2 = createServices({ ...s.deps, clock });
      await s2.announcements.subscribe(slug, 'late@example.org');
      await s2.announcements.subscribe(slug, 'late@example.org');
      assert.equal((await mailsTo(db(), 'late@example.org', 'subscription-confirm')).length, 1);
      const first = tokenOf(await confirmLink(db(), 'late@example.org'));
      clock.advance(61 * 60_000);
      await s2.announcements.subscribe(slug, 'late@example.org');
      assert.equal((await mailsTo(db(), 'late@example.org', 'subscription-confirm')).length, 2);
      const second = tokenOf(await confirmLink(db(), 'late@example.org'));
      assert.notEqual(first, second);
      await assert.rejects(s2.announcements.confirm(first), NotFoundError, 'only the newest link works');
      clock.advance(7 * 24 * 3600_000 + 1000);
      await assert.rejects(s2.announcements.confirm(second), /expired/);
      assert.equal(await subscriberStatus(db(), pid, 'late@example.org'), 'pending');

      // "Already subscribed" mails: one an hour, whatever the list.
      await subscribeConfirmed(s2, slug, 'hourly@example.org');
      await s2.announcements.subscribe(slug, 'hourly@example.org');
      await s2.announcements.subscribe(slug, 'hourly@example.org');
      clock.advance(3600_000);
      await s2.announcements.subscribe(slug, 'hourly@example.org');
      assert.equal((await mailsTo(db(), 'hourly@example.org', 'subscription-exists')).length, 2);
      await assert.rejects(s.announcements.subscribe(slug, 'two@@example.org'), ValidationError);
    });

    test('one-click unsubscribe: the POST needs no cookie or CSRF; GET only asks; forged links refused', async () => {
      await subscribeConfirmed(s, slug, 'frank@example.org');
      await subscribeConfirmed(s, slug, 'grace@example.org');
      const sub = async (email: string) =>
        (
          await db()
            .selectFrom('subscribers')
            .selectAll()
            .where('list_key', '=', pid)
            .where('email', '=', email)
            .executeTakeFirstOrThrow()
        ).id;
      const path = (id: string) => {
        const u = new URL(unsubscribeUrl(s.deps, id));
        return u.pathname + u.search;
      };
      const frank = path(await sub('frank@example.org'));

      const page = await t.app.inject({ url: frank });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Stop sending Conure security announcements to frank@example\.org/);
      assert.match(page.body, /name="List-Unsubscribe" value="One-Click"/);
      assert.equal(
        await subscriberStatus(db(), pid, 'frank@example.org'),
        'confirmed',
        'a GET unsubscribes nobody',
      );

      const forged = frank.replace(/t=[^&]+/, 't=AAAAAAAAAAAAAAAAAAAAAA');
      for (const method of ['GET', 'POST'] as const) {
        const res = await t.app.inject({
          method,
          url: forged,
          ...(method === 'POST'
            ? {
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                payload: 'List-Unsubscribe=One-Click',
              }
            : {}),
        });
        assert.equal(res.statusCode, 404, method);
      }
      const noBody = await t.app.inject({
        method: 'POST',
        url: frank,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'something=else',
      });
      assert.equal(noBody.statusCode, 422);
      assert.equal(await subscriberStatus(db(), pid, 'frank@example.org'), 'confirmed');

      // What a mail provider sends: no cookie, no token, urlencoded…
      const oneClick = await t.app.inject({
        method: 'POST',
        url: frank,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(oneClick.statusCode, 200);
      assert.match(oneClick.body, /no longer receives/);
      assert.equal(await subscriberStatus(db(), pid, 'frank@example.org'), 'unsubscribed');
      // …or multipart/form-data, which RFC 8058 prefers.
      const boundary = '----parley-test';
      const multipart = await t.app.inject({
        method: 'POST',
        url: path(await sub('grace@example.org')),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload:
          `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n` +
          `One-Click\r\n--${boundary}--\r\n`,
      });
      assert.equal(multipart.statusCode, 200);
      assert.equal(await subscriberStatus(db(), pid, 'grace@example.org'), 'unsubscribed');
      // Again: still fine, and the page says so.
      const twice = await t.app.inject({ url: frank });
      assert.match(twice.body, /not subscribed to this list/);

      // Subscribing again needs a new confirmation; the old confirmation link no longer works.
      const oldLink = await confirmLink(db(), 'frank@example.org');
      await assert.rejects(s.announcements.confirm(tokenOf(oldLink)), NotFoundError);
      await s.announcements.subscribe(slug, 'frank@example.org');
      assert.equal(await subscriberStatus(db(), pid, 'frank@example.org'), 'pending');
      await s.announcements.confirm(tokenOf(await confirmLink(db(), 'frank@example.org')));
      assert.equal(await subscriberStatus(db(), pid, 'frank@example.org'), 'confirmed');
    });

    test('the instance-wide list: a GET form on /advisories, the form page, and confirmation', async () => {
      const list = await t.app.inject({ url: '/advisories' });
      assert.match(list.body, /<form method="get" action="\/subscribe"/);
      const browser = new PageClient(t.app);
      const form = await browser.get('/subscribe?email=ivy%40example.org');
      assert.match(form.body, /security announcements \(all projects\)/);
      assert.match(form.body, /value="ivy@example\.org"/);
      const res = await browser.post(
        '/subscribe',
        { email: 'ivy@example.org' },
        { csrf: csrfToken(form.body)! },
      );
      assert.equal(res.statusCode, 303);
      await s.announcements.confirm(tokenOf(await confirmLink(db(), 'ivy@example.org')));
      assert.equal(await subscriberStatus(db(), '*', 'ivy@example.org'), 'confirmed');
    });

    test('maintainers see and remove subscribers; responders and strangers do not', async () => {
      const stats = await s.announcements.listStats(maintainer.actor, slug);
      assert.ok(stats.counts.confirmed >= 3);
      assert.ok(stats.counts.pending >= 1);
      await assert.rejects(s.announcements.listStats(responder.actor, slug), /Only a maintainer/);
      await assert.rejects(s.announcements.listStats(stranger.actor, slug), NotFoundError);
      await assert.rejects(s.announcements.listStats(maintainer.actor, '*'), /instance admin/);

      const browser = new PageClient(t.app);
      await browser.login(maintainer.email, PASSWORD);
      const settings = await browser.get(`/p/${slug}/settings`);
      assert.match(settings.body, new RegExp(`href="/p/${slug}/settings/announcements"`));
      const page = await browser.get(`/p/${slug}/settings/announcements?status=confirmed`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /alice@example\.org/);
      assert.doesNotMatch(page.body, /late@example\.org/, 'filtered to confirmed');
      const alice = await db()
        .selectFrom('subscribers')
        .select('id')
        .where('list_key', '=', pid)
        .where('email', '=', 'alice@example.org')
        .executeTakeFirstOrThrow();
      assert.match(page.body, new RegExp(`action="/p/${slug}/settings/announcements/${alice.id}/remove"`));
      const removed = await browser.post(
        `/p/${slug}/settings/announcements/${alice.id}/remove`,
        {},
        { csrf: csrfToken(page.body)! },
      );
      assert.equal(removed.statusCode, 303);
      assert.equal(await subscriberStatus(db(), pid, 'alice@example.org'), undefined);
      await assert.rejects(s.announcements.remove(maintainer.actor, slug, alice.id), NotFoundError);

      const other = new PageClient(t.app);
      await other.login(responder.email, PASSWORD);
      assert.equal((await other.get(`/p/${slug}/settings/announcements`)).statusCode, 403);
      const anon = await t.app.inject({ url: `/p/${slug}/settings/announcements` });
      assert.equal(anon.statusCode, 303);
    });

    test('the subscribe POST is rate-limited like report intake', async () => {
      const limited = await createTestApp(dialect, { env: { PARLEY_INTAKE_RATE_LIMIT: '2' } });
      try {
        const p = (await makeProject(limited.services)).slug;
        const codes: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await limited.app.inject({
            method: 'POST',
            url: `/api/v1/projects/${p}/subscribe`,
            payload: { email: `r${i}@example.org` },
          });
          codes.push(res.statusCode);
        }
        assert.deepEqual(codes, [202, 202, 429]);
        const pageCodes: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await limited.app.inject({
            method: 'POST',
            url: `/p/${p}/subscribe`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'email=x%40example.org',
          });
          pageCodes.push(res.statusCode);
        }
        // The form has its own bucket; without a CSRF cookie the first two are refused by that check.
        assert.deepEqual(pageCodes, [403, 403, 429]);
      } finally {
        await limited.close();
      }
    });
  });
}
