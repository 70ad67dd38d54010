// CaseService transitions on both dialects: the timeline they write, the times they stamp, races,
// disclosure and duplicates. The rules themselves are unit-tested in test/unit/case-state.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeWorld, makeCase } from '../helpers/factories.ts';
import { teamView as team, reporterView as reporter } from '../helpers/expect.ts';
import type { Services } from '../../src/services/index.ts';

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

    test('transitions write state.changed events, stamp times and record severity changes', async () => {
      const c = await makeCase(s, w.project.slug);
      const r = w.responder.actor;
      const v1 = await s.cases.transition(r, { id: c.id }, { to: 'acknowledged' });
      assert.equal(v1.state, 'acknowledged');
      assert.ok(v1.acknowledgedAt);
      assert.equal(v1.triagedAt, null);
      const ack = v1.acknowledgedAt;

      await assert.rejects(
        s.cases.transition(r, { id: c.id }, { to: 'triaged' }),
        { code: 'validation-error' },
        'triage needs a severity',
      );
      const v2 = await s.cases.transition(r, { id: c.id }, { to: 'triaged', severity: 'medium' });
      assert.equal(v2.severity, 'medium');
      assert.ok(v2.triagedAt && v2.triagedAt > ack!);
      assert.equal(v2.acknowledgedAt, ack, 'stamps are not overwritten');
      const v3 = await s.cases.transition(r, { id: c.id }, { to: 'fixing', severity: 'critical' });
      const v4 = await s.cases.transition(r, { id: c.id }, { to: 'fixed' });
      assert.ok(v4.fixedAt);
      await assert.rejects(s.cases.transition(r, { id: c.id }, { to: 'new' }), {
        code: 'invalid-transition',
      });
      await assert.rejects(s.cases.transition(r, { id: c.id }, { to: 'bogus' }), {
        code: 'validation-error',
      });
      await assert.rejects(s.cases.transition(r, { id: c.id }, { to: 'closed', resolution: 'wontfix' }), {
        code: 'validation-error',
      });
      const v5 = await s.cases.transition(r, { id: c.id }, { to: 'closed', resolution: 'fixed' });
      assert.equal(v5.resolution, 'fixed');
      assert.ok(v5.closedAt);
      assert.deepEqual(v5.allowedTransitions, ['acknowledged']);
      const v6 = await s.cases.transition(r, { id: c.id }, { to: 'acknowledged' });
      assert.equal(v6.resolution, null);
      assert.equal(v6.closedAt, null);
      assert.equal(v6.acknowledgedAt, ack);
      assert.equal(v3.severity, 'critical');

      const changes = v6.timeline.filter((e) => e.type === 'state.changed').map((e) => e.data);
      assert.deepEqual(changes, [
        { from: 'new', to: 'acknowledged' },
        { from: 'acknowledged', to: 'triaged' },
        { from: 'triaged', to: 'fixing' },
        { from: 'fixing', to: 'fixed' },
        { from: 'fixed', to: 'closed', resolution: 'fixed' },
        { from: 'closed', to: 'acknowledged' },
      ]);
      assert.deepEqual(
        v6.timeline.filter((e) => e.type === 'severity.changed').map((e) => e.data),
        [
          { from: null, to: 'medium' },
          { from: 'medium', to: 'critical' },
        ],
      );
      const rv = await reporter(s, c.reporter, c.id);
      assert.equal(
        rv.timeline.filter((e) => e.type === 'state.changed').length,
        6,
        'the reporter sees state changes',
      );
    });

    test('concurrent transitions from one state: one wins, the other is a conflict, the timeline stays true', async () => {
      const c = await makeCase(s, w.project.slug);
      const results = await Promise.allSettled([
        s.cases.transition(w.maintainer.actor, { id: c.id }, { to: 'acknowledged' }),
        s.cases.transition(w.responder.actor, { id: c.id }, { to: 'closed', resolution: 'spam' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(won.length, 1, 'exactly one transition applies');
      assert.equal(lost.length, 1);
      assert.equal((lost[0]!.reason as { code: string }).code, 'conflict');
      const v = await team(s, w.maintainer.actor, c.id);
      const changes = v.timeline.filter((e) => e.type === 'state.changed').map((e) => e.data);
      assert.equal(changes.length, 1);
      assert.equal(changes[0]!.to, v.state);
      assert.equal(v.closedAt !== null, v.state === 'closed');
    });

    test('disclosure is final; duplicates name another case of the same project', async () => {
      const c = await makeCase(s, w.project.slug);
      const r = w.responder.actor;
      await s.cases.transition(r, { id: c.id }, { to: 'triaged', severity: 'low' });
      await s.cases.transition(r, { id: c.id }, { to: 'fixed' });
      const d = await s.cases.transition(r, { id: c.id }, { to: 'disclosed' });
      assert.ok(d.disclosedAt);
      assert.deepEqual(d.allowedTransitions, []);
      await assert.rejects(s.cases.transition(r, { id: c.id }, { to: 'closed', resolution: 'fixed' }), {
        code: 'invalid-transition',
      });

      const dup = await makeCase(s, w.project.slug);
      const foreign = await makeCase(s, w.other.slug);
      for (const bad of [dup.key, foreign.key, `${w.project.key}-99999`]) {
        await assert.rejects(
          s.cases.transition(r, { id: dup.id }, { to: 'closed', resolution: 'duplicate', duplicateOf: bad }),
          { code: 'validation-error' },
          bad,
        );
      }
      await assert.rejects(s.cases.transition(r, { id: dup.id }, { to: 'closed', resolution: 'duplicate' }), {
        code: 'validation-error',
      });
      const closed = await s.cases.transition(
        r,
        { id: dup.id },
        { to: 'closed', resolution: 'duplicate', duplicateOf: w.caseA.key.toLowerCase() },
      );
      assert.equal(closed.duplicateOf, w.caseA.key);
      const reopened = await s.cases.transition(r, { id: dup.id }, { to: 'acknowledged' });
      assert.equal(reopened.duplicateOf, null);
    });
  });
}
