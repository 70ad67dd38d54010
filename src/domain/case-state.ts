// The case lifecycle from DESIGN.md §1 as data: which state may follow which, and what each
// transition requires. Routes and services ask this module; they never encode the rules themselves.
import { InvalidTransitionError, ValidationError } from './errors.ts';

export const CASE_STATES = [
  'new',
  'acknowledged',
  'triaged',
  'fixing',
  'fixed',
  'disclosed',
  'closed',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const RESOLUTIONS = [
  'fixed',
  'not-a-vulnerability',
  'out-of-scope',
  'duplicate',
  'informative',
  'spam',
  'upstream',
] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How states read to people (pages, mail). */
export const CASE_STATE_LABELS: Record<string, string> = {
  new: 'New',
  acknowledged: 'Acknowledged',
  triaged: 'Triaged',
  fixing: 'Fix in progress',
  fixed: 'Fixed',
  disclosed: 'Disclosed',
  closed: 'Closed',
};

/** Open states are the ones a team is still working in; clocks and needs-info apply to them. */
export const OPEN_STATES: readonly CaseState[] = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed'];

/**
 * Allowed next states. Besides the forward path: `new → triaged` acknowledges implicitly, `fixing → triaged`
 * and `fixed → fixing` step back when a fix falls through, and `closed → acknowledged` reopens a case.
 * `disclosed` is final: an advisory is public and the case record stays as it was.
 */
export const TRANSITIONS: Record<CaseState, readonly CaseState[]> = {
  new: ['acknowledged', 'triaged', 'closed'],
  acknowledged: ['triaged', 'closed'],
  triaged: ['fixing', 'fixed', 'closed'],
  fixing: ['triaged', 'fixed', 'closed'],
  fixed: ['fixing', 'disclosed', 'closed'],
  disclosed: [],
  closed: ['acknowledged'],
};

export function isCaseState(v: unknown): v is CaseState {
  return typeof v === 'string' && (CASE_STATES as readonly string[]).includes(v);
}
export function isResolution(v: unknown): v is Resolution {
  return typeof v === 'string' && (RESOLUTIONS as readonly string[]).includes(v);
}
export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

export interface TransitionRequest {
  to: CaseState;
  resolution?: Resolution | undefined;
  severity?: Severity | undefined;
  duplicateOfId?: string | undefined;
}

export interface CaseSnapshot {
  state: CaseState;
  severity: Severity | null;
}

/** What a transition changes on the case, decided from the request and the current state. */
export interface TransitionOutcome {
  state: CaseState;
  resolution: Resolution | null;
  severity: Severity | null;
  duplicateOfId: string | null;
  /** Timestamps to stamp (never overwritten once set, except closedAt which a reopen clears). */
  stamp: Array<'acknowledgedAt' | 'triagedAt' | 'fixedAt' | 'closedAt' | 'disclosedAt'>;
  clearClosed: boolean;
  clearNeedsInfo: boolean;
}

export function nextStates(state: CaseState): readonly CaseState[] {
  return TRANSITIONS[state];
}

export function decideTransition(current: CaseSnapshot, req: TransitionRequest): TransitionOutcome {
  const { state } = current;
  if (!TRANSITIONS[state].includes(req.to)) {
    throw new InvalidTransitionError(state, req.to);
  }
  if (req.to !== 'closed' && req.resolution !== undefined) {
    throw new ValidationError([{ field: 'resolution', message: 'A resolution is only given when closing.' }]);
  }
  if (req.to !== 'closed' && req.duplicateOfId !== undefined) {
    throw new ValidationError([
      { field: 'duplicateOf', message: 'Only a duplicate names the case it duplicates.' },
    ]);
  }
  const severity = req.severity ?? current.severity;
  const outcome: TransitionOutcome = {
    state: req.to,
    resolution: null,
    severity,
    duplicateOfId: null,
    stamp: [],
    clearClosed: false,
    clearNeedsInfo: false,
  };
  switch (req.to) {
    case 'acknowledged':
      outcome.stamp.push('acknowledgedAt');
      if (state === 'closed') outcome.clearClosed = true;
      break;
    case 'triaged':
      if (!severity) {
        throw new ValidationError([
          { field: 'severity', message: 'Triage needs a severity: critical, high, medium or low.' },
        ]);
      }
      outcome.stamp.push('acknowledgedAt', 'triagedAt');
      break;
    case 'fixing':
      break;
    case 'fixed':
      outcome.stamp.push('fixedAt');
      break;
    case 'disclosed':
      outcome.stamp.push('disclosedAt');
      outcome.clearNeedsInfo = true;
      break;
    case 'closed': {
      if (!req.resolution) {
        throw new ValidationError([{ field: 'resolution', message: 'Closing needs a resolution.' }]);
      }
      if (req.resolution === 'fixed' && state !== 'fixed' && state !== 'fixing') {
        throw new InvalidTransitionError(
          state,
          req.to,
          'Only a case being fixed or fixed can be closed as fixed.',
        );
      }
      if (req.resolution === 'duplicate' && !req.duplicateOfId) {
        throw new ValidationError([{ field: 'duplicateOf', message: 'Name the case this one duplicates.' }]);
      }
      if (req.resolution !== 'duplicate' && req.duplicateOfId !== undefined) {
        throw new ValidationError([
          { field: 'duplicateOf', message: 'Only a duplicate names the case it duplicates.' },
        ]);
      }
      outcome.resolution = req.resolution;
      outcome.duplicateOfId = req.duplicateOfId ?? null;
      outcome.stamp.push('closedAt');
      outcome.clearNeedsInfo = true;
      break;
    }
    case 'new':
      break;
  }
  return outcome;
}
