// The /api/v1 case workflow over app.inject(), on SQLite and PostgreSQL: messages and internal notes,
// the state machine's happy path and refusals, and PATCH of team and reporter fields.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeCase } from '../helpers/factories.ts';
import { assertFieldErrors, assertProblem, type Call, apiWorld, type ApiWorld } from '../helpers/api.ts';

type World = ApiWorld['w'];

for (const dialect of dialects()) {
  describe(dialect, () => {
    let t: TestApp;
    let w: World;
    let call: Call;
    let maint: string;
    let resp: string;

    before(async () => {
      let pats: ApiWorld['pats'];
      ({ t, w, call, pats } = await apiWorld(dialect));
      maint = pats.maintainer;
      resp = pats.responder;
    });
    after(() => t.close());

    it('posts shared replies and internal notes; the reporter sees only shared ones', async () => {
      const c = await makeCase(t.services, w.project.slug);
      const reply = await call('POST', `/api/v1/reports/${c.key}/messages`, {
        token: resp,
        body: { body: '  Thanks,\r\nlooking into it  ' },
      });
      assert.equal(reply.status, 201, reply.body);
      assert.deepEqual(Object.keys(reply.json).sort(), ['id', 'visibility']);
      assert.equal(reply.json.visibility, 'reporter');
      const note = await call('POST', `/api/v1/reports/${c.id}/messages`, {
        token: resp,
        body: { body: 'Probably a dup of the tar bug', internal: true },
      });
      assert.equal(note.status, 201);
      assert.equal(note.json.visibility, 'internal');
      const back = await call('POST', `/api/v1/reports/${c.id}/messages`, {
        token: c.accessToken,
        body: { body: 'Here is a PoC', internal: false },
      });
      assert.equal(back.status, 201);
      assert.equal(back.json.visibility, 'reporter');

      const team = (await call('GET', `/api/v1/reports/${c.id}`, { token: maint })).json;
      const bodies = team.timeline
        .filter((e: { message?: unknown }) => e.message)
        .map((e: { message: { body: string } }) => e.message.body);
      assert.deepEqual(bodies, [
        'Thanks,\nlooking into it',
        'Probably a dup of the tar bug',
        'Here is a PoC',
      ]);
      const mine = (await call('GET', `/api/v1/reports/${c.id}`, { token: c.accessToken })).json;
      const seen = mine.timeline
        .filter((e: { message?: unknown }) => e.message)
        .map((e: { message: { body: string } }) => e.message.body);
      assert.deepEqual(seen, ['Thanks,\nlooking into it', 'Here is a PoC']);
      assertFieldErrors(
        await call('POST', `/api/v1/reports/${c.id}/messages`, { token: resp, body: { body: ' \n ' } }),
        ['body'],
      );
    });

    it('walks new → acknowledged → triaged(high) → fixing → fixed → closed(fixed)', async () => {
      const c = await makeCase(t.services, w.project.slug);
      const step = async (body: Record<string, unknown>) => {
        const r = await call('POST', `/api/v1/reports/${c.id}/transition`, { token: resp, body });
        assert.equal(r.status, 200, r.body);
        assert.equal(r.json.state, body.to);
        return r.json;
      };
      const ack = await step({ to: 'acknowledged' });
      assert.ok(ack.acknowledgedAt);
      assert.equal(ack.triagedAt, null);
      const tri = await step({ to: 'triaged', severity: 'high' });
      assert.equal(tri.severity, 'high');
      assert.ok(tri.triagedAt);
      assert.equal(tri.acknowledgedAt, ack.acknowledgedAt, 'stamps are not overwritten');
      await step({ to: 'fixing' });
      const fixed = await step({ to: 'fixed' });
      assert.ok(fixed.fixedAt);
      const closed = await step({ to: 'closed', resolution: 'fixed' });
      assert.equal(closed.resolution, 'fixed');
      assert.ok(closed.closedAt);
      assert.deepEqual(closed.allowedTransitions, ['acknowledged']);
      const moves = closed.timeline
        .filter((e: { type: string }) => e.type === 'state.changed')
        .map((e: { data: { to: string } }) => e.data.to);
      assert.deepEqual(moves, ['acknowledged', 'triaged', 'fixing', 'fixed', 'closed']);
      const mine = (await call('GET', `/api/v1/reports/${c.id}`, { token: c.accessToken })).json;
      assert.equal(mine.state, 'closed');
      assert.equal(mine.resolution, 'fixed');
      assert.equal(mine.severity, 'high');
    });

    it('refuses illegal transitions with 409 invalid-transition and bad ones with 422', async () => {
      const c = await makeCase(t.services, w.project.slug);
      const tr = (body: Record<string, unknown>) =>
        call('POST', `/api/v1/reports/${c.id}/transition`, { token: resp, body });
      const p = assertProblem(await tr({ to: 'fixed' }), 409, 'invalid-transition');
      assert.match(p.detail, /new/);
      assertProblem(await tr({ to: 'closed', resolution: 'fixed' }), 409, 'invalid-transition');
      assertProblem(await tr({ to: 'disclosed' }), 409, 'invalid-transition');
      assertFieldErrors(await tr({ to: 'triaged' }), ['severity']);
      assertFieldErrors(await tr({ to: 'closed' }), ['resolution']);
      assertFieldErrors(await tr({ to: 'closed', resolution: 'duplicate' }), ['duplicateOf']);
      assertFieldErrors(await tr({ to: 'closed', resolution: 'duplicate', duplicateOf: c.key }), [
        'duplicateOf',
      ]);
      assertFieldErrors(await tr({ to: 'bogus' }), ['to']);
      assert.equal(
        (await call('GET', `/api/v1/reports/${c.id}`, { token: resp })).json.state,
        'new',
        'nothing changed',
      );
      const dup = await tr({ to: 'closed', resolution: 'duplicate', duplicateOf: w.caseA.key.toLowerCase() });
      assert.equal(dup.status, 200, dup.body);
      assert.equal(dup.json.duplicateOf, w.caseA.key);
    });

    it('PATCH changes team fields as the team and contact/credit as the reporter', async () => {
      const c = await makeCase(t.services, w.project.slug);
      const team = await call('PATCH', `/api/v1/reports/${c.id}`, {
        token: maint,
        body: {
          title: 'Tar path traversal (renamed)',
          severity: 'medium',
          assigneeId: w.responder.user.id,
          needsInfo: true,
        },
      });
      assert.equal(team.status, 200, team.body);
      assert.equal(team.json.title, 'Tar path traversal (renamed)');
      assert.equal(team.json.severity, 'medium');
      assert.deepEqual(team.json.assignee, { id: w.responder.user.id, name: w.responder.user.name });
      assert.equal(team.json.needsInfo, true);
      assertFieldErrors(
        await call('PATCH', `/api/v1/reports/${c.id}`, {
          token: maint,
          body: { assigneeId: w.outsider.user.id },
        }),
        ['assigneeId'],
      );
      assertFieldErrors(
        await call('PATCH', `/api/v1/reports/${c.id}`, { token: maint, body: { title: 'abc' } }),
        ['title'],
      );

      const rep = await call('PATCH', `/api/v1/reports/${c.id}`, {
        token: c.accessToken,
        body: { reporterEmail: ' New@Example.ORG ', creditPreference: 'name', creditName: 'Ada Lovelace' },
      });
      assert.equal(rep.status, 200, rep.body);
      assert.equal(rep.json.audience, 'reporter');
      assert.equal(rep.json.reporterEmail, 'new@example.org');
      assert.deepEqual(rep.json.credit, { preference: 'name', name: 'Ada Lovelace' });
      const anon = await call('PATCH', `/api/v1/reports/${c.id}`, {
        token: c.accessToken,
        body: { creditPreference: 'anonymous' },
      });
      assert.deepEqual(anon.json.credit, { preference: 'anonymous', name: null });
      assertFieldErrors(
        await call('PATCH', `/api/v1/reports/${c.id}`, {
          token: c.accessToken,
          body: { reporterEmail: 'not-an-address' },
        }),
        ['reporterEmail'],
      );

      // The reporter answering clears needs-info.
      await call('POST', `/api/v1/reports/${c.id}/messages`, {
        token: c.accessToken,
        body: { body: 'Version 1.4.2' },
      });
      assert.equal((await call('GET', `/api/v1/reports/${c.id}`, { token: maint })).json.needsInfo, false);
    });
  });
}
