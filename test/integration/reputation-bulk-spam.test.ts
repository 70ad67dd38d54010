// Reporter reputation and bulk spam closing. Triagers see how a reporter's earlier reports turned out
// (valid, not valid, duplicate, spam, still open) — from their own projects only, instance-wide for
// admins, never another project's keys; the inbox marks reporters with spam history; many cases
// close as spam at once (API with per-case results, inbox with a confirmation step), audited, and
// without mail to the (often forged) reporter address.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, makeUser, makeCase, PASSWORD } from '../helpers/factories.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { apiClient, assertFieldErrors, patFor, type Call } from '../helpers/api.ts';
import type { Actor } from '../../src/services/actor.ts';
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';

for (const dialect of dialects()) {
  describe(`reporter reputation and bulk spam (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let a: { slug: string; key: string };
    let b: { slug: string; key: string };
    let responder: { actor: Actor; email: string };
    let admin: { actor: Actor; email: string };
    let bKey: string;
    let current: { id: string; key: string; accessToken: string };
    const ALICE = 'alice@example.org';

    before(async () => {
      t = await createTestApp(dialect);
      call = apiClient(t.app);
      a = await makeProject(t.services, { name: 'Alpha' });
      b = await makeProject(t.services, { name: 'Beta' });
      responder = await makeMember(t.services, a.slug, 'responder');
      const bTeam = await makeMember(t.services, b.slug, 'maintainer');
      admin = await makeUser(t.services, { admin: true });
      const s = t.services.cases;
      const mk = async (slug: string, title: string) =>
        makeCase(t.services, slug, { reporterEmail: ALICE, title });
      const valid = await mk(a.slug, 'Alice one: a real bug');
      await s.transition(responder.actor, { id: valid.id }, { to: 'triaged', severity: 'high' });
      await s.transition(responder.actor, { id: valid.id }, { to: 'fixed' });
      const invalid = await mk(a.slug, 'Alice two: not a bug');
      await s.transition(
        responder.actor,
        { id: invalid.id },
        { to: 'closed', resolution: 'not-a-vulnerability' },
      );
      const dup = await mk(a.slug, 'Alice three: again the first');
      await s.transition(
        responder.actor,
        { id: dup.id },
        {
          to: 'closed',
          resolution: 'duplicate',
          duplicateOf: valid.key,
        },
      );
      const spam = await mk(a.slug, 'Alice four: buy now');
      await s.transition(responder.actor, { id: spam.id }, { to: 'closed', resolution: 'spam' });
      await mk(a.slug, 'Alice five: still open');
      const other = await mk(b.slug, 'Alice in Beta');
      await s.transition(bTeam.actor, { id: other.id }, { to: 'closed', resolution: 'spam' });
      bKey = other.key;
      current = await makeCase(t.services, a.slug, {
        reporterEmail: 'ALICE@example.org',
        title: 'Alice now',
      });
    });
    after(() => t.close());

    test('the team view counts the reporter’s earlier reports by outcome, from the viewer’s projects', async () => {
      const view = (await t.services.cases.get(responder.actor, { id: current.id })) as TeamCaseView;
      const h = view.reporterHistory!;
      assert.equal(h.by, 'email');
      assert.equal(h.scope, 'your-projects');
      assert.deepEqual(h.counts, { valid: 1, invalid: 1, duplicate: 1, spam: 1, open: 1, total: 5 });
      assert.equal(h.recent.length, 5);
      assert.ok(!h.recent.some((r) => r.key === bKey), 'no key of a project the viewer is not on');
      assert.ok(!h.recent.some((r) => r.key === current.key), 'the case itself is not its own history');
      // The admin sees the instance: Beta's spam too.
      const asAdmin = (await t.services.cases.get(admin.actor, { id: current.id })) as TeamCaseView;
      assert.equal(asAdmin.reporterHistory!.scope, 'instance');
      assert.equal(asAdmin.reporterHistory!.counts.spam, 2);
      assert.equal(asAdmin.reporterHistory!.counts.total, 6);
    });

    test('the API team view carries it; an anonymous report has none to link', async () => {
      const token = await patFor(t.services, responder.email);
      const res = await call('GET', `/api/v1/reports/${current.key}`, { token });
      assert.equal(res.status, 200);
      assert.equal(res.json.reporterHistory.counts.spam, 1);
      const anon = await makeCase(t.services, a.slug, { reporterEmail: null, title: 'Anonymous one' });
      const view = (await t.services.cases.get(responder.actor, { id: anon.id })) as TeamCaseView;
      assert.equal(view.reporterHistory!.by, 'none');
      assert.equal(view.reporterHistory!.counts.total, 0);
      // The reporter's own view has no such field.
      const own = await call('GET', `/api/v1/reports/${current.id}`, { token: current.accessToken });
      assert.equal(own.status, 200);
      assert.equal(own.json.reporterHistory, undefined);
    });

    test('the case page shows the history and says whose projects it covers; the inbox marks spam history', async () => {
      const page = new PageClient(t.app);
      await page.login(responder.email, PASSWORD);
      const res = await page.get(`/cases/${current.key}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h2>Reporter history<\/h2>/);
      assert.match(res.body, /on the projects you are on the team of/);
      assert.match(res.body, /<dt>Spam<\/dt><dd class="badge warn">1<\/dd>/);
      assert.doesNotMatch(res.body, new RegExp(bKey));
      const inbox = await page.get(`/inbox?project=${a.slug}&state=open`);
      const row = inbox.body.split('<tr').find((r) => r.includes(`/cases/${current.key}"`))!;
      assert.match(row, /Spam history/);
      const bob = inbox.body.split('<tr').find((r) => r.includes('Anonymous one'))!;
      assert.doesNotMatch(bob, /Spam history/);
    });

    test('API bulk close: per-case results, other projects not found, audited, no mail to spammers', async () => {
      const token = await patFor(t.services, responder.email);
      const x = await makeCase(t.services, a.slug, { reporterEmail: 'x@spam.example', title: 'Spam X' });
      const y = await makeCase(t.services, a.slug, { reporterEmail: 'y@spam.example', title: 'Spam Y' });
      const inBeta = await makeCase(t.services, b.slug, { title: 'Not yours' });
      const res = await call('POST', '/api/v1/reports/bulk-close', {
        token,
        body: { ids: [x.id, y.key, inBeta.id, x.id], resolution: 'spam' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.json.closed, 2);
      assert.equal(res.json.failed, 1);
      assert.deepEqual(
        res.json.results.map((r: { status: string; key: string | null }) => [r.status, r.key]),
        [
          ['closed', x.key],
          ['closed', y.key],
          ['not-found', null],
        ],
      );
      const again = await call('POST', '/api/v1/reports/bulk-close', { token, body: { ids: [x.id] } });
      assert.equal(again.json.results[0].status, 'invalid-transition', 'already closed');
      const db = t.tdb.handle.db;
      const audit = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'case.bulk-closed')
        .execute();
      assert.equal(audit.length, 1, 'one entry per batch that closed something');
      const data = JSON.parse(String(audit[0]!.data));
      assert.deepEqual(data.closed, [x.key, y.key]);
      assert.equal(data.resolution, 'spam');
      const mails = await db
        .selectFrom('outbox')
        .select('kind')
        .where('case_id', 'in', [x.id, y.id])
        .where('kind', '=', 'reporter.state.changed')
        .execute();
      assert.equal(mails.length, 0, 'a spam closure mails no reporter');
      // Another resolution mails as usual.
      const z = await makeCase(t.services, a.slug, { reporterEmail: 'z@example.org', title: 'Not a bug Z' });
      const nv = await call('POST', '/api/v1/reports/bulk-close', {
        token,
        body: { ids: [z.id], resolution: 'not-a-vulnerability' },
      });
      assert.equal(nv.json.closed, 1);
      const zMail = await db
        .selectFrom('outbox')
        .select('kind')
        .where('case_id', '=', z.id)
        .where('kind', '=', 'reporter.state.changed')
        .execute();
      assert.equal(zMail.length, 1);
    });

    test('API bulk close refuses too many ids, an unknown resolution, and anonymous callers', async () => {
      const token = await patFor(t.services, responder.email);
      const ids = Array.from({ length: 101 }, (_, i) => `id-${i}`);
      assertFieldErrors(await call('POST', '/api/v1/reports/bulk-close', { token, body: { ids } }), ['ids']);
      assertFieldErrors(
        await call('POST', '/api/v1/reports/bulk-close', {
          token,
          body: { ids: [current.id], resolution: 'duplicate' },
        }),
        ['resolution'],
      );
      const anon = await call('POST', '/api/v1/reports/bulk-close', { body: { ids: [current.id] } });
      assert.equal(anon.status, 401);
      const asReporter = await call('POST', '/api/v1/reports/bulk-close', {
        token: current.accessToken,
        body: { ids: [current.id] },
      });
      assert.equal(asReporter.status, 401);
    });

    test('inbox: select, confirm on a second page, then closed; nothing closes before the confirmation', async () => {
      const p1 = await makeCase(t.services, a.slug, {
        reporterEmail: 'p1@spam.example',
        title: 'Cheap pills 1',
      });
      const p2 = await makeCase(t.services, a.slug, {
        reporterEmail: 'p2@spam.example',
        title: 'Cheap pills 2',
      });
      const page = new PageClient(t.app);
      await page.login(responder.email, PASSWORD);
      const inbox = await page.get(`/inbox?project=${a.slug}&state=open`);
      assert.match(
        inbox.body,
        new RegExp(`<input type="checkbox" name="ids" value="${p1.id}" form="bulk-close"`),
      );
      assert.match(inbox.body, /<form method="post" action="\/inbox\/bulk-close" id="bulk-close"/);
      const csrf = csrfToken(inbox.body)!;
      const body = `ids=${p1.id}&ids=${p2.id}&resolution=spam&_csrf=${encodeURIComponent(csrf)}`;
      const confirm = await t.app.inject({
        method: 'POST',
        url: '/inbox/bulk-close',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(page) },
        payload: body,
      });
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Close as spam\?/);
      assert.match(confirm.body, new RegExp(`${p1.key}</a> Cheap pills 1`));
      assert.match(confirm.body, /Close 2 cases as spam/);
      const still = (await t.services.cases.get(responder.actor, { id: p1.id })) as TeamCaseView;
      assert.equal(still.state, 'new', 'the confirmation page changes nothing');
      const token2 = csrfToken(confirm.body)!;
      const done = await t.app.inject({
        method: 'POST',
        url: '/inbox/bulk-close/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(page) },
        payload: `ids=${p1.id}&ids=${p2.id}&resolution=spam&_csrf=${encodeURIComponent(token2)}`,
      });
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /Closed 2 cases as spam/);
      for (const c of [p1, p2]) {
        const v = (await t.services.cases.get(responder.actor, { id: c.id })) as TeamCaseView;
        assert.equal(v.state, 'closed');
        assert.equal(v.resolution, 'spam');
      }
      // Without the CSRF token nothing happens.
      const p3 = await makeCase(t.services, a.slug, { title: 'Cheap pills 3' });
      const forged = await t.app.inject({
        method: 'POST',
        url: '/inbox/bulk-close/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(page) },
        payload: `ids=${p3.id}&resolution=spam`,
      });
      assert.equal(forged.statusCode, 403);
      const v3 = (await t.services.cases.get(responder.actor, { id: p3.id })) as TeamCaseView;
      assert.equal(v3.state, 'new');
    });
  });
}

/** The page client's cookies as a header, for posts with repeated fields it cannot send itself. */
function cookieOf(page: PageClient): string {
  return [...(page as unknown as { cookies: Map<string, string> }).cookies]
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}
