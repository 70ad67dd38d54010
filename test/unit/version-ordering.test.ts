// Version ordering per ecosystem: every line of the osv-scalibr fixture files (both directions), plus
// hand-written cases for the ecosystems without a fixture (npm, Go, crates.io, Hex), orderingFor's
// name handling, and the promise that no input makes compare throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  orderingFor,
  SUPPORTED_ECOSYSTEMS,
  type VersionOrdering,
} from '../../src/domain/versions/version-ordering.ts';

const FIXTURES = new URL('../../../shared/data/version-ordering/', import.meta.url);

interface FixtureLine {
  lineNo: number;
  a: string;
  op: '<' | '=' | '>';
  b: string;
}

/** Comment and blank lines are skipped; any other line must be `a <op> b`, or the fixture is broken. */
function readFixture(file: string): FixtureLine[] {
  const lines: FixtureLine[] = [];
  readFileSync(new URL(file, FIXTURES), 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#') || line.startsWith('//')) return;
      const m = /^(\S+) ([<=>]) (\S+)$/.exec(line);
      if (!m) assert.fail(`${file}:${i + 1}: unexpected line shape: ${JSON.stringify(raw)}`);
      lines.push({ lineNo: i + 1, a: m[1]!, op: m[2] as FixtureLine['op'], b: m[3]! });
    });
  assert.ok(lines.length > 0, `${file} holds no comparisons`);
  return lines;
}

const EXPECTED = { '<': -1, '=': 0, '>': 1 } as const;

function checkFixture(ordering: VersionOrdering, file: string): { passed: number; failures: string[] } {
  const failures: string[] = [];
  let passed = 0;
  for (const { lineNo, a, op, b } of readFixture(file)) {
    const forward = Math.sign(ordering.compare(a, b));
    const backward = Math.sign(ordering.compare(b, a));
    if (forward === EXPECTED[op] && backward === -EXPECTED[op]) passed++;
    else
      failures.push(
        `${file}:${lineNo}: ${a} ${op} ${b} — got compare(a,b)=${forward}, compare(b,a)=${backward}`,
      );
  }
  return { passed, failures };
}

const FIXTURE_RUNS: [ecosystem: string, file: string][] = [
  ['Alpine', 'alpine-versions.txt'],
  ['Debian', 'debian-versions.txt'],
  ['Hackage', 'hackage-versions.txt'],
  ['Maven', 'maven-versions.txt'],
  ['NuGet', 'nuget-versions.txt'],
  ['Packagist', 'packagist-versions.txt'],
  ['Pub', 'pub-versions.txt'],
  ['PyPI', 'pypi-versions.txt'],
  ['RubyGems', 'rubygems-versions.txt'],
  ['SEMVER', 'semver-versions.txt'],
  // The same SemVer lines hold for the ecosystems that version with SemVer (as osv-scalibr checks).
  ['npm', 'semver-versions.txt'],
  ['crates.io', 'semver-versions.txt'],
  ['Go', 'semver-versions.txt'],
  ['Hex', 'semver-versions.txt'],
  // Optional extra.
  ['CRAN', 'cran-versions.txt'],
];

for (const [ecosystem, file] of FIXTURE_RUNS) {
  test(`fixture ${file} holds for ${ecosystem}`, (t) => {
    const ordering = orderingFor(ecosystem);
    assert.ok(ordering, `no ordering for ${ecosystem}`);
    const { passed, failures } = checkFixture(ordering, file);
    t.diagnostic(`${ecosystem} (${file}): ${passed}/${passed + failures.length} lines pass`);
    assert.deepEqual(failures, []);
  });
}

/** Asserts that `versions` is strictly ascending under the ordering, pairwise and both ways. */
function assertAscending(ecosystem: string, versions: string[]): void {
  const ordering = orderingFor(ecosystem)!;
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const [a, b] = [versions[i]!, versions[j]!];
      assert.equal(Math.sign(ordering.compare(a, b)), -1, `${ecosystem}: ${a} < ${b}`);
      assert.equal(Math.sign(ordering.compare(b, a)), 1, `${ecosystem}: ${b} > ${a}`);
    }
  }
}

function assertEqualVersions(ecosystem: string, pairs: [string, string][]): void {
  const ordering = orderingFor(ecosystem)!;
  for (const [a, b] of pairs) assert.equal(ordering.compare(a, b), 0, `${ecosystem}: ${a} = ${b}`);
}

test('npm follows the semver package, loose mode; what npm rejects is invalid and sorts last', () => {
  assertAscending('npm', [
    '0.9.0',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0',
    '1.2.0',
  ]);
  assertEqualVersions('npm', [
    ['v1.2.3', '1.2.3'],
    ['1.2.3+build.1', '1.2.3'],
  ]);
  const npm = orderingFor('npm')!;
  assert.equal(npm.isValid('1.2.3'), true);
  assert.equal(npm.isValid('v1.2.3-rc.1'), true);
  assert.equal(npm.isValid('1.2'), false);
  assert.equal(npm.isValid('99999999999999999999.0.0'), false);
  assert.equal(npm.isValid('latest'), false);
  assertAscending('npm', ['999.0.0', '1.2', '99999999999999999999.0.0', 'latest']);
});

test('Go: optional v, +incompatible ignored, pseudo-versions ordered by time among pre-releases', () => {
  assertEqualVersions('Go', [
    ['v1.2.3', '1.2.3'],
    ['v2.0.0+incompatible', 'v2.0.0'],
    ['2.0.0+incompatible', 'v2.0.0'],
    ['v1.2', 'v1.2.0'],
  ]);
  assertAscending('Go', [
    'v0.0.0-20190101000000-abcdef123456',
    '0.0.0-20210101000000-abcdef123456',
    'v0.0.0-20210102000000-000000000000',
    'v0.1.0',
    'v1.2.3',
    // A pseudo-version derived from v1.2.3 sorts above it and below v1.2.4.
    'v1.2.4-0.20210101000000-abcdef123456',
    'v1.2.4-pre',
    'v1.2.4-pre.0.20210101000000-abcdef123456',
    'v1.2.4',
    'v2.0.0+incompatible',
    'v2.0.1',
    'v10.0.0',
  ]);
  const go = orderingFor('Go')!;
  assert.equal(go.isValid('v1.2.3'), true);
  assert.equal(go.isValid('0.0.0-20210101000000-abcdef123456'), true);
  assert.equal(go.isValid('v2.0.0+incompatible'), true);
  assert.equal(go.isValid('v1.2'), true);
  assert.equal(go.isValid('v1.2-pre'), false);
  assert.equal(go.isValid('master'), false);
});

test('crates.io and Hex use SemVer 2.0 precedence', () => {
  for (const ecosystem of ['crates.io', 'Hex']) {
    assertAscending(ecosystem, [
      '0.0.0-0',
      '0.1.0',
      '0.2.1-0',
      '0.2.1-alpha.1',
      '0.2.1',
      '0.10.0',
      '1.0.0-rc.1',
      '1.0.0',
    ]);
    assertEqualVersions(ecosystem, [['1.0.0+build.5', '1.0.0']]);
    const ordering = orderingFor(ecosystem)!;
    assert.equal(ordering.isValid('1.0.0-rc.1'), true);
    assert.equal(ordering.isValid('1.0'), false);
    assert.equal(ordering.isValid('01.0.0'), false);
  }
});

test('orderingFor takes OSV names with a :suffix, is case-sensitive, and knows SEMVER', () => {
  assert.equal(orderingFor('Debian:12')?.ecosystem, 'Debian');
  assert.equal(orderingFor('Debian:12'), orderingFor('Debian'));
  assert.equal(orderingFor('Alpine:v3.18')?.ecosystem, 'Alpine');
  assert.equal(orderingFor('Maven:https://repo.maven.apache.org/maven2')?.ecosystem, 'Maven');
  assert.equal(orderingFor('Ubuntu:22.04:LTS')?.ecosystem, 'Ubuntu');
  assert.equal(orderingFor('SEMVER')?.ecosystem, 'SEMVER');
  assert.ok(orderingFor('Debian:12')!.compare('1.2.3-1~deb12u1', '1.2.3-1') < 0);
  for (const unknown of ['OSS-Fuzz', 'Linux', 'GIT', 'pypi', 'NPM', 'Red Hat', '', ':npm', 'constructor']) {
    assert.equal(orderingFor(unknown), null, unknown);
  }
  for (const name of [
    'npm',
    'Go',
    'crates.io',
    'PyPI',
    'Maven',
    'RubyGems',
    'NuGet',
    'Packagist',
    'Pub',
    'Hex',
  ]) {
    assert.ok(SUPPORTED_ECOSYSTEMS.includes(name), name);
  }
  for (const name of ['Hackage', 'Debian', 'Alpine']) assert.ok(SUPPORTED_ECOSYSTEMS.includes(name), name);
  assert.ok(!SUPPORTED_ECOSYSTEMS.includes('SEMVER'));
});

const AWKWARD = [
  ...'v V . .. - + ~ _ : # * 0 00 1 1. .1 1..2 1.2.3 1.2.3- 1.2.3+ 1-2-3 1:2:3 a:1 1.0-r-1 1_p'.split(' '),
  ...'dev-main latest ÿ 💥 1.0.0-α'.split(' '),
  '',
  ' ',
  '\u0000',
  '1.2.3\n',
  '1'.repeat(400),
  `${'9'.repeat(40)}.${'9'.repeat(40)}`,
];

/**
 * Inputs left out of the total-order check, where the ecosystem itself is not transitive (see the
 * header of each module): apk-invalid Alpine strings, PHP's "#" form in Packagist.
 */
const NOT_TRANSITIVE: Record<string, (v: string, ordering: VersionOrdering) => boolean> = {
  Alpine: (v, ordering) => !ordering.isValid(v),
  Packagist: (v) => v.includes('#'),
};

test('invalid and odd inputs never throw, and all inputs fall into one consistent order', () => {
  for (const ecosystem of ['SEMVER', ...SUPPORTED_ECOSYSTEMS]) {
    const ordering = orderingFor(ecosystem)!;
    const excluded = NOT_TRANSITIVE[ecosystem];
    for (const v of AWKWARD) assert.equal(typeof ordering.isValid(v), 'boolean');
    for (const a of AWKWARD) {
      for (const b of AWKWARD) {
        const sum = Math.sign(ordering.compare(a, b)) + Math.sign(ordering.compare(b, a));
        assert.equal(sum, 0, `${ecosystem}: antisymmetric for ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
      }
    }
    // A consistent total order lets a sort produce a sequence whose every pair agrees with compare.
    const sorted = AWKWARD.filter((v) => !excluded?.(v, ordering)).sort((a, b) => ordering.compare(a, b));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        assert.ok(ordering.compare(sorted[i]!, sorted[j]!) <= 0, `${ecosystem}: ${sorted[i]} ≤ ${sorted[j]}`);
      }
    }
  }
});

test('isValid separates what each ecosystem accepts', () => {
  const cases: [string, string[], string[]][] = [
    ['SEMVER', ['1.2.3', 'v1.2.3', '1.0.0-alpha.1+build'], ['1.2', '1.2.3.4', 'abc', '']],
    ['PyPI', ['1.0', '1!2.0rc1.post2.dev3+local.7', 'v1.0'], ['0.9-doduo', 'latest', '']],
    ['Maven', ['1.0', '1.0-SNAPSHOT', '2.0.0.RELEASE'], ['', '1 0']],
    ['RubyGems', ['1.2.3', '1.0.0.pre.1', '1.0.0-rc1'], ['1beta', 'abc', '']],
    ['NuGet', ['1.0', '1.0.0.1-beta', '1.0.01'], ['v1.0', 'abc']],
    ['Packagist', ['1.0.0', 'v1.0.0-RC1', 'dev-main'], ['latest', '']],
    ['Pub', ['1.2.3+build', '1.0.0-dev'], ['1.2', 'abc']],
    ['Hackage', ['1.2.0.3', '0'], ['1.2-3', 'v1', '']],
    ['Debian', ['1:2.3.4-1~deb12u1', '2.7.4+reloaded2-13ubuntu1', '1.0'], ['a1.0', 'x:1.0', '1.0-', '']],
    ['Alpine', ['1.2.3_rc1-r2', '2.3.0b-r1', '1.0_p10'], ['1.0-ruff', 'a', '1.2.0A']],
  ];
  for (const [ecosystem, valid, invalid] of cases) {
    const ordering = orderingFor(ecosystem)!;
    for (const v of valid) assert.equal(ordering.isValid(v), true, `${ecosystem}: ${v} valid`);
    for (const v of invalid) assert.equal(ordering.isValid(v), false, `${ecosystem}: ${v} invalid`);
  }
});

test('orderings stay correct past the parse cache bound', () => {
  const ordering = orderingFor('PyPI')!;
  const versions = Array.from({ length: 25_000 }, (_, i) => `${Math.floor(i / 100)}.${i % 100}`);
  for (let i = 1; i < versions.length; i++) assert.ok(ordering.compare(versions[i - 1]!, versions[i]!) < 0);
  assert.ok(ordering.compare('0.0', '249.99') < 0);
});

test('Maven keeps the answers of ComparableVersion where they are not transitive', () => {
  // Maven (and mvncmp) say 1 < 1.0-1 < 1.0.alpha1 < 1: ".0" before a qualifier is not trimmed.
  const maven = orderingFor('Maven')!;
  assert.ok(maven.compare('1', '1.0-1') < 0);
  assert.ok(maven.compare('1.0-1', '1.0.alpha1') < 0);
  assert.ok(maven.compare('1.0.alpha1', '1') < 0);
});
