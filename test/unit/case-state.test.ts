// The case lifecycle rules of src/domain/case-state.ts, checked against a table written here from
// DESIGN.md §1 (and the module's documented step-backs), never against TRANSITIONS itself.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CASE_STATES,
  RESOLUTIONS,
  SEVERITIES,
  OPEN_STATES,
  decideTransition,
  nextStates,
  isCaseState,
  isResolution,
  isSeverity,
  type CaseState,
  type TransitionRequest,
} from '../../src/domain/case-state.ts';
import { ConflictError, InvalidTransitionError, ValidationError } from '../../src/domain/errors.ts';

const STATES = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed', 'disclosed', 'closed'] as const;

// Forward path, `new → triaged` (implicit acknowledge), the two step-backs, closing from every open
// state, and reopening a closed case. `disclosed` is final.
const ALLOWED = new Set([
  'new>acknowledged',
  'new>triaged',
  'new>closed',
  'acknowledged>triaged',
  'acknowledged>closed',
  'triaged>fixing',
  'triaged>fixed',
  'triaged>closed',
  'fixing>triaged',
  'fixing>fixed',
  'fixing>closed',
  'fixed>fixing',
  'fixed>disclosed',
  'fixed>closed',
  'closed>acknowledged',
]);

const STAMPS: Record<CaseState, string[]> = {
  new: [],
  acknowledged: ['acknowledgedAt'],
  triaged: ['acknowledgedAt', 'triagedAt'],
  fixing: [],
  fixed: ['fixedAt'],
  disclosed: ['disclosedAt'],
  closed: ['closedAt'],
};

/** A request that meets every requirement of `to`, so only the (from, to) rule can reject it. */
function validRequest(to: CaseState): TransitionRequest {
  return to === 'closed' ? { to, resolution: 'informative' } : { to };
}

const snap = (state: CaseState, severity: 'critical' | 'high' | 'medium' | 'low' | null = 'medium') => ({
  state,
  severity,
});

function assertInvalidTransition(fn: () => unknown) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InvalidTransitionError, `expected InvalidTransitionError, got ${String(e)}`);
    assert.ok(e instanceof ConflictError);
    assert.equal(e.code, 'invalid-transition');
    return true;
  });
}

function assertFieldError(fn: () => unknown, field: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    assert.equal(e.code, 'validation-error');
    assert.deepEqual(
      e.errors.map((x) => x.field),
      [field],
    );
    return true;
  });
}

describe('case states', () => {
  test('the module lists exactly the states, resolutions and severities of the design', () => {
    assert.deepEqual([...CASE_STATES], [...STATES]);
    assert.deepEqual(
      [...RESOLUTIONS].sort(),
      ['duplicate', 'fixed', 'informative', 'not-a-vulnerability', 'out-of-scope', 'spam', 'upstream'].sort(),
    );
    assert.deepEqual([...SEVERITIES], ['critical', 'high', 'medium', 'low']);
    assert.deepEqual([...OPEN_STATES], ['new', 'acknowledged', 'triaged', 'fixing', 'fixed']);
  });

  test('type guards accept members only', () => {
    for (const s of STATES) assert.equal(isCaseState(s), true);
    for (const v of ['', 'New', 'open', 'reopened', null, undefined, 3, ['new']])
      assert.equal(isCaseState(v), false);
    assert.equal(isResolution('spam'), true);
    assert.equal(isResolution('wontfix'), false);
    assert.equal(isResolution(undefined), false);
    assert.equal(isSeverity('low'), true);
    assert.equal(isSeverity('LOW'), false);
    assert.equal(isSeverity(2), false);
  });

  test('nextStates matches the table for every state', () => {
    for (const from of STATES) {
      const expected = STATES.filter((to) => ALLOWED.has(`${from}>${to}`));
      assert.deepEqual([...nextStates(from)].sort(), [...expected].sort(), `next states of ${from}`);
    }
    assert.deepEqual([...nextStates('disclosed')], []);
  });
});

describe('every (from, to) pair', () => {
  for (const from of STATES) {
    for (const to of STATES) {
      const allowed = ALLOWED.has(`${from}>${to}`);
      test(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        if (!allowed) {
          assertInvalidTransition(() => decideTransition(snap(from), validRequest(to)));
          // Also refused when the request carries nothing else.
          assertInvalidTransition(() => decideTransition(snap(from), { to }));
          return;
        }
        const out = decideTransition(snap(from), validRequest(to));
        assert.equal(out.state, to);
        assert.deepEqual([...out.stamp].sort(), [...STAMPS[to]].sort());
        assert.equal(out.clearClosed, from === 'closed' && to === 'acknowledged');
        assert.equal(out.clearNeedsInfo, to === 'closed' || to === 'disclosed');
        assert.equal(out.severity, 'medium', 'severity is kept when the request names none');
        assert.equal(out.resolution, to === 'closed' ? 'informative' : null);
        assert.equal(out.duplicateOfId, null);
      });
    }
  }
});

describe('transition requirements', () => {
  test('triage needs a severity, from the request or already on the case', () => {
    for (const from of ['new', 'acknowledged', 'fixing'] as const) {
      assertFieldError(() => decideTransition(snap(from, null), { to: 'triaged' }), 'severity');
      assert.equal(
        decideTransition(snap(from, null), { to: 'triaged', severity: 'critical' }).severity,
        'critical',
      );
      assert.equal(decideTransition(snap(from, 'low'), { to: 'triaged' }).severity, 'low');
    }
  });

  test('a severity in the request replaces the current one on any allowed transition', () => {
    assert.equal(decideTransition(snap('new', 'low'), { to: 'triaged', severity: 'high' }).severity, 'high');
    assert.equal(
      decideTransition(snap('fixed', 'low'), { to: 'disclosed', severity: 'critical' }).severity,
      'critical',
    );
    assert.equal(decideTransition(snap('new', null), { to: 'acknowledged' }).severity, null);
  });

  test('closing needs a resolution, from every state that may close', () => {
    for (const from of STATES.filter((s) => ALLOWED.has(`${s}>closed`))) {
      assertFieldError(() => decideTransition(snap(from), { to: 'closed' }), 'resolution');
    }
  });

  test('every resolution except fixed closes a new case; fixed needs a case being fixed or fixed', () => {
    for (const r of RESOLUTIONS) {
      const req: TransitionRequest = {
        to: 'closed',
        resolution: r,
        ...(r === 'duplicate' ? { duplicateOfId: 'other-id' } : {}),
      };
      for (const from of ['new', 'acknowledged', 'triaged', 'fixing', 'fixed'] as const) {
        const fixedOk = from === 'fixing' || from === 'fixed';
        if (r === 'fixed' && !fixedOk) {
          assertInvalidTransition(() => decideTransition(snap(from), req));
        } else {
          const out = decideTransition(snap(from), req);
          assert.equal(out.state, 'closed');
          assert.equal(out.resolution, r);
        }
      }
    }
  });

  test('a duplicate names the case it duplicates; other resolutions may not', () => {
    assertFieldError(
      () => decideTransition(snap('new'), { to: 'closed', resolution: 'duplicate' }),
      'duplicateOf',
    );
    assertFieldError(
      () => decideTransition(snap('new'), { to: 'closed', resolution: 'duplicate', duplicateOfId: '' }),
      'duplicateOf',
    );
    const out = decideTransition(snap('new'), {
      to: 'closed',
      resolution: 'duplicate',
      duplicateOfId: 'case-7',
    });
    assert.equal(out.duplicateOfId, 'case-7');
    assertFieldError(
      () => decideTransition(snap('new'), { to: 'closed', resolution: 'spam', duplicateOfId: 'case-7' }),
      'duplicateOf',
    );
  });

  test('a resolution or duplicate given when not closing is a validation error', () => {
    for (const pair of ALLOWED) {
      const [from, to] = pair.split('>') as [CaseState, CaseState];
      if (to === 'closed') continue;
      const base = { to, severity: 'high' as const };
      assertFieldError(() => decideTransition(snap(from), { ...base, resolution: 'fixed' }), 'resolution');
      assertFieldError(() => decideTransition(snap(from), { ...base, duplicateOfId: 'x' }), 'duplicateOf');
    }
  });

  test('an unknown target state is refused, not accepted', () => {
    assertInvalidTransition(() => decideTransition(snap('new'), { to: 'reopened' as CaseState }));
  });

  test('reopening clears the closed data and acknowledges again', () => {
    const out = decideTransition(snap('closed'), { to: 'acknowledged' });
    assert.equal(out.clearClosed, true);
    assert.deepEqual(out.stamp, ['acknowledgedAt']);
    assert.equal(out.resolution, null);
  });

  test('decideTransition does not share the stamp array between calls', () => {
    const a = decideTransition(snap('new'), { to: 'acknowledged' });
    a.stamp.push('closedAt');
    assert.deepEqual(decideTransition(snap('new'), { to: 'acknowledged' }).stamp, ['acknowledgedAt']);
  });
});
