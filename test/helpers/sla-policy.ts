// Shared fixture for the SLA clock tests: a Berlin policy (Mon–Fri, Christmas holidays) and case facts.
import assert from 'node:assert/strict';
import type { Clock, ClockCaseFacts } from '../../src/domain/sla/clocks.ts';
import type { Duration, SlaPolicy } from '../../src/domain/policy/policy.types.ts';

export const h = (amount: number): Duration => ({ unit: 'h', amount, from: null });
export const d = (amount: number): Duration => ({ unit: 'd', amount, from: null });
export const bd = (amount: number): Duration => ({ unit: 'bd', amount, from: null });

export const sla: SlaPolicy = {
  timeZone: 'Europe/Berlin',
  businessDays: [1, 2, 3, 4, 5],
  holidays: ['2026-12-25', '2026-12-26'],
  atRiskShare: 0.75,
  needsInfoPausesClocks: true,
  default: { acknowledge: h(48), assess: bd(5), fix: d(90), disclose: d(90) },
  bySeverity: { critical: { acknowledge: h(24), fix: d(7) }, high: { fix: bd(10) } },
};

export function facts(over: Partial<ClockCaseFacts> = {}): ClockCaseFacts {
  return {
    receivedAt: '2026-03-24T09:00:00.000Z',
    acknowledgedAt: null,
    triagedAt: null,
    fixedAt: null,
    disclosedAt: null,
    closedAt: null,
    resolution: null,
    severity: null,
    needsInfo: [],
    ...over,
  };
}

export function clock(clocks: Clock[], name: Clock['name']): Clock {
  const c = clocks.find((x) => x.name === name);
  assert.ok(c, `no ${name} clock`);
  return c;
}
export const at = (iso: string): Date => new Date(iso);
export const plusMs = (iso: string, ms: number): Date => new Date(Date.parse(iso) + ms);
export const z = (iso: string): string => new Date(iso).toISOString();
