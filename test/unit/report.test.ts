// Intake rules of src/domain/report.ts: every channel parses a report the same way.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseReportInput, parseCaseKey, formatCaseKey, isEmail } from '../../src/domain/report.ts';
import { ValidationError } from '../../src/domain/errors.ts';

const valid = () => ({
  title: 'Path traversal in archive extraction',
  description: 'Extracting a crafted tarball writes files outside the target directory.',
  stepsToReproduce: '1. Build a tar\n2. Extract it',
  impact: 'Arbitrary file write.',
  affectedVersions: '< 1.4.3',
});

/** The field names of the ValidationError `fn` throws (it must throw one, and nothing else). */
function errorFields(raw: Record<string, unknown>): string[] {
  try {
    parseReportInput(raw);
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    assert.equal(e.code, 'validation-error');
    for (const fe of e.errors) assert.ok(fe.message.length > 0, `empty message for ${fe.field}`);
    return [...new Set(e.errors.map((x) => x.field))].sort();
  }
  assert.fail('expected a ValidationError');
}

const REQUIRED = ['title', 'description', 'stepsToReproduce', 'impact', 'affectedVersions'];
// Limits as the product promises them, written out here rather than read from REPORT_LIMITS.
const MAX: Record<string, number> = {
  title: 200,
  description: 50_000,
  stepsToReproduce: 50_000,
  impact: 20_000,
  affectedVersions: 1_000,
  suggestedFix: 20_000,
};

describe('parseReportInput', () => {
  test('a valid report parses, with defaults for the optional fields', () => {
    const r = parseReportInput(valid());
    assert.deepEqual(r, {
      ...valid(),
      suggestedFix: null,
      reporterEmail: null,
      creditPreference: 'anonymous',
      creditName: null,
      scopeCategory: null,
    });
  });

  test('a policy may make steps and impact optional; they are then stored empty', () => {
    const { stepsToReproduce: _s, impact: _i, ...rest } = valid();
    assert.deepEqual(errorFields(rest), ['impact', 'stepsToReproduce']);
    const r = parseReportInput(rest, { requireSteps: false, requireImpact: false });
    assert.equal(r.stepsToReproduce, '');
    assert.equal(r.impact, '');
    assert.throws(
      () => parseReportInput(rest, { requireSteps: true, requireImpact: false }),
      ValidationError,
    );
  });

  test('an out-of-scope category is an id; "in-scope" and empty mean none', () => {
    assert.equal(parseReportInput({ ...valid(), scopeCategory: 'tuning-help' }).scopeCategory, 'tuning-help');
    assert.equal(parseReportInput({ ...valid(), scopeCategory: 'in-scope' }).scopeCategory, null);
    assert.equal(parseReportInput({ ...valid(), scopeCategory: '' }).scopeCategory, null);
    assert.deepEqual(errorFields({ ...valid(), scopeCategory: 'Not An Id!' }), ['scopeCategory']);
    assert.deepEqual(errorFields({ ...valid(), scopeCategory: 7 }), ['scopeCategory']);
  });

  test('every required field is required, and missing ones are all reported at once', () => {
    for (const f of REQUIRED) {
      const raw: Record<string, unknown> = valid();
      delete raw[f];
      assert.deepEqual(errorFields(raw), [f], `missing ${f}`);
      assert.deepEqual(errorFields({ ...valid(), [f]: '   \r\n  ' }), [f], `blank ${f}`);
      assert.deepEqual(errorFields({ ...valid(), [f]: null }), [f], `null ${f}`);
    }
    assert.deepEqual(errorFields({}), [...REQUIRED].sort());
  });

  test('minimum lengths count trimmed text: title 5, description 20', () => {
    assert.deepEqual(errorFields({ ...valid(), title: '  abcd  ' }), ['title']);
    assert.equal(parseReportInput({ ...valid(), title: '  abcde  ' }).title, 'abcde');
    assert.deepEqual(errorFields({ ...valid(), description: ` ${'d'.repeat(19)} ` }), ['description']);
    assert.equal(parseReportInput({ ...valid(), description: 'd'.repeat(20) }).description, 'd'.repeat(20));
    assert.equal(parseReportInput({ ...valid(), impact: 'x' }).impact, 'x');
  });

  test('maximum lengths hold at the limit and fail one past it', () => {
    for (const [f, max] of Object.entries(MAX)) {
      const ok = parseReportInput({ ...valid(), [f]: 'a'.repeat(max) }) as unknown as Record<string, unknown>;
      assert.equal((ok[f] as string).length, max, `${f} at ${max}`);
      assert.deepEqual(errorFields({ ...valid(), [f]: 'a'.repeat(max + 1) }), [f], `${f} at ${max + 1}`);
    }
    assert.equal(
      parseReportInput({ ...valid(), creditPreference: 'name', creditName: 'n'.repeat(100) }).creditName,
      'n'.repeat(100),
    );
    assert.deepEqual(errorFields({ ...valid(), creditPreference: 'name', creditName: 'n'.repeat(101) }), [
      'creditName',
    ]);
  });

  test('line endings are normalised to \\n before lengths are counted', () => {
    const r = parseReportInput({
      ...valid(),
      stepsToReproduce: 'one\r\ntwo\rthree\n\r\nfour',
      suggestedFix: 'a\r\nb',
    });
    assert.equal(r.stepsToReproduce, 'one\ntwo\nthree\n\nfour');
    assert.equal(r.suggestedFix, 'a\nb');
    // 1200 characters as sent, 799 once CRLF became LF and the text was trimmed: within the 1000 limit.
    const crlf = 'v\r\n'.repeat(400);
    assert.equal(crlf.length, 1200);
    assert.equal(
      parseReportInput({ ...valid(), affectedVersions: crlf }).affectedVersions,
      'v\n'.repeat(400).trim(),
    );
    assert.deepEqual(errorFields({ ...valid(), affectedVersions: 'v\n'.repeat(501) }), ['affectedVersions']);
  });

  test('text is trimmed; an empty optional field becomes null', () => {
    const r = parseReportInput({
      ...valid(),
      title: '\n\t Title here \n',
      suggestedFix: '   ',
      reporterEmail: '  ',
    });
    assert.equal(r.title, 'Title here');
    assert.equal(r.suggestedFix, null);
    assert.equal(r.reporterEmail, null);
  });

  test('e-mail addresses are checked, trimmed and lower-cased', () => {
    assert.equal(
      parseReportInput({ ...valid(), reporterEmail: '  Jane.Doe+cvd@Example.ORG ' }).reporterEmail,
      'jane.doe+cvd@example.org',
    );
    for (const bad of [
      'jane',
      'jane@',
      '@example.org',
      'jane@example',
      'jane doe@example.org',
      'jane@@example.org',
      '<jane@example.org>',
      'a@b.c,d@e.f',
    ]) {
      assert.deepEqual(errorFields({ ...valid(), reporterEmail: bad }), ['reporterEmail'], bad);
    }
    const local = 'a'.repeat(64);
    const long = `${local}@${'b'.repeat(254 - local.length - 5)}.org`;
    assert.equal(long.length, 254);
    assert.equal(isEmail(long), true);
    assert.deepEqual(errorFields({ ...valid(), reporterEmail: 'x' + long }), ['reporterEmail']);
  });

  test('credit: anonymous drops any name; name and handle need one', () => {
    const anon = parseReportInput({ ...valid(), creditPreference: 'anonymous', creditName: 'Jane Doe' });
    assert.equal(anon.creditPreference, 'anonymous');
    assert.equal(anon.creditName, null);
    assert.equal(
      parseReportInput({ ...valid(), creditName: 'Jane Doe' }).creditName,
      null,
      'no preference means anonymous',
    );
    assert.equal(
      parseReportInput({ ...valid(), creditPreference: '', creditName: 'Jane' }).creditPreference,
      'anonymous',
    );
    for (const pref of ['name', 'handle']) {
      const r = parseReportInput({ ...valid(), creditPreference: pref, creditName: '  @jane  ' });
      assert.equal(r.creditPreference, pref);
      assert.equal(r.creditName, '@jane');
      assert.deepEqual(errorFields({ ...valid(), creditPreference: pref }), ['creditName']);
      assert.deepEqual(errorFields({ ...valid(), creditPreference: pref, creditName: '   ' }), [
        'creditName',
      ]);
    }
    for (const bad of ['Name', 'everyone', 'public', null, 1, ['name']]) {
      assert.deepEqual(errorFields({ ...valid(), creditPreference: bad }), ['creditPreference'], String(bad));
    }
  });

  test('non-string values give field errors, never a TypeError', () => {
    const fields = [...REQUIRED, 'suggestedFix', 'reporterEmail'];
    for (const v of [
      42,
      0,
      true,
      false,
      {},
      { toString: 'x' },
      ['a long enough value here'],
      Symbol('s'),
      () => 'text',
      10n,
    ]) {
      for (const f of fields) {
        assert.deepEqual(errorFields({ ...valid(), [f]: v }), [f], `${f} = ${typeof v}`);
      }
      assert.deepEqual(
        errorFields({ ...valid(), creditPreference: 'name', creditName: v }),
        ['creditName'],
        `creditName = ${typeof v}`,
      );
    }
  });

  test('every error is collected in one ValidationError', () => {
    const fields = errorFields({
      title: 'abc',
      description: 5,
      impact: '',
      suggestedFix: 'f'.repeat(20_001),
      reporterEmail: 'not-an-address',
      creditPreference: 'handle',
    });
    assert.deepEqual(fields, [
      'affectedVersions',
      'creditName',
      'description',
      'impact',
      'reporterEmail',
      'stepsToReproduce',
      'suggestedFix',
      'title',
    ]);
  });

  test('unknown extra fields are ignored, not copied into the result', () => {
    const r = parseReportInput({
      ...valid(),
      state: 'closed',
      severity: 'critical',
      id: 'x',
    }) as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(r).sort(), [
      'affectedVersions',
      'creditName',
      'creditPreference',
      'description',
      'impact',
      'reporterEmail',
      'scopeCategory',
      'stepsToReproduce',
      'suggestedFix',
      'title',
    ]);
  });
});

describe('case keys', () => {
  test('formatCaseKey and parseCaseKey round-trip', () => {
    assert.equal(formatCaseKey('CONURE', 12), 'CONURE-12');
    assert.deepEqual(parseCaseKey('CONURE-12'), { projectKey: 'CONURE', number: 12 });
    assert.deepEqual(parseCaseKey('FLUX2-1'), { projectKey: 'FLUX2', number: 1 });
    for (const [k, n] of [
      ['AB', 1],
      ['P1234567890ABCDE', 9_999_999_999],
      ['KUSTOMIZE', 407],
    ] as const) {
      assert.deepEqual(parseCaseKey(formatCaseKey(k, n)), { projectKey: k, number: n });
    }
  });

  test('parseCaseKey rejects everything that is not KEY-n', () => {
    for (const bad of [
      '',
      'CONURE',
      'CONURE-',
      '-12',
      'CONURE12',
      'conure-12',
      'Conure-12',
      'C-12', // a key has at least 2 characters
      '1ABC-3', // and starts with a letter
      'ABCDEFGHIJKLMNOPQ-1', // at most 16
      'CONURE-0',
      'CONURE-012',
      'CONURE--1',
      'CONURE-1.5',
      'CONURE-12345678901', // 11 digits
      ' CONURE-1',
      'CONURE-1 ',
      'CONURE-1\n',
      'CON_URE-1',
      'CONURE-1-2',
    ]) {
      assert.equal(parseCaseKey(bad), null, JSON.stringify(bad));
    }
  });
});
