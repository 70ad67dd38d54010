// Time scales of SLA durations (src/domain/sla/time-scale.ts): hours, calendar days and business days in
// a policy's time zone. Every expected instant is worked out by hand from the 2026 calendar below.
//
// 2026 calendar facts used here: Jan 1 is a Thursday, so Mar 1, Mar 8, Mar 29, Oct 25 and Nov 1 are
// Sundays, Mar 24 a Tuesday, Nov 26 a Thursday, Dec 25 a Friday. Europe/Berlin is UTC+1 (CET) until
// 2026-03-29 01:00Z, UTC+2 (CEST) until 2026-10-25 01:00Z, then UTC+1 again. America/Los_Angeles is UTC−8
// (PST) until 2026-03-08 10:00Z, UTC−7 (PDT) until 2026-11-01 09:00Z, then UTC−8. Asia/Kolkata is UTC+5:30.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { addDuration, timeScale, type SlaCalendar } from '../../src/domain/sla/time-scale.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import type { DurationUnit } from '../../src/domain/policy/policy.types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS = [1, 2, 3, 4, 5];
const berlin: SlaCalendar = {
  timeZone: 'Europe/Berlin',
  businessDays: WEEKDAYS,
  holidays: ['2026-12-25', '2026-12-26'],
};
const losAngeles: SlaCalendar = {
  timeZone: 'America/Los_Angeles',
  businessDays: WEEKDAYS,
  holidays: ['2026-11-26'],
};

function add(cal: SlaCalendar, unit: DurationUnit, start: string, amount: number): string {
  return new Date(addDuration(cal, unit, Date.parse(start), amount)).toISOString();
}
const z = (s: string): string => new Date(s).toISOString();

describe('hours: elapsed real time', () => {
  test('48h over the Berlin spring-forward shows one hour later on the local clock', () => {
    // Sat 2026-03-28 10:00 CET = 09:00Z; 48 real hours later is Mon 2026-03-30 09:00Z = 11:00 CEST.
    assert.equal(add(berlin, 'h', '2026-03-28T09:00:00Z', 48), z('2026-03-30T09:00:00Z'));
  });

  test('48h over the Los Angeles fall-back shows one hour earlier on the local clock', () => {
    // Sat 2026-10-31 10:00 PDT = 17:00Z; 48h later is Mon 2026-11-02 17:00Z = 09:00 PST.
    assert.equal(add(losAngeles, 'h', '2026-10-31T17:00:00Z', 48), z('2026-11-02T17:00:00Z'));
  });

  test('fractional hours and weekends are plain elapsed time', () => {
    // Sat 12:00Z + 1.5h = 13:30Z the same day; hours ignore business days.
    assert.equal(add(berlin, 'h', '2026-03-21T12:00:00Z', 1.5), z('2026-03-21T13:30:00Z'));
  });
});

describe('calendar days: same local wall time', () => {
  test('14d over the spring-forward keeps 10:00 local', () => {
    // Tue 2026-03-24 10:00 CET = 09:00Z → Tue 2026-04-07 10:00 CEST = 08:00Z (13 days 23 hours real).
    assert.equal(add(berlin, 'd', '2026-03-24T09:00:00Z', 14), z('2026-04-07T08:00:00Z'));
  });

  test('14d over the fall-back keeps 10:00 local', () => {
    // Tue 2026-10-20 10:00 CEST = 08:00Z → Tue 2026-11-03 10:00 CET = 09:00Z.
    assert.equal(add(berlin, 'd', '2026-10-20T08:00:00Z', 14), z('2026-11-03T09:00:00Z'));
  });

  test('a due time inside the spring-forward gap moves forward by the gap (luxon rule)', () => {
    // Sat 2026-03-28 02:30 CET = 01:30Z; Sun 02:30 local does not exist (02:00 CET jumps to 03:00 CEST),
    // so it is read as 03:30 CEST = 01:30Z on the 29th: 24 real hours.
    assert.equal(add(berlin, 'd', '2026-03-28T01:30:00Z', 1), z('2026-03-29T01:30:00Z'));
  });

  test('an ambiguous due time in the repeated hour takes its first (summer-time) occurrence', () => {
    // Sat 2026-10-24 02:30 CEST = 00:30Z; Sun 02:30 happens twice: 02:30 CEST = 00:30Z and 02:30 CET = 01:30Z.
    assert.equal(add(berlin, 'd', '2026-10-24T00:30:00Z', 1), z('2026-10-25T00:30:00Z'));
  });

  test('wall time stands still during the second pass of the repeated hour', () => {
    const d = timeScale('d', berlin);
    // 01:00Z is 03:00 CEST → 02:00 CET; until 02:00Z (03:00 CET) the local clock repeats 02:00–03:00,
    // which has already been counted once, so the position holds at 03:00 local.
    const atChange = d.position(Date.parse('2026-10-25T01:00:00Z'));
    assert.equal(d.position(Date.parse('2026-10-25T01:30:00Z')), atChange);
    assert.equal(d.position(Date.parse('2026-10-25T02:00:00Z')), atChange);
    assert.equal(d.position(Date.parse('2026-10-25T02:30:00Z')), atChange + HOUR / 2);
    // Local midnight to local midnight is one day on the scale although 25 real hours pass:
    // Sun 00:00 CEST = Sat 22:00Z, Mon 00:00 CET = Sun 23:00Z.
    const day =
      d.position(Date.parse('2026-10-25T23:00:00Z')) - d.position(Date.parse('2026-10-24T22:00:00Z'));
    assert.equal(day, DAY);
    // Back from the scale: 03:00 local is first shown at 01:00Z (03:00 CEST, the moment clocks go back).
    assert.equal(d.instantAt(atChange), Date.parse('2026-10-25T01:00:00Z'));
  });
});

describe('business days', () => {
  test('3bd from Wednesday skips the weekend and keeps the local time', () => {
    // Wed 2026-03-18 15:00 CET = 14:00Z: Thu 19 (1), Fri 20 (2), Mon 23 (3) at 15:00 CET = 14:00Z.
    assert.equal(add(berlin, 'bd', '2026-03-18T14:00:00Z', 3), z('2026-03-23T14:00:00Z'));
  });

  test('1bd from Friday over the Berlin spring-forward', () => {
    // Fri 2026-03-27 10:00 CET = 09:00Z → Mon 2026-03-30 10:00 CEST = 08:00Z.
    assert.equal(add(berlin, 'bd', '2026-03-27T09:00:00Z', 1), z('2026-03-30T08:00:00Z'));
  });

  test('1bd from Friday over the Berlin fall-back', () => {
    // Fri 2026-10-23 10:00 CEST = 08:00Z → Mon 2026-10-26 10:00 CET = 09:00Z.
    assert.equal(add(berlin, 'bd', '2026-10-23T08:00:00Z', 1), z('2026-10-26T09:00:00Z'));
  });

  test('1bd from Friday over the US spring-forward', () => {
    // Fri 2026-03-06 09:00 PST = 17:00Z → Mon 2026-03-09 09:00 PDT = 16:00Z.
    assert.equal(add(losAngeles, 'bd', '2026-03-06T17:00:00Z', 1), z('2026-03-09T16:00:00Z'));
  });

  test('1bd from Friday over the US fall-back', () => {
    // Fri 2026-10-30 09:00 PDT = 16:00Z → Mon 2026-11-02 09:00 PST = 17:00Z.
    assert.equal(add(losAngeles, 'bd', '2026-10-30T16:00:00Z', 1), z('2026-11-02T17:00:00Z'));
  });

  test('Christmas holidays in Berlin are skipped', () => {
    // Thu 2026-12-24 12:00 CET = 11:00Z: Fri 25 holiday, Sat 26 holiday and weekend, Sun, then
    // Mon 28 (1), Tue 29 (2) at 12:00 CET = 11:00Z.
    assert.equal(add(berlin, 'bd', '2026-12-24T11:00:00Z', 2), z('2026-12-29T11:00:00Z'));
  });

  test('Thanksgiving in Los Angeles is skipped', () => {
    // Wed 2026-11-25 14:00 PST = 22:00Z: Thu 26 is a holiday, Fri 27 (1) at 14:00 PST = 22:00Z.
    assert.equal(add(losAngeles, 'bd', '2026-11-25T22:00:00Z', 1), z('2026-11-27T22:00:00Z'));
  });

  test('from Saturday afternoon, 1bd is the end of Monday (Tuesday 00:00 local)', () => {
    // Sat 2026-03-21 15:00 CET = 14:00Z; counting starts Mon 23 00:00; due Tue 24 00:00 CET = Mon 23:00Z.
    assert.equal(add(berlin, 'bd', '2026-03-21T14:00:00Z', 1), z('2026-03-23T23:00:00Z'));
  });

  test('from a holiday, counting starts at the next business day', () => {
    // Fri 2026-12-25 09:00 CET (holiday) → Mon 28 is the first business day; its end is Tue 29 00:00 CET
    // = 2026-12-28T23:00Z.
    assert.equal(add(berlin, 'bd', '2026-12-25T08:00:00Z', 1), z('2026-12-28T23:00:00Z'));
  });

  test('a deadline at a day boundary is the end of the last business day, even before a weekend', () => {
    // Fri 2026-03-27 12:00 CET + 0.5bd = Fri 24:00 = Sat 28 00:00 CET = Fri 23:00Z (not Monday 00:00).
    assert.equal(add(berlin, 'bd', '2026-03-27T11:00:00Z', 0.5), z('2026-03-27T23:00:00Z'));
    // Wed 2026-12-23 00:00 CET + 2bd = end of Thu 24 = Fri 25 00:00 CET (a holiday) = Thu 23:00Z.
    assert.equal(add(berlin, 'bd', '2026-12-22T23:00:00Z', 2), z('2026-12-24T23:00:00Z'));
  });

  test('custom business days Sunday to Thursday', () => {
    const sunThu: SlaCalendar = { timeZone: 'UTC', businessDays: [7, 1, 2, 3, 4], holidays: [] };
    // Thu 2026-03-26 10:00Z: Fri and Sat do not count, Sun 29 (1) 10:00Z.
    assert.equal(add(sunThu, 'bd', '2026-03-26T10:00:00Z', 1), z('2026-03-29T10:00:00Z'));
    // Fri 2026-03-27 10:00Z is not a business day: Sun 29 is the first, its end is Mon 30 00:00Z.
    assert.equal(add(sunThu, 'bd', '2026-03-27T10:00:00Z', 1), z('2026-03-30T00:00:00Z'));
  });

  test('half-hour offset: business days are local days in Asia/Kolkata', () => {
    const kolkata: SlaCalendar = { timeZone: 'Asia/Kolkata', businessDays: WEEKDAYS, holidays: [] };
    // Fri 2026-03-27 18:00 IST = 12:30Z → Mon 30 18:00 IST = 12:30Z.
    assert.equal(add(kolkata, 'bd', '2026-03-27T12:30:00Z', 1), z('2026-03-30T12:30:00Z'));
    // 2026-03-27T19:30Z is still Friday in UTC but Sat 28 01:00 in Kolkata: a non-business day, so 1bd is
    // the end of Mon 30 = Tue 31 00:00 IST = Mon 30 18:30Z.
    assert.equal(add(kolkata, 'bd', '2026-03-27T19:30:00Z', 1), z('2026-03-30T18:30:00Z'));
  });

  test('UTC, two whole weeks', () => {
    const utc: SlaCalendar = { timeZone: 'UTC', businessDays: WEEKDAYS, holidays: [] };
    // Mon 2026-03-02 09:00Z + 10bd = two weeks = Mon 2026-03-16 09:00Z.
    assert.equal(add(utc, 'bd', '2026-03-02T09:00:00Z', 10), z('2026-03-16T09:00:00Z'));
  });

  test('200 business days is 40 weeks', () => {
    const noHolidays: SlaCalendar = { ...berlin, holidays: [] };
    // Mon 2026-01-05 09:00 CET = 08:00Z + 200bd = 40 weeks = 280 days: day-of-year 5 + 280 = 285 =
    // Oct 12 (Jan–Sep have 273 days), a Monday, 09:00 CEST = 07:00Z.
    assert.equal(add(noHolidays, 'bd', '2026-01-05T08:00:00Z', 200), z('2026-10-12T07:00:00Z'));
    // With Berlin's two Christmas holidays (only Fri Dec 25 is a weekday) nothing changes before October.
    assert.equal(add(berlin, 'bd', '2026-01-05T08:00:00Z', 200), z('2026-10-12T07:00:00Z'));
  });

  test('business time used from Friday 16:00 to Monday 10:00 is 18 hours', () => {
    const bd = timeScale('bd', berlin);
    // Fri 2026-03-20 16:00 CET = 15:00Z to Fri 24:00 is 8h; Mon 23 00:00 to 10:00 CET (09:00Z) is 10h.
    const used =
      bd.position(Date.parse('2026-03-23T09:00:00Z')) - bd.position(Date.parse('2026-03-20T15:00:00Z'));
    assert.equal(used, 18 * HOUR);
  });

  test('a business day on a DST change counts 24 wall hours', () => {
    const everyDay: SlaCalendar = {
      timeZone: 'Europe/Berlin',
      businessDays: [1, 2, 3, 4, 5, 6, 7],
      holidays: [],
    };
    const bd = timeScale('bd', everyDay);
    // Sun 2026-03-29 00:00 CET = Sat 23:00Z to Mon 30 00:00 CEST = Sun 22:00Z: 23 real hours, one business day.
    const used =
      bd.position(Date.parse('2026-03-29T22:00:00Z')) - bd.position(Date.parse('2026-03-28T23:00:00Z'));
    assert.equal(used, DAY);
  });

  test('positions never go backwards, and instantAt inverts position', () => {
    for (const cal of [berlin, losAngeles]) {
      const bd = timeScale('bd', cal);
      let previous = -Infinity;
      // Every 7 hours 13 minutes through 2026 hits all times of day, weekends and both DST changes.
      const end = Date.parse('2027-01-01T00:00:00Z');
      for (let t = Date.parse('2026-01-01T00:00:00Z'); t < end; t += 7 * HOUR + 13 * 60_000) {
        const p = bd.position(t);
        assert.ok(p >= previous, `${cal.timeZone} position went back at ${new Date(t).toISOString()}`);
        previous = p;
        // On a non-business day the instant found is the end of the previous business day, not t, but it
        // sits at the same position; on a business day it is t itself.
        const back = bd.instantAt(p);
        assert.equal(bd.position(back), p, `${cal.timeZone} round trip at ${new Date(t).toISOString()}`);
        assert.ok(back <= t);
      }
    }
  });

  test('round trips minute by minute through the DST changes, every day a business day', () => {
    const windows: [SlaCalendar, string][] = [
      [berlin, '2026-03-28T20:00:00Z'],
      [berlin, '2026-10-24T20:00:00Z'],
      [losAngeles, '2026-03-08T05:00:00Z'],
      [losAngeles, '2026-11-01T05:00:00Z'],
    ];
    for (const [cal, from] of windows) {
      const bd = timeScale('bd', { ...cal, businessDays: [1, 2, 3, 4, 5, 6, 7] });
      let previous = -Infinity;
      for (let t = Date.parse(from); t < Date.parse(from) + 12 * HOUR; t += 60_000) {
        const p = bd.position(t);
        assert.ok(p >= previous);
        previous = p;
        // In the repeated hour's second pass the position holds, and instantAt gives the first instant
        // with that position — never a later one.
        const back = bd.instantAt(p);
        assert.equal(bd.position(back), p, `${cal.timeZone} at ${new Date(t).toISOString()}`);
        assert.ok(back <= t, `${cal.timeZone} at ${new Date(t).toISOString()}`);
      }
    }
  });

  test('invalid calendars are refused', () => {
    assert.throws(() => timeScale('bd', { ...berlin, timeZone: 'Mars/Olympus' }), ValidationError);
    assert.throws(() => timeScale('bd', { ...berlin, businessDays: [] }), ValidationError);
    assert.throws(() => timeScale('bd', { ...berlin, holidays: ['2026-02-30'] }), ValidationError);
    // Hours need no calendar at all.
    assert.doesNotThrow(() => timeScale('h', { ...berlin, timeZone: 'Mars/Olympus' }));
  });
});
