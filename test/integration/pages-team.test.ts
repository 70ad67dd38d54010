// The team's pages doing real work: inbox filters and order, case actions, refusals shown on the
// case page with the typed text kept, project creation and team management.
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeMember, makeProject, makeUser, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';

for (const dialect of dialects()) {
  describe(`team pages (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    async function team() {
      const p = await makeProject(t.services);
      const r = await makeMember(t.services, p.slug, 'responder');
      const c = new PageClient(t.app);
      await c.login(r.email, PASSWORD);
      return { p, r, c };
    }

    test('inbox: open cases by default, filters by state, newest or oldest first', async () => {
      const { p, r, c } = await team();
      const first = await makeCase(t.services, p.slug, { title: 'First report in the inbox' });
      const second = await makeCase(t.services, p.slug, { title: 'Second report in the inbox' });
      await t.services.cases.transition(r.actor, { id: first.id }, { to: 'closed', resolution: 'spam' });
      const open = await c.get('/inbox');
      assert.ok(
        open.body.includes(second.key) && !open.body.includes(`>${first.key}<`),
        'closed cases leave the default view',
      );
      const closed = await c.get('/inbox?state=closed');
      assert.ok(closed.body.includes(first.key) && !closed.body.includes(`>${second.key}<`));
      await makeCase(t.services, p.slug, { title: 'Third report in the inbox' });
      const newest = await c.get(`/inbox?project=${p.slug}&state=&order=newest`);
      const oldest = await c.get(`/inbox?project=${p.slug}&state=&order=oldest`);
      assert.ok(newest.body.indexOf('Third report') < newest.body.indexOf('First report'));
      assert.ok(oldest.body.indexOf('First report') < oldest.body.indexOf('Third report'));
      const bogus = await c.get('/inbox?state=bogus&order=sideways&page=-3');
      assert.equal(bogus.statusCode, 200, 'hand-edited filters fall back instead of failing');
    });

    test('case actions: acknowledge, triage, details, reply and note', async () => {
      const { p, r, c } = await team();
      const k = (await makeCase(t.services, p.slug)).key;
      const page = `/cases/${k}`;
      assert.equal(
        (await c.post(`${page}/transition`, { to: 'acknowledged' }, { csrfFrom: page })).statusCode,
        303,
      );
      assert.equal(
        (await c.post(`${page}/transition`, { to: 'triaged', severity: 'critical' }, { csrfFrom: page }))
          .statusCode,
        303,
      );
      assert.equal(
        (
          await c.post(
            `${page}/update`,
            {
              title: 'Renamed: traversal in untar',
              severity: 'high',
              assigneeId: r.user.id,
              needsInfo: 'true',
            },
            { csrfFrom: page },
          )
        ).statusCode,
        303,
      );
      assert.equal(
        (
          await c.post(
            `${page}/messages`,
            { body: 'Shared progress update', internal: 'false' },
            { csrfFrom: page },
          )
        ).statusCode,
        303,
      );
      assert.equal(
        (await c.post(`${page}/messages`, { body: 'Team-only musing', internal: 'true' }, { csrfFrom: page }))
          .statusCode,
        303,
      );
      const view = (await t.services.cases.get(r.actor, { key: k })) as TeamCaseView;
      assert.equal(view.state, 'triaged');
      assert.equal(view.severity, 'high');
      assert.equal(view.title, 'Renamed: traversal in untar');
      assert.equal(view.needsInfo, true);
      assert.equal(view.audience === 'team' ? view.assignee?.id : null, r.user.id);
      const msgs = view.timeline.filter((e) => e.message).map((e) => [e.message!.body, e.visibility]);
      assert.deepEqual(msgs, [
        ['Shared progress update', 'reporter'],
        ['Team-only musing', 'internal'],
      ]);
      const html = (await c.get(page)).body;
      assert.match(html, /Internal — never shown to the reporter/);
    });

    test('an illegal transition or bad input re-renders the case with the reason; text is kept', async () => {
      const { p, c } = await team();
      const k = (await makeCase(t.services, p.slug)).key;
      const page = `/cases/${k}`;
      const illegal = await c.post(`${page}/transition`, { to: 'fixed' }, { csrfFrom: page });
      assert.equal(illegal.statusCode, 409);
      assert.match(illegal.body, /cannot go from .*new.* to .*fixed/);
      const dup = await c.post(
        `${page}/transition`,
        { to: 'closed', resolution: 'duplicate', duplicateOf: 'NOPE-1' },
        { csrfFrom: page },
      );
      assert.equal(dup.statusCode, 422);
      const long = 'x'.repeat(50_001);
      const tooLong = await c.post(
        `${page}/messages`,
        { body: `KEEP-ME ${long}`, internal: 'true' },
        { csrfFrom: page },
      );
      assert.equal(tooLong.statusCode, 422);
      assert.match(tooLong.body, /KEEP-ME/, 'the note text is kept for fixing');
    });

    test('an admin creates a project from the UI; a taken slug is reported on the form', async () => {
      const admin = await makeUser(t.services, { admin: true });
      const c = new PageClient(t.app);
      await c.login(admin.email, PASSWORD);
      const slug = `ui-made-${Date.now()}`;
      const res = await c.post(
        '/projects/new',
        { name: 'UI Made', slug, key: '', description: 'From the form' },
        { csrfFrom: '/projects/new' },
      );
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/p/${slug}/settings`);
      const settings = await c.get(`/p/${slug}/settings`);
      assert.match(
        settings.body,
        new RegExp(admin.email.replace(/[.+]/g, '\\$&')),
        'the creator is its first maintainer',
      );
      const again = await c.post(
        '/projects/new',
        { name: 'Again', slug, key: '' },
        { csrfFrom: '/projects/new' },
      );
      assert.equal(again.statusCode, 422);
      assert.match(again.body, /Another project uses this slug/);
    });

    test('maintainers manage roles; the last maintainer cannot leave', async () => {
      const p = await makeProject(t.services);
      const m = await makeMember(t.services, p.slug, 'maintainer');
      const r = await makeMember(t.services, p.slug, 'responder');
      const c = new PageClient(t.app);
      await c.login(m.email, PASSWORD);
      const settings = `/p/${p.slug}/settings`;
      const last = await c.post(`${settings}/members/${m.user.id}/remove`, {}, { csrfFrom: settings });
      assert.equal(last.statusCode, 409);
      assert.match(last.body, /at least one maintainer/);
      const removed = await c.post(`${settings}/members/${r.user.id}/remove`, {}, { csrfFrom: settings });
      assert.equal(removed.statusCode, 303);
      const rc = new PageClient(t.app);
      await rc.login(r.email, PASSWORD);
      const k = (await makeCase(t.services, p.slug)).key;
      assert.equal((await rc.get(`/cases/${k}`)).statusCode, 404, 'a removed member loses access at once');
    });
  });
}
