// CaseService on both dialects: intake, the reporter's token, what each audience sees, transitions
// and the needs-info flag. Transitions: case.service.transitions.test.ts; inbox, access and field
// changes: case.service.access.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeWorld, makeCase, reportInput } from '../helpers/factories.ts';
import { teamView as team, reporterView as reporter, eventTypes as types } from '../helpers/expect.ts';
import type { Services } from '../../src/services/index.ts';
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';
import { hashSecret } from '../../src/services/deps.ts';

type World = Awaited<ReturnType<typeof makeWorld>>;

for (const dialect of dialects()) {
  describe(dialect, () => {
    let ts: TestServices;
    let s: Services;
    let w: World;
    before(async () => {
      ts = await createTestServices(dialect, { clock: manualClock('2026-03-01T00:00:00.000Z', 1000) });
      s = ts.services;
      w = await makeWorld(s);
    });
    after(async () => {
      await ts.close();
    });

    test('submitting a report creates a new case with a report.created event', async () => {
      const r = await s.cases.submitReport(
        w.project.slug,
        reportInput({ title: 'Fresh report title' }),
        'web',
      );
      assert.match(r.key, new RegExp(`^${w.project.key}-\\d+$`));
      assert.match(r.accessToken, /^rct_[A-Za-z0-9_-]{40,}$/);
      assert.equal(r.casePath, `/c/${r.accessToken}`);
      const v = await team(s, w.maintainer.actor, r.id);
      assert.equal(v.key, r.key);
      assert.equal(v.state, 'new');
      assert.equal(v.title, 'Fresh report title');
      assert.equal(v.channel, 'web');
      assert.equal(v.severity, null);
      assert.equal(v.needsInfo, false);
      assert.deepEqual(v.credit, { preference: 'handle', name: '@finder' });
      assert.deepEqual(v.allowedTransitions.sort(), ['acknowledged', 'closed', 'triaged']);
      assert.deepEqual(types(v), ['report.created']);
      assert.deepEqual(v.timeline[0]!.data, { channel: 'web', policyVersion: 0 });
      assert.equal(v.timeline[0]!.actor.kind, 'reporter');
      const row = await ts.tdb.handle.db
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', r.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.reporter_token_hash, hashSecret(r.accessToken), 'the token is stored only hashed');
      assert.ok(!JSON.stringify(row).includes(r.accessToken));
    });

    test('unknown project and invalid reports are refused', async () => {
      await assert.rejects(s.cases.submitReport('no-such-project', reportInput(), 'api'), {
        code: 'not-found',
      });
      await assert.rejects(
        s.cases.submitReport(w.project.slug, reportInput({ description: 'short' }), 'api'),
        { code: 'validation-error' },
      );
    });

    test('a reporter token resolves to its own case only', async () => {
      const a = await s.auth.resolveCaseToken(w.caseA.accessToken);
      assert.deepEqual(a, { kind: 'reporter', caseId: w.caseA.id });
      assert.deepEqual(await s.auth.resolveBearer(w.caseB.accessToken), {
        kind: 'reporter',
        caseId: w.caseB.id,
      });
      const v = await reporter(s, a!, w.caseA.id);
      assert.equal(v.key, w.caseA.key);
      assert.equal((await reporter(s, a!, w.caseA.id)).id, w.caseA.id);
      await assert.rejects(s.cases.get(a!, { id: w.caseB.id }), { code: 'not-found' });
      await assert.rejects(s.cases.get(a!, { key: w.caseB.key }), { code: 'not-found' });
      assert.equal(await s.auth.resolveCaseToken(w.caseA.accessToken.slice(4)), null, 'prefix required');
      assert.equal(await s.auth.resolveCaseToken(w.caseA.accessToken + 'x'), null);
      assert.equal(await s.auth.resolveCaseToken('rct_' + 'A'.repeat(43)), null);
      assert.equal(
        await s.auth.resolveCaseToken(hashSecret(w.caseA.accessToken)),
        null,
        'the stored hash is not a credential',
      );
    });

    test('the reporter never sees internal notes, internal events or team names; the team sees all', async () => {
      const c = await makeCase(s, w.project.slug);
      const m = w.maintainer;
      await s.cases.addMessage(
        m.actor,
        { id: c.id },
        { body: 'INTERNAL-NOTE: looks like CVE-worthy', internal: true },
      );
      await s.cases.addMessage(m.actor, { id: c.id }, { body: 'Thanks, we are looking into it.' });
      await s.cases.update(m.actor, { id: c.id }, { assigneeId: w.responder.user.id });
      await s.cases.transition(w.responder.actor, { id: c.id }, { to: 'triaged', severity: 'high' });
      await s.cases.addMessage(c.reporter, { id: c.id }, { body: 'Here are more details.' });

      const rv = await reporter(s, c.reporter, c.id);
      const json = JSON.stringify(rv);
      for (const secret of [
        'INTERNAL-NOTE',
        m.user.name,
        m.email,
        w.responder.user.name,
        w.responder.email,
        w.responder.user.id,
        m.user.id,
      ]) {
        assert.ok(!json.includes(secret), `reporter view leaks ${secret}`);
      }
      assert.deepEqual(types(rv), [
        'report.created',
        'message',
        'severity.changed',
        'state.changed',
        'message',
      ]);
      assert.ok(rv.timeline.every((e) => e.visibility === 'reporter'));
      const teamEntries = rv.timeline.filter((e) => e.actor.kind === 'user');
      assert.ok(teamEntries.length >= 3);
      for (const e of teamEntries) assert.equal(e.actor.name, 'Security team');
      for (const key of [
        'assignee',
        'allowedTransitions',
        'channel',
        'acknowledgedAt',
        'triagedAt',
        'duplicateOf',
      ]) {
        assert.ok(!(key in rv), `reporter view has ${key}`);
      }
      assert.equal(rv.timeline[1]!.message!.body, 'Thanks, we are looking into it.');

      const tv = await team(s, m.actor, c.id);
      assert.deepEqual(types(tv), [
        'report.created',
        'note',
        'message',
        'assignee.changed',
        'severity.changed',
        'state.changed',
        'message',
      ]);
      assert.equal(tv.timeline[1]!.message!.body, 'INTERNAL-NOTE: looks like CVE-worthy');
      assert.equal(tv.timeline[1]!.visibility, 'internal');
      assert.equal(tv.timeline[1]!.actor.name, m.user.name);
      assert.equal(tv.timeline[3]!.data.assignee, w.responder.user.name);
      assert.equal(tv.timeline[5]!.actor.name, w.responder.user.name);
      assert.deepEqual(tv.assignee, { id: w.responder.user.id, name: w.responder.user.name });
      assert.equal(tv.timeline[6]!.actor.name, 'Reporter');
    });

    test('a reporter cannot write internal notes or change state', async () => {
      const c = await makeCase(s, w.project.slug);
      await assert.rejects(s.cases.addMessage(c.reporter, { id: c.id }, { body: 'sneaky', internal: true }), {
        code: 'forbidden',
      });
      await assert.rejects(
        s.cases.transition(c.reporter, { id: c.id }, { to: 'closed', resolution: 'spam' }),
        { code: 'forbidden' },
      );
      await assert.rejects(s.cases.addMessage(c.reporter, { id: c.id }, { body: '   ' }), {
        code: 'validation-error',
      });
      assert.deepEqual(types(await team(s, w.maintainer.actor, c.id)), ['report.created']);
    });

    test('needs-info is set by the team and cleared when the reporter replies', async () => {
      const c = await makeCase(s, w.project.slug);
      const m = w.maintainer.actor;
      const v = (await s.cases.update(m, { id: c.id }, { needsInfo: true })) as TeamCaseView;
      assert.equal(v.needsInfo, true);
      assert.equal((await reporter(s, c.reporter, c.id)).needsInfo, true, 'the reporter is told');
      await s.cases.addMessage(m, { id: c.id }, { body: 'Which version exactly?' });
      assert.equal((await team(s, m, c.id)).needsInfo, true, 'a team message does not clear it');
      await s.cases.addMessage(c.reporter, { id: c.id }, { body: 'Version 1.4.2.' });
      const after = await team(s, m, c.id);
      assert.equal(after.needsInfo, false);
      const flags = after.timeline.filter((e) => e.type === 'needs-info.changed');
      assert.deepEqual(
        flags.map((e) => [e.data.value, e.actor.kind]),
        [
          [true, 'user'],
          [false, 'reporter'],
        ],
      );
      await s.cases.update(m, { id: c.id }, { needsInfo: 'true' });
      const closed = await s.cases.transition(m, { id: c.id }, { to: 'closed', resolution: 'informative' });
      assert.equal(closed.needsInfo, false, 'closing clears needs-info');
      await assert.rejects(s.cases.update(m, { id: c.id }, { needsInfo: true }), {
        code: 'validation-error',
      });
      await assert.rejects(s.cases.update(m, { id: c.id }, { needsInfo: 'yes' }), {
        code: 'validation-error',
      });
    });
  });
}
