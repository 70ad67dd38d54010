// Which local calendar days are business days, counted arithmetically so that a 200-business-day clock
// over years of case history costs a few operations: whole weeks are multiplied out and holidays are
// found by binary search. Days are numbered like wall time: day n is the local date n days after
// 1970-01-01 (a Thursday).
import { ValidationError } from '../errors.ts';

export interface BusinessCalendar {
  isBusinessDay(day: number): boolean;
  /** How many business days come before `day` (relative to a fixed origin; only differences matter). */
  countBefore(day: number): number;
  /** The business day with index `k`, i.e. the day `d` with `isBusinessDay(d)` and `countBefore(d) === k`. */
  dayOfIndex(k: number): number;
}

const HOLIDAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number; day 0 was a Thursday. */
export function isoWeekday(day: number): number {
  return mod(day + 3, 7) + 1;
}

/** Day number of a local date `YYYY-MM-DD`, or null when it is not a real date. */
export function dayNumber(date: string): number | null {
  const m = HOLIDAY.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / 86_400_000;
}

export function businessCalendar(
  businessDays: readonly number[],
  holidays: readonly string[],
): BusinessCalendar {
  // Offsets 0..6 from a week's first day (a Thursday, like day 0) that are business weekdays.
  const weekOffsets = [0, 1, 2, 3, 4, 5, 6].filter((o) => businessDays.includes(isoWeekday(o)));
  const perWeek = weekOffsets.length;
  if (perWeek === 0) {
    throw new ValidationError([{ field: 'sla.businessDays', message: 'At least one weekday must count.' }]);
  }
  // prefix[r] = business weekdays among the first r days of a week.
  const prefix = [0];
  for (let o = 0; o < 7; o++) prefix.push(prefix[o]! + (weekOffsets.includes(o) ? 1 : 0));

  // Only holidays on business weekdays change anything; sorted and deduplicated for binary search.
  const holidayDays = [
    ...new Set(
      holidays.map((h) => {
        const n = dayNumber(h);
        if (n === null) {
          throw new ValidationError([
            { field: 'sla.holidays', message: `"${h}" is not a date (YYYY-MM-DD).` },
          ]);
        }
        return n;
      }),
    ),
  ]
    .filter((n) => weekOffsets.includes(mod(n, 7)))
    .sort((a, b) => a - b);
  const holidaySet = new Set(holidayDays);

  /** Holidays (on business weekdays) before `day`. */
  const holidaysBefore = (day: number): number => {
    let lo = 0;
    let hi = holidayDays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (holidayDays[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const weekdaysBefore = (day: number): number => {
    const weeks = Math.floor(day / 7);
    return weeks * perWeek + prefix[day - weeks * 7]!;
  };
  /** The business weekday (holidays included) with index j. */
  const weekdayOfIndex = (j: number): number => {
    const weeks = Math.floor(j / perWeek);
    return weeks * 7 + weekOffsets[j - weeks * perWeek]!;
  };

  const isBusinessDay = (day: number): boolean => weekOffsets.includes(mod(day, 7)) && !holidaySet.has(day);
  const countBefore = (day: number): number => weekdaysBefore(day) - holidaysBefore(day);

  function dayOfIndex(k: number): number {
    // countBefore(weekdayOfIndex(j)) = j − holidaysBefore(…) ≤ j and grows by at most one per step of j,
    // so jumping j by the shortfall never overshoots; each holiday costs at most one more round.
    let j = k;
    for (;;) {
      const day = weekdayOfIndex(j);
      const count = j - holidaysBefore(day);
      if (count < k) j += k - count;
      else if (holidaySet.has(day)) j += 1;
      else return day;
    }
  }

  return { isBusinessDay, countBefore, dayOfIndex };
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}
