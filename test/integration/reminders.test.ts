// Deadline reminders and the daily digest on both dialects, with a hand-moved clock and the default
// policy (acknowledge 48h, initial assessment 5 business days Mon–Fri in UTC, at risk from 75 % of the
// time used): who is told, how often, what the timeline and the outbox record, what a paused clock does,
// and that the job runner's scheduled jobs reach these services.
import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject, makeUser } from '../helpers/factories.ts';
import { teamView, reporterView, eventTypes } from '../helpers/expect.ts';
import type { Services } from '../../src/services/index.ts';
import type { Dialect } from '../../src/storage/db.ts';
import { createJobRunner } from '../../src/jobs/index.ts';
import { silentLogger } from '../../src/jobs/job.types.ts';

// Monday 2 March 2026, 09:00 UTC: a business day, so the weekend comes after the first few days.
const T0 = '2026-03-02T09:00:00.000Z';
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

// The default policy's acknowledge clock: 48 real hours; at risk once 75 % of it is used.
const ACK_DUE = at(48 * HOUR);
const ACK_AT_RISK_AFTER = 0.75 * 48 * HOUR; // 36 h

/** A fresh database with a clock at T0: project P (maintainer, responder), project Q (one responder). */
async function setup(t: TestContext, dialect: Dialect) {
  const clock = manualClock(T0, 0);
  const ts = await createTestServices(dialect, { clock });
  t.after(() => ts.close());
  const s = ts.services;
  const p = await makeProject(s, { name: 'Project Parsec' });
  const q = await makeProject(s, { name: 'Project Quasar' });
  const maintainer = await makeMember(s, p.slug, 'maintainer');
  const responder = await makeMember(s, p.slug, 'responder');
  const other = await makeMember(s, q.slug, 'responder');
  const admin = await makeUser(s, { admin: true });
  return { clock, ts, s, db: ts.tdb.handle.db, p, q, maintainer, responder, other, admin };
}
type Setup = Awaited<ReturnType<typeof setup>>;

const noticesOf = (w: Setup, caseId: string) =>
  w.db.selectFrom('notifications').selectAll().where('case_id', '=', caseId).orderBy('user_id').execute();
const noticesFor = (w: Setup, userId: string) =>
  w.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).execute();
// The reminders' mail only: a case also queues other mail (new report, assignment; see case-notifier).
const outboxOf = (w: Setup, caseId: string) =>
  w.db
    .selectFrom('outbox')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('kind', 'like', 'clock.%')
    .orderBy('recipient_user_id')
    .execute();
const eventsOf = (w: Setup, caseId: string, type: string) =>
  w.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('type', '=', type).execute();
const nextDueOf = async (w: Setup, caseId: string) =>
  (await w.db.selectFrom('cases').select('next_due_at').where('id', '=', caseId).executeTakeFirstOrThrow())
    .next_due_at;
const sorted = (xs: string[]) => [...xs].sort();

async function scan(s: Services) {
  return (await s.reminders.scanDeadlines()).noticesRaised;
}

for (const dialect of dialects()) {
  describe(`SLA reminders (${dialect})`, () => {
    test('an unassigned case at 75 % of its acknowledge time warns its whole team once, then once more when overdue', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug, { title: 'Heap overflow in the parser' });
      const team = sorted([w.maintainer.user.id, w.responder.user.id]);

      w.clock.advance(ACK_AT_RISK_AFTER - MIN);
      // Q's case arrives late, so its own clock is far from at risk throughout this test.
      await makeCase(w.s, w.q.slug, { title: 'Quasar report' });
      assert.equal(await scan(w.s), 0, 'one minute before 36 h the clock is still on track');
      assert.equal((await noticesOf(w, c.id)).length, 0);

      w.clock.advance(MIN); // exactly 36 h: 75 % used, at risk
      assert.equal(await scan(w.s), 2);
      const first = await noticesOf(w, c.id);
      assert.deepEqual(sorted(first.map((n) => n.user_id)), team, 'one notice per member of P');
      const key = `clock:${c.id}:acknowledge:at-risk:${ACK_DUE}`;
      for (const n of first) {
        assert.equal(n.kind, 'clock.at-risk');
        assert.equal(n.title, `${c.key}: Acknowledge due soon`);
        assert.equal(
          n.body,
          `Acknowledge for “Heap overflow in the parser” is due at ${ACK_DUE} (75% of the time used).`,
        );
        assert.equal(n.link, `/cases/${c.key}`);
        assert.equal(n.dedupe_key, key);
        assert.equal(n.read_at, null);
      }
      assert.equal((await noticesFor(w, w.other.user.id)).length, 0, "Q's member hears nothing about P");
      assert.equal((await noticesFor(w, w.admin.user.id)).length, 0, 'an admin off the team is not told');

      assert.equal(await scan(w.s), 0, 'scanning again raises nothing new');
      w.clock.advance(HOUR);
      assert.equal(await scan(w.s), 0, 'still at risk an hour later: still nothing new');
      assert.equal((await noticesOf(w, c.id)).length, 2);

      // The e-mails wait in the outbox, one per notice.
      const mails = await outboxOf(w, c.id);
      assert.deepEqual(sorted(mails.map((m) => m.recipient_user_id!)), team);
      const emails = new Map([
        [w.maintainer.user.id, w.maintainer.email],
        [w.responder.user.id, w.responder.email],
      ]);
      for (const m of mails) {
        assert.equal(m.channel, 'email');
        assert.equal(m.status, 'pending');
        assert.equal(m.kind, 'clock.at-risk');
        assert.equal(m.subject, `${c.key}: Acknowledge due soon`);
        assert.equal(m.recipient_address, emails.get(m.recipient_user_id!));
        assert.equal(m.dedupe_key, `email:${m.recipient_user_id}:${key}`);
        assert.ok(m.body.includes(`http://localhost:8080/cases/${c.key}`), 'the mail links to the case');
      }

      // Running exactly at its due instant a clock is not yet overdue; one millisecond later it is.
      w.clock.advance(Date.parse(ACK_DUE) - w.clock.peek().getTime());
      assert.equal(await scan(w.s), 0);
      w.clock.advance(1);
      assert.equal(await scan(w.s), 2);
      assert.equal(await scan(w.s), 0);
      const overdue = (await noticesOf(w, c.id)).filter((n) => n.kind === 'clock.overdue');
      assert.deepEqual(sorted(overdue.map((n) => n.user_id)), team);
      for (const n of overdue) {
        assert.equal(n.title, `${c.key}: Acknowledge overdue`);
        assert.equal(n.body, `Acknowledge for “Heap overflow in the parser” was due at ${ACK_DUE}.`);
        assert.equal(n.dedupe_key, `clock:${c.id}:acknowledge:overdue:${ACK_DUE}`);
      }
      const overdueMails = (await outboxOf(w, c.id)).filter((m) => m.kind === 'clock.overdue');
      assert.equal(overdueMails.length, 2);
      assert.ok(overdueMails.every((m) => m.channel === 'email' && m.status === 'pending'));
      assert.equal((await noticesFor(w, w.other.user.id)).length, 0);

      // The timeline records each reminder once, internal, by the system.
      for (const [type, atMs] of [
        ['clock.at-risk', ACK_AT_RISK_AFTER],
        ['clock.overdue', 48 * HOUR + 1],
      ] as const) {
        const events = await eventsOf(w, c.id, type);
        assert.equal(events.length, 1, `${type} once`);
        assert.equal(events[0]!.visibility, 'internal');
        assert.equal(events[0]!.actor_kind, 'system');
        assert.equal(events[0]!.at, at(atMs));
        assert.deepEqual(JSON.parse(events[0]!.data), { clock: 'acknowledge', dueAt: ACK_DUE, notified: 2 });
      }
      const tv = await teamView(w.s, w.maintainer.actor, c.id);
      assert.deepEqual(eventTypes(tv), ['report.created', 'clock.at-risk', 'clock.overdue']);
      const rv = await reporterView(w.s, c.reporter, c.id);
      assert.deepEqual(eventTypes(rv), ['report.created'], 'the reporter never sees reminders');
      assert.ok(!JSON.stringify(rv).includes('clock.'));
    });

    test('an assigned case warns only its assignee', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug);
      await w.s.cases.update(w.maintainer.actor, { id: c.id }, { assigneeId: w.responder.user.id });
      w.clock.advance(ACK_AT_RISK_AFTER + MIN);
      assert.equal(await scan(w.s), 1);
      const notices = await noticesOf(w, c.id);
      assert.deepEqual(
        notices.map((n) => [n.user_id, n.kind]),
        [[w.responder.user.id, 'clock.at-risk']],
      );
      assert.equal((await noticesFor(w, w.maintainer.user.id)).length, 0);
      assert.deepEqual(
        (await outboxOf(w, c.id)).map((m) => m.recipient_user_id),
        [w.responder.user.id],
      );
      const [event] = await eventsOf(w, c.id, 'clock.at-risk');
      assert.equal(JSON.parse(event!.data).notified, 1);
    });

    test('an assignee who has left the team is not told about the case; the remaining team is', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug);
      await w.s.cases.update(w.maintainer.actor, { id: c.id }, { assigneeId: w.responder.user.id });
      await w.s.projects.removeMember(w.maintainer.actor, w.p.slug, w.responder.user.id);
      w.clock.advance(ACK_AT_RISK_AFTER + MIN);
      await scan(w.s);
      assert.equal((await noticesFor(w, w.responder.user.id)).length, 0, 'no longer on the team');
      assert.equal(
        (
          await w.db
            .selectFrom('outbox')
            .select('id')
            .where('recipient_user_id', '=', w.responder.user.id)
            // The "assigned to you" mail went out while they were still on the team.
            .where('kind', 'like', 'clock.%')
            .execute()
        ).length,
        0,
      );
      assert.deepEqual(
        (await noticesOf(w, c.id)).map((n) => n.user_id),
        [w.maintainer.user.id],
      );
      const v = (await w.s.cases.get(w.maintainer.actor, { id: c.id })) as { assignee: unknown };
      assert.equal(v.assignee, null, 'leaving the team unassigns their cases');
    });

    test('acknowledging stops the acknowledge clock; the assessment clock then runs in business days', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug);
      w.clock.advance(37 * HOUR); // Tue 3 Mar 22:00, at risk
      assert.equal(await scan(w.s), 2);
      await w.s.cases.transition(w.responder.actor, { id: c.id }, { to: 'acknowledged' });

      // Assessment: 5 business days from Tue 22:00 = 120 business hours: Tue 2 + Wed 24 + Thu 24 + Fri 24
      // (74), the weekend counts nothing, Mon 24 (98), Tue 22 → due Tue 10 Mar 22:00. At risk after
      // 75 % = 90 business hours: 74 by Friday's end, 16 more on Monday → Mon 9 Mar 16:00.
      const assessDue = '2026-03-10T22:00:00.000Z';
      const assessAtRisk = Date.parse('2026-03-09T16:00:00.000Z');
      assert.equal(await nextDueOf(w, c.id), assessDue, 'the inbox now sorts by the assessment');

      w.clock.advance(12 * HOUR); // past the acknowledge due time (T0 + 48 h) — but it stopped in time
      assert.equal(await scan(w.s), 0);
      assert.equal((await noticesOf(w, c.id)).filter((n) => n.kind === 'clock.overdue').length, 0);

      w.clock.advance(assessAtRisk - MIN - w.clock.peek().getTime());
      assert.equal(await scan(w.s), 0, 'on track one minute before Monday 16:00');
      w.clock.advance(MIN);
      assert.equal(await scan(w.s), 2);
      const assess = (await noticesOf(w, c.id)).filter((n) => n.dedupe_key.includes(':assess:'));
      assert.deepEqual(
        sorted(assess.map((n) => n.user_id)),
        sorted([w.maintainer.user.id, w.responder.user.id]),
      );
      for (const n of assess) {
        assert.equal(n.kind, 'clock.at-risk');
        assert.equal(n.title, `${c.key}: Initial assessment due soon`);
        assert.equal(n.dedupe_key, `clock:${c.id}:assess:at-risk:${assessDue}`);
      }
      const acknowledge = (await noticesOf(w, c.id)).filter((n) => n.dedupe_key.includes(':acknowledge:'));
      assert.equal(acknowledge.length, 2, 'only the at-risk notices from before the acknowledgement');
      const events = await eventsOf(w, c.id, 'clock.at-risk');
      assert.deepEqual(
        events.map((e) => JSON.parse(e.data).clock),
        ['acknowledge', 'assess'],
      );
    });

    test('a clock paused by needs-info raises nothing; the notice comes once the reporter answers', async (t) => {
      const w = await setup(t, dialect);
      const waiting = await makeCase(w.s, w.p.slug, { title: 'Asked at 40 hours' });
      const late = await makeCase(w.s, w.p.slug, { title: 'Asked after the due time' });
      w.clock.advance(40 * HOUR); // at risk (83 %), but nobody has scanned yet
      await w.s.cases.update(w.maintainer.actor, { id: waiting.id }, { needsInfo: true });
      w.clock.advance(10 * HOUR); // T0 + 50 h: `late` is overdue when its pause begins
      await w.s.cases.update(w.maintainer.actor, { id: late.id }, { needsInfo: true });
      w.clock.advance(50 * HOUR); // T0 + 100 h
      assert.equal(await scan(w.s), 0, 'an at-risk and an overdue clock, both paused: no notice');
      assert.equal((await noticesOf(w, waiting.id)).length, 0);
      assert.equal((await noticesOf(w, late.id)).length, 0);
      assert.equal((await eventsOf(w, waiting.id, 'clock.at-risk')).length, 0);
      assert.equal((await eventsOf(w, late.id, 'clock.overdue')).length, 0);

      // The reporter answers at T0 + 100 h: the 60 h pause moves the due time to T0 + 48 h + 60 h, and
      // 40 of the 48 hours are used (83 %): at risk, now with the team able to act.
      await w.s.cases.addMessage(waiting.reporter, { id: waiting.id }, { body: 'Here is the crash log.' });
      assert.equal(await scan(w.s), 2);
      const due = at(108 * HOUR);
      const notices = await noticesOf(w, waiting.id);
      assert.equal(notices.length, 2);
      for (const n of notices) {
        assert.equal(n.kind, 'clock.at-risk');
        assert.equal(n.dedupe_key, `clock:${waiting.id}:acknowledge:at-risk:${due}`);
        assert.match(n.body, /\(83% of the time used\)/);
      }
      assert.equal((await noticesOf(w, late.id)).length, 0, 'still waiting for its reporter');
    });

    test('the scan refreshes the inbox sort key, including a paused clock’s moving due time', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug);
      const paused = await makeCase(w.s, w.p.slug);
      assert.equal(await nextDueOf(w, c.id), ACK_DUE);
      await w.db.updateTable('cases').set({ next_due_at: null }).where('id', '=', c.id).execute();
      w.clock.advance(10 * HOUR);
      await w.s.cases.update(w.maintainer.actor, { id: paused.id }, { needsInfo: true });
      assert.equal(await nextDueOf(w, paused.id), ACK_DUE, 'a pause that just began has moved nothing yet');
      w.clock.advance(10 * HOUR); // T0 + 20 h, paused for 10 h
      const r = await w.s.reminders.scanDeadlines();
      assert.deepEqual(r, { casesChecked: 2, noticesRaised: 0 });
      assert.equal(await nextDueOf(w, c.id), ACK_DUE, 'the cleared key is computed again: T0 + 48 h');
      assert.equal(await nextDueOf(w, paused.id), at(58 * HOUR), 'T0 + 48 h + 10 h paused');
    });
  });

  describe(`daily digest (${dialect})`, () => {
    test('one digest per member a day, listing new and urgent cases; quiet projects get none', async (t) => {
      const w = await setup(t, dialect);
      const fresh = await makeCase(w.s, w.p.slug, { title: 'Fresh report for the digest' });
      const handled = await makeCase(w.s, w.p.slug, { title: 'Already acknowledged one' });
      await w.s.cases.transition(w.maintainer.actor, { id: handled.id }, { to: 'acknowledged' });
      // Q's only case is acknowledged and its assessment clock on track: nothing to report.
      const quiet = await makeCase(w.s, w.q.slug, { title: 'Quiet quasar case' });
      await w.s.cases.transition(w.other.actor, { id: quiet.id }, { to: 'acknowledged' });

      w.clock.advance(HOUR);
      assert.deepEqual(await w.s.reminders.dailyDigest(), { digests: 2 });
      const digestsOf = async (userId: string) =>
        (await noticesFor(w, userId)).filter((n) => n.kind === 'digest.daily');
      for (const m of [w.maintainer, w.responder]) {
        const [d, ...more] = await digestsOf(m.user.id);
        assert.equal(more.length, 0);
        assert.equal(d!.title, 'Parley daily digest, 2026-03-02');
        assert.equal(d!.link, '/inbox');
        assert.equal(d!.case_id, null);
        assert.equal(d!.dedupe_key, 'digest:2026-03-02');
        assert.equal(
          d!.body,
          `Open cases that need attention:\nProject Parsec:\n- ${fresh.key} Fresh report for the digest (new)`,
        );
        const mail = await w.db
          .selectFrom('outbox')
          .selectAll()
          .where('recipient_user_id', '=', m.user.id)
          .where('kind', '=', 'digest.daily')
          .execute();
        assert.equal(mail.length, 1);
        assert.equal(mail[0]!.channel, 'email');
        assert.equal(mail[0]!.status, 'pending');
      }
      assert.equal((await digestsOf(w.other.user.id)).length, 0, 'nothing to report in Q');
      assert.equal((await digestsOf(w.admin.user.id)).length, 0, 'not on any team');

      w.clock.advance(12 * HOUR); // 22:00, the same UTC day
      assert.deepEqual(await w.s.reminders.dailyDigest(), { digests: 0 });
      assert.equal((await digestsOf(w.maintainer.user.id)).length, 1);

      // Two days later (Wed 4 Mar 22:00): `fresh` is still new and now overdue (due Wed 09:00). The
      // acknowledged one's assessment (5 bd from Mon 09:00) has used Mon 15 h + Tue 24 h + Wed 22 h = 61 of
      // 120 business hours (51 %): on track, so it is still not listed. Q's case likewise.
      w.clock.advance(2 * 24 * HOUR);
      assert.deepEqual(await w.s.reminders.dailyDigest(), { digests: 2 });
      const [, latest] = (await digestsOf(w.responder.user.id)).sort((a, b) =>
        a.created_at.localeCompare(b.created_at),
      );
      assert.equal(latest!.title, 'Parley daily digest, 2026-03-04');
      assert.equal(
        latest!.body,
        `Open cases that need attention:\nProject Parsec:\n- ${fresh.key} Fresh report for the digest (new; Acknowledge overdue)`,
      );
      assert.equal((await digestsOf(w.other.user.id)).length, 0);
    });

    test('a member of two busy projects gets one digest with both', async (t) => {
      const w = await setup(t, dialect);
      const both = await makeMember(w.s, w.q.slug, 'responder');
      await w.s.projects.addMemberAsSystem(w.p.slug, both.email, 'responder');
      const a = await makeCase(w.s, w.p.slug, { title: 'Parsec case' });
      const b = await makeCase(w.s, w.q.slug, { title: 'Quasar case' });
      w.clock.advance(HOUR);
      // P's maintainer and responder, Q's responder, and the member of both: four digests.
      assert.deepEqual(await w.s.reminders.dailyDigest(), { digests: 4 });
      const [d, ...more] = await noticesFor(w, both.user.id);
      assert.equal(more.length, 0);
      // Projects in the order the digest reads them (listProjects); each lists its own cases only.
      const parsec = `Project Parsec:\n- ${a.key} Parsec case (new)`;
      const quasar = `Project Quasar:\n- ${b.key} Quasar case (new)`;
      assert.ok(d!.body.includes(parsec) && d!.body.includes(quasar), d!.body);
      const [o] = await noticesFor(w, w.other.user.id);
      assert.equal(o!.body, `Open cases that need attention:\n${quasar}`);
    });
  });

  describe(`jobs wired to the reminder service (${dialect})`, () => {
    test('runDueOnce enqueues the due schedule ticks and their jobs raise notices and digests', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug);
      w.clock.advance(ACK_AT_RISK_AFTER + 2 * MIN); // Tue 3 Mar 21:02
      const runner = createJobRunner(
        { handle: w.ts.tdb.handle, services: w.s, secret: w.s.deps.secret, close: async () => {} },
        silentLogger,
      );
      // The latest ticks at or before now: sla.reminders at 21:00 (every 5 min), digest.daily at 07:00,
      // the advisory publisher's (every minute) at 21:02, the party reminders' (hourly at :17) at 20:17;
      // plus the new report's notification job.
      const summary = await runner.runDueOnce();
      assert.deepEqual(summary, { ran: 5, done: 5, retried: 0, dead: 0 });
      const jobs = await w.db.selectFrom('jobs').selectAll().orderBy('kind').execute();
      assert.deepEqual(
        jobs.map((j) => [j.kind, j.status, j.unique_key]),
        [
          ['advisories.publish-due', 'done', 'advisories.publish-due@2026-03-03T21:02:00.000Z'],
          ['case.notify-created', 'done', `case.notify-created:${c.id}`],
          ['digest.daily', 'done', 'digest.daily@2026-03-03T07:00:00.000Z'],
          ['parties.remind', 'done', 'parties.remind@2026-03-03T20:17:00.000Z'],
          ['sla.reminders', 'done', 'sla.reminders@2026-03-03T21:00:00.000Z'],
        ],
      );
      const notices = await noticesOf(w, c.id);
      assert.deepEqual(
        notices.map((n) => n.kind),
        ['clock.at-risk', 'clock.at-risk'],
      );
      for (const m of [w.maintainer, w.responder]) {
        const digests = (await noticesFor(w, m.user.id)).filter((n) => n.kind === 'digest.daily');
        assert.equal(digests.length, 1);
        assert.equal(digests[0]!.dedupe_key, 'digest:2026-03-03');
      }

      // Nothing new is due until the next tick: at 21:05 the reminder scan and the advisory publisher.
      assert.equal((await runner.runDueOnce()).ran, 0);
      w.clock.advance(3 * MIN); // 21:05
      assert.deepEqual(await runner.runDueOnce(), { ran: 2, done: 2, retried: 0, dead: 0 });
      assert.equal((await noticesOf(w, c.id)).length, 2, 'the repeated scan raised nothing new');
    });
  });
}
