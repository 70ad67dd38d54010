// Clocks as the pages and the API show them: what is due when, in which time zone, and how it stands.
import { formatDuration } from '../../domain/policy/duration.ts';
import type { Policy } from '../../domain/policy/policy.types.ts';
import { clockLabel, type Clock } from '../../domain/sla/clocks.ts';

export interface DeadlineView {
  clock: Clock['name'];
  label: string;
  /** The policy's commitment, e.g. "5 business days". */
  commitment: string;
  startedAt: string;
  dueAt: string;
  atRiskAt: string;
  stoppedAt: string | null;
  status: Clock['status'];
  paused: boolean;
}

export interface Deadlines {
  /** The policy version the case was opened under. */
  policyVersion: number;
  /** The IANA zone business days and calendar days are counted in. */
  timeZone: string;
  clocks: DeadlineView[];
}

export function presentDeadlines(policy: Policy, policyVersion: number, clocks: Clock[]): Deadlines {
  return {
    policyVersion,
    timeZone: policy.sla.timeZone,
    clocks: clocks.map((c) => ({
      clock: c.name,
      label: clockLabel(c.name),
      commitment: formatDuration(c.duration),
      startedAt: c.startedAt,
      dueAt: c.dueAt,
      atRiskAt: c.atRiskAt,
      stoppedAt: c.stoppedAt,
      status: c.status,
      paused: c.paused,
    })),
  };
}
