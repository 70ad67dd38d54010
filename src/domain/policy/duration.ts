// Durations as policies write them: `48h`, `14d`, `5bd`, or a range `24-48h` (see policy.types.ts).
import type { Duration, DurationUnit } from './policy.types.ts';

const DURATION = /^\s*(?:(\d+(?:\.\d+)?)\s*[-–]\s*)?(\d+(?:\.\d+)?)\s*(h|d|bd)\s*$/;

const UNIT_WORDS: Record<DurationUnit, [string, string]> = {
  h: ['hour', 'hours'],
  d: ['day', 'days'],
  bd: ['business day', 'business days'],
};

/** Parses `48h`, `14d`, `5bd`, `24-48h`; returns null for anything else (callers report the error). */
export function parseDuration(text: string): Duration | null {
  const m = DURATION.exec(text);
  if (!m) return null;
  const amount = Number(m[2]);
  const from = m[1] === undefined ? null : Number(m[1]);
  if (!(amount > 0) || (from !== null && !(from > 0 && from < amount))) return null;
  return { unit: m[3] as DurationUnit, amount, from };
}

/** `48 hours`, `5 business days`, `24–48 hours`. */
export function formatDuration(d: Duration): string {
  const [one, many] = UNIT_WORDS[d.unit];
  const word = d.amount === 1 && d.from === null ? one : many;
  return d.from === null ? `${d.amount} ${word}` : `${d.from}–${d.amount} ${word}`;
}

/** The compact form a policy file uses, for writing a policy back out. */
export function durationText(d: Duration): string {
  return d.from === null ? `${d.amount}${d.unit}` : `${d.from}-${d.amount}${d.unit}`;
}
