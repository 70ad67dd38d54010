// Severity and CVSS on a case: vectors are validated and scored, the severity follows the score through
// the policy's mapping, and a team that sets another severity must say why (the reason is recorded).
import { ValidationError, type FieldError } from '../domain/errors.ts';
import { isSeverity, type Severity } from '../domain/case-state.ts';
import type { Policy } from '../domain/policy/policy.types.ts';
import { severityFromScore } from '../domain/severity.ts';
import { scoreVector, type CvssResult } from '../integrations/cvss/cvss.ts';
import type { CaseRow } from '../storage/schema.ts';
import type { Changes } from './case-changes.ts';

export const SEVERITY_FIELDS = ['severity', 'severityReason', 'cvss3Vector', 'cvss4Vector'] as const;

const TRIAGED_STATES = ['triaged', 'fixing', 'fixed', 'disclosed'];
const REASON_MAX = 2_000;

/** The scored vector of each version present on the case (invalid stored vectors are left out). */
export function caseCvss(row: Pick<CaseRow, 'cvss3_vector' | 'cvss4_vector'>): {
  v3: CvssResult | null;
  v4: CvssResult | null;
} {
  const score = (v: string | null) => {
    if (!v) return null;
    try {
      return scoreVector(v);
    } catch {
      return null;
    }
  };
  return { v3: score(row.cvss3_vector), v4: score(row.cvss4_vector) };
}

/** The severity the policy maps the case's CVSS score to (4.0 preferred over 3.x), or null. */
export function derivedSeverity(
  policy: Policy,
  v3: CvssResult | null,
  v4: CvssResult | null,
): Severity | null {
  const s = v4 ?? v3;
  return s ? severityFromScore(s.baseScore, policy.severity.mapping) : null;
}

function reasonGiven(raw: Record<string, unknown>): boolean {
  return typeof raw.severityReason === 'string' && raw.severityReason.trim() !== '';
}

function vectorField(
  raw: Record<string, unknown>,
  field: 'cvss3Vector' | 'cvss4Vector',
  errors: FieldError[],
): { set: boolean; value: CvssResult | null } {
  if (!(field in raw)) return { set: false, value: null };
  const v = raw[field];
  if (v === null || v === '') return { set: true, value: null };
  if (typeof v !== 'string') {
    errors.push({ field, message: 'A CVSS vector string, or empty to remove it.' });
    return { set: false, value: null };
  }
  try {
    const r = scoreVector(v.trim());
    const want = field === 'cvss4Vector' ? r.version === '4.0' : r.version !== '4.0';
    if (!want) {
      errors.push({
        field,
        message: field === 'cvss4Vector' ? 'Put a CVSS:4.0 vector here.' : 'Put a CVSS:3.1 vector here.',
      });
      return { set: false, value: null };
    }
    return { set: true, value: r };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    for (const fe of e.errors) errors.push({ field, message: fe.message });
    return { set: false, value: null };
  }
}

/**
 * Applies severity, CVSS vectors and the override reason. A vector change re-derives the severity
 * unless a severity is given in the same change; a severity that differs from the derived one needs
 * `severityReason`.
 */
export function severityChanges(policy: Policy, row: CaseRow, raw: Record<string, unknown>, ch: Changes) {
  const { patch, events, errors } = ch;
  const before = caseCvss(row);
  const v3 = vectorField(raw, 'cvss3Vector', errors);
  const v4 = vectorField(raw, 'cvss4Vector', errors);
  const after = { v3: v3.set ? v3.value : before.v3, v4: v4.set ? v4.value : before.v4 };
  for (const [field, col, change, old] of [
    ['cvss3Vector', 'cvss3_vector', v3, before.v3],
    ['cvss4Vector', 'cvss4_vector', v4, before.v4],
  ] as const) {
    const next = change.value?.vector ?? null;
    if (!change.set || next === (old?.vector ?? null)) continue;
    patch[col] = next;
    events.push({
      type: 'cvss.changed',
      visibility: 'reporter',
      data: {
        field,
        vector: next,
        score: change.value?.baseScore ?? null,
        version: change.value?.version ?? null,
      },
    });
  }
  const derived = derivedSeverity(policy, after.v3, after.v4);
  const vectorsChanged = patch.cvss3_vector !== undefined || patch.cvss4_vector !== undefined;

  let target: Severity | null | undefined;
  if ('severity' in raw) {
    const s = raw.severity === '' ? null : raw.severity;
    if (s !== null && !isSeverity(s)) {
      errors.push({ field: 'severity', message: 'Use critical, high, medium or low.' });
      return;
    }
    target = s;
  } else if (vectorsChanged && derived) target = derived;
  if (target === undefined) return;
  // Re-sending the severity the case already has (a form posts every field) changes nothing.
  if (target === row.severity && !vectorsChanged && !reasonGiven(raw)) return;

  if (target === null && TRIAGED_STATES.includes(row.state)) {
    errors.push({ field: 'severity', message: 'A triaged case keeps a severity.' });
    return;
  }
  const reasonRaw = typeof raw.severityReason === 'string' ? raw.severityReason.trim() : '';
  let reason: string | null = null;
  if (target !== null && derived !== null && target !== derived) {
    if (!reasonRaw) {
      errors.push({
        field: 'severityReason',
        message: `The CVSS score maps to ${derived} under this project's policy; give a reason for ${target}.`,
      });
      return;
    }
    if (reasonRaw.length > REASON_MAX) {
      errors.push({ field: 'severityReason', message: `At most ${REASON_MAX} characters.` });
      return;
    }
    reason = reasonRaw;
  }
  if (target !== row.severity) {
    patch.severity = target;
    events.push({
      type: 'severity.changed',
      visibility: 'reporter',
      data: {
        from: row.severity,
        to: target,
        ...(derived === target && vectorsChanged ? { fromCvss: true } : {}),
      },
    });
  }
  if (reason !== row.severity_reason) {
    patch.severity_reason = reason;
    // The reason is the team's reasoning; it stays internal.
    if (reason)
      events.push({ type: 'severity.overridden', visibility: 'internal', data: { to: target, reason } });
  }
}
