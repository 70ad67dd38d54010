// CaseService on both dialects: the inbox (list) and who sees what in it, need-to-know access to
// single cases, and which fields each audience may change.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeWorld, makeCase } from '../helpers/factories.ts';
import { fieldsOf } from '../helpers/expect.ts';
import type { Services } from '../../src/services/index.ts';
import { ANONYMOUS } from '../../src/services/actor.ts';
import type { TeamCaseView, ReporterCaseView } from '../../src/services/presenters/case.presenter.ts';

type World = Awaited<ReturnType<typeof makeWorld>>;

for (const dialect of dialects()) {
  describe(dialect, () => {
    let ts: TestServices;
    let s: Services;
    before(async () => {
      ts = await createTestServices(dialect, { clock: manualClock('2026-04-01T00:00:00.000Z', 1000) });
      s = ts.services;
    });
    after(async () => {
      await ts.close();
    });

    describe('list', () => {
      let w: World;
      let c3: Awaited<ReturnType<typeof makeCase>>;
      const keys = (r: { items: Array<{ key: string }> }) => r.items.map((i) => i.key);
      before(async () => {
        w = await makeWorld(s);
        c3 = await makeCase(s, w.other.slug);
        await s.cases.transition(w.maintainer.actor, { id: w.caseB.id }, { to: 'acknowledged' });
      });

      test("a responder sees only their projects' cases", async () => {
        const r = await s.cases.list(w.responder.actor, {});
        // Nearest deadline first: A waits for acknowledgement (48 h), B for assessment (5 business days).
        assert.deepEqual(keys(r), [w.caseA.key, w.caseB.key]);
        assert.equal(r.total, 2);
        assert.ok(r.items.every((i) => i.project.slug === w.project.slug));
        assert.deepEqual(keys(await s.cases.list(w.outsider.actor, {})), [c3.key]);
      });

      test('an admin sees every project', async () => {
        const r = await s.cases.list(w.admin.actor, { limit: 200 });
        for (const k of [w.caseA.key, w.caseB.key, c3.key]) assert.ok(keys(r).includes(k), k);
        const all = await ts.tdb.handle.db.selectFrom('cases').select('id').execute();
        assert.equal(r.total, all.length);
        assert.deepEqual(keys(await s.cases.list(w.admin.actor, { project: w.other.slug })), [c3.key]);
      });

      test('filters by project, state and order, with limit and offset', async () => {
        const m = w.maintainer.actor;
        assert.deepEqual(keys(await s.cases.list(m, { project: w.project.slug, order: 'newest' })), [
          w.caseB.key,
          w.caseA.key,
        ]);
        assert.deepEqual(keys(await s.cases.list(m, { project: w.project.slug })), [
          w.caseA.key,
          w.caseB.key,
        ]);
        assert.deepEqual(keys(await s.cases.list(m, { order: 'oldest' })), [w.caseA.key, w.caseB.key]);
        assert.deepEqual(keys(await s.cases.list(m, { state: 'new' })), [w.caseA.key]);
        assert.deepEqual(keys(await s.cases.list(m, { state: 'acknowledged' })), [w.caseB.key]);
        assert.deepEqual(keys(await s.cases.list(m, { state: 'new,acknowledged', order: 'oldest' })), [
          w.caseA.key,
          w.caseB.key,
        ]);
        assert.deepEqual(keys(await s.cases.list(m, { state: ['acknowledged'] })), [w.caseB.key]);
        assert.deepEqual(keys(await s.cases.list(m, { state: 'open', order: 'newest' })), [
          w.caseB.key,
          w.caseA.key,
        ]);
        const closed = await s.cases.list(m, { state: 'closed' });
        assert.deepEqual(closed, { items: [], total: 0, totalIsLowerBound: false });
        const page = await s.cases.list(m, { limit: 1, offset: 1, order: 'newest' });
        assert.deepEqual(keys(page), [w.caseA.key]);
        assert.equal(page.total, 2, 'total counts every match, not the page');
        const b = (await s.cases.list(m, { state: 'acknowledged' })).items[0]!;
        assert.equal(b.state, 'acknowledged');
        assert.equal(b.needsInfo, false);
        assert.equal(b.assignee, null);
        assert.deepEqual(b.project, { slug: w.project.slug, name: w.project.name });
      });

      test("a project filter naming a project the user can't see gives an empty list", async () => {
        for (const project of [w.other.slug, 'no-such-project']) {
          assert.deepEqual(
            await s.cases.list(w.responder.actor, { project }),
            { items: [], total: 0, totalIsLowerBound: false },
            project,
          );
        }
        assert.deepEqual(await s.cases.list(w.admin.actor, { project: 'no-such-project' }), {
          items: [],
          total: 0,
          totalIsLowerBound: false,
        });
      });

      test('bad filters are reported together; only signed-in users have an inbox', async () => {
        assert.deepEqual(
          await fieldsOf(
            s.cases.list(w.maintainer.actor, { state: 'bogus', order: 'sideways', limit: 0, offset: -1 }),
          ),
          ['limit', 'offset', 'order', 'state'],
        );
        await assert.rejects(s.cases.list(w.maintainer.actor, { limit: 201 }), { code: 'validation-error' });
        await assert.rejects(s.cases.list(w.maintainer.actor, { limit: 1.5 }), { code: 'validation-error' });
        await assert.rejects(s.cases.list(ANONYMOUS, {}), { code: 'unauthenticated' });
        await assert.rejects(s.cases.list(w.caseA.reporter, {}), { code: 'unauthenticated' });
      });
    });

    describe('access and field changes', () => {
      let w: World;
      before(async () => {
        w = await makeWorld(s);
      });

      test('other reporters, outsiders and anonymous callers get not-found for every operation', async () => {
        const ref = { id: w.caseA.id };
        for (const actor of [w.caseB.reporter, w.outsider.actor, ANONYMOUS]) {
          await assert.rejects(s.cases.get(actor, ref), { code: 'not-found' });
          await assert.rejects(s.cases.get(actor, { key: w.caseA.key }), { code: 'not-found' });
          await assert.rejects(s.cases.transition(actor, ref, { to: 'acknowledged' }), { code: 'not-found' });
          await assert.rejects(s.cases.addMessage(actor, ref, { body: 'hello' }), { code: 'not-found' });
          await assert.rejects(s.cases.update(actor, ref, { title: 'Taken over title' }), {
            code: 'not-found',
          });
          await assert.rejects(s.cases.update(actor, ref, { reporterEmail: 'x@example.org' }), {
            code: 'not-found',
          });
        }
        await assert.rejects(s.cases.get(w.maintainer.actor, { id: 'no-such-id' }), { code: 'not-found' });
        await assert.rejects(s.cases.get(w.maintainer.actor, { key: `${w.project.key}-9999` }), {
          code: 'not-found',
        });
        await assert.rejects(s.cases.get(w.maintainer.actor, {}), { code: 'not-found' });
        const v = (await s.cases.get(w.maintainer.actor, ref)) as TeamCaseView;
        assert.equal(v.state, 'new', 'none of the refused calls changed the case');
        assert.deepEqual(
          v.timeline.map((e) => e.type),
          ['report.created'],
        );
      });

      test('an admin who is not on the team sees the team view; a reporter may use the key', async () => {
        const v = await s.cases.get(w.admin.actor, { key: w.caseA.key });
        assert.equal(v.audience, 'team');
        assert.equal(
          (await s.cases.transition(w.admin.actor, { id: w.caseA.id }, { to: 'acknowledged' })).state,
          'acknowledged',
        );
        assert.equal((await s.cases.get(w.caseA.reporter, { key: w.caseA.key })).audience, 'reporter');
      });

      test('the team changes title, severity, assignee and needs-info only', async () => {
        const m = w.maintainer.actor;
        const ref = { id: w.caseB.id };
        for (const f of [
          'reporterEmail',
          'creditName',
          'creditPreference',
          'state',
          'description',
          'resolution',
          'id',
        ]) {
          assert.deepEqual(await fieldsOf(s.cases.update(m, ref, { [f]: 'x' })), [f]);
        }
        assert.deepEqual(
          await fieldsOf(s.cases.update(m, ref, { title: 'A perfectly fine title', state: 'closed' })),
          ['state'],
        );
        const before = (await s.cases.get(m, ref)) as TeamCaseView;
        assert.equal(before.title, 'Second report: SSRF in webhook', 'a refused update changes nothing');

        const v = (await s.cases.update(m, ref, {
          title: '  SSRF in webhook delivery  ',
          severity: 'high',
          assigneeId: w.responder.user.id,
        })) as TeamCaseView;
        assert.equal(v.title, 'SSRF in webhook delivery');
        assert.equal(v.severity, 'high');
        assert.deepEqual(v.assignee, { id: w.responder.user.id, name: w.responder.user.name });
        const last = v.timeline.slice(-3);
        assert.deepEqual(
          last.map((e) => e.type),
          ['title.changed', 'assignee.changed', 'severity.changed'],
        );
        assert.deepEqual(last[0]!.data, { from: before.title, to: 'SSRF in webhook delivery' });
        const n = v.timeline.length;
        assert.equal(
          ((await s.cases.update(m, ref, { title: 'SSRF in webhook delivery' })) as TeamCaseView).timeline
            .length,
          n,
          'no change, no event',
        );

        assert.deepEqual(await fieldsOf(s.cases.update(m, ref, { title: 'abc' })), ['title']);
        assert.deepEqual(await fieldsOf(s.cases.update(m, ref, { severity: 'urgent' })), ['severity']);
        assert.deepEqual(await fieldsOf(s.cases.update(m, ref, { assigneeId: w.outsider.user.id })), [
          'assigneeId',
        ]);
        assert.deepEqual(await fieldsOf(s.cases.update(m, ref, { assigneeId: 42 })), ['assigneeId']);
        const un = (await s.cases.update(m, ref, { assigneeId: '', severity: '' })) as TeamCaseView;
        assert.equal(un.assignee, null);
        assert.equal(un.severity, null, 'an untriaged case may drop its severity');
        await s.cases.transition(m, ref, { to: 'triaged', severity: 'low' });
        assert.deepEqual(await fieldsOf(s.cases.update(m, ref, { severity: '' })), ['severity']);
      });

      test('the reporter changes contact and credit only', async () => {
        const c = await makeCase(s, w.project.slug);
        const ref = { id: c.id };
        for (const f of ['title', 'severity', 'assigneeId', 'needsInfo', 'state', 'description']) {
          assert.deepEqual(await fieldsOf(s.cases.update(c.reporter, ref, { [f]: 'x' })), [f]);
        }
        assert.deepEqual(await fieldsOf(s.cases.update(c.reporter, ref, { needsInfo: false })), [
          'needsInfo',
        ]);
        const v = (await s.cases.update(c.reporter, ref, {
          reporterEmail: ' New.Address@Example.ORG ',
        })) as ReporterCaseView;
        assert.equal(v.audience, 'reporter');
        assert.equal(v.reporterEmail, 'new.address@example.org');
        assert.deepEqual(
          await fieldsOf(s.cases.update(c.reporter, ref, { reporterEmail: 'not an address' })),
          ['reporterEmail'],
        );
        assert.deepEqual(await fieldsOf(s.cases.update(c.reporter, ref, { reporterEmail: 7 })), [
          'reporterEmail',
        ]);
        assert.equal(
          ((await s.cases.update(c.reporter, ref, { reporterEmail: '' })) as ReporterCaseView).reporterEmail,
          null,
        );

        const named = (await s.cases.update(c.reporter, ref, {
          creditPreference: 'name',
          creditName: ' Jane Doe ',
        })) as ReporterCaseView;
        assert.deepEqual(named.credit, { preference: 'name', name: 'Jane Doe' });
        const anon = (await s.cases.update(c.reporter, ref, {
          creditPreference: 'anonymous',
        })) as ReporterCaseView;
        assert.deepEqual(anon.credit, { preference: 'anonymous', name: null });
        assert.deepEqual(await fieldsOf(s.cases.update(c.reporter, ref, { creditPreference: 'handle' })), [
          'creditName',
        ]);
        assert.deepEqual(await fieldsOf(s.cases.update(c.reporter, ref, { creditPreference: 'everyone' })), [
          'creditPreference',
        ]);
        assert.deepEqual(
          await fieldsOf(
            s.cases.update(c.reporter, ref, { creditPreference: 'name', creditName: 'n'.repeat(101) }),
          ),
          ['creditName'],
        );
        const t = (await s.cases.get(w.maintainer.actor, ref)) as TeamCaseView;
        assert.deepEqual(
          t.timeline.map((e) => e.type),
          ['report.created', 'contact.changed', 'contact.changed', 'credit.changed', 'credit.changed'],
        );
        assert.ok(t.timeline.slice(1).every((e) => e.actor.kind === 'reporter'));
      });
    });
  });
}
