// SLA clocks of a case (src/domain/sla/clocks.ts) under a Berlin policy, with a fake `now`. Expected due
// times are worked out by hand in the comments from the 2026 calendar: Jan 1 is a Thursday, so Mar 24 is
// a Tuesday and Mar 29 a Sunday, when Berlin goes from CET (UTC+1) to CEST (UTC+2) at 01:00Z.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  clockLabel,
  computeClocks,
  describeClock,
  formatInstant,
  nextDeadline,
} from '../../src/domain/sla/clocks.ts';
import type { SlaPolicy } from '../../src/domain/policy/policy.types.ts';
import { at, clock, d, facts, h, plusMs, sla, z } from '../helpers/sla-policy.ts';

describe('acknowledge clock and status boundaries', () => {
  // Received Tue 2026-03-24 09:00Z; 48h → due Thu 2026-03-26 09:00Z; 75% = 36h → at risk Wed 25 21:00Z.
  test('running on track halfway', () => {
    const clocks = computeClocks(sla, facts(), at('2026-03-25T09:00:00Z'));
    assert.deepEqual(
      clocks.map((c) => c.name),
      ['acknowledge'],
    );
    const c = clock(clocks, 'acknowledge');
    assert.equal(c.startedAt, z('2026-03-24T09:00:00Z'));
    assert.equal(c.dueAt, z('2026-03-26T09:00:00Z'));
    assert.equal(c.atRiskAt, z('2026-03-25T21:00:00Z'));
    assert.equal(c.usedShare, 0.5);
    assert.equal(c.status, 'on-track');
    assert.equal(c.stoppedAt, null);
    assert.equal(c.paused, false);
  });

  test('at risk from exactly the at-risk share', () => {
    assert.equal(
      clock(computeClocks(sla, facts(), plusMs('2026-03-25T21:00:00Z', -1)), 'acknowledge').status,
      'on-track',
    );
    const c = clock(computeClocks(sla, facts(), at('2026-03-25T21:00:00Z')), 'acknowledge');
    assert.equal(c.status, 'at-risk');
    assert.equal(c.usedShare, 0.75);
  });

  test('exactly at the due instant it is not yet overdue; one millisecond later it is', () => {
    const due = clock(computeClocks(sla, facts(), at('2026-03-26T09:00:00Z')), 'acknowledge');
    assert.equal(due.status, 'at-risk');
    assert.equal(due.usedShare, 1);
    const late = clock(computeClocks(sla, facts(), plusMs('2026-03-26T09:00:00Z', 1)), 'acknowledge');
    assert.equal(late.status, 'overdue');
  });

  test('stopped exactly at the due instant is met; one millisecond later is missed', () => {
    const now = at('2026-04-01T00:00:00Z');
    const met = clock(
      computeClocks(sla, facts({ acknowledgedAt: '2026-03-26T09:00:00.000Z' }), now),
      'acknowledge',
    );
    assert.equal(met.status, 'met');
    assert.equal(met.stoppedAt, z('2026-03-26T09:00:00Z'));
    assert.equal(met.usedShare, 1);
    const missed = clock(
      computeClocks(sla, facts({ acknowledgedAt: '2026-03-26T09:00:00.001Z' }), now),
      'acknowledge',
    );
    assert.equal(missed.status, 'missed');
  });

  test('a known severity picks its own acknowledge duration', () => {
    // critical: 24h from Tue 09:00Z → Wed 2026-03-25 09:00Z.
    const c = clock(
      computeClocks(sla, facts({ severity: 'critical' }), at('2026-03-24T10:00:00Z')),
      'acknowledge',
    );
    assert.equal(c.dueAt, z('2026-03-25T09:00:00Z'));
    // high has no acknowledge entry: falls back to the default 48h.
    const hi = clock(
      computeClocks(sla, facts({ severity: 'high' }), at('2026-03-24T10:00:00Z')),
      'acknowledge',
    );
    assert.equal(hi.dueAt, z('2026-03-26T09:00:00Z'));
  });

  test('closed before acknowledgement: acknowledge stops at the closure, assess never starts', () => {
    const clocks = computeClocks(
      sla,
      facts({ closedAt: '2026-03-24T15:00:00.000Z', resolution: 'spam' }),
      at('2026-04-01T00:00:00Z'),
    );
    assert.deepEqual(
      clocks.map((c) => c.name),
      ['acknowledge'],
    );
    assert.equal(clocks[0]!.stoppedAt, z('2026-03-24T15:00:00Z'));
    assert.equal(clocks[0]!.status, 'met');
  });
});

describe('assess, fix and disclose clocks', () => {
  test('assess runs 5 business days from acknowledgement, across the spring-forward', () => {
    // Ack Tue 2026-03-24 10:00Z = 11:00 CET. Wed (1) Thu (2) Fri (3) Mon 30 (4) Tue 31 (5) at 11:00 CEST
    // = 09:00Z. At risk after 3.75bd: Fri 27 11:00 CET + 18h: 13h to Friday's end, 5h into Monday →
    // Mon 30 05:00 CEST = 03:00Z. Now Thu 26 10:00Z (11:00 CET) = 2 business days used = 0.4.
    const clocks = computeClocks(
      sla,
      facts({ acknowledgedAt: '2026-03-24T10:00:00Z' }),
      at('2026-03-26T10:00:00Z'),
    );
    const c = clock(clocks, 'assess');
    assert.equal(c.startedAt, z('2026-03-24T10:00:00Z'));
    assert.equal(c.dueAt, z('2026-03-31T09:00:00Z'));
    assert.equal(c.atRiskAt, z('2026-03-30T03:00:00Z'));
    assert.equal(c.usedShare, 0.4);
    assert.equal(c.status, 'on-track');
  });

  test('new → triaged directly: assess starts and stops at once and is met', () => {
    const t = '2026-03-24T12:00:00.000Z';
    const clocks = computeClocks(
      sla,
      facts({ acknowledgedAt: t, triagedAt: t, severity: 'medium' }),
      at('2026-03-25T00:00:00Z'),
    );
    const c = clock(clocks, 'assess');
    assert.equal(c.stoppedAt, t);
    assert.equal(c.usedShare, 0);
    assert.equal(c.status, 'met');
  });

  test('fix and disclose need triage and a severity', () => {
    const untriaged = computeClocks(
      sla,
      facts({ acknowledgedAt: '2026-03-24T10:00:00Z' }),
      at('2026-03-25T00:00:00Z'),
    );
    assert.deepEqual(
      untriaged.map((c) => c.name),
      ['acknowledge', 'assess'],
    );
    // Triaged but (inconsistently) without a severity: still no fix/disclose clocks.
    const noSeverity = computeClocks(
      sla,
      facts({ acknowledgedAt: '2026-03-24T10:00:00Z', triagedAt: '2026-03-24T11:00:00Z' }),
      at('2026-03-25T00:00:00Z'),
    );
    assert.deepEqual(
      noSeverity.map((c) => c.name),
      ['acknowledge', 'assess'],
    );
  });

  test('a severity change moves the fix due time', () => {
    const base = { acknowledgedAt: '2026-03-24T09:00:00Z', triagedAt: '2026-03-24T09:00:00Z' };
    const now = at('2026-03-25T00:00:00Z');
    // Triaged Tue 2026-03-24 10:00 CET. medium → default 90d: 7 days to Mar 31, 30 in April, 31 in May,
    // 22 in June → Mon Jun 22 10:00 CEST = 08:00Z.
    const medium = computeClocks(sla, facts({ ...base, severity: 'medium' }), now);
    assert.equal(clock(medium, 'fix').dueAt, z('2026-06-22T08:00:00Z'));
    // critical → 7d → Tue Mar 31 10:00 CEST = 08:00Z (the clock change on Mar 29 keeps the wall time).
    const critical = computeClocks(sla, facts({ ...base, severity: 'critical' }), now);
    assert.equal(clock(critical, 'fix').dueAt, z('2026-03-31T08:00:00Z'));
    // critical has no disclose entry: default 90d, same as medium.
    assert.equal(clock(critical, 'disclose').dueAt, z('2026-06-22T08:00:00Z'));
    // high → 10bd = two whole weeks → Tue Apr 7 10:00 CEST = 08:00Z.
    const high = computeClocks(sla, facts({ ...base, severity: 'high' }), now);
    assert.equal(clock(high, 'fix').dueAt, z('2026-04-07T08:00:00Z'));
  });

  test('a clock the policy does not define is left out', () => {
    const noDisclose: SlaPolicy = { ...sla, default: { acknowledge: h(48), fix: d(90) }, bySeverity: {} };
    const clocks = computeClocks(
      noDisclose,
      facts({ acknowledgedAt: '2026-03-24T09:00:00Z', triagedAt: '2026-03-24T10:00:00Z', severity: 'low' }),
      at('2026-03-25T00:00:00Z'),
    );
    assert.deepEqual(
      clocks.map((c) => c.name),
      ['acknowledge', 'fix'],
    );
  });

  const triaged = {
    acknowledgedAt: '2026-03-24T09:00:00.000Z',
    triagedAt: '2026-03-24T10:00:00.000Z',
    severity: 'medium' as const,
  };

  test('closed as not-a-vulnerability after triage: fix and disclose do not apply', () => {
    const clocks = computeClocks(
      sla,
      facts({ ...triaged, closedAt: '2026-03-27T10:00:00.000Z', resolution: 'not-a-vulnerability' }),
      at('2026-04-10T00:00:00Z'),
    );
    assert.deepEqual(
      clocks.map((c) => [c.name, c.status]),
      [
        ['acknowledge', 'met'],
        ['assess', 'met'],
      ],
    );
  });

  test('closed as duplicate after the fix: the stopped fix clock stays, disclose does not apply', () => {
    const clocks = computeClocks(
      sla,
      facts({
        ...triaged,
        fixedAt: '2026-04-01T10:00:00.000Z',
        closedAt: '2026-04-02T10:00:00.000Z',
        resolution: 'duplicate',
      }),
      at('2026-04-10T00:00:00Z'),
    );
    assert.deepEqual(
      clocks.map((c) => c.name),
      ['acknowledge', 'assess', 'fix'],
    );
    assert.equal(clock(clocks, 'fix').stoppedAt, z('2026-04-01T10:00:00Z'));
    assert.equal(clock(clocks, 'fix').status, 'met');
  });

  test('closed as fixed while fixing: fix and disclose stop at the closure', () => {
    const closedAt = '2026-04-02T10:00:00.000Z';
    const clocks = computeClocks(
      sla,
      facts({ ...triaged, closedAt, resolution: 'fixed' }),
      at('2026-09-01T00:00:00Z'),
    );
    assert.equal(clock(clocks, 'fix').stoppedAt, closedAt);
    assert.equal(clock(clocks, 'disclose').stoppedAt, closedAt);
    assert.equal(nextDeadline(clocks), null);
  });

  test('disclosed late: disclose is missed, fix met', () => {
    // Triaged Tue 2026-03-24 11:00 CET; 90d → Mon Jun 22 11:00 CEST = 09:00Z. Disclosed Jun 23.
    const clocks = computeClocks(
      sla,
      facts({ ...triaged, fixedAt: '2026-04-01T10:00:00.000Z', disclosedAt: '2026-06-23T09:00:00.000Z' }),
      at('2026-07-01T00:00:00Z'),
    );
    assert.equal(clock(clocks, 'disclose').dueAt, z('2026-06-22T09:00:00Z'));
    assert.equal(clock(clocks, 'disclose').status, 'missed');
    assert.equal(clock(clocks, 'fix').status, 'met');
  });
});

describe('nextDeadline, labels and descriptions', () => {
  test('nextDeadline is the running clock due first; null when none runs', () => {
    // Triaged (critical) Tue 24 10:00Z: fix 7d → Tue 31 11:00 CEST = 09:00Z, disclose 90d → Jun 22.
    // Acknowledge and assess are stopped (acknowledge was due earliest, but it no longer runs).
    const clocks = computeClocks(
      sla,
      facts({
        acknowledgedAt: '2026-03-24T09:30:00Z',
        triagedAt: '2026-03-24T10:00:00Z',
        severity: 'critical',
      }),
      at('2026-03-25T00:00:00Z'),
    );
    const next = nextDeadline(clocks);
    assert.equal(next?.name, 'fix');
    assert.equal(next?.dueAt, z('2026-03-31T09:00:00Z'));
    assert.equal(nextDeadline([]), null);
  });

  test('labels', () => {
    assert.deepEqual((['acknowledge', 'assess', 'fix', 'disclose'] as const).map(clockLabel), [
      'Acknowledge',
      'Initial assessment',
      'Fix',
      'Disclose',
    ]);
  });

  test('due times are written in the policy time zone with its abbreviation', () => {
    // 16:00Z on Tue 24 Mar 2026 is 17:00 CET in Berlin, 09:00 PDT in Los Angeles (DST since Mar 8),
    // 21:30 in Kolkata (+5:30, no abbreviation in the platform's English names).
    assert.equal(formatInstant('2026-03-24T16:00:00Z', 'Europe/Berlin'), 'Tue 24 Mar 2026, 17:00 CET');
    assert.equal(formatInstant('2026-03-24T16:00:00Z', 'America/Los_Angeles'), 'Tue 24 Mar 2026, 09:00 PDT');
    assert.equal(formatInstant('2026-03-24T16:00:00Z', 'Asia/Kolkata'), 'Tue 24 Mar 2026, 21:30 GMT+5:30');
    assert.equal(formatInstant('2026-07-01T16:00:00Z', 'UTC'), 'Wed 1 Jul 2026, 16:00 UTC');
  });

  test('describeClock', () => {
    // Acknowledge due Thu 26 09:00Z = 10:00 CET; at 22:00Z on Wed 25 it has used 37h of 48h: at risk.
    const c = clock(computeClocks(sla, facts(), at('2026-03-25T22:00:00Z')), 'acknowledge');
    assert.deepEqual(describeClock(c, 'Europe/Berlin'), {
      label: 'Acknowledge',
      due: 'Thu 26 Mar 2026, 10:00 CET',
      status: 'at risk',
      text: 'Acknowledge: due Thu 26 Mar 2026, 10:00 CET (at risk)',
    });
  });
});
