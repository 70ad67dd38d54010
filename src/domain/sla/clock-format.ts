// Words and times for showing SLA clocks on pages and in mail: clock names, and due times written in the
// policy's time zone with its usual abbreviation ("Tue 24 Mar 2026, 17:00 CET").
import { DateTime } from 'luxon';
import type { ClockName } from '../policy/policy.types.ts';
import type { Clock, ClockStatus } from './clocks.ts';

const LABELS: Record<ClockName, string> = {
  acknowledge: 'Acknowledge',
  assess: 'Initial assessment',
  fix: 'Fix',
  disclose: 'Disclose',
};

const STATUS_WORDS: Record<ClockStatus, string> = {
  'on-track': 'on track',
  'at-risk': 'at risk',
  overdue: 'overdue',
  met: 'met',
  missed: 'missed',
};

export function clockLabel(name: ClockName): string {
  return LABELS[name];
}

/**
 * An instant as `Tue 24 Mar 2026, 17:00 CET` in `timeZone`. Zone abbreviations come from the platform's
 * time-zone names: British English knows the European ones (CET, BST), American English the North
 * American ones (PDT, EST); elsewhere the offset is written out (`GMT+5:30`).
 */
export function formatInstant(isoInstant: string, timeZone: string): string {
  const dt = DateTime.fromISO(isoInstant, { zone: timeZone });
  const date = dt.setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm');
  return `${date} ${zoneAbbreviation(dt)}`;
}

function zoneAbbreviation(dt: DateTime): string {
  const british = dt.setLocale('en-GB').toFormat('ZZZZ');
  if (!/^GMT[+-]/.test(british)) return british;
  const american = dt.setLocale('en-US').toFormat('ZZZZ');
  return /^GMT[+-]/.test(american) ? british : american;
}

export interface ClockDescription {
  /** `Fix` */
  label: string;
  /** `Tue 24 Mar 2026, 17:00 CET` */
  due: string;
  /** `at risk`, `overdue`, `met`, `paused` … */
  status: string;
  /** One line for a page: `Fix: due Tue 24 Mar 2026, 17:00 CET (at risk)`. */
  text: string;
}

export function describeClock(clock: Clock, timeZone: string): ClockDescription {
  const label = clockLabel(clock.name);
  const due = formatInstant(clock.dueAt, timeZone);
  const status = clock.paused ? 'paused' : STATUS_WORDS[clock.status];
  const text =
    clock.stoppedAt === null
      ? `${label}: due ${due}${status === 'on track' ? '' : ` (${status})`}`
      : `${label}: ${status} (due ${due}, stopped ${formatInstant(clock.stoppedAt, timeZone)})`;
  return { label, due, status, text };
}
