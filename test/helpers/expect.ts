// Small assertions shared by the service tests.
import assert from 'node:assert/strict';
import { ValidationError } from '../../src/domain/errors.ts';
import type { Services } from '../../src/services/index.ts';
import type { Actor } from '../../src/services/actor.ts';
import type { TeamCaseView, ReporterCaseView } from '../../src/services/presenters/case.presenter.ts';

/** The sorted field names of the ValidationError `p` rejects with; fails on anything else. */
export async function fieldsOf(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    return e.errors.map((x) => x.field).sort();
  }
  assert.fail('expected a ValidationError');
}

export async function teamView(s: Services, actor: Actor, id: string): Promise<TeamCaseView> {
  const v = await s.cases.get(actor, { id });
  assert.equal(v.audience, 'team');
  return v as TeamCaseView;
}

export async function reporterView(s: Services, actor: Actor, id: string): Promise<ReporterCaseView> {
  const v = await s.cases.get(actor, { id });
  assert.equal(v.audience, 'reporter');
  return v as ReporterCaseView;
}

export const eventTypes = (v: { timeline: Array<{ type: string }> }) => v.timeline.map((e) => e.type);
