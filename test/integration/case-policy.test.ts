// A case under a real policy on both dialects: clocks in Berlin across the 2026 DST change and a
// holiday, the needs-info pause, severity changes moving the fix clock, CVSS-derived severity with a
// recorded override, response checklists, and what intake flags (unsupported version, out of scope).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject } from '../helpers/factories.ts';
import { fieldsOf } from '../helpers/expect.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import type { ReporterCaseView, TeamCaseView } from '../../src/services/presenters/case.presenter.ts';

const POLICY = `policyFormat: 1
supportedVersions:
  - range: '>=2.0.0'
    supported: true
  - range: '<2.0.0'
    supported: false
scope:
  outOfScope:
    - id: tuning-help
      title: Help with tuning
      reason: Not a vulnerability; ask on the users list.
      redirect: https://lists.example/users
sla:
  timeZone: Europe/Berlin
  holidays: ['2026-04-03']
  default:
    acknowledge: 48h
    assess: 5bd
  bySeverity:
    high:
      fix: 14d
      disclose: 30d
    critical:
      fix: 7d
      disclose: 14d
checklists:
  - id: ir
    title: Incident response
    items:
      - id: contain
        text: Assess and contain
      - id: notify
        text: Notify affected users
`;

const H = 3_600_000;

for (const dialect of dialects()) {
  describe(`a case under its project's policy (${dialect})`, () => {
    let ts: TestServices;
    const clock = manualClock('2026-03-26T10:00:00.000Z'); // Thu, 11:00 CET
    let slug: string;
    let m: Awaited<ReturnType<typeof makeMember>>;
    before(async () => {
      ts = await createTestServices(dialect, { clock });
      const p = await makeProject(ts.services);
      slug = p.slug;
      m = await makeMember(ts.services, slug, 'maintainer');
      await ts.services.policies.save(m.actor, slug, { source: POLICY });
    });
    after(async () => {
      await ts.close();
    });
    const team = async (id: string) => (await ts.services.cases.get(m.actor, { id })) as TeamCaseView;
    const due = (v: TeamCaseView, clockName: string) => v.deadlines.clocks.find((c) => c.clock === clockName);

    test('clocks follow the policy across DST, a holiday and a needs-info pause', async () => {
      const s = ts.services;
      const c = await makeCase(s, slug, { affectedVersions: '2.1.0' });
      let v = await team(c.id);
      assert.equal(v.deadlines.timeZone, 'Europe/Berlin');
      assert.equal(v.deadlines.policyVersion, 1);
      // 48 hours of elapsed time from Thu 10:00Z.
      assert.equal(due(v, 'acknowledge')!.dueAt, '2026-03-28T10:00:00.000Z');
      assert.equal(due(v, 'acknowledge')!.status, 'on-track');
      const row = () =>
        ts.tdb.handle.db.selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal((await row()).next_due_at, '2026-03-28T10:00:00.000Z', 'inbox sort key');

      clock.advance(22 * H); // Fri 27 Mar 08:00Z = 09:00 CET
      await s.cases.transition(m.actor, { id: c.id }, { to: 'acknowledged' });
      v = await team(c.id);
      assert.equal(due(v, 'acknowledge')!.status, 'met');
      // 5 business days from Fri 09:00 CET: Mon 30 (1), Tue 31 (2), Wed 1 Apr (3), Thu 2 (4), Fri 3 is a
      // holiday, Mon 6 Apr (5) at 09:00 — now CEST (UTC+2), so 07:00Z.
      assert.equal(due(v, 'assess')!.dueAt, '2026-04-06T07:00:00.000Z');

      clock.advance(72 * H); // Mon 30 Mar 08:00Z = 10:00 CEST
      await s.cases.update(m.actor, { id: c.id }, { needsInfo: true });
      clock.advance(24 * H); // Tue 31 Mar 08:00Z
      v = await team(c.id);
      assert.equal(due(v, 'assess')!.paused, true);
      const reporter = (await s.cases.get(c.reporter, { id: c.id })) as ReporterCaseView;
      assert.equal(reporter.deadlines.clocks.find((x) => x.clock === 'assess')!.paused, true);
      await s.cases.addMessage(c.reporter, { id: c.id }, { body: 'Here are the logs you asked for.' });
      v = await team(c.id);
      assert.equal(v.needsInfo, false, 'the reporter answering ends the wait');
      // The wait took exactly one business day (Mon 10:00 → Tue 10:00 CEST), so assess moves a day.
      assert.equal(due(v, 'assess')!.dueAt, '2026-04-07T07:00:00.000Z');
      assert.equal(due(v, 'assess')!.paused, false);
      assert.equal((await row()).next_due_at, '2026-04-07T07:00:00.000Z');

      clock.advance(8 * 24 * H + 2 * H); // Wed 8 Apr 10:00Z: a day after assess was due
      v = await team(c.id);
      assert.equal(due(v, 'assess')!.status, 'overdue');
      await s.cases.transition(m.actor, { id: c.id }, { to: 'triaged', severity: 'high' });
      v = await team(c.id);
      assert.equal(due(v, 'assess')!.status, 'missed');
      // high: fix within 14 calendar days, disclose within 30, same local time.
      assert.equal(due(v, 'fix')!.dueAt, '2026-04-22T10:00:00.000Z');
      assert.equal(due(v, 'disclose')!.dueAt, '2026-05-08T10:00:00.000Z');
      await s.cases.update(m.actor, { id: c.id }, { severity: 'critical' });
      v = await team(c.id);
      assert.equal(due(v, 'fix')!.dueAt, '2026-04-15T10:00:00.000Z', 'critical: 7 days');
      assert.equal(due(v, 'disclose')!.dueAt, '2026-04-22T10:00:00.000Z', 'critical: 14 days');
      assert.equal((await row()).next_due_at, '2026-04-15T10:00:00.000Z');
    });

    test('CVSS sets the severity through the policy mapping; another severity needs a reason', async () => {
      const s = ts.services;
      const c = await makeCase(s, slug);
      const critical = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'; // 9.8
      let v = (await s.cases.update(m.actor, { id: c.id }, { cvss3Vector: critical })) as TeamCaseView;
      assert.equal(v.cvss.v3!.baseScore, 9.8);
      assert.equal(v.severity, 'critical');
      assert.equal(v.cvssSeverity, 'critical');
      assert.ok(v.cvss.v3!.metrics.some((x) => x.key === 'AV' && x.valueName === 'Network'));
      assert.deepEqual(await fieldsOf(s.cases.update(m.actor, { id: c.id }, { severity: 'medium' })), [
        'severityReason',
      ]);
      v = (await s.cases.update(
        m.actor,
        { id: c.id },
        { severity: 'medium', severityReason: 'Only reachable from an admin-only network.' },
      )) as TeamCaseView;
      assert.equal(v.severity, 'medium');
      assert.equal(v.severityReason, 'Only reachable from an admin-only network.');
      const r = (await s.cases.get(c.reporter, { id: c.id })) as ReporterCaseView;
      assert.equal(r.severity, 'medium');
      assert.ok(!r.timeline.some((e) => e.type === 'severity.overridden'), 'the reason stays internal');
      assert.ok(!JSON.stringify(r).includes('admin-only network'));
      assert.deepEqual(
        await fieldsOf(s.cases.update(m.actor, { id: c.id }, { cvss3Vector: 'CVSS:3.1/AV:N' })),
        ['cvss3Vector'],
      );
      assert.deepEqual(await fieldsOf(s.cases.update(m.actor, { id: c.id }, { cvss4Vector: critical })), [
        'cvss4Vector',
      ]);
      const v4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N';
      v = (await s.cases.update(m.actor, { id: c.id }, { cvss4Vector: v4 })) as TeamCaseView;
      assert.equal(v.cvss.v4!.version, '4.0');
      assert.equal(v.severity, v.cvssSeverity, 'a new vector re-derives the severity (4.0 preferred)');
      assert.equal(v.severityReason, null);
    });

    test('the policy checklist is ticked by the team, recorded, and hidden from the reporter', async () => {
      const s = ts.services;
      const c = await makeCase(s, slug);
      const responder = await makeMember(s, slug, 'responder');
      let lists = await s.checklists.tick(
        responder.actor,
        { id: c.id },
        { checklist: 'ir', item: 'contain', checked: true },
      );
      assert.deepEqual(
        lists[0]!.items.map((i) => [i.id, i.checked, i.changedBy]),
        [
          ['contain', true, responder.user.name],
          ['notify', false, null],
        ],
      );
      lists = await s.checklists.tick(
        m.actor,
        { id: c.id },
        { checklist: 'ir', item: 'contain', checked: 'false' },
      );
      assert.equal(lists[0]!.items[0]!.checked, false);
      assert.equal(lists[0]!.items[0]!.changedBy, m.user.name);
      const v = await team(c.id);
      assert.equal(v.checklists[0]!.title, 'Incident response');
      assert.equal(v.timeline.filter((e) => e.type === 'checklist.changed').length, 2);
      await assert.rejects(
        s.checklists.tick(c.reporter, { id: c.id }, { checklist: 'ir', item: 'contain', checked: true }),
        ForbiddenError,
      );
      await assert.rejects(
        s.checklists.tick(m.actor, { id: c.id }, { checklist: 'ir', item: 'nope', checked: true }),
        NotFoundError,
      );
      await assert.rejects(
        s.checklists.tick(m.actor, { id: c.id }, { checklist: 'ir', item: 'notify', checked: 'maybe' }),
        ValidationError,
      );
      const r = (await s.cases.get(c.reporter, { id: c.id })) as ReporterCaseView;
      assert.ok(!r.timeline.some((e) => e.type === 'checklist.changed'));
    });

    test('intake flags an unsupported version and keeps the out-of-scope category the reporter chose', async () => {
      const s = ts.services;
      const old = await makeCase(s, slug, { affectedVersions: 'v1.4.2 on Linux' });
      const cur = await makeCase(s, slug, { affectedVersions: '2.0.1' });
      const vague = await makeCase(s, slug, { affectedVersions: 'the latest one' });
      assert.equal((await team(old.id)).versionStatus, 'unsupported');
      assert.equal((await team(cur.id)).versionStatus, 'supported');
      assert.equal((await team(vague.id)).versionStatus, 'unknown');
      const tuning = await makeCase(s, slug, { scopeCategory: 'tuning-help' });
      assert.deepEqual((await team(tuning.id)).scopeCategory, {
        id: 'tuning-help',
        title: 'Help with tuning',
        reason: 'Not a vulnerability; ask on the users list.',
      });
      assert.equal((await team(cur.id)).scopeCategory, null);
      await assert.rejects(makeCase(s, slug, { scopeCategory: 'nope' }), ValidationError);
    });
  });
}
