// Needs-info pauses of SLA clocks (src/domain/sla/clocks.ts). The
// fixture policy is Berlin, Mon–Fri; due times are worked out by hand in the comments from the 2026
// calendar: Mar 19 is a Thursday, Mar 21–22 a weekend, and Berlin moves to CEST (UTC+2) on Sun Mar 29.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { computeClocks, type Clock, type ClockCaseFacts } from '../../src/domain/sla/clocks.ts';
import { at, clock, facts, sla, z } from '../helpers/sla-policy.ts';

describe('needs-info pauses', () => {
  // Assess starts Thu 2026-03-19 10:00Z (11:00 CET); 5bd → Fri 20 (1), Mon 23 (2), Tue (3), Wed (4),
  // Thu 26 (5) at 11:00 CET = 10:00Z.
  const acked = { acknowledgedAt: '2026-03-19T10:00:00.000Z', receivedAt: '2026-03-19T09:00:00.000Z' };
  const assessWith = (needsInfo: ClockCaseFacts['needsInfo'], now: string, policy = sla): Clock =>
    clock(computeClocks(policy, facts({ ...acked, needsInfo }), at(now)), 'assess');

  test('without pauses', () => {
    assert.equal(assessWith([], '2026-03-23T10:00:00Z').dueAt, z('2026-03-26T10:00:00Z'));
  });

  test('a pause inside the weekend does not move a business-day clock', () => {
    const c = assessWith(
      [{ from: '2026-03-21T10:00:00Z', to: '2026-03-22T17:00:00Z' }],
      '2026-03-23T10:00:00Z',
    );
    assert.equal(c.dueAt, z('2026-03-26T10:00:00Z'));
    assert.equal(c.paused, false);
  });

  test('a pause on a weekday moves it by exactly that business time', () => {
    // Fri 20 12:00–15:00 CET: 3h → Thu 26 14:00 CET = 13:00Z.
    const c = assessWith(
      [{ from: '2026-03-20T11:00:00Z', to: '2026-03-20T14:00:00Z' }],
      '2026-03-23T10:00:00Z',
    );
    assert.equal(c.dueAt, z('2026-03-26T13:00:00Z'));
  });

  test('a pause over a weekend counts only its business hours', () => {
    // Fri 20 16:00 CET → Mon 23 10:00 CET: 8h + 10h = 18h. Thu 26 11:00 + 18h: 13h to Thursday's end,
    // 5h into Friday → Fri 27 05:00 CET = 04:00Z.
    const c = assessWith(
      [{ from: '2026-03-20T15:00:00Z', to: '2026-03-23T09:00:00Z' }],
      '2026-03-23T10:00:00Z',
    );
    assert.equal(c.dueAt, z('2026-03-27T04:00:00Z'));
  });

  test('an open pause: the clock is paused and its due time moves as the pause goes on', () => {
    // Paused since Mon 23 10:00 CET; now Tue 24 10:00 CET: one business day held → Fri 27 11:00 CET = 10:00Z.
    const open = [{ from: '2026-03-23T09:00:00Z', to: null }];
    const tue = assessWith(open, '2026-03-24T09:00:00Z');
    assert.equal(tue.paused, true);
    assert.equal(tue.dueAt, z('2026-03-27T10:00:00Z'));
    // One more day (now Wed 25 10:00 CET): Thu 26 → Fri 27 → Mon 30 11:00 CEST = 09:00Z.
    const wed = assessWith(open, '2026-03-25T09:00:00Z');
    assert.equal(wed.dueAt, z('2026-03-30T09:00:00Z'));
    // Used time stays at Thu 11:00 → Mon 10:00 CET = 13h + 24h + 10h = 47h of 120h.
    assert.equal(wed.usedShare, 47 / 120);
  });

  test('pauses are ignored when the policy says needs-info does not pause', () => {
    const c = assessWith([{ from: '2026-03-23T09:00:00Z', to: null }], '2026-03-24T09:00:00Z', {
      ...sla,
      needsInfoPausesClocks: false,
    });
    assert.equal(c.dueAt, z('2026-03-26T10:00:00Z'));
    assert.equal(c.paused, false);
  });

  test('only the part of a pause after the clock started counts', () => {
    // Pause Tue 17 10:00 CET → Fri 20 12:00 CET; assess starts Thu 19 11:00 CET, so it holds Thu 11:00 →
    // Fri 12:00 = 13h + 12h = 25h. Thu 26 11:00 + 25h: 13h to Thursday's end, 12h into Friday →
    // Fri 27 12:00 CET = 11:00Z.
    const pause = [{ from: '2026-03-17T09:00:00Z', to: '2026-03-20T11:00:00Z' }];
    const clocks = computeClocks(
      sla,
      facts({
        receivedAt: '2026-03-17T08:00:00.000Z',
        acknowledgedAt: '2026-03-19T10:00:00.000Z',
        needsInfo: pause,
      }),
      at('2026-03-23T10:00:00Z'),
    );
    assert.equal(clock(clocks, 'assess').dueAt, z('2026-03-27T11:00:00Z'));
    // The acknowledge clock (48h from Tue 08:00Z, stopped Thu 10:00Z) holds Tue 09:00Z → Thu 10:00Z = 49h:
    // due Tue 08:00Z + 97h = Sat 21 09:00Z; it used 1h.
    const ack = clock(clocks, 'acknowledge');
    assert.equal(ack.dueAt, z('2026-03-21T09:00:00Z'));
    assert.equal(ack.usedShare, 1 / 48);
    assert.equal(ack.status, 'met');
  });

  test('a pause after a clock stopped does not touch it, and stopped clocks are never paused', () => {
    const clocks = computeClocks(
      sla,
      facts({
        ...acked,
        triagedAt: '2026-03-20T10:00:00Z',
        severity: 'low',
        needsInfo: [{ from: '2026-03-23T09:00:00Z', to: null }],
      }),
      at('2026-03-25T09:00:00Z'),
    );
    const assess = clock(clocks, 'assess');
    assert.equal(assess.dueAt, z('2026-03-26T10:00:00Z'));
    assert.equal(assess.paused, false);
    assert.equal(clock(clocks, 'fix').paused, true);
  });

  test('a pause that begins after the clock ran out does not hide that it is overdue', () => {
    // Acknowledge due Thu 26 09:00Z; needs-info from Fri 27 09:00Z; now Sat 28 09:00Z.
    const c = clock(
      computeClocks(
        sla,
        facts({ needsInfo: [{ from: '2026-03-27T09:00:00Z', to: null }] }),
        at('2026-03-28T09:00:00Z'),
      ),
      'acknowledge',
    );
    assert.equal(c.dueAt, z('2026-03-26T09:00:00Z'));
    assert.equal(c.status, 'overdue');
    assert.equal(c.paused, true);
    // Used until the pause began: Tue 09:00Z → Fri 09:00Z = 72h of 48h.
    assert.equal(c.usedShare, 1.5);
  });

  test('an hour clock is held by elapsed time; overlapping intervals count once', () => {
    // Received Tue 24 09:00Z, 48h. Held Tue 12:00Z–18:00Z (6h) → due Thu 26 15:00Z; at risk after 36h
    // used: Wed 21:00Z + 6h = Thu 03:00Z.
    const one = clock(
      computeClocks(
        sla,
        facts({ needsInfo: [{ from: '2026-03-24T12:00:00Z', to: '2026-03-24T18:00:00Z' }] }),
        at('2026-03-25T00:00:00Z'),
      ),
      'acknowledge',
    );
    assert.equal(one.dueAt, z('2026-03-26T15:00:00Z'));
    assert.equal(one.atRiskAt, z('2026-03-26T03:00:00Z'));
    // 12:00–18:00 and 15:00–20:00 overlap: held 12:00–20:00 = 8h → due Thu 17:00Z.
    const overlapping = [
      { from: '2026-03-24T15:00:00Z', to: '2026-03-24T20:00:00Z' },
      { from: '2026-03-24T12:00:00Z', to: '2026-03-24T18:00:00Z' },
    ];
    const two = clock(
      computeClocks(sla, facts({ needsInfo: overlapping }), at('2026-03-25T00:00:00Z')),
      'acknowledge',
    );
    assert.equal(two.dueAt, z('2026-03-26T17:00:00Z'));
  });
});
