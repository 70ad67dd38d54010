// Local wall-clock time in a policy's time zone, as plain numbers: "wall milliseconds" are the local date
// and time read as if they were UTC (2026-03-24 10:00 local → Date.UTC(2026, 2, 24, 10)). Calendar-day and
// business-day clocks measure in wall time, so a day always counts 24 wall hours, DST or not.
//
// DST conventions (the time-scale and clock modules rely on them):
// - Real instant → wall time is a monotone map. In a fall-back change the repeated hour counts once: its
//   first pass runs normally and during the second pass wall time stands still at the end of the repeated
//   hour (Berlin 2026-10-25: 02:00–03:00 CEST runs, 02:00–03:00 CET holds at 03:00).
// - Wall time → real instant follows luxon's rules: a local time that does not exist (spring-forward gap)
//   is moved forward by the length of the gap (Berlin 2026-03-29 02:30 → 03:30 CEST); an ambiguous one
//   takes the earlier instant (02:30 CEST), which is what luxon's DateTime#plus gives coming from before
//   the change. Apart from gaps this is the exact inverse: the first instant the wall clock shows `w`. (luxon's DateTime.fromObject picks by the offset in force *today*, i.e. it reads the real
//   clock, which domain code must not depend on.)
import { IANAZone } from 'luxon';
import { ValidationError } from '../errors.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface WallClock {
  readonly timeZone: string;
  /** Wall milliseconds at a real instant (epoch ms); non-decreasing in `t`. */
  wallAt(t: number): number;
  /** The real instant (epoch ms) at which the zone's clocks show the wall time `w`. */
  instantOf(w: number): number;
}

const cache = new Map<string, WallClock>();

/** The wall clock of an IANA zone; throws a ValidationError for an unknown zone. */
export function wallClock(timeZone: string): WallClock {
  let clock = cache.get(timeZone);
  if (!clock) {
    clock = makeWallClock(timeZone);
    cache.set(timeZone, clock);
  }
  return clock;
}

function makeWallClock(timeZone: string): WallClock {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) {
    throw new ValidationError([{ field: 'sla.timeZone', message: `Unknown time zone "${timeZone}".` }]);
  }
  /** Offset from UTC in ms at an instant. */
  const offset = (t: number): number => zone.offset(t) * MINUTE_MS;

  // Fall-back instants found so far: the search costs ~17 offset look-ups, and a zone has two a year.
  const fallBacks: number[] = [];

  function wallAt(t: number): number {
    const now = offset(t);
    const dayBefore = offset(t - DAY_MS);
    if (dayBefore <= now) return t + now;
    // The offset went down within the last day (one change per day at most, as in every real zone).
    // Find the instant of the change to tell the second pass through the repeated stretch from later times.
    let change = fallBacks.find((c) => c > t - DAY_MS && c <= t);
    if (change === undefined) {
      const found = changeInstant(offset, t - DAY_MS, t, now);
      if (found === null) return t + now;
      change = found;
      if (fallBacks.length < 1000) fallBacks.push(change);
    }
    const repeated = dayBefore - now;
    return t < change + repeated ? change + dayBefore : t + now;
  }

  function instantOf(w: number): number {
    // The instant lies within a day of `w` read as UTC; the offsets in force a day either side are the
    // only candidates (again: at most one change in that window).
    const candidates = [...new Set([offset(w - DAY_MS), offset(w), offset(w + DAY_MS)])];
    // A candidate counts if wallAt maps it back to w (not merely if its offset matches): that also finds
    // the instant a fall-back happens as the first moment of the wall time that ends the repeated hour.
    let best: number | null = null;
    for (const o of candidates) {
      const t = w - o;
      if ((best === null || t < best) && wallAt(t) === w) best = t;
    }
    if (best !== null) return best;
    // In a gap: read the time with the offset from before the change, which lands as far past the change
    // as the wall time was past its start (luxon's rule).
    return w - Math.min(...candidates);
  }

  return { timeZone, wallAt, instantOf };
}

/**
 * The first instant in (from, to] whose offset is `after`, given that `to` has it and `from` does not
 * (null if the offset only changed within `to`'s own second, which tzdb never does).
 * tzdb changes happen on whole seconds, so a binary search over seconds finds it exactly (~17 steps).
 */
function changeInstant(
  offset: (t: number) => number,
  from: number,
  to: number,
  after: number,
): number | null {
  let lo = Math.floor(from / 1000);
  let hi = Math.floor(to / 1000);
  if (offset(hi * 1000) !== after) return null;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offset(mid * 1000) === after) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}
