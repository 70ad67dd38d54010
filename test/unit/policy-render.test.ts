// The published renderings of a policy: security.txt held to RFC 9116's rules, SECURITY.md carrying the
// policy's tables and scope without user text breaking the Markdown structure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from '../../src/domain/policy/policy-parse.ts';
import type { Policy } from '../../src/domain/policy/policy.types.ts';
import { renderSecurityMd } from '../../src/domain/policy/render-security-md.ts';
import { renderSecurityTxt, type PolicyRenderContext } from '../../src/domain/policy/render-security-txt.ts';

const RFC9116_FIELDS = [
  'Acknowledgments',
  'Canonical',
  'Contact',
  'Encryption',
  'Expires',
  'Hiring',
  'Policy',
  'Preferred-Languages',
];
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function policyFrom(yaml: string): Policy {
  const r = parsePolicy(yaml);
  if (!r.ok) assert.fail(JSON.stringify(r.problems));
  return r.policy;
}

const POLICY = policyFrom(`policyFormat: 1
statusNotes:
  - "Beta: interfaces may change."
contacts:
  - { uri: "mailto:security@conure.example", label: security list }
  - { uri: "https://conure.example/security" }
encryption: [https://conure.example/keys/security.asc]
preferredLanguages: [en, de]
report:
  intro: "Reports must be self-contained; *no* links please."
  requireSteps: false
scope:
  inScope:
    - id: rce
      title: Remote code execution
      reason: Full control over the host.
  outOfScope:
    - id: upstream
      title: Issues in libfoo
      reason: libfoo has its own process.
      redirect: See https://libfoo.example/security
supportedVersions:
  - range: "1.x || 2.x"
    supported: true
    note: "LTS | current"
  - range: "<1.0.0"
    supported: false
    note: |-
      end of life
      since 2025
sla:
  timeZone: Europe/Berlin
  holidays: [2026-12-25]
  needsInfoPausesClocks: false
  default: { acknowledge: 24-48h, assess: 3bd }
  bySeverity:
    critical: { fix: 7d, disclose: 14d }
disclosure:
  defaultEmbargoDays: 60
  maxEmbargoDays: 90
  discloseWhenMitigationExists: true
  notes: Distributors publish their own advisories.
announcements:
  - { name: announce list, uri: "mailto:announce@conure.example" }
timeline:
  - { when: Day 0, what: Report received }
checklists:
  - id: release
    title: Release
    items: [{ id: tag, text: Tag the release }]
`);

const NOW = new Date('2026-03-28T23:30:15.750Z');
const CTX: PolicyRenderContext = {
  projectName: 'Conure',
  reportUrl: 'https://parley.example/p/conure/report',
  policyUrl: 'https://parley.example/p/conure',
  securityTxtUrls: [
    'https://parley.example/p/conure/security.txt',
    'https://parley.example/.well-known/security.txt',
  ],
  acknowledgmentsUrl: 'https://parley.example/hall-of-fame',
  now: NOW,
};

function fields(txt: string): [string, string][] {
  return txt
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const m = /^([A-Za-z-]+): (\S.*)$/.exec(l);
      if (!m) assert.fail(`not a "Field: value" line: ${JSON.stringify(l)}`);
      return [m[1]!, m[2]!];
    });
}

test('security.txt follows RFC 9116', () => {
  const txt = renderSecurityTxt(POLICY, CTX);
  assert.ok(txt.endsWith('\n') && !txt.includes('\r'), 'LF line endings, final newline');
  assert.ok(txt.startsWith('# '), 'starts with a comment');
  const f = fields(txt);
  for (const [name] of f) assert.ok(RFC9116_FIELDS.includes(name), `unknown field ${name}`);

  const contacts = f.filter(([n]) => n === 'Contact').map(([, v]) => v);
  assert.deepEqual(contacts, [
    CTX.reportUrl,
    'mailto:security@conure.example',
    'https://conure.example/security',
  ]);
  for (const c of contacts) assert.doesNotThrow(() => new URL(c), c);
  for (const c of contacts) assert.match(c, /^(mailto:|https:)/);

  const expires = f.filter(([n]) => n === 'Expires').map(([, v]) => v);
  assert.equal(expires.length, 1, 'exactly one Expires');
  assert.match(expires[0]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  const at = Date.parse(expires[0]!);
  assert.ok(at > NOW.getTime(), 'Expires is in the future');
  assert.ok(at - NOW.getTime() < YEAR_MS, 'Expires is less than a year ahead');
  assert.ok(at - NOW.getTime() > YEAR_MS - 3 * 24 * 60 * 60 * 1000, 'but not much less');

  const canonical = f.filter(([n]) => n === 'Canonical').map(([, v]) => v);
  assert.deepEqual(canonical, CTX.securityTxtUrls);
  const policy = f.filter(([n]) => n === 'Policy').map(([, v]) => v);
  assert.deepEqual(policy, [CTX.policyUrl]);
  for (const u of [...canonical, ...policy]) assert.equal(new URL(u).protocol, 'https:');
  assert.deepEqual(
    f.filter(([n]) => n === 'Encryption').map(([, v]) => v),
    ['https://conure.example/keys/security.asc'],
  );
  assert.deepEqual(
    f.filter(([n]) => n === 'Preferred-Languages').map(([, v]) => v),
    ['en, de'],
  );
  assert.deepEqual(
    f.filter(([n]) => n === 'Acknowledgments').map(([, v]) => v),
    [CTX.acknowledgmentsUrl],
  );
});

test('security.txt leaves out optional fields it has nothing for, and cannot be injected into', () => {
  const bare: Policy = { ...POLICY, contacts: [], encryption: [], preferredLanguages: [] };
  const txt = renderSecurityTxt(bare, {
    ...CTX,
    projectName: 'Evil\nContact: https://attacker.example\r\nPolicy: x',
    acknowledgmentsUrl: null,
  });
  const names = fields(txt).map(([n]) => n);
  assert.deepEqual(names.filter((n) => n === 'Contact').length, 1);
  for (const absent of ['Encryption', 'Preferred-Languages', 'Acknowledgments'])
    assert.ok(!names.includes(absent));
  assert.ok(!txt.includes('\nContact: https://attacker.example'));
  assert.equal(names.filter((n) => n === 'Policy').length, 1);
});

test('security.txt Expires is rounded to a whole second and moves with the clock', () => {
  const a = fields(renderSecurityTxt(POLICY, CTX)).find(([n]) => n === 'Expires')![1];
  const later = new Date(NOW.getTime() + 24 * 60 * 60 * 1000);
  const b = fields(renderSecurityTxt(POLICY, { ...CTX, now: later })).find(([n]) => n === 'Expires')![1];
  assert.equal(Date.parse(b) - Date.parse(a), 24 * 60 * 60 * 1000);
  assert.equal(Date.parse(a) % 1000, 0);
});

/** Cells of a Markdown table row, splitting on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function tableAfter(md: string, header: string): string[][] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|') && l.includes(header));
  assert.ok(start >= 0, `no table with ${header}`);
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return rows;
}

test('SECURITY.md: supported versions table with pipes and newlines escaped', () => {
  const md = renderSecurityMd(POLICY, CTX);
  const rows = tableAfter(md, 'Supported');
  assert.deepEqual(rows[0], ['Versions', 'Supported', 'Notes']);
  for (const r of rows) assert.equal(r.length, 3, `row keeps three cells: ${JSON.stringify(r)}`);
  assert.deepEqual(rows[2], ['1.x \\|\\| 2.x', '✅', 'LTS \\| current']);
  assert.deepEqual(rows[3], ['<1.0.0', '❌', 'end of life<br>since 2025']);
});

test('SECURITY.md: the deadlines table per severity, time zone, holidays and the needs-info rule', () => {
  const md = renderSecurityMd(POLICY, CTX);
  const rows = tableAfter(md, 'Acknowledgement');
  assert.deepEqual(rows[0], [
    'Severity',
    'CVSS',
    'Acknowledgement',
    'Initial assessment',
    'Fix',
    'Disclosure',
  ]);
  const critical = rows.find((r) => r[0] === 'Critical');
  assert.deepEqual(critical, ['Critical', '9.0–10.0', '24–48 hours', '3 business days', '7 days', '14 days']);
  const high = rows.find((r) => r[0] === 'High');
  assert.deepEqual(high, ['High', '7.0–8.9', '24–48 hours', '3 business days', '30 days', '90 days']);
  assert.ok(rows.some((r) => r[0] === 'Not yet rated'));
  assert.match(md, /Europe\/Berlin time zone/);
  assert.match(md, /Monday to Friday; weekends and these holidays do not count: 2026-12-25/);
  assert.match(md, /keep running while we wait for information/);
});

test('SECURITY.md: reporting channels in order, report guidance, scope with reasons and redirects', () => {
  const md = renderSecurityMd(POLICY, CTX);
  const form = md.indexOf(CTX.reportUrl);
  const mail = md.indexOf('(<mailto:security@conure.example>)');
  const web = md.indexOf('<https://conure.example/security>');
  assert.ok(form > 0 && mail > form && web > mail, 'the form first, then the contacts in policy order');
  assert.match(md, /<https:\/\/conure\.example\/keys\/security\.asc>/);
  assert.match(md, /Reports must be self-contained; \\\*no\\\* links please\./, 'intro is plain text');
  assert.match(md, /- steps to reproduce it\n/, 'steps not required');
  assert.match(md, /- its impact: what an attacker can achieve \(required\)/);
  assert.match(md, /## What to report\n\n- \*\*Remote code execution\*\* — Full control over the host\./);
  assert.match(
    md,
    /## What not to report\n\n- \*\*Issues in libfoo\*\* — libfoo has its own process\.\n {2}Instead: See https:\/\/libfoo\.example\/security/,
  );
});

test('SECURITY.md: status notes, disclosure, credit, announcements, timeline and checklists', () => {
  const md = renderSecurityMd(POLICY, CTX);
  assert.ok(md.startsWith('# Security policy of Conure\n'));
  assert.match(md, /> \[!WARNING\]\n> Beta: interfaces may change\./);
  assert.match(md, /public 60 days after the report\. An embargo never lasts longer than 90 days\./);
  assert.match(md, /As soon as a mitigation exists, we publish it/);
  assert.match(md, /Distributors publish their own advisories\./);
  assert.match(md, /You choose how you are credited/);
  assert.match(
    md,
    /- \*\*announce list:\*\* \[announce@conure\.example\]\(<mailto:announce@conure\.example>\)/,
  );
  assert.match(md, /- \*\*Day 0:\*\* Report received/);
  assert.match(md, /### Release\n\n- \[ \] Tag the release/);

  const plain = renderSecurityMd({ ...POLICY, statusNotes: [], announcements: [], checklists: [] }, CTX);
  assert.ok(
    !plain.includes('[!WARNING]') && !plain.includes('## Announcements') && !plain.includes('## Checklists'),
  );
});
