// Policy report requirements (src/domain/report-requirements.ts) and reporter outcomes
// (src/domain/reporter-outcome.ts): what a policy's `report` section requires, how intake and mail
// check it, and how a case's end counts in a reporter's history.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  policyRequirementErrors,
  reportRequirements,
  requirementsSentence,
} from '../../src/domain/report-requirements.ts';
import { parseReportInput } from '../../src/domain/report.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { outcomeOf } from '../../src/domain/reporter-outcome.ts';

const base = { requireSteps: false, requireImpact: false };
const report = {
  title: 'Path traversal in archive extraction',
  description: 'Extracting a crafted tarball writes files outside the target directory.',
  stepsToReproduce: 'tar it',
  impact: '',
  affectedVersions: '< 1.4.3',
};

describe('reportRequirements', () => {
  test('built-in floors, legacy switches, and the policy’s own list and minimums', () => {
    const r = reportRequirements({
      ...base,
      required: ['reporterEmail'],
      minLength: { description: 100, title: 2 },
    });
    assert.deepEqual([...r.required].sort(), ['affectedVersions', 'description', 'reporterEmail', 'title']);
    assert.equal(r.min.description, 100);
    assert.equal(r.min.title, 5, 'a policy cannot lower the built-in floor');
    assert.deepEqual([...r.policy.required].sort(), ['description', 'reporterEmail', 'title']);
    const legacy = reportRequirements({ requireSteps: true, requireImpact: true });
    assert.ok(legacy.required.has('stepsToReproduce') && legacy.required.has('impact'));
    assert.equal(legacy.policy.required.size, 0, 'the legacy switches are not policy requirements for mail');
  });

  test('unknown names are ignored (the schema refuses them before this)', () => {
    const r = reportRequirements({ ...base, required: ['poc'], minLength: { nonsense: 5 } });
    assert.equal(r.policy.required.size, 0);
  });

  test('the sentence for reporters, or none without policy requirements', () => {
    assert.equal(requirementsSentence({ requireSteps: true, requireImpact: true }), null);
    assert.equal(
      requirementsSentence({ ...base, required: ['reporterEmail'], minLength: { stepsToReproduce: 200 } }),
      'Every report must include: steps to reproduce with a proof of concept (at least 200 characters); ' +
        'an e-mail address to reach you. Reports without them are refused.',
    );
  });
});

describe('checking a report', () => {
  test('parseReportInput enforces required fields and minimums, saying the policy asks', () => {
    const rules = {
      ...base,
      required: ['suggestedFix', 'reporterEmail'],
      minLength: { stepsToReproduce: 20 },
    };
    try {
      parseReportInput(report, rules);
      assert.fail('expected a ValidationError');
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      const fields = Object.fromEntries(e.errors.map((x) => [x.field, x.message]));
      assert.deepEqual(Object.keys(fields).sort(), ['reporterEmail', 'stepsToReproduce', 'suggestedFix']);
      assert.match(fields.stepsToReproduce!, /at least 20 characters\. This project’s policy asks for it\./);
    }
    const ok = parseReportInput(
      {
        ...report,
        stepsToReproduce: '1. tar cf x.tar ../../etc\n2. extract',
        suggestedFix: 'Clean paths',
        reporterEmail: 'A@B.example',
      },
      rules,
    );
    assert.equal(ok.reporterEmail, 'a@b.example');
    assert.equal(ok.impact, '', 'impact not required here');
  });

  test('mail: only the policy’s own requirements; an attachment stands in for the steps', () => {
    const rules = { requireSteps: true, requireImpact: true, required: ['stepsToReproduce', 'impact'] };
    const errors = policyRequirementErrors({ ...report, stepsToReproduce: '', reporterEmail: null }, rules);
    assert.deepEqual(errors.map((e) => e.field).sort(), ['impact', 'stepsToReproduce']);
    const attached = policyRequirementErrors({ ...report, stepsToReproduce: '' }, rules, {
      proofAttached: true,
    });
    assert.deepEqual(
      attached.map((e) => e.field),
      ['impact'],
    );
    assert.deepEqual(
      policyRequirementErrors(
        { ...report, stepsToReproduce: '' },
        { requireSteps: true, requireImpact: true },
      ),
      [],
    );
  });
});

describe('outcomeOf', () => {
  test('maps states and resolutions onto history buckets', () => {
    assert.equal(outcomeOf('fixed', null), 'valid');
    assert.equal(outcomeOf('disclosed', null), 'valid');
    assert.equal(outcomeOf('closed', 'fixed'), 'valid');
    assert.equal(outcomeOf('closed', 'upstream'), 'valid');
    for (const r of ['not-a-vulnerability', 'out-of-scope', 'informative'])
      assert.equal(outcomeOf('closed', r), 'invalid');
    assert.equal(outcomeOf('closed', 'duplicate'), 'duplicate');
    assert.equal(outcomeOf('closed', 'spam'), 'spam');
    for (const s of ['new', 'acknowledged', 'triaged', 'fixing']) assert.equal(outcomeOf(s, null), 'open');
  });
});
