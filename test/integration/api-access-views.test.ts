// What each audience sees through /api/v1, on SQLite and PostgreSQL: the reporter never gets internal
// notes, the assignee or team members' names, and the inbox never crosses projects.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase } from '../helpers/factories.ts';
import { type ApiResponse, type Call, apiWorld, type ApiWorld } from '../helpers/api.ts';

type World = ApiWorld['w'];

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
    });
    after(() => t.close());

    it("the reporter's view never holds internal notes, the assignee or team members' names", async () => {
      const c = await makeCase(t.services, w.project.slug);
      const secret = `internal-${crypto.randomBytes(6).toString('hex')}`;
      const m = pats.maintainer;
      const ok = (r: ApiResponse) => assert.ok(r.status < 300, r.body);
      ok(
        await call('PATCH', `/api/v1/reports/${c.id}`, {
          token: m,
          body: { assigneeId: w.responder.user.id, needsInfo: true },
        }),
      );
      ok(
        await call('POST', `/api/v1/reports/${c.id}/messages`, {
          token: pats.responder,
          body: { body: `Note: ${secret}`, internal: true },
        }),
      );
      ok(
        await call('POST', `/api/v1/reports/${c.id}/messages`, {
          token: m,
          body: { body: 'Which version do you run?' },
        }),
      );
      ok(
        await call('POST', `/api/v1/reports/${c.id}/transition`, {
          token: pats.responder,
          body: { to: 'triaged', severity: 'high' },
        }),
      );
      const team = await teamView(c.id);
      assert.ok(
        JSON.stringify(team).includes(secret),
        'the team sees the note (so the check below is meaningful)',
      );
      assert.deepEqual(team.assignee, { id: w.responder.user.id, name: w.responder.user.name });

      const forbidden = [
        secret,
        w.responder.user.name,
        w.maintainer.user.name,
        w.responder.email,
        w.maintainer.email,
        w.responder.user.id,
        w.maintainer.user.id,
      ];
      const answers = [
        await call('GET', `/api/v1/reports/${c.id}`, { token: c.accessToken }),
        await call('GET', `/api/v1/reports/${c.key}`, { token: c.accessToken }),
        await call('PATCH', `/api/v1/reports/${c.id}`, {
          token: c.accessToken,
          body: { creditPreference: 'name', creditName: 'Reporter Person' },
        }),
        await call('POST', `/api/v1/reports/${c.id}/messages`, {
          token: c.accessToken,
          body: { body: '1.4.2' },
        }),
      ];
      for (const r of answers) {
        assert.ok(r.status < 300, r.body);
        for (const s of forbidden)
          assert.ok(!r.body.includes(s), `reporter answer leaks ${s}: ${r.body.slice(0, 200)}`);
      }
      const view = answers[0]!.json;
      assert.equal(view.audience, 'reporter');
      for (const key of ['assignee', 'allowedTransitions', 'channel', 'duplicateOf'])
        assert.ok(!(key in view), `no ${key}`);
      assert.ok(view.timeline.every((e: { visibility: string }) => e.visibility === 'reporter'));
      assert.ok(
        !view.timeline.some((e: { type: string }) => e.type === 'note' || e.type === 'assignee.changed'),
      );
      const teamAuthors = view.timeline
        .filter((e: { actor: { kind: string } }) => e.actor.kind === 'user')
        .map((e: { actor: { name: string } }) => e.actor.name);
      assert.ok(teamAuthors.length >= 2);
      assert.ok(teamAuthors.every((n: string) => n === 'Security team'));
      assert.equal(view.severity, 'high');
    });

    it("the inbox never returns another project's cases", async () => {
      const theirs = await makeCase(t.services, w.other.slug, { title: 'Other project: auth bypass' });
      const ours = async (token: string, qs = '') => {
        const r = await call('GET', `/api/v1/reports?limit=200${qs}`, { token });
        assert.equal(r.status, 200, r.body);
        return r.json as { items: Array<{ id: string; project: { slug: string } }>; total: number };
      };
      for (const role of ['responder', 'maintainer'] as const) {
        const l = await ours(pats[role]);
        assert.ok(l.items.length >= 2);
        assert.ok(
          l.items.every((i) => i.project.slug === w.project.slug),
          `${role} sees only its project`,
        );
        assert.equal(l.total, l.items.length);
        assert.deepEqual(await ours(pats[role], `&project=${w.other.slug}`), {
          items: [],
          total: 0,
          totalIsLowerBound: false,
        });
      }
      const out = await ours(pats.outsider);
      assert.deepEqual(
        out.items.map((i) => i.id),
        [theirs.id],
      );
      assert.equal(out.total, 1);
      const peek = await ours(pats.outsider, `&project=${w.project.slug}`);
      assert.deepEqual(
        peek,
        await ours(pats.outsider, '&project=no-such-project'),
        'a foreign project looks like a missing one',
      );
      assert.deepEqual(peek, { items: [], total: 0, totalIsLowerBound: false });
      const all = await ours(pats.admin);
      assert.ok(
        all.items.some((i) => i.id === theirs.id) && all.items.some((i) => i.id === w.caseA.id),
        'admins see every project',
      );
    });
  });
}
