// Disclosure metrics (src/domain/metrics.ts) on a small hand-built set of cases; every expected
// number below was worked out by hand from the case list, not read back from the code.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeMetrics,
  metricsToCsv,
  nearestRank,
  durationStats,
  csvField,
  type MetricsCase,
} from '../../src/domain/metrics.ts';

const BASE = Date.parse('2026-01-01T00:00:00Z');
const NOW = new Date('2026-03-01T00:00:00Z'); // 59 days after BASE
const h = (hours: number) => new Date(BASE + hours * 3_600_000).toISOString();
const daysAgo = (days: number, plusHours = 0) =>
  new Date(NOW.getTime() - days * 86_400_000 + plusHours * 3_600_000).toISOString();

function mk(p: Partial<MetricsCase> & Pick<MetricsCase, 'key' | 'state' | 'receivedAt'>): MetricsCase {
  return {
    projectSlug: 'conure',
    severity: null,
    acknowledgedAt: null,
    triagedAt: null,
    fixedAt: null,
    closedAt: null,
    clocks: [],
    ...p,
  };
}

const CASES: MetricsCase[] = [
  mk({
    key: 'A',
    state: 'fixed',
    severity: 'critical',
    receivedAt: h(0),
    acknowledgedAt: h(2),
    triagedAt: h(10),
    fixedAt: h(58),
    clocks: [
      { name: 'acknowledge', status: 'met' },
      { name: 'assess', status: 'met' },
      { name: 'fix', status: 'met' },
      { name: 'disclose', status: 'on-track' },
    ],
  }),
  mk({
    key: 'B',
    state: 'disclosed',
    severity: 'critical',
    receivedAt: h(0),
    acknowledgedAt: h(4),
    triagedAt: h(28),
    fixedAt: h(100),
    clocks: [
      { name: 'acknowledge', status: 'met' },
      { name: 'assess', status: 'missed' },
      { name: 'fix', status: 'missed' },
      { name: 'disclose', status: 'met' },
    ],
  }),
  mk({
    key: 'C',
    state: 'triaged',
    severity: 'high',
    receivedAt: daysAgo(10),
    acknowledgedAt: daysAgo(10, 1),
    triagedAt: daysAgo(10, 13),
    clocks: [
      { name: 'acknowledge', status: 'met' },
      { name: 'assess', status: 'met' },
      { name: 'fix', status: 'at-risk' },
    ],
  }),
  mk({
    key: 'D',
    state: 'closed',
    severity: 'high',
    receivedAt: h(0),
    acknowledgedAt: h(8),
    closedAt: h(9),
    clocks: [{ name: 'acknowledge', status: 'missed' }],
  }),
  mk({
    key: 'E',
    state: 'new',
    receivedAt: daysAgo(3),
    clocks: [{ name: 'acknowledge', status: 'overdue' }],
  }),
  mk({
    key: 'F',
    state: 'acknowledged',
    severity: 'medium',
    receivedAt: daysAgo(45),
    acknowledgedAt: daysAgo(45, 30),
    clocks: [
      { name: 'acknowledge', status: 'met' },
      { name: 'assess', status: 'overdue' },
    ],
  }),
  mk({
    key: 'G',
    state: 'fixing',
    severity: 'low',
    receivedAt: daysAgo(100),
    acknowledgedAt: daysAgo(100, 0.5),
    triagedAt: daysAgo(100, 24),
    clocks: [
      { name: 'acknowledge', status: 'met' },
      { name: 'assess', status: 'met' },
      { name: 'fix', status: 'overdue' },
    ],
  }),
  // Bad data: acknowledged an hour before it was received. Left out of time to acknowledge.
  mk({ key: 'H', state: 'closed', receivedAt: h(5), acknowledgedAt: h(4), closedAt: h(6) }),
];

describe('nearest-rank percentiles', () => {
  // The textbook example: rank = ceil(P/100 × n).
  const v = [15, 20, 35, 40, 50];
  test('ranks', () => {
    assert.equal(nearestRank(v, 5), 15);
    assert.equal(nearestRank(v, 30), 20);
    assert.equal(nearestRank(v, 40), 20);
    assert.equal(nearestRank(v, 50), 35);
    assert.equal(nearestRank(v, 90), 50);
    assert.equal(nearestRank(v, 100), 50);
    assert.equal(nearestRank([], 50), null);
  });
  test('no floating-point drift at exact ranks (90% of 30 is rank 27)', () => {
    const thirty = Array.from({ length: 30 }, (_, i) => i + 1);
    assert.equal(nearestRank(thirty, 90), 27);
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    assert.equal(nearestRank(ten, 90), 9);
  });
  test('median of an even count is the lower middle value; input order does not matter', () => {
    assert.deepEqual(durationStats([4, 1, 3, 2]), { count: 4, medianHours: 2, p90Hours: 4 });
    assert.deepEqual(durationStats([7]), { count: 1, medianHours: 7, p90Hours: 7 });
    assert.deepEqual(durationStats([]), { count: 0, medianHours: null, p90Hours: null });
  });
});

describe('computeMetrics', () => {
  const m = computeMetrics(CASES, NOW);

  test('summary', () => {
    assert.equal(m.caseCount, 8);
    assert.equal(m.generatedAt, '2026-03-01T00:00:00.000Z');
  });

  test('time to acknowledge: A 2, B 4, C 1, D 8, F 30, G 0.5 hours (H excluded)', () => {
    assert.deepEqual(m.timeTo.acknowledge.overall, { count: 6, medianHours: 2, p90Hours: 30 });
    assert.deepEqual(m.timeTo.acknowledge.bySeverity.critical, { count: 2, medianHours: 2, p90Hours: 4 });
    assert.deepEqual(m.timeTo.acknowledge.bySeverity.high, { count: 2, medianHours: 1, p90Hours: 8 });
    assert.deepEqual(m.timeTo.acknowledge.bySeverity.medium, { count: 1, medianHours: 30, p90Hours: 30 });
    assert.deepEqual(m.timeTo.acknowledge.bySeverity.low, { count: 1, medianHours: 0.5, p90Hours: 0.5 });
    assert.deepEqual(m.timeTo.acknowledge.bySeverity.unrated, {
      count: 0,
      medianHours: null,
      p90Hours: null,
    });
  });

  test('time to assess: A 8, B 24, C 12, G 23.5 hours', () => {
    assert.deepEqual(m.timeTo.assess.overall, { count: 4, medianHours: 12, p90Hours: 24 });
    assert.deepEqual(m.timeTo.assess.bySeverity.critical, { count: 2, medianHours: 8, p90Hours: 24 });
    assert.deepEqual(m.timeTo.assess.bySeverity.low, { count: 1, medianHours: 23.5, p90Hours: 23.5 });
  });

  test('time to fix: A 48, B 72 hours', () => {
    assert.deepEqual(m.timeTo.fix.overall, { count: 2, medianHours: 48, p90Hours: 72 });
    assert.deepEqual(m.timeTo.fix.bySeverity.critical, m.timeTo.fix.overall);
    assert.equal(m.timeTo.fix.bySeverity.high.count, 0);
  });

  test('SLA compliance per clock', () => {
    assert.deepEqual(m.sla.acknowledge.overall, {
      met: 5,
      missed: 1,
      open: { onTrack: 0, atRisk: 0, overdue: 1 },
      complianceRate: 0.8333,
    });
    assert.deepEqual(m.sla.assess.overall, {
      met: 3,
      missed: 1,
      open: { onTrack: 0, atRisk: 0, overdue: 1 },
      complianceRate: 0.75,
    });
    assert.deepEqual(m.sla.fix.overall, {
      met: 1,
      missed: 1,
      open: { onTrack: 0, atRisk: 1, overdue: 1 },
      complianceRate: 0.5,
    });
    assert.deepEqual(m.sla.disclose.overall, {
      met: 1,
      missed: 0,
      open: { onTrack: 1, atRisk: 0, overdue: 0 },
      complianceRate: 1,
    });
  });

  test('SLA compliance per severity; no ended clock gives a null rate', () => {
    assert.equal(m.sla.acknowledge.bySeverity.critical.complianceRate, 1);
    assert.equal(m.sla.acknowledge.bySeverity.high.complianceRate, 0.5);
    assert.deepEqual(m.sla.acknowledge.bySeverity.unrated, {
      met: 0,
      missed: 0,
      open: { onTrack: 0, atRisk: 0, overdue: 1 },
      complianceRate: null,
    });
    assert.equal(m.sla.fix.bySeverity.high.complianceRate, null);
    assert.equal(m.sla.fix.bySeverity.high.open.atRisk, 1);
  });

  test('open cases by state, age and severity (A, C, E, F, G)', () => {
    assert.equal(m.open.total, 5);
    assert.deepEqual(m.open.byState, { new: 1, acknowledged: 1, triaged: 1, fixing: 1, fixed: 1 });
    // A 59 days, C 10, E 3, F 45, G 100.
    assert.deepEqual(m.open.byAge, { 'under-7d': 1, '7-30d': 1, '30-90d': 2, 'over-90d': 1 });
    assert.deepEqual(m.open.bySeverity, { critical: 1, high: 1, medium: 1, low: 1, unrated: 1 });
  });

  test('age bucket boundaries: a bucket starts at its lower bound', () => {
    const at = (receivedAt: string) =>
      computeMetrics([mk({ key: 'X', state: 'new', receivedAt })], NOW).open.byAge;
    const only = (bucket: string) => ({
      'under-7d': 0,
      '7-30d': 0,
      '30-90d': 0,
      'over-90d': 0,
      [bucket]: 1,
    });
    assert.deepEqual(at(daysAgo(7, 0.001)), only('under-7d'));
    assert.deepEqual(at(daysAgo(7)), only('7-30d'));
    assert.deepEqual(at(daysAgo(30)), only('30-90d'));
    assert.deepEqual(at(daysAgo(90, 0.001)), only('30-90d'));
    assert.deepEqual(at(daysAgo(90)), only('over-90d'));
    assert.deepEqual(at(daysAgo(-1)), only('under-7d'), 'a future date (clock skew)');
  });

  test('unexpected values from storage are skipped or counted as unrated, not a crash', () => {
    const odd = mk({
      key: 'Z',
      state: 'constructor',
      severity: 'toString' as unknown as MetricsCase['severity'],
      receivedAt: h(0),
      acknowledgedAt: 'not a date',
      clocks: [
        { name: 'constructor' as unknown as 'fix', status: 'met' },
        { name: 'fix', status: 'met' },
      ],
    });
    const r = computeMetrics([odd], NOW);
    assert.equal(r.open.total, 0);
    assert.equal(r.timeTo.acknowledge.overall.count, 0);
    assert.equal(r.sla.fix.bySeverity.unrated.met, 1);
    assert.equal(r.sla.fix.overall.met, 1);
  });

  test('no cases', () => {
    const e = computeMetrics([], NOW);
    assert.equal(e.caseCount, 0);
    assert.deepEqual(e.timeTo.fix.overall, { count: 0, medianHours: null, p90Hours: null });
    assert.equal(e.sla.acknowledge.overall.complianceRate, null);
    assert.equal(e.open.total, 0);
    assert.deepEqual(e.open.byAge, { 'under-7d': 0, '7-30d': 0, '30-90d': 0, 'over-90d': 0 });
  });
});

describe('metricsToCsv', () => {
  const csv = metricsToCsv(computeMetrics(CASES, NOW));
  const lines = csv.split('\r\n');

  test('header, CRLF line ends, a final line end, four fields a row', () => {
    assert.equal(lines[0], 'section,group,measure,value');
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    assert.ok(!/[^\r]\n/.test(csv), 'no bare LF');
    // Groups are `all` + 4 severities + `unrated` = 6. Rows: 2 summary, 3 durations × 6 groups × 3 measures,
    // 4 clocks × 6 groups × 6 measures, 1 open total, 5 states, 4 age buckets, 5 severity groups.
    assert.equal(lines.length - 2, 2 + 54 + 144 + 1 + 5 + 4 + 5);
    for (const l of lines.slice(0, -1)) assert.equal(l.split(',').length, 4, l);
  });

  test('rows carry the numbers; null is an empty field', () => {
    for (const row of [
      'summary,all,cases,8',
      'time-to-acknowledge,all,median-hours,2',
      'time-to-acknowledge,all,p90-hours,30',
      'time-to-acknowledge,unrated,median-hours,',
      'time-to-fix,critical,count,2',
      'sla-acknowledge,all,compliance-rate,0.8333',
      'sla-fix,all,open-at-risk,1',
      'sla-fix,high,compliance-rate,',
      'open-cases,all,count,5',
      'open-by-state,fixing,count,1',
      'open-by-age,30-90d,count,2',
      'open-by-severity,unrated,count,1',
    ]) {
      assert.ok(lines.includes(row), row);
    }
  });

  test('RFC 4180 quoting', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField(1.5), '1.5');
    assert.equal(csvField(null), '');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
  });
});
