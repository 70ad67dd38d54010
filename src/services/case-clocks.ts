// A case's SLA clocks under the policy version it was opened with, and the earliest running due time
// that the inbox sorts by. Recomputed from the case's milestones on every read and every change.
import type { Severity } from '../domain/case-state.ts';
import { parseNeedsInfoLog, toggleNeedsInfo } from '../domain/needs-info-log.ts';
import type { Policy } from '../domain/policy/policy.types.ts';
import { computeClocks, nextDeadline, type Clock, type ClockCaseFacts } from '../domain/sla/clocks.ts';
import type { CaseRow, CaseUpdate } from '../storage/schema.ts';

type ClockFields = Pick<
  CaseRow,
  | 'created_at'
  | 'acknowledged_at'
  | 'triaged_at'
  | 'fixed_at'
  | 'disclosed_at'
  | 'closed_at'
  | 'resolution'
  | 'severity'
> & { needs_info_log?: string | null };

export function clockFacts(row: ClockFields): ClockCaseFacts {
  return {
    receivedAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    triagedAt: row.triaged_at,
    fixedAt: row.fixed_at,
    disclosedAt: row.disclosed_at,
    closedAt: row.closed_at,
    resolution: row.resolution,
    severity: row.severity as Severity | null,
    needsInfo: parseNeedsInfoLog(row.needs_info_log),
  };
}

export function caseClocks(policy: Policy, row: ClockFields, now: Date): Clock[] {
  return computeClocks(policy.sla, clockFacts(row), now);
}

/** The due time the inbox sorts by: the earliest of the running clocks, or null when none runs. */
export function nextDueAt(policy: Policy, row: ClockFields, now: Date): string | null {
  return nextDeadline(caseClocks(policy, row, now))?.dueAt ?? null;
}

/**
 * Completes a patch with its clock bookkeeping: a needs-info change opens or closes a pause interval,
 * and the inbox's due time is recomputed from the case as it will be after the patch.
 */
export function settleClocks(policy: Policy, row: CaseRow, patch: CaseUpdate, now: string): void {
  if (patch.needs_info !== undefined && patch.needs_info !== row.needs_info) {
    patch.needs_info_log = toggleNeedsInfo(row.needs_info_log, patch.needs_info === 1, now);
  }
  patch.next_due_at = nextDueAt(policy, { ...row, ...patch } as CaseRow, new Date(now));
}
