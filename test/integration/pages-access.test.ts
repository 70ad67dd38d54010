// Every page route against every role. Expected outcomes are written out cell by cell. A page about
// a case or project settings the caller may not see answers 404, like one that does not exist.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, makeWorld, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import fs from 'node:fs';

type Role = 'anonymous' | 'reporterA' | 'reporterB' | 'outsider' | 'responder' | 'maintainer' | 'admin';
const ROLES: Role[] = ['anonymous', 'reporterA', 'reporterB', 'outsider', 'responder', 'maintainer', 'admin'];
// login = 303 to /login; the rest are status codes.
type Outcome = 'login' | 200 | 303 | 403 | 404;

for (const dialect of dialects()) {
  describe(`page access matrix (${dialect})`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof makeWorld>>;
    before(async () => {
      t = await createTestApp(dialect);
      w = await makeWorld(t.services);
      // A policy with a response checklist, so that ticking an item is a real action for the team.
      await t.services.policies.save(w.maintainer.actor, w.project.slug, {
        source: fs.readFileSync('examples/policies/kubernetes-controller.yaml', 'utf8'),
      });
    });
    after(() => t.close());

    async function client(role: Role): Promise<PageClient> {
      const c = new PageClient(t.app);
      const who = { outsider: w.outsider, responder: w.responder, maintainer: w.maintainer, admin: w.admin }[
        role as 'admin'
      ];
      if (who) await c.login(who.email, PASSWORD);
      return c;
    }

    const A = () => w.caseA.key;
    const routes: Array<{
      name: string;
      run: (c: PageClient) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
      expect: Record<Role, Outcome>;
    }> = [
      {
        name: 'GET /inbox',
        run: (c) => c.get('/inbox'),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 200,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'GET /cases/A',
        run: (c) => c.get(`/cases/${A()}`),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'POST /cases/A/transition',
        // A fresh case each time, so that an earlier role's acknowledgement does not make this one illegal.
        run: async (c) => {
          const fresh = await makeCase(t.services, w.project.slug);
          return c.post(`/cases/${fresh.key}/transition`, { to: 'acknowledged' }, { csrfFrom: '/' });
        },
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 303,
          maintainer: 303,
          admin: 303,
        },
      },
      {
        name: 'POST /cases/A/messages (internal)',
        run: (c) =>
          c.post(`/cases/${A()}/messages`, { body: 'matrix note', internal: 'true' }, { csrfFrom: '/' }),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 303,
          maintainer: 303,
          admin: 303,
        },
      },
      {
        name: 'POST /cases/A/update',
        run: (c) =>
          c.post(
            `/cases/${A()}/update`,
            {
              title: 'Path traversal in archive extraction',
              severity: '',
              assigneeId: '',
              needsInfo: 'false',
            },
            { csrfFrom: '/' },
          ),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 303,
          maintainer: 303,
          admin: 303,
        },
      },
      {
        name: 'GET /c/{token A}',
        run: (c) => c.get(`/c/${w.caseA.accessToken}`),
        // The token is the credential: whoever holds it reads the reporter view, signed in or not.
        expect: {
          anonymous: 200,
          reporterA: 200,
          reporterB: 200,
          outsider: 200,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'GET /p/{slug}/settings',
        run: (c) => c.get(`/p/${w.project.slug}/settings`),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 403,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'POST /p/{slug}/settings/members',
        run: (c) =>
          c.post(
            `/p/${w.project.slug}/settings/members`,
            { email: `m${Math.random()}@example.org`.replace('0.', ''), role: 'responder' },
            { csrfFrom: '/' },
          ),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 403,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'GET /projects/new',
        run: (c) => c.get('/projects/new'),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 403,
          responder: 403,
          maintainer: 403,
          admin: 200,
        },
      },
      {
        name: 'GET /p/{slug} and the report form',
        run: async (c) => {
          const a = await c.get(`/p/${w.project.slug}`);
          return a.statusCode === 200 ? c.get(`/p/${w.project.slug}/report`) : a;
        },
        expect: {
          anonymous: 200,
          reporterA: 200,
          reporterB: 200,
          outsider: 200,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'GET /p/{slug}/settings/policy',
        run: (c) => c.get(`/p/${w.project.slug}/settings/policy`),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 403,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'POST /p/{slug}/settings/policy (check)',
        run: (c) =>
          c.post(
            `/p/${w.project.slug}/settings/policy`,
            { source: 'policyFormat: 1\n', intent: 'preview' },
            { csrfFrom: '/' },
          ),
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 403,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'POST /cases/A/checklist',
        // A case opened under the policy with the checklist (case A predates it and keeps its version).
        run: async (c) => {
          const fresh = await makeCase(t.services, w.project.slug);
          return c.post(
            `/cases/${fresh.key}/checklist`,
            { checklist: 'incident-response', item: 'fix', checked: 'true' },
            { csrfFrom: '/' },
          );
        },
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 303,
          maintainer: 303,
          admin: 303,
        },
      },
      {
        name: 'GET /p/{slug}/metrics, .json and .csv',
        run: async (c) => {
          const page = await c.get(`/p/${w.project.slug}/metrics`);
          if (page.statusCode !== 200) return page;
          const json = await c.get(`/p/${w.project.slug}/metrics.json`);
          assert.equal(json.statusCode, 200);
          return c.get(`/p/${w.project.slug}/metrics.csv`);
        },
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 404,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'GET /metrics and /notifications',
        run: async (c) => {
          const m = await c.get('/metrics');
          return m.statusCode === 200 ? c.get('/notifications') : m;
        },
        expect: {
          anonymous: 'login',
          reporterA: 'login',
          reporterB: 'login',
          outsider: 200,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
      {
        name: 'GET SECURITY.md, security.txt and /.well-known/security.txt',
        run: async (c) => {
          for (const url of [`/p/${w.project.slug}/SECURITY.md`, `/p/${w.project.slug}/security.txt`]) {
            assert.equal((await c.get(url)).statusCode, 200, url);
          }
          return c.get('/.well-known/security.txt');
        },
        expect: {
          anonymous: 200,
          reporterA: 200,
          reporterB: 200,
          outsider: 200,
          responder: 200,
          maintainer: 200,
          admin: 200,
        },
      },
    ];

    for (const route of routes) {
      test(route.name, async () => {
        for (const role of ROLES) {
          const res = await route.run(await client(role));
          const want = route.expect[role];
          if (want === 'login') {
            assert.equal(res.statusCode, 303, `${role}: status`);
            assert.match(String(res.headers.location), /^\/login\?next=/, `${role}: sent to sign in`);
          } else {
            assert.equal(res.statusCode, want, `${role}: status`);
          }
          if (res.statusCode === 404 || res.statusCode === 403) {
            assert.ok(
              !res.body.includes('Path traversal in archive extraction'),
              `${role}: no case title in a refusal`,
            );
          }
        }
      });
    }

    test("the inbox lists only the caller's projects' cases", async () => {
      const outsider = await (await client('outsider')).get('/inbox?state=');
      assert.ok(!outsider.body.includes(w.caseA.key));
      const responder = await (await client('responder')).get('/inbox?state=');
      assert.ok(responder.body.includes(w.caseA.key) && responder.body.includes(w.caseB.key));
    });

    test('a reporter page never shows internal notes, internal events or team names', async () => {
      await t.services.cases.addMessage(
        w.responder.actor,
        { id: w.caseA.id },
        { body: 'INTERNAL-ONLY text', internal: true },
      );
      await t.services.cases.update(
        w.responder.actor,
        { id: w.caseA.id },
        { assigneeId: w.responder.user.id },
      );
      await t.services.cases.addMessage(w.responder.actor, { id: w.caseA.id }, { body: 'Shared reply text' });
      const page = await (await client('anonymous')).get(`/c/${w.caseA.accessToken}`);
      assert.match(page.body, /Shared reply text/);
      assert.ok(!page.body.includes('INTERNAL-ONLY'));
      assert.ok(!page.body.includes(w.responder.user.name));
      assert.ok(!page.body.includes('assigned'));
      const other = await (await client('anonymous')).get(`/c/${w.caseB.accessToken}`);
      assert.ok(!other.body.includes('Shared reply text'), "B's link shows B's case only");
    });
  });
}
