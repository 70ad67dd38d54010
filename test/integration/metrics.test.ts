// Disclosure metrics on both dialects. The service: six cases of one project taken through their
// lifecycle on a hand-moved clock, with every median, percentile, SLA tally and open-case count worked
// out below from the default policy (acknowledge 48h, assess 5 business days Mon–Fri UTC, fix 14d for
// critical and 30d for high, disclose 90d, at risk from 75 %) and the definitions in src/domain/metrics.ts
// (nearest-rank percentiles, compliance = met / (met + missed)). Who may see which numbers. The pages:
// HTML with SVG charts and no inline styles, the same numbers as JSON, and a CSV table.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { makeCase, makeMember, makeProject, makeUser, PASSWORD } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { ANONYMOUS } from '../../src/services/actor.ts';
import type { Compliance, DurationStats, Metrics } from '../../src/domain/metrics.ts';

const HOUR = 3_600_000;
// Monday 2 March 2026, 09:00 UTC.
const T0 = '2026-03-02T09:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * HOUR).toISOString();

const stats = (count: number, medianHours: number | null, p90Hours: number | null): DurationStats => ({
  count,
  medianHours,
  p90Hours,
});
const none = stats(0, null, null);
const compliance = (
  c: Partial<{ met: number; missed: number; onTrack: number; atRisk: number; overdue: number }>,
): Compliance => {
  const met = c.met ?? 0;
  const missed = c.missed ?? 0;
  return {
    met,
    missed,
    open: { onTrack: c.onTrack ?? 0, atRisk: c.atRisk ?? 0, overdue: c.overdue ?? 0 },
    complianceRate: met + missed ? met / (met + missed) : null,
  };
};
const nothing = compliance({});

for (const dialect of dialects()) {
  describe(`metrics service (${dialect})`, () => {
    let ts: TestServices;
    const clock = manualClock(T0, 0);
    const moveTo = (hours: number) => clock.advance(Date.parse(at(hours)) - clock.peek().getTime());
    let w: Awaited<ReturnType<typeof build>>;

    async function build() {
      const s = ts.services;
      const p = await makeProject(s, { name: 'Metered' });
      const q = await makeProject(s, { name: 'Elsewhere' });
      const maintainer = await makeMember(s, p.slug, 'maintainer');
      const responder = await makeMember(s, p.slug, 'responder');
      const outsider = await makeMember(s, q.slug, 'responder');
      const admin = await makeUser(s, { admin: true });
      const loner = await makeUser(s);
      const r = responder.actor;
      const go = (id: string, body: Record<string, unknown>) => s.cases.transition(r, { id }, body);

      // The story, in clock order (hours after T0, Mon 09:00):
      const c1 = await makeCase(s, p.slug); //              0: received
      moveTo(1);
      const c2 = await makeCase(s, p.slug); //              1: received
      moveTo(2);
      await makeCase(s, p.slug); //                         2: c3 received, never acknowledged
      moveTo(3);
      const c4 = await makeCase(s, p.slug); //              3: received
      await makeCase(s, q.slug); //                         3: Q's only case, stays new
      moveTo(4);
      const c5 = await makeCase(s, p.slug); //              4: received
      moveTo(5);
      await go(c4.id, { to: 'closed', resolution: 'spam' }); // 5: closed unacknowledged
      moveTo(10);
      await go(c1.id, { to: 'acknowledged' }); //           10: after 10 h
      moveTo(31);
      await go(c2.id, { to: 'acknowledged' }); //           31: after 30 h
      moveTo(55);
      await go(c2.id, { to: 'triaged', severity: 'critical' }); // 55: assessed in 24 h
      moveTo(58);
      await go(c1.id, { to: 'triaged', severity: 'high' }); // 58: assessed in 2 days
      moveTo(60);
      await go(c5.id, { to: 'acknowledged' }); //           60: after 56 h, late
      moveTo(100);
      await go(c2.id, { to: 'fixing' }); //                 100
      moveTo(178);
      await go(c1.id, { to: 'fixing' });
      await go(c1.id, { to: 'fixed' }); //                  178: fixed 120 h after triage
      moveTo(190);
      await makeCase(s, p.slug); //                         190: c6 received (Tue 10 Mar 07:00)
      moveTo(200); //                                       now: Tue 10 Mar 17:00
      return { s, p, q, maintainer, responder, outsider, admin, loner, reporter: c1.reporter };
    }

    before(async () => {
      ts = await createTestServices(dialect, { clock });
      w = await build();
    });
    after(() => ts.close());

    test("a project's numbers, worked out by hand", async () => {
      const report = await w.s.metrics.forProject(w.maintainer.actor, w.p.slug);
      assert.deepEqual(report.scope, { kind: 'project', slug: w.p.slug, name: 'Metered' });
      // Spans: acknowledge c1 10 h, c2 30 h, c5 56 h; assess c2 24 h, c1 48 h; fix c1 120 h.
      // Nearest rank: median of 3 is the 2nd value, p90 of 3 the 3rd (ceil 2.7); of 2: the 1st and 2nd.
      // Clocks at T0 + 200 h:
      // - acknowledge: c1, c2 met; c4 met (stopped by closing after 2 h); c5 missed (56 h > 48 h);
      //   c3 overdue (due T0 + 50 h); c6 on track (10 of 48 h).
      // - assess (5 bd): c1, c2 met; c5 from Wed 21:00 has used Wed 3 + Thu 24 + Fri 24 + Mon 24 + Tue 17 =
      //   92 of 120 business hours = 77 % ≥ 75 %: at risk. Unacknowledged cases have no assess clock.
      // - fix: c1 met (120 h of 30 d); c2 (critical, 14 d from T0 + 55 h) has used 145 of 336 h: on track.
      // - disclose (90 d from triage): c1, c2 on track.
      const expected: Metrics = {
        generatedAt: at(200),
        caseCount: 6,
        timeTo: {
          acknowledge: {
            overall: stats(3, 30, 56),
            bySeverity: {
              critical: stats(1, 30, 30),
              high: stats(1, 10, 10),
              medium: none,
              low: none,
              unrated: stats(1, 56, 56),
            },
          },
          assess: {
            overall: stats(2, 24, 48),
            bySeverity: {
              critical: stats(1, 24, 24),
              high: stats(1, 48, 48),
              medium: none,
              low: none,
              unrated: none,
            },
          },
          fix: {
            overall: stats(1, 120, 120),
            bySeverity: { critical: none, high: stats(1, 120, 120), medium: none, low: none, unrated: none },
          },
        },
        sla: {
          acknowledge: {
            overall: compliance({ met: 3, missed: 1, onTrack: 1, overdue: 1 }),
            bySeverity: {
              critical: compliance({ met: 1 }),
              high: compliance({ met: 1 }),
              medium: nothing,
              low: nothing,
              unrated: compliance({ met: 1, missed: 1, onTrack: 1, overdue: 1 }),
            },
          },
          assess: {
            overall: compliance({ met: 2, atRisk: 1 }),
            bySeverity: {
              critical: compliance({ met: 1 }),
              high: compliance({ met: 1 }),
              medium: nothing,
              low: nothing,
              unrated: compliance({ atRisk: 1 }),
            },
          },
          fix: {
            overall: compliance({ met: 1, onTrack: 1 }),
            bySeverity: {
              critical: compliance({ onTrack: 1 }),
              high: compliance({ met: 1 }),
              medium: nothing,
              low: nothing,
              unrated: nothing,
            },
          },
          disclose: {
            overall: compliance({ onTrack: 2 }),
            bySeverity: {
              critical: compliance({ onTrack: 1 }),
              high: compliance({ onTrack: 1 }),
              medium: nothing,
              low: nothing,
              unrated: nothing,
            },
          },
        },
        // Open: c1 fixed, c2 fixing, c3 and c6 new, c5 acknowledged (c4 is closed). Ages: c6 10 h, the
        // others 196–200 h (8.2–8.3 days).
        open: {
          total: 5,
          byState: { new: 2, acknowledged: 1, triaged: 0, fixing: 1, fixed: 1 },
          byAge: { 'under-7d': 1, '7-30d': 4, '30-90d': 0, 'over-90d': 0 },
          bySeverity: { critical: 1, high: 1, medium: 0, low: 0, unrated: 3 },
        },
      };
      assert.equal(expected.sla.acknowledge.overall.complianceRate, 0.75);
      assert.deepEqual(report.metrics, expected);
      const asResponder = await w.s.metrics.forProject(w.responder.actor, w.p.slug);
      assert.deepEqual(asResponder, report, 'every role on the team sees the same numbers');
      const asAdmin = await w.s.metrics.forProject(w.admin.actor, w.p.slug);
      assert.deepEqual(asAdmin, report, 'an instance admin sees any project');
    });

    test('outsiders, reporters and anonymous callers learn nothing', async () => {
      await assert.rejects(w.s.metrics.forProject(w.outsider.actor, w.p.slug), { code: 'not-found' });
      await assert.rejects(w.s.metrics.forProject(w.loner.actor, w.p.slug), { code: 'not-found' });
      await assert.rejects(w.s.metrics.forProject(ANONYMOUS, w.p.slug), { code: 'not-found' });
      // The reporter of one of P's cases.
      const reporter = w.reporter;
      await assert.rejects(w.s.metrics.forProject(reporter, w.p.slug), { code: 'not-found' });
      await assert.rejects(w.s.metrics.forProject(w.maintainer.actor, 'no-such-project'), {
        code: 'not-found',
      });
      await assert.rejects(w.s.metrics.forInstance(ANONYMOUS), { code: 'unauthenticated' });
      await assert.rejects(w.s.metrics.forInstance(reporter), { code: 'unauthenticated' });
    });

    test('the instance view covers the projects a member is on; an admin sees every project', async () => {
      const mine = await w.s.metrics.forInstance(w.maintainer.actor);
      assert.deepEqual(mine.scope, { kind: 'instance', projects: 1 });
      const project = await w.s.metrics.forProject(w.maintainer.actor, w.p.slug);
      assert.deepEqual(mine.metrics, project.metrics, "a member of P only: exactly P's numbers");

      const theirs = await w.s.metrics.forInstance(w.outsider.actor);
      assert.deepEqual(theirs.scope, { kind: 'instance', projects: 1 });
      assert.equal(theirs.metrics.caseCount, 1);
      assert.deepEqual(theirs.metrics.open.byState, {
        new: 1,
        acknowledged: 0,
        triaged: 0,
        fixing: 0,
        fixed: 0,
      });
      // Q's case has waited 197 h for its acknowledgement (due after 48 h).
      assert.deepEqual(theirs.metrics.sla.acknowledge.overall, compliance({ overdue: 1 }));
      assert.equal(theirs.metrics.timeTo.acknowledge.overall.count, 0);

      const all = await w.s.metrics.forInstance(w.admin.actor);
      assert.deepEqual(all.scope, { kind: 'instance', projects: 2 });
      assert.equal(all.metrics.caseCount, 7);
      assert.equal(all.metrics.open.total, 6);
      assert.equal(all.metrics.open.byState.new, 3);
      assert.deepEqual(
        all.metrics.sla.acknowledge.overall,
        compliance({ met: 3, missed: 1, onTrack: 1, overdue: 2 }),
      );
      assert.deepEqual(all.metrics.timeTo, project.metrics.timeTo, "Q's case adds no finished span");

      const nobody = await w.s.metrics.forInstance(w.loner.actor);
      assert.deepEqual(nobody.scope, { kind: 'instance', projects: 0 });
      assert.equal(nobody.metrics.caseCount, 0);
      assert.equal(nobody.metrics.open.total, 0);
    });
  });

  describe(`metrics pages (${dialect})`, () => {
    let t: TestApp;
    let slug: string;
    let member: PageClient;
    let memberActor: Awaited<ReturnType<typeof makeMember>>['actor'];
    before(async () => {
      t = await createTestApp(dialect);
      const p = await makeProject(t.services, { name: 'Charted' });
      slug = p.slug;
      const m = await makeMember(t.services, slug, 'responder');
      memberActor = m.actor;
      const a = await makeCase(t.services, slug);
      await makeCase(t.services, slug);
      await t.services.cases.transition(m.actor, { id: a.id }, { to: 'triaged', severity: 'high' });
      member = new PageClient(t.app);
      await member.login(m.email, PASSWORD);
    });
    after(() => t.close());

    test('a member gets the page with SVG charts and no inline style', async () => {
      const res = await member.get(`/p/${slug}/metrics`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /Charted: metrics/);
      assert.ok(res.body.includes('<svg'), 'charts are SVG');
      assert.ok(!/\sstyle=/.test(res.body), 'no style attribute (the CSP forbids them)');
      assert.ok(res.body.includes(`href="/p/${slug}/metrics.json"`));
      assert.ok(res.body.includes(`href="/p/${slug}/metrics.csv"`));
      // Two open cases: one new, one triaged.
      assert.match(res.body, /Open cases \(2\)/);
    });

    test('.json is the service report; .csv is the tidy table', async () => {
      const json = await member.get(`/p/${slug}/metrics.json`);
      assert.equal(json.statusCode, 200);
      assert.match(String(json.headers['content-type']), /^application\/json/);
      const body = JSON.parse(json.body);
      const service = await t.services.metrics.forProject(memberActor, slug);
      // Computed a moment apart: everything but the time stamp is equal.
      assert.deepEqual(
        { ...body, metrics: { ...body.metrics, generatedAt: 'x' } },
        {
          ...service,
          metrics: { ...service.metrics, generatedAt: 'x' },
        },
      );
      assert.equal(body.metrics.caseCount, 2);
      assert.deepEqual(body.metrics.open.byState, {
        new: 1,
        acknowledged: 0,
        triaged: 1,
        fixing: 0,
        fixed: 0,
      });

      const csv = await member.get(`/p/${slug}/metrics.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.equal(csv.headers['content-disposition'], `attachment; filename="${slug}-metrics.csv"`);
      const lines = csv.body.split('\r\n');
      assert.equal(lines[0], 'section,group,measure,value');
      assert.equal(lines.at(-1), '', 'every line ends in CRLF');
      assert.ok(lines.includes('summary,all,cases,2'));
      assert.ok(lines.includes('open-cases,all,count,2'));
      assert.ok(lines.includes('open-by-state,triaged,count,1'));
      assert.ok(lines.includes('open-by-severity,high,count,1'));
      assert.ok(lines.includes('sla-acknowledge,all,compliance-rate,1'), 'one acknowledged in time');
      assert.ok(lines.includes('time-to-fix,all,median-hours,'), 'no data is an empty field');
      for (const l of lines.slice(1, -1)) assert.equal(l.split(',').length, 4, l);
    });

    test('the instance pages cover the member’s projects', async () => {
      const page = await member.get('/metrics');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('<svg'));
      assert.ok(!/\sstyle=/.test(page.body));
      const json = JSON.parse((await member.get('/metrics.json')).body);
      assert.deepEqual(json.scope, { kind: 'instance', projects: 1 });
      assert.equal(json.metrics.caseCount, 2);
      const csv = await member.get('/metrics.csv');
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.equal(csv.headers['content-disposition'], 'attachment; filename="instance-metrics.csv"');
    });

    test('an outsider gets 404; an anonymous visitor is sent to sign in', async () => {
      const q = await makeProject(t.services);
      const o = await makeMember(t.services, q.slug, 'maintainer');
      const outsider = new PageClient(t.app);
      await outsider.login(o.email, PASSWORD);
      for (const suffix of ['', '.json', '.csv']) {
        const res = await outsider.get(`/p/${slug}/metrics${suffix}`);
        assert.equal(res.statusCode, 404, suffix);
        assert.ok(!res.body.includes('Charted'), 'the project name does not leak');
      }
      const missing = await outsider.get('/p/no-such-project/metrics');
      assert.equal(missing.statusCode, 404, 'the same answer as for a project that does not exist');
      const own = JSON.parse((await outsider.get('/metrics.json')).body);
      assert.equal(own.metrics.caseCount, 0, "the outsider's own instance view has none of Charted's cases");

      const anon = new PageClient(t.app);
      for (const url of [
        `/p/${slug}/metrics`,
        `/p/${slug}/metrics.json`,
        `/p/${slug}/metrics.csv`,
        '/metrics',
      ]) {
        const res = await anon.get(url);
        assert.equal(res.statusCode, 303, url);
        assert.equal(res.headers.location, `/login?next=${encodeURIComponent(url)}`);
      }
    });
  });
}
