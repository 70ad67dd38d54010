// Reading versions out of a reporter's free text and deciding, with the policy's ranges, whether the
// report concerns a supported version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../../src/domain/policy/policy.types.ts';
import {
  checkVersions,
  extractVersions,
  supportedVersionsTable,
} from '../../src/domain/policy/supported-versions.ts';

const policy: Pick<Policy, 'supportedVersions'> = {
  supportedVersions: [
    { range: '>=2.0.0', supported: true, note: 'current' },
    { range: '1.4.x', supported: true },
    { range: '<1.4.0', supported: false, note: 'end of life' },
  ],
};

test('version-like tokens in free text become semver versions', () => {
  const cases: [string, string[]][] = [
    ['v1.2.3', ['1.2.3']],
    ['seen on 1.4', ['1.4.0']],
    ['0.9.1 and 1.0.0-rc.1', ['0.9.1', '1.0.0-rc.1']],
    ['all versions up to 2.3', ['2.3.0']],
    ['1.2.3-beta2, 1.2.3+build.7 and V2.0.0-SNAPSHOT', ['1.2.3-beta2', '1.2.3', '2.0.0-SNAPSHOT']],
    ['from 1.0-2.3', ['1.0.0', '2.3.0']],
    ['fixed in 1.2.3.', ['1.2.3']],
    ['1.2.3 and v1.2.3 again', ['1.2.3']],
    ['the latest one', []],
    ['host 10.0.0.1, go1.21, build 4', []],
    ['1.2-more-or-less', ['1.2.0']],
  ];
  for (const [text, want] of cases)
    assert.deepEqual(
      extractVersions(text).map((v) => v.version),
      want,
      text,
    );
  assert.deepEqual(extractVersions('seen on v1.4'), [{ version: '1.4.0', text: 'v1.4' }]);
});

test('the first matching range decides', () => {
  const r = checkVersions(policy, '1.4.2');
  assert.equal(r.status, 'supported');
  assert.deepEqual(r.versions, [{ version: '1.4.2', text: '1.4.2', supported: true, range: '1.4.x' }]);
  const old = checkVersions(policy, '1.3.9');
  assert.equal(old.status, 'unsupported');
  assert.equal(old.versions[0]!.range, '<1.4.0');
  // Overlapping ranges: an earlier "not supported" entry wins over a later catch-all.
  const overlap = checkVersions(
    {
      supportedVersions: [
        { range: '2.1.x', supported: false },
        { range: '>=2.0.0', supported: true },
      ],
    },
    '2.1.5',
  );
  assert.equal(overlap.status, 'unsupported');
});

test('status: supported if any version is, unsupported only if all are, otherwise unknown', () => {
  assert.equal(checkVersions(policy, '1.3.0 and 2.1.0').status, 'supported');
  assert.equal(checkVersions(policy, '0.9, 1.2.0, 1.3.5').status, 'unsupported');
  assert.equal(checkVersions(policy, 'no idea').status, 'unknown');
  assert.equal(checkVersions(policy, '').status, 'unknown');
  const none = checkVersions({ supportedVersions: [{ range: '1.x', supported: false }] }, '3.0.0 and 1.1.0');
  assert.equal(none.status, 'unknown', 'one unsupported and one unmatched is not "unsupported"');
  assert.deepEqual(
    none.versions.map((v) => v.supported),
    [null, false],
  );
});

test('pre-releases stay in their line: 1.x covers 1.3.0-beta.1 and 1.0.0-rc.1', () => {
  const r = checkVersions({ supportedVersions: [{ range: '1.x', supported: true }] }, '1.3.0-beta.1');
  assert.equal(r.status, 'supported');
  assert.equal(r.versions[0]!.version, '1.3.0-beta.1');
  const rc = checkVersions(
    {
      supportedVersions: [
        { range: '1.x', supported: true },
        { range: '<1.0.0', supported: false },
      ],
    },
    '1.0.0-rc.1',
  );
  assert.equal(rc.versions[0]!.range, '1.x');
  // An x-range includes the pre-releases of its line; a comparator range follows plain semver order,
  // where 1.4.0-beta.1 comes before 1.4.0.
  assert.equal(checkVersions(policy, '1.4.0-beta.1').versions[0]!.range, '1.4.x');
  const comparator = checkVersions(
    { supportedVersions: [{ range: '>=1.4.0', supported: true }] },
    '1.4.0-beta.1',
  );
  assert.equal(comparator.versions[0]!.supported, null);
});

test('a policy without supported versions answers unknown but still lists the versions', () => {
  const r = checkVersions({ supportedVersions: [] }, 'v1.2.3');
  assert.equal(r.status, 'unknown');
  assert.deepEqual(r.versions, [{ version: '1.2.3', text: 'v1.2.3', supported: null, range: null }]);
});

test('the table keeps policy order and marks each row', () => {
  assert.deepEqual(supportedVersionsTable(policy), [
    { range: '>=2.0.0', supported: true, mark: '✅', note: 'current' },
    { range: '1.4.x', supported: true, mark: '✅', note: '' },
    { range: '<1.4.0', supported: false, mark: '❌', note: 'end of life' },
  ]);
});
