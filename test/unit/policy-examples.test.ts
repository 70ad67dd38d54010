// The example policies in examples/policies, modelled on real projects' published policies: each parses
// cleanly, and the commitments of the policy it is modelled on are in the parsed values and in the
// SECURITY.md rendered from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parsePolicy } from '../../src/domain/policy/policy-parse.ts';
import type { Policy } from '../../src/domain/policy/policy.types.ts';
import { renderSecurityMd } from '../../src/domain/policy/render-security-md.ts';
import { renderSecurityTxt } from '../../src/domain/policy/render-security-txt.ts';
import { checkVersions } from '../../src/domain/policy/supported-versions.ts';

const dir = path.resolve('examples/policies');

function load(name: string): { policy: Policy; md: string } {
  const r = parsePolicy(fs.readFileSync(path.join(dir, name), 'utf8'));
  if (!r.ok) assert.fail(`${name}: ${JSON.stringify(r.problems, null, 2)}`);
  const ctx = {
    projectName: name.replace(/\.yaml$/, ''),
    reportUrl: 'https://parley.example/p/x/report',
    policyUrl: 'https://parley.example/p/x',
    securityTxtUrls: ['https://parley.example/p/x/security.txt'],
    acknowledgmentsUrl: null,
    now: new Date('2026-06-01T00:00:00Z'),
  };
  return { policy: r.policy, md: renderSecurityMd(r.policy, ctx) };
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);
const hours = { h: 1, d: 24, bd: 24 } as const;

test('every example parses without problems or warnings and renders both files', () => {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5, `examples found: ${files.join(', ')}`);
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    assert.match(text, /^# .*\n# Modelled on /m, `${f} names what it is modelled on`);
    const r = parsePolicy(text);
    if (!r.ok) assert.fail(`${f}: ${JSON.stringify(r.problems, null, 2)}`);
    assert.deepEqual(r.warnings, [], f);
    const { md } = load(f);
    assert.match(md, /## What to expect/);
    const txt = renderSecurityTxt(r.policy, {
      projectName: f,
      reportUrl: 'https://parley.example/p/x/report',
      policyUrl: 'https://parley.example/p/x',
      securityTxtUrls: [],
      acknowledgmentsUrl: null,
      now: new Date(),
    });
    assert.equal(txt.match(/^Expires: /gm)?.length, 1, f);
  }
  const european = files.map(load).filter(({ policy }) => policy.sla.timeZone.startsWith('Europe/'));
  assert.ok(
    european.some(({ policy }) => policy.sla.holidays.length > 0),
    'one example has a European time zone with holidays',
  );
});

test('multicluster-networking: alpha, private reporting, when (not) to report, bulletins list', () => {
  const { policy, md } = load('multicluster-networking.yaml');
  assert.ok(policy.statusNotes.some((n) => /alpha/i.test(n) && /not .*recommended for production/i.test(n)));
  assert.match(md, /> \[!WARNING\]\n> Alpha: this project is not yet recommended for production use\./);
  assert.match(md, /Report them privately/);
  assert.match(policy.contacts[0]!.uri, /security\/advisories\/new$/);
  const ack = policy.sla.default.acknowledge!;
  assert.ok(ack.amount * hours[ack.unit] <= 48, 'prompt acknowledgement');
  assert.match(md, /We acknowledge reports within 2 business days\./);
  assert.deepEqual(ids(policy.scope.inScope), [
    'component-vulnerability',
    'unsure-of-impact',
    'dependency-without-process',
  ]);
  assert.deepEqual(ids(policy.scope.outOfScope), [
    'upstream-dependency',
    'tuning-help',
    'applying-updates',
    'not-security',
  ]);
  assert.ok(policy.scope.outOfScope.every((i) => i.reason));
  assert.match(
    md,
    /## What not to report[\s\S]*help tuning[\s\S]*applying security-related updates[\s\S]*not security related/,
  );
  const upstream = policy.scope.outOfScope.find((i) => i.id === 'upstream-dependency')!;
  assert.match(upstream.redirect ?? '', /directly to that project/);
  assert.match(md, /Instead: Report it directly to that project/);
  assert.equal(policy.announcements[0]!.name, 'Users mailing list');
  assert.match(
    md,
    /## Announcements\n\n- \*\*Users mailing list:\*\* <https:\/\/groups\.google\.com\/g\/multicluster-net-users> — Security bulletins/,
  );
  assert.match(md, /Business days are Sunday to Thursday/);
});

test('metal-provisioning: self-contained e-mail reports, 48 hours, scope order, mitigations first, distributors', () => {
  const { policy, md } = load('metal-provisioning.yaml');
  assert.match(policy.contacts[0]!.uri, /^mailto:/);
  assert.match(policy.report.intro ?? '', /self-contained.*body of the e-mail/);
  assert.match(md, /Reports must be self-contained: put every detail in the body of the e-mail/);
  assert.deepEqual(policy.sla.default.acknowledge, { unit: 'h', amount: 48, from: null });
  assert.match(md, /We acknowledge reports within 48 hours\./);
  assert.deepEqual(ids(policy.scope.inScope).slice(0, 3), [
    'confidentiality',
    'integrity',
    'privilege-escalation',
  ]);
  assert.ok(ids(policy.scope.inScope).includes('denial-of-service'));
  assert.ok(md.indexOf('**Loss of confidentiality**') < md.indexOf('**Denial of service**'));
  assert.equal(policy.scope.outOfScope[0]!.id, 'missing-safe-defaults');
  assert.match(md, /## What not to report\n\n- \*\*Missing safe defaults\*\* — /);
  assert.equal(policy.disclosure.discloseWhenMitigationExists, true);
  assert.match(md, /As soon as a mitigation exists, we publish it, even before a fix is released\./);
  assert.match(policy.disclosure.notes ?? '', /Distributors .* publish their own advisories/);
  assert.match(md, /Distributors who ship the project\s+publish their own advisories/);
  assert.equal(policy.sla.timeZone, 'Europe/Berlin');
  for (const d of ['2026-04-03', '2026-04-06', '2026-12-25']) assert.ok(policy.sla.holidays.includes(d), d);
  assert.match(md, /Europe\/Berlin time zone/);
});

test('gitops-toolkit: private list, optional PGP, reporter credit, need-to-know, dev list, aggregated advisories', () => {
  const { policy, md } = load('gitops-toolkit.yaml');
  assert.deepEqual(policy.contacts, [
    { uri: 'mailto:security@gitops-toolkit.example', label: 'private security list' },
  ]);
  assert.equal(policy.encryption.length, 2);
  assert.match(
    md,
    /You may encrypt your report to one of these OpenPGP keys:\n\n- <https:\/\/keys\.gitops-toolkit\.example\/security-team\/alice\.asc>/,
  );
  assert.equal(policy.credit.reporterChooses, true);
  assert.match(md, /You choose how you are credited/);
  assert.match(policy.process ?? '', /need-to-know/);
  assert.match(
    md,
    /## Process[\s\S]*\*\*need-to-know\*\* basis[\s\S]*\*\*the reporter is notified at\s+each step\*\*/,
  );
  assert.deepEqual(
    policy.announcements.map((a) => a.name),
    ['Dev mailing list', 'Security advisories'],
  );
  assert.match(
    md,
    /- \*\*Dev mailing list:\*\* <https:\/\/lists\.gitops-toolkit\.example\/g\/dev> — Every disclosure is mailed here\./,
  );
  assert.match(policy.disclosure.notes ?? '', /aggregated/);
  assert.match(md, /## Disclosure[\s\S]*aggregated on the\s+toolkit's security page/);
});

test('raft-kv: supported versions, per-severity acknowledge and fix ranges, 30-day commitment, timeline', () => {
  const { policy, md } = load('raft-kv.yaml');
  assert.equal(checkVersions(policy, '0.9.2').status, 'unsupported');
  assert.equal(checkVersions(policy, '1.3.0').status, 'supported');
  assert.equal(checkVersions(policy, 'v1.0.0').status, 'supported');
  const sev = policy.sla.bySeverity;
  assert.deepEqual(sev.critical?.acknowledge, { unit: 'h', amount: 48, from: 24 });
  assert.deepEqual(sev.critical?.fix, { unit: 'd', amount: 14, from: 7 });
  assert.deepEqual(sev.high?.acknowledge, { unit: 'h', amount: 72, from: 48 });
  assert.deepEqual(sev.high?.fix, { unit: 'd', amount: 30, from: 14 });
  assert.deepEqual(sev.medium?.acknowledge, { unit: 'd', amount: 5, from: 3 });
  assert.deepEqual(sev.medium?.fix, { unit: 'd', amount: 60, from: 30 });
  assert.deepEqual(sev.low?.acknowledge, { unit: 'd', amount: 7, from: 5 });
  assert.deepEqual(sev.low?.fix, { unit: 'd', amount: 90, from: 60 });
  assert.deepEqual(policy.sla.default.acknowledge, { unit: 'h', amount: 48, from: null });
  assert.deepEqual(policy.sla.default.assess, { unit: 'bd', amount: 5, from: null });
  assert.deepEqual(sev.critical?.disclose, { unit: 'd', amount: 30, from: null });
  assert.match(md, /\*\*Critical vulnerabilities\s+are fixed within 30 days at the latest\*\*/);
  assert.match(md, /\| Critical \| 9\.0–10\.0 \| 24–48 hours \| 5 business days \| 7–14 days \| 30 days \|/);
  assert.match(md, /\| Low \| 0\.1–3\.9 \| 5–7 days \| 5 business days \| 60–90 days \| 90 days \|/);
  assert.deepEqual(
    policy.timeline.map((t) => t.when),
    ['Day 0', 'Day 1–2', 'Day 3–7', 'Day 7–30', 'Day 30+'],
  );
  assert.match(md, /- \*\*Day 30\+:\*\* Public disclosure/);
  assert.match(md, /\| 1\.x \| ✅ \|/);
  assert.match(md, /\| <1\.0\.0 \| ❌ \|/);
  assert.equal(policy.sla.timeZone, 'America/Los_Angeles');
  assert.ok(policy.sla.holidays.includes('2026-07-03') && policy.sla.holidays.includes('2026-11-26'));
});

test('kubernetes-controller: report fields, 48 hours, investigate-fix-disclose process, incident checklist', () => {
  const { policy, md } = load('kubernetes-controller.yaml');
  for (const field of ['description', 'steps to reproduce', 'impact', 'suggested fix'])
    assert.match(policy.report.intro ?? '', new RegExp(field));
  assert.equal(policy.report.requireSteps && policy.report.requireImpact, true);
  assert.match(
    md,
    /- steps to reproduce it \(required\)\n- its impact: what an attacker can achieve \(required\)/,
  );
  assert.match(md, /- a suggested fix or mitigation, if you have one/);
  assert.deepEqual(policy.sla.default.acknowledge, { unit: 'h', amount: 48, from: null });
  assert.match(md, /We acknowledge reports within 48 hours\./);
  const process = policy.process ?? '';
  for (const step of [
    /Investigate/,
    /Fix/,
    /Coordinated disclosure/,
    /advisory describing the impact, the fix details and the\s+upgrade steps/,
  ])
    assert.match(process, step);
  assert.match(md, /## Process\n\n1\. \*\*Acknowledge\*\*/);
  const [checklist] = policy.checklists;
  assert.equal(checklist?.id, 'incident-response');
  assert.deepEqual(ids(checklist!.items), [
    'assess-contain',
    'root-cause',
    'fix',
    'notify-users',
    'prevent-recurrence',
  ]);
  assert.match(md, /### Incident response\n\n(- \[ \] .+\n){5}/);
});

test('the policy examples in docs/policy.md are valid policies', () => {
  const doc = fs.readFileSync(path.resolve('docs/policy.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => /^policyFormat:/m.test(b));
  assert.ok(blocks.length >= 2, 'the smallest policy and the annotated example');
  for (const b of blocks) {
    const r = parsePolicy(b);
    if (!r.ok) assert.fail(JSON.stringify(r.problems, null, 2));
    assert.deepEqual(r.warnings, []);
  }
  const full = parsePolicy(blocks.reduce((a, b) => (b.length > a.length ? b : a)));
  assert.ok(full.ok && full.policy.sla.timeZone === 'Europe/Berlin' && full.policy.checklists.length === 1);
});
