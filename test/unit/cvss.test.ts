// CVSS scoring (src/integrations/cvss) against Red Hat's published test vectors, every line of them,
// plus the validation the library itself does not do, and the severity mapping of src/domain/severity.ts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import cvssLib from 'ae-cvss-calculator';
import { scoreVector, cvssRating, CVSS_VECTOR_MAX_LENGTH } from '../../src/integrations/cvss/cvss.ts';
import { BASE_METRICS } from '../../src/integrations/cvss/cvss-base-metrics.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { severityFromScore, DEFAULT_SEVERITY_MAPPING } from '../../src/domain/severity.ts';

const DATA = new URL('../../../shared/data/cvss/', import.meta.url);

interface Line {
  n: number;
  vector: string;
  score: number;
}

/**
 * `VECTOR - (base, temporal, environmental)` (3.1), `VECTOR - (score,)` and `VECTOR - score` (4.0):
 * the first number is the one to match. A line in any other shape fails the test instead of being skipped.
 */
function readVectors(file: string): Line[] {
  const text = readFileSync(new URL(file, DATA), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines.map((l, i) => {
    const m = /^(CVSS:\S+) - \(?(\d+\.\d)(?:, \d+\.\d)*,?\)?$/.exec(l.trim());
    assert.ok(m, `${file}:${i + 1} has an unexpected format: ${l}`);
    return { n: i + 1, vector: m[1]!, score: Number(m[2]) };
  });
}

function checkFile(file: string, expectedLines: number, version: '3.1' | '4.0') {
  const lines = readVectors(file);
  test(`${file}: all ${lines.length} lines score as listed`, (t) => {
    assert.equal(lines.length, expectedLines, 'the data file has the expected number of lines');
    const wrong: string[] = [];
    for (const line of lines) {
      const r = scoreVector(line.vector);
      const ok =
        r.version === version &&
        r.baseScore === line.score &&
        r.rating === cvssRating(line.score) &&
        r.vector === line.vector;
      if (!ok)
        wrong.push(`line ${line.n}: ${line.vector} → ${r.baseScore} (${r.vector}), listed ${line.score}`);
    }
    t.diagnostic(`${file}: ${lines.length - wrong.length}/${lines.length} agree`);
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${lines.length} lines disagree`);
  });
}

describe('scores match the Red Hat CVSS test vectors', () => {
  checkFile('vectors_simple31', 2592, '3.1');
  checkFile('vectors_simple4', 1058, '4.0');
  checkFile('vectors_supplemental4', 576, '4.0');

  test('CVSS 3.0: the 3.1 base vectors relabelled 3.0 give the same base scores (same base equations)', () => {
    const lines = readVectors('vectors_simple31');
    const wrong = lines.filter((l) => {
      const r = scoreVector(l.vector.replace('CVSS:3.1/', 'CVSS:3.0/'));
      return r.version !== '3.0' || r.baseScore !== l.score;
    });
    assert.equal(wrong.length, 0, `${wrong.length} of ${lines.length} differ`);
  });

  // A few lines of RedHatProductSecurity/cvss tests/vectors_threat4, vectors_security4 and
  // vectors_calculator3 (LGPL-3.0 data), for threat/environmental metrics and 3.0 with all groups.
  const extra: Array<[string, number, string | null]> = [
    ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P', 5.9, 'CVSS-BT'],
    ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U', 4.1, 'CVSS-BT'],
    ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:L', 7.1, 'CVSS-BE'],
    ['CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L', 5.4, 'CVSS-BE'],
    ['CVSS:3.0/S:U/AV:N/AC:L/PR:H/UI:N/C:L/I:L/A:N/E:F/RL:X', 3.8, null],
    [
      'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N/E:H/RL:O/RC:C/CR:H/IR:H/AR:H/MAV:N/MAC:L/MPR:L/MUI:N/MS:C/MC:H/MI:H/MA:H',
      9.3,
      null,
    ],
  ];
  for (const [vector, score, nomenclature] of extra) {
    test(`${vector} → ${score}`, () => {
      const r = scoreVector(vector);
      assert.equal(r.baseScore, score);
      assert.equal(r.nomenclature, nomenclature);
    });
  }
});

describe('scoreVector: results', () => {
  test('3.1 base metrics with readable names, in spec order', () => {
    const r = scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    assert.equal(r.version, '3.1');
    assert.equal(r.baseScore, 9.8);
    assert.equal(r.rating, 'critical');
    assert.equal(r.nomenclature, null);
    assert.deepEqual(r.metrics[0], { key: 'AV', name: 'Attack Vector', value: 'N', valueName: 'Network' });
    assert.deepEqual(
      r.metrics.map((m) => `${m.key}:${m.value}`),
      ['AV:N', 'AC:L', 'PR:N', 'UI:N', 'S:U', 'C:H', 'I:H', 'A:H'],
    );
  });

  test('4.0 base metrics name the vulnerable and the subsequent system', () => {
    const r = scoreVector('CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:L/SI:N/SA:N');
    assert.equal(r.version, '4.0');
    assert.equal(r.nomenclature, 'CVSS-B');
    assert.equal(r.metrics.length, 11);
    assert.deepEqual(r.metrics[0], { key: 'AV', name: 'Attack Vector', value: 'A', valueName: 'Adjacent' });
    assert.equal(r.metrics[4]!.valueName, 'Passive');
    assert.equal(r.metrics[8]!.name, 'Subsequent System Confidentiality Impact');
  });

  test('3.1: temporal and environmental metrics do not change the base score', () => {
    // Scored with all groups, this vector's overall (environmental) score is 6.0.
    const r = scoreVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/MAV:P/CR:L');
    assert.equal(r.baseScore, 9.8);
  });

  test('metrics in any order are accepted and normalised to spec order; X values and whitespace dropped', () => {
    const r = scoreVector('  CVSS:3.1/MAV:L/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/RL:O \n');
    assert.equal(r.vector, 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:O/MAV:L');
    assert.equal(r.baseScore, 9.8);
    const r4 = scoreVector(
      'CVSS:4.0/U:Red/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N/CR:H/E:A/MAV:X',
    );
    assert.equal(r4.vector, 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/CR:H/U:Red');
    assert.equal(r4.nomenclature, 'CVSS-BTE');
  });

  test('zero impact scores 0.0, rated none', () => {
    const r = scoreVector('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N');
    assert.equal(r.baseScore, 0);
    assert.equal(r.rating, 'none');
  });

  test('the base metric table agrees with the library registry', () => {
    const libs = { '3.0': new cvssLib.Cvss3P0(), '3.1': new cvssLib.Cvss3P1(), '4.0': new cvssLib.Cvss4P0() };
    for (const [version, lib] of Object.entries(libs)) {
      for (const spec of BASE_METRICS[version as keyof typeof libs]) {
        const component = lib.findComponent(spec.key);
        assert.ok(component, `${version} ${spec.key}`);
        const known = component.values.map((v) => v.shortName);
        for (const [value] of spec.values)
          assert.ok(known.includes(value), `${version} ${spec.key}:${value}`);
      }
    }
  });
});

/** Messages of the ValidationError scoreVector throws (it must throw one, all on field `cvss`). */
function errorsOf(vector: unknown): string[] {
  try {
    scoreVector(vector as string);
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    assert.ok(e.errors.length > 0);
    for (const fe of e.errors) assert.equal(fe.field, 'cvss');
    return e.errors.map((fe) => fe.message);
  }
  assert.fail(`expected ${JSON.stringify(vector)} to be rejected`);
}

const V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

describe('scoreVector: invalid vectors (many of which the library alone accepts)', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['empty', '', /^Enter a CVSS vector/],
    ['not a string', null, /^Enter a CVSS vector/],
    ['junk', 'hello world', /starts with its version/],
    ['CVSS 2.0', 'AV:N/AC:L/Au:N/C:P/I:P/A:P', /CVSS 2\.0 vectors are not supported/],
    ['unknown version', V31.replace('3.1', '3.2'), /^Unknown CVSS version "CVSS:3\.2"/],
    ['lower-case prefix', V31.toLowerCase(), /starts with its version/],
    ['prototype names as prefix', 'constructor/AV:N', /starts with its version/],
    ['__proto__ as prefix', '__proto__/AV:N', /starts with its version/],
    ['prototype names as metric', `${V31}/constructor:X`, /^Unknown metric "constructor"/],
    ['unknown metric', `${V31}/ZZ:1`, /^Unknown metric "ZZ" for CVSS 3\.1\.$/],
    ['4.0 metric in a 3.1 vector', `${V31}/AT:N`, /^Unknown metric "AT" for CVSS 3\.1\.$/],
    [
      'missing base metric',
      V31.replace('/A:H', ''),
      /^Missing mandatory base metric: A \(Availability Impact\)\.$/,
    ],
    [
      '4.0 missing base metric (the library scores it 0.0)',
      V40.replace('/SA:N', ''),
      /^Missing mandatory base metric: SA \(Subsequent System Availability Impact\)\.$/,
    ],
    [
      'bad value',
      V31.replace('AV:N', 'AV:Q'),
      /^Invalid value "Q" for AV \(Attack Vector\); expected one of N, A, L, P\.$/,
    ],
    ['Not Defined in a base metric', V31.replace('AV:N', 'AV:X'), /^Invalid value "X" for AV/],
    [
      '4.0 Safety value in SC (only MSI/MSA may be S)',
      V40.replace('SC:N', 'SC:S'),
      /^Invalid value "S" for SC/,
    ],
    ['case-sensitive values', `${V40}/U:clear`, /^Invalid value "clear" for U \(Provider Urgency\)/],
    ['bad optional value', `${V31}/E:Z`, /^Invalid value "Z" for E \(Exploit Code Maturity\)/],
    ['duplicate metric', `${V31}/AV:L`, /^Metric AV \(Attack Vector\) appears more than once\.$/],
    ['duplicate, same value', `${V31}/C:H`, /^Metric C .* appears more than once\.$/],
    ['junk after a value', V31.replace('AV:N', 'AV:N:L'), /^"AV:N:L" is not a METRIC:VALUE pair/],
    ['part without value', V31.replace('AV:N', 'AV'), /^"AV" is not a METRIC:VALUE pair/],
    ['trailing slash', `${V31}/`, /empty part/],
    ['doubled slash', V31.replace('/AC', '//AC'), /empty part/],
    ['inner whitespace', V31.replace('AV:N', 'AV: N'), /^Invalid value " N" for AV/],
    ['prefix only', 'CVSS:4.0', /^Missing mandatory base metrics: AV \(Attack Vector\), AC/],
    [
      'too long',
      `${V31}/${'E:X/'.repeat(120)}E:X`,
      new RegExp(`at most ${CVSS_VECTOR_MAX_LENGTH} characters`),
    ],
  ];
  for (const [name, vector, expected] of cases) {
    test(name, () => {
      const messages = errorsOf(vector);
      assert.ok(
        messages.some((m) => expected.test(m)),
        `no message matches ${expected}: ${JSON.stringify(messages)}`,
      );
    });
  }

  test('every problem is reported, not just the first', () => {
    const messages = errorsOf('CVSS:3.1/AV:N/AV:L/ZZ:1/AC:Q/PR:N/UI:N/S:U/C:H/I:H');
    assert.equal(messages.length, 4, JSON.stringify(messages));
  });

  test('long input is shortened in messages', () => {
    const messages = errorsOf(`${V31}/${'Q'.repeat(200)}:1`);
    assert.ok(messages[0]!.length < 80, messages[0]);
  });
});

describe('cvssRating', () => {
  test('spec bands', () => {
    const cases: Array<[number, string]> = [
      [0, 'none'],
      [0.1, 'low'],
      [3.9, 'low'],
      [4, 'medium'],
      [6.9, 'medium'],
      [7, 'high'],
      [8.9, 'high'],
      [9, 'critical'],
      [10, 'critical'],
    ];
    for (const [score, rating] of cases) assert.equal(cvssRating(score), rating, String(score));
  });
});

describe('severityFromScore', () => {
  const mapping = { critical: 9, high: 7, medium: 4, low: 0.1 };
  test('boundaries: each minimum belongs to its severity, just below to the next one down', () => {
    const cases: Array<[number, string | null]> = [
      [10, 'critical'],
      [9, 'critical'],
      [8.9, 'high'],
      [7, 'high'],
      [6.9, 'medium'],
      [4, 'medium'],
      [3.9, 'low'],
      [0.1, 'low'],
      [0.05, null],
      [0, null],
      [Number.NaN, null],
    ];
    for (const [score, severity] of cases)
      assert.equal(severityFromScore(score, mapping), severity, String(score));
  });

  test('a project scale of its own', () => {
    const strict = { critical: 9.5, high: 8, medium: 5, low: 3 };
    assert.equal(severityFromScore(9.4, strict), 'high');
    assert.equal(severityFromScore(2.9, strict), null);
    assert.equal(severityFromScore(3, strict), 'low');
  });

  test('the default mapping is the CVSS rating scale', () => {
    for (const score of [0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10]) {
      assert.equal(severityFromScore(score, DEFAULT_SEVERITY_MAPPING), cvssRating(score));
    }
    assert.equal(severityFromScore(0, DEFAULT_SEVERITY_MAPPING), null);
  });
});
