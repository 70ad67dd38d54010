// A case's SLA clocks (DESIGN.md §1 Policy: acknowledge, initial assessment, fix, disclose), computed from
// the case's milestones, its needs-info intervals and the policy, at a given `now`. Pure: callers pass now.
//
// Rules beyond the obvious start/stop milestones:
// - Durations come from the severity as it is now (so a severity change re-computes every clock); with no
//   severity yet, from the policy's defaults. A clock with no duration in the policy is left out.
// - No clock runs on a closed case. acknowledge/assess stop at closedAt if their milestone never came.
//   Closed as `fixed`, fix and disclose stop at closedAt unless fixedAt/disclosedAt came first. Closed
//   with any other resolution, fix and disclose are not applicable and left out — unless already stopped.
// - Needs-info pauses (when the policy says so) only count between a clock's start and its stop (or now),
//   and only pauses that begin before the clock runs out move its due time: asking the reporter for more
//   information does not turn an overdue clock back into a running one. An open pause counts as if it
//   ended now, so the due time moves forward while it lasts.
// - Boundaries: stopped exactly at the due instant is `met`; running exactly at the due instant is not yet
//   `overdue` (it is `at-risk`, having used its whole share); at-risk from usedShare ≥ atRiskShare.
import type { Severity } from '../case-state.ts';
import type { ClockName, Duration, SlaPolicy } from '../policy/policy.types.ts';
import { CLOCKS } from '../policy/policy.types.ts';
import { timeScale, type TimeScale } from './time-scale.ts';

export { clockLabel, describeClock, formatInstant, type ClockDescription } from './clock-format.ts';

export interface ClockCaseFacts {
  receivedAt: string;
  acknowledgedAt: string | null;
  triagedAt: string | null;
  fixedAt: string | null;
  disclosedAt: string | null;
  closedAt: string | null;
  resolution: string | null;
  severity: Severity | null;
  needsInfo: { from: string; to: string | null }[];
}

export type ClockStatus = 'on-track' | 'at-risk' | 'overdue' | 'met' | 'missed';

export interface Clock {
  name: ClockName;
  duration: Duration;
  startedAt: string;
  dueAt: string;
  atRiskAt: string;
  stoppedAt: string | null;
  status: ClockStatus;
  /** Running and held right now by an open needs-info interval. */
  paused: boolean;
  /** Share of the duration used (at the stop, or now); 0 and up, past 1 once overdue or missed. */
  usedShare: number;
}

/** When a clock starts and stops; `null` start = the clock does not apply (yet). */
interface Span {
  start: string | null;
  stop: string | null;
}

export function computeClocks(sla: SlaPolicy, facts: ClockCaseFacts, now: Date): Clock[] {
  const nowMs = now.getTime();
  const scales = new Map<Duration['unit'], TimeScale>();
  const scaleFor = (unit: Duration['unit']): TimeScale => {
    let s = scales.get(unit);
    if (!s) scales.set(unit, (s = timeScale(unit, sla)));
    return s;
  };
  const pauses = sla.needsInfoPausesClocks ? mergedPauses(facts.needsInfo, nowMs) : [];
  const heldNow =
    sla.needsInfoPausesClocks &&
    facts.needsInfo.some((i) => instant(i.from) <= nowMs && (i.to === null || instant(i.to) > nowMs));
  const clocks: Clock[] = [];
  for (const name of CLOCKS) {
    const duration =
      (facts.severity ? sla.bySeverity[facts.severity]?.[name] : undefined) ?? sla.default[name];
    if (!duration) continue;
    const span = clockSpan(name, facts);
    if (span.start === null) continue;
    clocks.push(
      runClock(name, duration, span, scaleFor(duration.unit), pauses, heldNow, sla.atRiskShare, nowMs),
    );
  }
  return clocks;
}

/** The running clock that is due first, or null when no clock runs. */
export function nextDeadline(clocks: Clock[]): Clock | null {
  let next: Clock | null = null;
  for (const c of clocks) {
    if (c.stoppedAt !== null) continue;
    if (next === null || Date.parse(c.dueAt) < Date.parse(next.dueAt)) next = c;
  }
  return next;
}

function clockSpan(name: ClockName, f: ClockCaseFacts): Span {
  const closedFixed = f.closedAt !== null && f.resolution === 'fixed' ? f.closedAt : null;
  switch (name) {
    case 'acknowledge':
      return { start: f.receivedAt, stop: f.acknowledgedAt ?? f.closedAt };
    case 'assess':
      return { start: f.acknowledgedAt, stop: f.triagedAt ?? f.closedAt };
    case 'fix':
    case 'disclose': {
      if (f.triagedAt === null || f.severity === null) return { start: null, stop: null };
      const stop = name === 'fix' ? (f.fixedAt ?? closedFixed) : (f.disclosedAt ?? closedFixed);
      // Closed with another resolution and never reached: the clock does not apply.
      if (stop === null && f.closedAt !== null) return { start: null, stop: null };
      return { start: f.triagedAt, stop };
    }
  }
}

/** Needs-info intervals up to now as sorted, non-overlapping [from, to] instants; an open one ends now. */
function mergedPauses(intervals: ClockCaseFacts['needsInfo'], nowMs: number): [number, number][] {
  const spans = intervals
    .map((i): [number, number] => [instant(i.from), i.to === null ? nowMs : Math.min(instant(i.to), nowMs)])
    .filter(([from, to]) => to > from)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of spans) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function runClock(
  name: ClockName,
  duration: Duration,
  span: Span,
  scale: TimeScale,
  pauses: [number, number][],
  heldNow: boolean,
  atRiskShare: number,
  nowMs: number,
): Clock {
  const startMs = instant(span.start!);
  const stopMs = span.stop === null ? null : instant(span.stop);
  const endMs = stopMs ?? nowMs;
  const startPos = scale.position(startMs);

  // Pauses clipped to [start, end], as position intervals; empty ones (e.g. on a weekend for bd) drop out.
  const held: [number, number][] = [];
  for (const [from, to] of pauses) {
    const a = Math.max(from, startMs);
    const b = Math.min(to, endMs);
    if (b <= a) continue;
    const pa = scale.position(a);
    const pb = scale.position(b);
    if (pb > pa) held.push([pa, pb]);
  }
  const heldTotal = held.reduce((sum, [pa, pb]) => sum + (pb - pa), 0);

  const amountMs = duration.amount * scale.unitMs;
  const used = Math.max(0, scale.position(endMs) - startPos - heldTotal);
  const usedShare = used / amountMs;
  const dueMs = scale.instantAt(reach(startPos + amountMs, held));
  const atRiskMs = Math.min(dueMs, scale.instantAt(reach(startPos + atRiskShare * amountMs, held)));

  let status: ClockStatus;
  if (stopMs !== null) status = stopMs <= dueMs ? 'met' : 'missed';
  else if (nowMs > dueMs) status = 'overdue';
  else if (usedShare >= atRiskShare) status = 'at-risk';
  else status = 'on-track';

  return {
    name,
    duration,
    startedAt: iso(startMs),
    dueAt: iso(dueMs),
    atRiskAt: iso(atRiskMs),
    stoppedAt: stopMs === null ? null : iso(stopMs),
    status,
    paused: heldNow && stopMs === null,
    usedShare,
  };
}

/**
 * The position at which the clock has used `target − start` of its time: each pause that begins before
 * that point pushes it back by the pause's length; a pause that begins later does not matter.
 */
function reach(target: number, held: [number, number][]): number {
  let t = target;
  for (const [pa, pb] of held) {
    if (pa >= t) break;
    t += pb - pa;
  }
  return t;
}

function instant(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`Not a timestamp: ${JSON.stringify(text)}`);
  return ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
