// The policy API: public reading, maintainer-only preview / save / history as a role matrix, problem
// details that point at line and column, and a stale save refused with 409.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { assertProblem, apiWorld, type ApiWorld, type Call } from '../helpers/api.ts';

type Role = 'anonymous' | 'reporterA' | 'outsider' | 'responder' | 'maintainer' | 'admin';
const ROLES: Role[] = ['anonymous', 'reporterA', 'outsider', 'responder', 'maintainer', 'admin'];

const GOOD = 'policyFormat: 1\nsla:\n  default:\n    acknowledge: 24h\n';

// 401: no user behind the token; 404: not on the team (the settings' existence is not revealed);
// 403: on the team without the maintainer role.
const WRITE: Record<Role, number> = {
  anonymous: 401,
  reporterA: 401,
  outsider: 404,
  responder: 403,
  maintainer: 200,
  admin: 200,
};

for (const dialect of dialects()) {
  describe(`policy API (${dialect})`, () => {
    let t: TestApp;
    let w: ApiWorld['w'];
    let call: Call;
    let pats: ApiWorld['pats'];
    before(async () => {
      ({ t, w, call, pats } = await apiWorld(dialect));
    });
    after(() => t.close());
    const tokenOf = (role: Role) =>
      ({ anonymous: undefined, reporterA: w.caseA.accessToken, ...pats })[role as 'admin'];
    const base = () => `/api/v1/projects/${w.project.slug}/policy`;

    it('anyone reads the policy in force; an unknown project is 404', async () => {
      for (const role of ROLES) {
        const res = await call('GET', base(), { token: tokenOf(role) });
        assert.equal(res.status, 200, role);
        assert.equal(typeof res.json.version, 'number');
        assert.equal(res.json.policy.policyFormat, 1);
        assert.match(res.json.source, /policyFormat: 1/);
      }
      assertProblem(await call('GET', '/api/v1/projects/nope/policy'), 404);
    });

    for (const role of ROLES) {
      it(`preview, save and history as ${role} → ${WRITE[role]}`, async () => {
        const token = tokenOf(role);
        const before = (await call('GET', base())).json.version;
        const preview = await call('POST', `${base()}/preview`, { token, body: { source: GOOD } });
        const versions = await call('GET', `${base()}/versions`, { token });
        const save = await call('PUT', base(), { token, body: { source: GOOD, baseVersion: before } });
        for (const res of [preview, versions, save]) {
          if (WRITE[role] === 200) assert.equal(res.status, 200, res.body);
          else assertProblem(res, WRITE[role]);
        }
        const now = (await call('GET', base())).json.version;
        if (WRITE[role] === 200) {
          assert.equal(preview.json.valid, true);
          assert.equal(save.json.version, before + 1);
          assert.equal(now, before + 1);
          assert.ok(versions.json.items.some((v: { version: number }) => v.version === 0));
        } else assert.equal(now, before, 'a refused save changes nothing');
      });
    }

    it('an invalid policy answers 422 with line and column per problem; a stale save 409', async () => {
      const token = pats.maintainer;
      const bad = 'policyFormat: 1\nsla:\n  timeZone: Mars/Olympus\n  atRiskShare: 2\n';
      const res = await call('PUT', base(), { token, body: { source: bad } });
      const p = assertProblem(res, 422);
      const at = (p.errors as { field: string; line: number; column: number }[]).map(
        (e) => `${e.field}@${e.line}:${e.column}`,
      );
      assert.ok(at.includes('source@3:13'), at.join(' '));
      assert.ok(
        at.some((x) => x.startsWith('source@4:')),
        at.join(' '),
      );
      const preview = await call('POST', `${base()}/preview`, { token, body: { source: bad } });
      assert.equal(preview.status, 200);
      assert.equal(preview.json.valid, false);
      const cur = (await call('GET', base())).json.version;
      const stale = await call('PUT', base(), { token, body: { source: GOOD, baseVersion: cur - 1 } });
      assertProblem(stale, 409);
      assertProblem(await call('PUT', base(), { token, body: { source: GOOD, extra: 1 } }), 422);
      assertProblem(await call('PUT', base(), { token, body: { source: 42 } }), 422);
    });
  });
}
