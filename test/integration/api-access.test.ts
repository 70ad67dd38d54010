// Who may do what through /api/v1, as an explicit matrix of roles × routes, on SQLite and PostgreSQL.
// A denied look at a case is a 404 indistinguishable from a case that does not exist; a denied
// request changes nothing. What each audience sees is in api-access-views.test.ts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase, reportInput } from '../helpers/factories.ts';
import { assertProblem, type Call, type Json, apiWorld, type ApiWorld } from '../helpers/api.ts';

type World = ApiWorld['w'];
type Role = 'anonymous' | 'reporterA' | 'reporterB' | 'outsider' | 'responder' | 'maintainer' | 'admin';
type Route =
  | 'get'
  | 'list'
  | 'message'
  | 'note'
  | 'transition'
  | 'patchTeam'
  | 'patchSeverity'
  | 'patchReporter'
  | 'checklist'
  | 'intake';

const ROLES: Role[] = ['anonymous', 'reporterA', 'reporterB', 'outsider', 'responder', 'maintainer', 'admin'];

// The expected status of every cell, written out. "A" is the case under test; reporter B holds another
// case of the same project; the outsider is a responder of another project.
//   404: not yours (or not signed in) — the same answer as for a case that does not exist.
//   401: the inbox needs a team member's personal token.
//   403: the reporter's own case, but a team-only action.
//   422: the caller's own case, but a field the caller's side does not own.
const EXPECTED: Record<Route, Record<Role, number>> = {
  get: {
    anonymous: 404,
    reporterA: 200,
    reporterB: 404,
    outsider: 404,
    responder: 200,
    maintainer: 200,
    admin: 200,
  },
  list: {
    anonymous: 401,
    reporterA: 401,
    reporterB: 401,
    outsider: 200,
    responder: 200,
    maintainer: 200,
    admin: 200,
  },
  message: {
    anonymous: 404,
    reporterA: 201,
    reporterB: 404,
    outsider: 404,
    responder: 201,
    maintainer: 201,
    admin: 201,
  },
  note: {
    anonymous: 404,
    reporterA: 403,
    reporterB: 404,
    outsider: 404,
    responder: 201,
    maintainer: 201,
    admin: 201,
  },
  transition: {
    anonymous: 404,
    reporterA: 403,
    reporterB: 404,
    outsider: 404,
    responder: 200,
    maintainer: 200,
    admin: 200,
  },
  patchTeam: {
    anonymous: 404,
    reporterA: 422,
    reporterB: 404,
    outsider: 404,
    responder: 200,
    maintainer: 200,
    admin: 200,
  },
  patchSeverity: {
    anonymous: 404,
    reporterA: 422,
    reporterB: 404,
    outsider: 404,
    responder: 200,
    maintainer: 200,
    admin: 200,
  },
  checklist: {
    anonymous: 404,
    reporterA: 403,
    reporterB: 404,
    outsider: 404,
    responder: 200,
    maintainer: 200,
    admin: 200,
  },
  patchReporter: {
    anonymous: 404,
    reporterA: 200,
    reporterB: 404,
    outsider: 404,
    responder: 422,
    maintainer: 422,
    admin: 422,
  },
  intake: {
    anonymous: 201,
    reporterA: 201,
    reporterB: 201,
    outsider: 201,
    responder: 201,
    maintainer: 201,
    admin: 201,
  },
};

const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** The request each route makes against case `ref`. */
function request(route: Route, ref: string, slug: string): [string, string, unknown] {
  switch (route) {
    case 'get':
      return ['GET', `/api/v1/reports/${ref}`, undefined];
    case 'list':
      return ['GET', '/api/v1/reports', undefined];
    case 'message':
      return ['POST', `/api/v1/reports/${ref}/messages`, { body: 'Matrix reply' }];
    case 'note':
      return ['POST', `/api/v1/reports/${ref}/messages`, { body: 'Matrix internal note', internal: true }];
    case 'transition':
      return ['POST', `/api/v1/reports/${ref}/transition`, { to: 'acknowledged' }];
    case 'patchTeam':
      return ['PATCH', `/api/v1/reports/${ref}`, { title: 'Retitled by the matrix' }];
    case 'patchSeverity':
      return ['PATCH', `/api/v1/reports/${ref}`, { cvss3Vector: CRITICAL }];
    case 'checklist':
      return [
        'POST',
        `/api/v1/reports/${ref}/checklist`,
        { checklist: 'incident-response', item: 'root-cause', checked: true },
      ];
    case 'patchReporter':
      return ['PATCH', `/api/v1/reports/${ref}`, { creditPreference: 'anonymous' }];
    case 'intake':
      return ['POST', `/api/v1/projects/${slug}/reports`, reportInput()];
  }
}

const withoutInstance = (p: Json) => ({ ...p, instance: undefined });

for (const dialect of dialects()) {
  describe(dialect, () => {
    let t: TestApp;
    let w: World;
    let call: Call;
    let pats: ApiWorld['pats'];
    const teamView = async (id: string) =>
      (await call('GET', `/api/v1/reports/${id}`, { token: pats.maintainer })).json;

    before(async () => {
      ({ t, w, call, pats } = await apiWorld(dialect));
      // A policy with a response checklist; every case of the matrix is opened under it.
      await t.services.policies.save(w.maintainer.actor, w.project.slug, {
        source: fs.readFileSync('examples/policies/kubernetes-controller.yaml', 'utf8'),
      });
    });
    after(() => t.close());

    for (const route of Object.keys(EXPECTED) as Route[]) {
      for (const role of ROLES) {
        const expected = EXPECTED[route][role];
        it(`${route} as ${role} → ${expected}`, async () => {
          // A fresh case per cell, so that every cell starts from "new" and its effect is its own.
          const a = await makeCase(t.services, w.project.slug);
          const token = {
            anonymous: undefined,
            reporterA: a.accessToken,
            reporterB: w.caseB.accessToken,
            ...pats,
          }[role];
          const [method, url, body] = request(route, a.id, w.project.slug);
          const before = await teamView(a.id);
          const res = await call(method, url, { token, body });
          assert.equal(res.status, expected, `${method} ${url} as ${role}: ${res.body.slice(0, 300)}`);
          const after = await teamView(a.id);

          if (expected >= 400) {
            const p = assertProblem(res, expected);
            assert.deepEqual(after, before, 'a refused request changes nothing');
            assert.ok(
              !res.body.includes(a.key) && !res.body.includes(reportInput().title),
              'nothing about the case leaks',
            );
            if (expected === 404) {
              // Indistinguishable from a case that does not exist, for the same caller and route.
              const [m2, url2, body2] = request(route, crypto.randomUUID(), w.project.slug);
              const ghost = await call(m2, url2, { token, body: body2 });
              assert.equal(ghost.status, 404);
              assert.deepEqual(withoutInstance(p), withoutInstance(ghost.json));
              const [m3, url3, body3] = request(route, a.key, w.project.slug);
              assert.deepEqual(
                withoutInstance((await call(m3, url3, { token, body: body3 })).json),
                withoutInstance(p),
                'by key too',
              );
            }
            return;
          }
          if (route === 'get') {
            assert.equal(res.json.id, a.id);
            assert.equal(res.json.audience, role === 'reporterA' ? 'reporter' : 'team');
          }
          if (route === 'list')
            assert.equal(
              res.json.items.some((i: { id: string }) => i.id === a.id),
              role !== 'outsider',
            );
          if (route === 'message' || route === 'note')
            assert.equal(after.timeline.length, before.timeline.length + 1);
          if (route === 'note') assert.equal(res.json.visibility, 'internal');
          if (route === 'transition') assert.equal(after.state, 'acknowledged');
          if (route === 'patchTeam') assert.equal(after.title, 'Retitled by the matrix');
          if (route === 'patchSeverity') assert.equal(after.severity, 'critical');
          if (route === 'checklist') assert.equal(after.checklists[0].items[1].checked, true);
          if (route === 'patchReporter')
            assert.deepEqual(after.credit, { preference: 'anonymous', name: null });
          if (route === 'intake') assert.match(res.json.key, new RegExp(`^${w.project.key}-\\d+$`));
        });
      }
    }

    it('anonymous callers learn nothing: team routes answer like a missing case or ask for a token', async () => {
      const anon = [
        await call('GET', `/api/v1/reports/${w.caseA.id}`),
        await call('GET', `/api/v1/reports/${w.caseA.key}`),
        await call('POST', `/api/v1/reports/${w.caseA.id}/transition`, { body: { to: 'acknowledged' } }),
      ];
      const ghost = await call('GET', `/api/v1/reports/${crypto.randomUUID()}`);
      for (const r of anon)
        assert.deepEqual(withoutInstance(assertProblem(r, 404, 'not-found')), withoutInstance(ghost.json));
      const list = assertProblem(await call('GET', '/api/v1/reports'), 401, 'unauthenticated');
      assert.equal(list.errors, undefined);
      assert.deepEqual(Object.keys(list).sort(), ['detail', 'instance', 'status', 'title', 'type']);
    });
  });
}
