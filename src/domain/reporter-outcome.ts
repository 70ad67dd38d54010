// How a case turned out, from the reporter's side: the buckets of a reporter's history that triagers
// see next to a new report. A finding that was real counts as valid, whether this project fixed it
// or it belonged upstream; "fixed" as a state counts too (the fix exists, disclosure may follow).

export const OUTCOMES = ['valid', 'invalid', 'duplicate', 'spam', 'open'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  valid: 'Valid',
  invalid: 'Not valid',
  duplicate: 'Duplicate',
  spam: 'Spam',
  open: 'Still open',
};

export function outcomeOf(state: string, resolution: string | null): Outcome {
  if (state === 'fixed' || state === 'disclosed') return 'valid';
  if (state !== 'closed') return 'open';
  switch (resolution) {
    case 'fixed':
    case 'upstream':
      return 'valid';
    case 'duplicate':
      return 'duplicate';
    case 'spam':
      return 'spam';
    default:
      // not-a-vulnerability, out-of-scope, informative
      return 'invalid';
  }
}
