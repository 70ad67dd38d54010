// How a policy duration unit measures time. Each unit is a monotone map from real instants to a
// "position" on its scale (in ms of that scale) plus an inverse, so clocks treat every unit alike:
// used = position(now) − position(start) − paused positions, due = instantAt(position(start) + amount + paused).
//
// - `h`: elapsed real time; position is the instant itself (an hour is 3,600 s, DST does not matter).
// - `d`: calendar days in the policy's zone; position is wall time (wall-clock.ts), so 14d from Tuesday
//   10:00 local is Tuesday 10:00 local two weeks later whatever DST does in between.
// - `bd`: business days in the zone; position is wall time summed over business days only: each business
//   day counts its 24 wall hours, every other day counts nothing. From a moment on a non-business day,
//   counting starts at 00:00 local of the next business day.
//   End of business day: a due position that falls exactly on a day boundary means the END of the last
//   business day counted, i.e. 00:00 local of the calendar day after it — 1bd from Saturday 15:00 is due
//   Tuesday 00:00 (the end of Monday), and 0.5bd from Friday 12:00 is due Saturday 00:00, not Monday.
import type { DurationUnit, SlaPolicy } from '../policy/policy.types.ts';
import { businessCalendar } from './business-calendar.ts';
import { DAY_MS, HOUR_MS, wallClock } from './wall-clock.ts';

/** What a time scale needs from a policy. */
export type SlaCalendar = Pick<SlaPolicy, 'timeZone' | 'businessDays' | 'holidays'>;

export interface TimeScale {
  readonly unit: DurationUnit;
  /** Scale milliseconds in one unit of a duration (1h, 1d, 1bd). */
  readonly unitMs: number;
  /** Position on the scale at a real instant (epoch ms); non-decreasing. */
  position(t: number): number;
  /** The real instant (epoch ms, whole) at which the scale reaches position `p`. */
  instantAt(p: number): number;
}

export function timeScale(unit: DurationUnit, calendar: SlaCalendar): TimeScale {
  switch (unit) {
    case 'h':
      return { unit, unitMs: HOUR_MS, position: (t) => t, instantAt: (p) => Math.round(p) };
    case 'd': {
      const wall = wallClock(calendar.timeZone);
      return {
        unit,
        unitMs: DAY_MS,
        position: (t) => wall.wallAt(t),
        instantAt: (p) => wall.instantOf(Math.round(p)),
      };
    }
    case 'bd':
      return businessDayScale(calendar);
  }
}

/** The instant `amount` units of `unit` after `start` (epoch ms), with no pauses. */
export function addDuration(
  calendar: SlaCalendar,
  unit: DurationUnit,
  start: number,
  amount: number,
): number {
  const scale = timeScale(unit, calendar);
  return scale.instantAt(scale.position(start) + amount * scale.unitMs);
}

function businessDayScale(calendar: SlaCalendar): TimeScale {
  const wall = wallClock(calendar.timeZone);
  const days = businessCalendar(calendar.businessDays, calendar.holidays);

  function position(t: number): number {
    const w = wall.wallAt(t);
    const day = Math.floor(w / DAY_MS);
    const counted = days.countBefore(day) * DAY_MS;
    return days.isBusinessDay(day) ? counted + (w - day * DAY_MS) : counted;
  }

  function instantAt(p: number): number {
    const rounded = Math.round(p);
    const k = Math.floor(rounded / DAY_MS);
    const intoDay = rounded - k * DAY_MS;
    // A whole number of business days: the end (24:00) of business day k − 1, see the header.
    const w = intoDay === 0 ? (days.dayOfIndex(k - 1) + 1) * DAY_MS : days.dayOfIndex(k) * DAY_MS + intoDay;
    return wall.instantOf(w);
  }

  return { unit: 'bd', unitMs: DAY_MS, position, instantAt };
}
