// The coordination pages on both dialects, through HTTP with cookies and CSRF: the team invites a
// collaborator and a party, sets the embargo; the collaborator reads the case without controls; the
// party's contact gets the party page, answers and sets its status — and never sees the report.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { PageClient } from '../helpers/page-client.ts';
import { makeWorld, makeUser, PASSWORD } from '../helpers/factories.ts';
import { advisoryContent } from '../helpers/advisories.ts';

for (const dialect of dialects()) {
  describe(`coordination pages (${dialect})`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof makeWorld>>;
    before(async () => {
      t = await createTestApp(dialect);
      w = await makeWorld(t.services);
    });
    after(() => t.close());

    it('team invites, collaborator reads without controls, party answers on its own page', async () => {
      const page = `/cases/${w.caseA.key}`;
      const dev = await makeUser(t.services, { email: 'dev@fix.example' });
      const vendor = await makeUser(t.services, { email: 'psirt@vendor.example' });
      const team = new PageClient(t.app);
      await team.login(w.maintainer.email, PASSWORD);

      let res = await team.post(
        `${page}/collaborators`,
        { email: dev.email, name: 'Dev' },
        { csrfFrom: page },
      );
      assert.equal(res.statusCode, 303);
      res = await team.post(
        `${page}/parties`,
        { organisation: 'Vendor Inc', contacts: `PSIRT <${vendor.email}>`, notify: 'true' },
        { csrfFrom: page },
      );
      assert.equal(res.statusCode, 303);
      res = await team.post(
        `${page}/embargo`,
        { at: '2026-12-31T17:00', zone: 'America/New_York' },
        { csrfFrom: page },
      );
      assert.equal(res.statusCode, 303);
      res = await team.post(`${page}/embargo`, { at: 'soon', zone: 'UTC' }, { csrfFrom: page });
      assert.equal(res.statusCode, 422, 'a bad date re-renders the page with the reason');
      assert.match(res.body, /2026-12-01T09:00/);
      res = await team.post(
        `${page}/party-summary`,
        { summary: 'Heap overflow in the parser.' },
        { csrfFrom: page },
      );
      res = await team.post(
        `${page}/messages`,
        { body: 'Patches attached next week', audience: 'parties', partyId: '' },
        { csrfFrom: page },
      );
      assert.equal(res.statusCode, 303);
      const teamPage = (await team.get(page)).body;
      assert.match(teamPage, /Vendor Inc/);
      assert.match(teamPage, /2026-12-31 17:00 America\/New_York/);
      assert.match(teamPage, /UTC-05:00/);
      assert.match(teamPage, /Shared with every party/);

      const c = new PageClient(t.app);
      await c.login(dev.email, PASSWORD);
      const inbox = (await c.get('/inbox')).body;
      assert.match(inbox, new RegExp(`href="/cases/${w.caseA.key}"`), 'shared with you');
      const cp = await c.get(page);
      assert.equal(cp.statusCode, 200);
      assert.match(cp.body, /collaborator on this case only/);
      assert.match(cp.body, /crafted tarball/);
      assert.doesNotMatch(cp.body, /\/transition"/, 'no state controls');
      assert.doesNotMatch(cp.body, /Vendor Inc/, 'no coordination for collaborators');
      assert.doesNotMatch(cp.body, /Patches attached next week/);
      assert.equal((await c.get(`/cases/${w.caseB.key}`)).statusCode, 404);
      res = await c.post(`${page}/messages`, { body: 'note from dev', internal: 'true' }, { csrfFrom: page });
      assert.equal(res.statusCode, 303);
      res = await c.post(`${page}/transition`, { to: 'acknowledged' }, { csrfFrom: page });
      assert.equal(res.statusCode, 403);

      const p = new PageClient(t.app);
      await p.login(vendor.email, PASSWORD);
      const pp = await p.get(page);
      assert.equal(pp.statusCode, 200);
      assert.match(pp.body, /coordination for Vendor Inc/);
      assert.match(pp.body, /Heap overflow in the parser\./);
      assert.match(pp.body, /Patches attached next week/);
      assert.match(pp.body, /2026-12-31 17:00 America\/New_York/);
      for (const secret of [
        'crafted tarball',
        'researcher@example.org',
        'note from dev',
        'Arbitrary file write',
      ])
        assert.ok(!pp.body.includes(secret), `the party page never shows "${secret}"`);
      const partyId = /name="partyId" value="([^"]+)"/.exec(pp.body)![1]!;
      res = await p.post(
        `${page}/parties/status`,
        { partyId, status: 'fixed', statement: 'Fixed in 9.1' },
        { csrfFrom: page },
      );
      assert.equal(res.statusCode, 303);
      res = await p.post(`${page}/messages`, { body: 'We ship on the 31st' }, { csrfFrom: page });
      assert.equal(res.statusCode, 303);
      const after = (await team.get(page)).body;
      assert.match(after, /Fixed in 9\.1/);
      assert.match(after, /We ship on the 31st/);
      assert.match(after, /Party thread: Vendor Inc/);
      assert.equal((await p.get(`/cases/${w.caseB.key}`)).statusCode, 404);

      // Once an advisory of the case is public, what the parties said is on it — and only then.
      await t.services.parties.add(
        w.maintainer.actor,
        { key: w.caseA.key },
        {
          organisation: 'Silent Corp',
          contacts: 'quiet@silent.example',
        },
      );
      const draft = await t.services.advisories.create(w.maintainer.actor, w.project.slug, {
        cases: [w.caseA.key],
        content: advisoryContent(),
      });
      const published = await t.services.publishing.publish(w.maintainer.actor, draft.uid);
      const adv = await team.get(`/advisories/${published.id}`);
      assert.equal(adv.statusCode, 200);
      assert.match(adv.body, /Vendor statements/);
      assert.match(adv.body, /Vendor Inc<\/td><td>Fixed<\/td><td>Fixed in 9\.1/);
      assert.doesNotMatch(adv.body, /Silent Corp/, 'a party that said nothing is not listed');
    });

    it('the API serves the same to bearer tokens: party view, collaborator refusals, problem+json', async () => {
      const tok = await t.services.auth.createApiToken(w.maintainer.email, 'ci');
      const auth = { authorization: `Bearer ${tok.token}` };
      const url = `/api/v1/reports/${w.caseB.id}`;
      let res = await t.app.inject({
        method: 'POST',
        url: `${url}/parties`,
        headers: auth,
        payload: { organisation: 'Distro Z', contacts: [{ email: 'sec@distro-z.example' }] },
      });
      assert.equal(res.statusCode, 201);
      res = await t.app.inject({ method: 'PUT', url: `${url}/embargo`, headers: auth, payload: { at: 'x' } });
      assert.equal(res.statusCode, 422);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      res = await t.app.inject({
        method: 'PUT',
        url: `${url}/embargo`,
        headers: auth,
        payload: { at: '2026-12-20T12:00', zone: 'Asia/Tokyo' },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().embargo.utc, '2026-12-20 03:00 UTC');
      res = await t.app.inject({ method: 'GET', url: `${url}/parties`, headers: auth });
      assert.equal(res.json()[0].organisation, 'Distro Z');
      const outsider = await t.services.auth.createApiToken(w.outsider.email, 'x');
      res = await t.app.inject({
        method: 'GET',
        url: `${url}/parties`,
        headers: { authorization: `Bearer ${outsider.token}` },
      });
      assert.equal(res.statusCode, 404);
    });
  });
}
