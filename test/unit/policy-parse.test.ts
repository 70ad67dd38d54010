// Policy files as maintainers write them: defaults filled in, and every mistake reported at the line and
// column where it was written (fixtures are built line by line so the positions can be read off them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument } from 'yaml';
import {
  DEFAULT_POLICY,
  DEFAULT_POLICY_YAML,
  MAX_POLICY_LENGTH,
  parsePolicy,
  type PolicyProblem,
} from '../../src/domain/policy/policy-parse.ts';
import { SourceLocator } from '../../src/domain/policy/policy-locate.ts';

const y = (...lines: string[]) => lines.join('\n') + '\n';

function problemsOf(yaml: string): PolicyProblem[] {
  const r = parsePolicy(yaml);
  assert.equal(r.ok, false, 'the policy should be refused');
  return r.ok ? [] : r.problems;
}

function validPolicy(yaml: string) {
  const r = parsePolicy(yaml);
  if (!r.ok) assert.fail(`unexpected problems: ${JSON.stringify(r.problems, null, 2)}`);
  return r;
}

function at(problems: PolicyProblem[], path: string): PolicyProblem {
  const p = problems.find((x) => x.path === path);
  if (!p) assert.fail(`no problem at ${path}; got ${JSON.stringify(problems, null, 2)}`);
  return p;
}

test('a file with only policyFormat gets every default, and equals DEFAULT_POLICY', () => {
  const { policy, warnings } = validPolicy('policyFormat: 1\n');
  assert.deepEqual(policy, DEFAULT_POLICY);
  assert.deepEqual(warnings, []);
  assert.deepEqual(policy.sla.default.acknowledge, { unit: 'h', amount: 48, from: null });
  assert.deepEqual(policy.sla.default.assess, { unit: 'bd', amount: 5, from: null });
  assert.deepEqual(policy.sla.default.disclose, { unit: 'd', amount: 90, from: null });
  const fix = Object.fromEntries(
    Object.entries(policy.sla.bySeverity).map(([s, set]) => [s, set?.fix?.amount]),
  );
  assert.deepEqual(fix, { critical: 14, high: 30, medium: 60, low: 90 });
  assert.equal(policy.sla.timeZone, 'UTC');
  assert.deepEqual(policy.sla.businessDays, [1, 2, 3, 4, 5]);
  assert.equal(policy.sla.atRiskShare, 0.75);
  assert.equal(policy.sla.needsInfoPausesClocks, true);
  assert.deepEqual(policy.severity.mapping, { critical: 9, high: 7, medium: 4, low: 0.1 });
  assert.equal(policy.disclosure.defaultEmbargoDays, 90);
  assert.equal(policy.disclosure.maxEmbargoDays, 120);
  assert.equal(policy.credit.reporterChooses, true);
  assert.ok(policy.scope.inScope.length > 0 && policy.scope.outOfScope.length > 0);
  assert.ok(
    policy.scope.outOfScope.every((i) => i.reason),
    'default out-of-scope items say why',
  );
});

test('DEFAULT_POLICY_YAML (the file a new project gets) parses to DEFAULT_POLICY without warnings', () => {
  const { policy, warnings } = validPolicy(DEFAULT_POLICY_YAML);
  assert.deepEqual(policy, DEFAULT_POLICY);
  assert.deepEqual(warnings, []);
  assert.ok(Object.isFrozen(DEFAULT_POLICY) && Object.isFrozen(DEFAULT_POLICY.sla.bySeverity));
});

test('defaults fill in only what is missing, at every level', () => {
  const { policy } = validPolicy(
    y(
      'policyFormat: 1',
      'sla:',
      '  timeZone: Europe/Berlin',
      '  businessDays: [mon, tue, 3, thu, fri, sat]',
      '  holidays: [2026-12-25, "2026-12-26"]',
      '  default: { acknowledge: 24-48h }',
      '  bySeverity:',
      '    critical: { fix: 7d }',
      'scope:',
      '  outOfScope: []',
    ),
  );
  assert.equal(policy.sla.timeZone, 'Europe/Berlin');
  assert.deepEqual(policy.sla.businessDays, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(policy.sla.holidays, ['2026-12-25', '2026-12-26']);
  assert.deepEqual(policy.sla.default.acknowledge, { unit: 'h', amount: 48, from: 24 });
  assert.deepEqual(policy.sla.default.assess, DEFAULT_POLICY.sla.default.assess);
  assert.deepEqual(policy.sla.bySeverity.critical, { fix: { unit: 'd', amount: 7, from: null } });
  assert.deepEqual(policy.sla.bySeverity.high, DEFAULT_POLICY.sla.bySeverity.high);
  assert.deepEqual(policy.scope.outOfScope, []);
  assert.deepEqual(policy.scope.inScope, DEFAULT_POLICY.scope.inScope);
});

test('YAML syntax errors carry their position', () => {
  const [dup] = problemsOf(y('policyFormat: 1', 'sla:', '  timeZone: UTC', '  timeZone: Europe/Berlin'));
  assert.deepEqual({ line: dup!.line, column: dup!.column }, { line: 4, column: 3 });
  assert.match(dup!.message, /duplicate key "timeZone"/);

  const [indent] = problemsOf(y('policyFormat: 1', 'sla:', '  timeZone: UTC', ' holidays: []'));
  assert.equal(indent!.line, 4);

  const [tab] = problemsOf(y('policyFormat: 1', 'sla:', '\ttimeZone: UTC'));
  assert.equal(tab!.line, 3);
  assert.match(tab!.message, /[Tt]ab/);

  const [multi] = problemsOf(y('policyFormat: 1', '---', 'policyFormat: 1'));
  assert.equal(multi!.line, 2);
  assert.match(multi!.message, /one YAML document/);
});

test('the document must be a mapping with policyFormat 1', () => {
  const [empty] = problemsOf('');
  assert.deepEqual([empty!.line, empty!.column, empty!.path], [1, 1, '']);
  assert.match(problemsOf('- a\n- b\n')[0]!.message, /must be a mapping/);
  const [missing] = problemsOf(y('# our policy', 'summary: hello'));
  assert.match(missing!.message, /missing required property "policyFormat"/);
  assert.equal(missing!.line, 2, 'points at the document, after the comment');
  const [two] = problemsOf(y('policyFormat: 2'));
  assert.deepEqual([two!.path, two!.line, two!.column], ['/policyFormat', 1, 15]);
  assert.match(two!.message, /must be 1/);
});

test('unknown keys are reported at the key, with a suggestion for typos', () => {
  const problems = problemsOf(
    y(
      'policyFormat: 1',
      'sla:',
      '  tmeZone: Europe/Berlin',
      '  bySeverity:',
      '    urgent: { fix: 1d }',
      'contact: []',
    ),
  );
  const typo = at(problems, '/sla/tmeZone');
  assert.deepEqual([typo.line, typo.column], [3, 3]);
  assert.match(typo.message, /unknown property.*did you mean "timeZone"/);
  const sev = at(problems, '/sla/bySeverity/urgent');
  assert.deepEqual([sev.line, sev.column], [5, 5]);
  assert.match(sev.message, /critical, high, medium, low/);
  const top = at(problems, '/contact');
  assert.deepEqual([top.line, top.column], [6, 1]);
  assert.match(top.message, /did you mean "contacts"/);
});

test('an unknown time zone is reported at the value', () => {
  const p = at(problemsOf(y('policyFormat: 1', 'sla:', '  timeZone: Europe/Berln')), '/sla/timeZone');
  assert.deepEqual([p.line, p.column], [3, 13]);
  assert.match(p.message, /"Europe\/Berln" is not an IANA time zone/);
  // An empty value points at its key.
  const empty = at(problemsOf(y('policyFormat: 1', 'sla:', '  timeZone:')), '/sla/timeZone');
  assert.deepEqual([empty.line, empty.column], [3, 3]);
});

test('invalid semver ranges, and numbers where text is needed', () => {
  const problems = problemsOf(
    y(
      'policyFormat: 1',
      'supportedVersions:',
      '  - range: "1.x"',
      '    supported: true',
      '  - range: "1.2.x.y"',
      '    supported: false',
      '  - range: 1.0',
      '    supported: false',
    ),
  );
  const bad = at(problems, '/supportedVersions/1/range');
  assert.deepEqual([bad.line, bad.column], [5, 12]);
  assert.match(bad.message, /"1\.2\.x\.y" is not a valid semver range/);
  const num = at(problems, '/supportedVersions/2/range');
  assert.deepEqual([num.line, num.column], [7, 12]);
  assert.match(num.message, /must be text \(put it in quotes\)/);
  assert.equal(problems.length, 2);
});

test('durations: unknown syntax, impossible ranges, wrong types', () => {
  const problems = problemsOf(
    y(
      'policyFormat: 1',
      'sla:',
      '  default:',
      '    acknowledge: 2 days',
      '    assess: 48-24h',
      '  bySeverity:',
      '    critical: { fix: 5, disclose: 0d }',
    ),
  );
  const syntax = at(problems, '/sla/default/acknowledge');
  assert.deepEqual([syntax.line, syntax.column], [4, 18]);
  assert.match(syntax.message, /"2 days" is not valid; expected a duration: 48h/);
  const range = at(problems, '/sla/default/assess');
  assert.deepEqual([range.line, range.column], [5, 13]);
  assert.match(range.message, /"48-24h" is not a usable duration/);
  const num = at(problems, '/sla/bySeverity/critical/fix');
  assert.deepEqual([num.line, num.column], [7, 22]);
  const zero = at(problems, '/sla/bySeverity/critical/disclose');
  assert.deepEqual([zero.line, zero.column], [7, 35]);
  assert.equal(problems.length, 4, 'one problem per bad value, not one per rule');
});

test('the severity mapping must decrease strictly from critical to low', () => {
  const problems = problemsOf(
    y('policyFormat: 1', 'severity:', '  mapping:', '    critical: 9.0', '    high: 9.0', '    medium: 4.0'),
  );
  const p = at(problems, '/severity/mapping/high');
  assert.deepEqual([p.line, p.column], [5, 11]);
  assert.match(p.message, /critical \(9\) must be higher than high \(9\)/);
  assert.equal(problems.length, 1);

  // Only critical was written (the default high is 7.0): the problem points at what the user wrote.
  const [only] = problemsOf(y('policyFormat: 1', 'severity:', '  mapping: { critical: 6.5 }'));
  assert.deepEqual([only!.path, only!.line, only!.column], ['/severity/mapping/critical', 3, 24]);

  const range = problemsOf(y('policyFormat: 1', 'severity:', '  mapping: { critical: 11, low: 0 }'));
  assert.match(at(range, '/severity/mapping/critical').message, /at most 10/);
  assert.match(at(range, '/severity/mapping/low').message, /above 0/);
});

test('holidays must be real dates, business days listed once', () => {
  const problems = problemsOf(
    y(
      'policyFormat: 1',
      'sla:',
      '  holidays: [2026-02-28, 2026-02-30, 26-1-1]',
      '  businessDays: [mon, 1, fri, 8]',
    ),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.line, p.column]),
    [
      ['/sla/holidays/1', 3, 26],
      ['/sla/holidays/2', 3, 38],
      ['/sla/businessDays/1', 4, 23],
      ['/sla/businessDays/3', 4, 31],
    ],
  );
  assert.match(problems[0]!.message, /2026-02-30 is not a real date/);
  assert.match(problems[2]!.message, /Monday is listed twice/);
});

test('ids are unique across scope lists, among checklists and within a checklist', () => {
  const problems = problemsOf(
    y(
      'policyFormat: 1',
      'scope:',
      '  inScope:',
      '    - { id: dos, title: Denial of service }',
      '  outOfScope:',
      '    - { id: dos, title: DoS by admins, reason: needs admin rights }',
      'checklists:',
      '  - id: ir',
      '    title: Incident response',
      '    items: [{ id: fix, text: Fix it }, { id: fix, text: Release it }]',
      '  - { id: ir, title: Again, items: [{ id: a, text: b }] }',
    ),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.line, p.column]),
    [
      ['/scope/outOfScope/0/id', 6, 13],
      ['/checklists/0/items/1/id', 10, 46],
      ['/checklists/1/id', 11, 11],
    ],
  );
  assert.match(problems[0]!.message, /id "dos" is used twice \(first at scope\.inScope\[0\]\.id\)/);
  // A clash with a default list is reported where the user wrote the id, not in the invisible default.
  const [clash] = problemsOf(
    y('policyFormat: 1', 'scope:', '  inScope:', '    - { id: not-security, title: x }'),
  );
  assert.deepEqual([clash!.path, clash!.line, clash!.column], ['/scope/inScope/0/id', 4, 13]);
  assert.match(clash!.message, /also used by scope\.outOfScope\[3\]\.id \(a default\)/);
});

test('contact, key and announcement URIs', () => {
  const problems = problemsOf(
    y(
      'policyFormat: 1',
      'contacts:',
      '  - uri: http://localhost:8080/report',
      '  - uri: http://example.org/security',
      '  - uri: mailto:nobody',
      '  - uri: ftp://example.org/x',
      '  - { uri: "mailto:security@example.org", label: list }',
      'encryption:',
      '  - http://keys.example.org/a.asc',
      'announcements:',
      '  - { name: list, uri: "mailto:announce@example.org" }',
      '  - { name: feed, uri: "http://example.org/feed" }',
    ),
  );
  assert.deepEqual(
    problems.map((p) => [p.path, p.line, p.column]),
    [
      ['/contacts/1/uri', 4, 10],
      ['/contacts/2/uri', 5, 10],
      ['/contacts/3/uri', 6, 10],
      ['/encryption/0', 9, 5],
      ['/announcements/1/uri', 12, 24],
    ],
  );
  assert.match(problems[0]!.message, /http: is allowed for localhost only/);
  assert.match(problems[1]!.message, /no e-mail address/);
});

test('the default embargo may not exceed the maximum', () => {
  const [p] = problemsOf(y('policyFormat: 1', 'disclosure:', '  maxEmbargoDays: 60'));
  assert.deepEqual([p!.path, p!.line, p!.column], ['/disclosure/maxEmbargoDays', 3, 19]);
  assert.match(p!.message, /defaultEmbargoDays \(90\) must not exceed maxEmbargoDays \(60\)/);
  validPolicy(y('policyFormat: 1', 'disclosure:', '  maxEmbargoDays: 90'));
});

test('problems come sorted by position, and CRLF files count lines the same', () => {
  const problems = problemsOf(
    [
      'policyFormat: 1',
      'sla:',
      '  timeZone: Mars/Base',
      'foo: 1',
      'severity: { mapping: { high: 11 } }',
      '',
    ].join('\r\n'),
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.column]),
    [
      [3, 13],
      [4, 1],
      [5, 30],
    ],
  );
});

test('valid but doubtful policies pass with warnings', () => {
  const r = validPolicy(
    y(
      'policyFormat: 1',
      'scope:',
      '  outOfScope:',
      '    - id: spam',
      '      title: Spam',
      'sla:',
      '  bySeverity:',
      '    low: { fix: 120d }',
      '  holidays: [2026-12-25, 2026-12-25]',
    ),
  );
  assert.deepEqual(
    r.warnings.map((w) => [w.path, w.line, w.column]),
    [
      ['/scope/outOfScope/0', 4, 7],
      ['/sla/bySeverity/low/fix', 8, 17],
      ['/sla/holidays/1', 9, 26],
    ],
  );
  assert.match(r.warnings[1]!.message, /low issues are due for disclosure before their fix/);
});

test('oversized input is refused before parsing', () => {
  const [p] = problemsOf('policyFormat: 1\n#' + 'x'.repeat(MAX_POLICY_LENGTH));
  assert.match(p!.message, /too long/);
});

test('a path missing from the source falls back to its nearest written parent', () => {
  const text = y('policyFormat: 1', 'sla:', '  holidays: []', 'disclosure: {}');
  const lines = new LineCounter();
  const where = new SourceLocator(parseDocument(text, { lineCounter: lines }), lines);
  assert.deepEqual(where.position('/sla/timeZone'), { line: 2, column: 1 });
  assert.deepEqual(where.position('/sla/holidays/3'), { line: 3, column: 3 });
  assert.deepEqual(where.position('/disclosure/notes'), { line: 4, column: 1 });
  assert.deepEqual(where.position('/nothing/here'), { line: 1, column: 1 });
  assert.equal(where.has('/sla/holidays'), true);
  assert.equal(where.has('/sla/timeZone'), false);
});
