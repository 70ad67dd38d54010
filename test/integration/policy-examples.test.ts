// The five example policies in examples/policies/ enforced on real cases with a fake clock: each is
// saved as a project's policy, a report comes in, and the team moves it along while the test checks
// every due time against the calendar, worked out by hand in the comments (DST changes and holidays
// included). What each example commits to in its SECURITY.md is checked in test/unit/policy-examples.test.ts.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject } from '../helpers/factories.ts';
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';

const H = 3_600_000;
const example = (name: string) => fs.readFileSync(`examples/policies/${name}.yaml`, 'utf8');

for (const dialect of dialects()) {
  describe(`example policies drive clocks (${dialect})`, () => {
    let ts: TestServices;
    const clock = manualClock('2026-01-05T00:00:00.000Z');
    before(async () => {
      ts = await createTestServices(dialect, { clock });
    });
    after(async () => {
      await ts.close();
    });

    /** A project on the example policy, its maintainer, and helpers to read a case's clocks. */
    async function projectOn(name: string) {
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      await s.policies.save(m.actor, p.slug, { source: example(name) });
      const view = async (id: string) => (await s.cases.get(m.actor, { id })) as TeamCaseView;
      const clocks = async (id: string) =>
        Object.fromEntries((await view(id)).deadlines.clocks.map((c) => [c.clock, c]));
      return { s, p, m, view, clocks };
    }
    const setNow = (iso: string) => clock.advance(Date.parse(iso) - clock.peek().getTime());

    test('metal-provisioning (Berlin): 48 h reply, 5 business days over Easter, fix by severity', async () => {
      const { s, p, m, clocks } = await projectOn('metal-provisioning');
      setNow('2026-03-26T10:00:00.000Z'); // Thu, 11:00 CET
      const c = await makeCase(s, p.slug, { affectedVersions: '0.9.3' });
      let k = await clocks(c.id);
      assert.equal(k.acknowledge!.dueAt, '2026-03-28T10:00:00.000Z', '48 hours');
      setNow('2026-03-27T08:00:00.000Z'); // Fri 09:00 CET
      await s.cases.transition(m.actor, { id: c.id }, { to: 'acknowledged' });
      k = await clocks(c.id);
      assert.equal(k.acknowledge!.status, 'met');
      // 5bd from Fri 09:00: Mon 30 (1), Tue 31 (2), Wed 1 Apr (3), Thu 2 (4); Good Friday 3 Apr and
      // Easter Monday 6 Apr are holidays; Tue 7 Apr (5) at 09:00 CEST (DST began 29 Mar) = 07:00Z.
      assert.equal(k.assess!.dueAt, '2026-04-07T07:00:00.000Z');
      setNow('2026-04-03T10:00:00.000Z'); // Good Friday: 4 of 5 business days used → at risk (75 %)
      assert.equal((await clocks(c.id)).assess!.status, 'at-risk');
      setNow('2026-04-08T10:00:00.000Z');
      await s.cases.transition(m.actor, { id: c.id }, { to: 'triaged', severity: 'critical' });
      k = await clocks(c.id);
      assert.equal(k.assess!.status, 'missed', 'assessed a day late');
      assert.equal(k.fix!.dueAt, '2026-04-22T10:00:00.000Z', 'critical: 14 days');
      assert.equal(k.disclose!.dueAt, '2026-07-07T10:00:00.000Z', '90 days, same local time');
      await s.cases.update(m.actor, { id: c.id }, { severity: 'medium' });
      assert.equal((await clocks(c.id)).fix!.dueAt, '2026-06-07T10:00:00.000Z', 'medium: 60 days');
    });

    test('raft-kv (Los Angeles): acknowledge by severity across US DST, Thanksgiving holidays', async () => {
      const { s, p, m, view, clocks } = await projectOn('raft-kv');
      setNow('2026-03-06T17:00:00.000Z'); // Fri 09:00 PST
      const a = await makeCase(s, p.slug, { affectedVersions: '1.2.0' });
      assert.equal((await clocks(a.id)).acknowledge!.dueAt, '2026-03-08T17:00:00.000Z', '48 h unrated');
      await s.cases.update(m.actor, { id: a.id }, { severity: 'medium' });
      // Medium: acknowledge within 3–5 days → 5 calendar days, Wed 11 Mar 09:00 local, now PDT (UTC−7).
      assert.equal((await clocks(a.id)).acknowledge!.dueAt, '2026-03-11T16:00:00.000Z');
      const old = await makeCase(s, p.slug, { affectedVersions: '0.9.2' });
      assert.equal((await view(old.id)).versionStatus, 'unsupported', '< 1.0 is not supported');

      setNow('2026-11-25T17:00:00.000Z'); // Wed 09:00 PST, the day before Thanksgiving
      const b = await makeCase(s, p.slug, { affectedVersions: '1.4.0' });
      setNow('2026-11-26T18:00:00.000Z'); // Thanksgiving 10:00 PST
      await s.cases.transition(m.actor, { id: b.id }, { to: 'acknowledged' });
      // 5bd from a holiday: Thu 26 and Fri 27 Nov are holidays, then a weekend; Mon 30 (1) … Fri 4 Dec
      // (5), due at the end of that day: Sat 5 Dec 00:00 PST = 08:00Z.
      assert.equal((await clocks(b.id)).assess!.dueAt, '2026-12-05T08:00:00.000Z');
      setNow('2026-12-01T18:00:00.000Z');
      await s.cases.transition(m.actor, { id: b.id }, { to: 'triaged', severity: 'critical' });
      const k = await clocks(b.id);
      assert.equal(k.fix!.dueAt, '2026-12-15T18:00:00.000Z', 'critical: fixed within 7–14 days');
      assert.equal(k.fix!.commitment, '7–14 days');
      assert.equal(k.disclose!.dueAt, '2026-12-31T18:00:00.000Z', 'public by day 30');
    });

    test('multicluster-networking (Jerusalem, Sunday–Thursday): DST and Passover', async () => {
      const { s, p, clocks } = await projectOn('multicluster-networking');
      setNow('2026-03-26T08:00:00.000Z'); // Thu 10:00 IST (UTC+2)
      const a = await makeCase(s, p.slug);
      // 2bd: Fri and Sat are the weekend; Sun 29 Mar (1), Mon 30 Mar (2) at 10:00, now IDT (UTC+3).
      assert.equal((await clocks(a.id)).acknowledge!.dueAt, '2026-03-30T07:00:00.000Z');
      setNow('2026-04-01T07:00:00.000Z'); // Wed 10:00 IDT
      const b = await makeCase(s, p.slug);
      // Thu 2 Apr is Passover, Fri/Sat the weekend: Sun 5 Apr (1), Mon 6 Apr (2) at 10:00 IDT.
      assert.equal((await clocks(b.id)).acknowledge!.dueAt, '2026-04-06T07:00:00.000Z');
    });

    test('gitops-toolkit (UTC): 3 business days to acknowledge, needs-info pauses the clock', async () => {
      const { s, p, m, clocks } = await projectOn('gitops-toolkit');
      setNow('2026-03-27T15:00:00.000Z'); // Fri
      const c = await makeCase(s, p.slug);
      // Mon 30 (1), Tue 31 (2), Wed 1 Apr (3) at 15:00.
      assert.equal((await clocks(c.id)).acknowledge!.dueAt, '2026-04-01T15:00:00.000Z');
      setNow('2026-03-30T15:00:00.000Z');
      await s.cases.update(m.actor, { id: c.id }, { needsInfo: true });
      setNow('2026-03-31T15:00:00.000Z');
      await s.cases.update(m.actor, { id: c.id }, { needsInfo: false });
      assert.equal((await clocks(c.id)).acknowledge!.dueAt, '2026-04-02T15:00:00.000Z', 'one day paused');
      await s.cases.transition(m.actor, { id: c.id }, { to: 'triaged', severity: 'high' });
      const k = await clocks(c.id);
      assert.equal(k.fix!.dueAt, '2026-04-30T15:00:00.000Z', 'high: 30 days');
      assert.equal(k.disclose!.dueAt, '2026-05-15T15:00:00.000Z', 'high: 45 days');
    });

    test('kubernetes-controller (UTC): 48 h acknowledgement missed over a weekend; checklist', async () => {
      const { s, p, m, view, clocks } = await projectOn('kubernetes-controller');
      setNow('2026-10-23T12:00:00.000Z'); // Fri
      const c = await makeCase(s, p.slug, { affectedVersions: '1.5.0' });
      clock.advance(40 * H);
      assert.equal((await clocks(c.id)).acknowledge!.status, 'at-risk');
      setNow('2026-10-26T09:00:00.000Z'); // Mon
      assert.equal((await clocks(c.id)).acknowledge!.status, 'overdue');
      await s.cases.transition(m.actor, { id: c.id }, { to: 'acknowledged' });
      const k = await clocks(c.id);
      assert.equal(k.acknowledge!.status, 'missed');
      assert.equal(k.assess!.dueAt, '2026-11-02T09:00:00.000Z', '5 business days');
      const v = await view(c.id);
      assert.deepEqual(
        v.checklists[0]!.items.map((i) => i.id),
        ['assess-contain', 'root-cause', 'fix', 'notify-users', 'prevent-recurrence'],
      );
    });
  });
}
