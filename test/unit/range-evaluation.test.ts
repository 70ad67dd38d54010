// OSV range evaluation: hand-made ranges for each rule of the schema's "Evaluation" section, records
// from the RustSec and PyPA databases with versions read off the records, and a cross-check of the
// implementation against a literal transcription of the schema's pseudocode over all of that data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { AffectedPackage, AffectedRange, RangeEvent } from '../../src/domain/advisory/advisory.types.ts';
import {
  fixedVersionsOf,
  isCommitAffected,
  isVersionAffected,
} from '../../src/domain/osv/range-evaluation.ts';
import { orderingFor, type VersionOrdering } from '../../src/domain/versions/version-ordering.ts';

const OSV_DATA = new URL('../../../shared/data/osv/', import.meta.url);

function pkg(ecosystem: string, ranges: AffectedRange[], versions: string[] = []): AffectedPackage {
  return { ecosystem, name: 'example', ranges, versions };
}

const semver = (...events: RangeEvent[]): AffectedRange => ({ type: 'SEMVER', events });
const ecosystem = (...events: RangeEvent[]): AffectedRange => ({ type: 'ECOSYSTEM', events });

function expectAffected(p: AffectedPackage, affected: string[], unaffected: string[]): void {
  for (const v of affected) assert.equal(isVersionAffected(p, v), true, `${p.ecosystem} ${v} affected`);
  for (const v of unaffected)
    assert.equal(isVersionAffected(p, v), false, `${p.ecosystem} ${v} not affected`);
}

test('introduced "0" sorts before every version', () => {
  expectAffected(
    pkg('npm', [semver({ introduced: '0' }, { fixed: '1.0.2' })]),
    ['0.0.0', '0.0.0-0', '1.0.1', '1.0.2-rc.1'],
    ['1.0.2', '2.0.0'],
  );
  expectAffected(pkg('npm', [semver({ introduced: '0' })]), ['0.0.1', '99.0.0'], []);
});

test('several introduced/fixed pairs in one range, in any order', () => {
  const p = pkg('npm', [
    semver({ introduced: '3.0.0' }, { fixed: '3.2.5' }, { introduced: '1.0.0' }, { fixed: '1.0.2' }),
  ]);
  expectAffected(p, ['1.0.0', '1.0.1', '3.0.0', '3.2.4'], ['0.9.0', '1.0.2', '2.0.0', '3.2.5', '4.0.0']);
});

test('last_affected includes itself; fixed excludes itself', () => {
  expectAffected(
    pkg('PyPI', [ecosystem({ introduced: '0' }, { last_affected: '2.1.214' })]),
    ['1.0', '2.1.214', '2.1.214rc1'],
    ['2.1.214.post1', '2.1.215'],
  );
  expectAffected(
    pkg('PyPI', [ecosystem({ introduced: '0' }, { fixed: '2.1.214' })]),
    ['2.1.213', '2.1.214rc1'],
    ['2.1.214'],
  );
});

test('limit caps a range; "*" means no limit; any of several limits is enough', () => {
  expectAffected(
    pkg('npm', [semver({ introduced: '1.0.0' }, { limit: '2.0.0' })]),
    ['1.0.0', '1.9.9'],
    ['0.9.0', '2.0.0', '3.0.0'],
  );
  expectAffected(
    pkg('npm', [semver({ introduced: '1.0.0' }, { limit: '*' })]),
    ['1.0.0', '9.0.0'],
    ['0.1.0'],
  );
  const two = pkg('npm', [
    semver({ introduced: '0' }, { fixed: '5.0.0' }, { limit: '1.0.0' }, { limit: '3.0.0' }),
  ]);
  expectAffected(two, ['0.5.0', '2.0.0'], ['3.0.0', '4.0.0', '5.0.0']);
});

test('explicit versions match by exact string, and alone when there is no ordering', () => {
  const listed = pkg('PyPI', [], ['1.0', '1.1']);
  expectAffected(listed, ['1.0', '1.1'], ['1.0.0', '1.2', '']);
  const oss = pkg(
    'OSS-Fuzz',
    [
      ecosystem({ introduced: '0' }),
      { type: 'GIT', repo: 'https://example.org/r', events: [{ introduced: '0' }] },
    ],
    ['5.1'],
  );
  expectAffected(oss, ['5.1'], ['5.0', '5.2', 'anything']);
  // A version the ecosystem can't parse can only match the explicit list.
  expectAffected(
    pkg('PyPI', [ecosystem({ introduced: '0' })], ['not a version']),
    ['not a version', '1.0'],
    ['not-a-version!'],
  );
});

test('PyPI ECOSYSTEM ranges follow PEP 440', () => {
  const p = pkg('PyPI', [ecosystem({ introduced: '2.8.0' }, { fixed: '2.10.0' })]);
  expectAffected(
    p,
    ['2.8.0', '2.8.0.post1', '2.9.2', '2.10.0rc1', '2.10.0.dev1', '2.9'],
    ['2.8.0rc1', '2.7', '2.10', '2.10.0', '2.10.0.post1'],
  );
});

test('SEMVER ranges use SemVer precedence, pre-releases included, whatever the ecosystem', () => {
  const p = pkg('Go', [semver({ introduced: '1.0.0-alpha' }, { fixed: '1.0.0' })]);
  expectAffected(
    p,
    ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-rc.1', 'v1.0.0-beta'],
    ['0.9.9', '1.0.0', '1.0.0+build', '1.0.1-alpha'],
  );
  // SEMVER ranges of a PyPI package still compare by SemVer, not PEP 440.
  expectAffected(pkg('PyPI', [semver({ introduced: '0' }, { fixed: '1.0.0' })]), ['1.0.0-rc.1'], ['1.0.0']);
});

test('a Debian:<release> ecosystem uses dpkg ordering', () => {
  const p = pkg('Debian:12', [ecosystem({ introduced: '0' }, { fixed: '2.7.4+reloaded2-13+deb9u1' })]);
  expectAffected(
    p,
    ['2.7.4+reloaded2-13', '2.7.4+reloaded2-13+deb9u1~1', '2.7.4+reloaded2-13ubuntu1'],
    ['2.7.4+reloaded2-13+deb9u1', '2.7.4+reloaded2-14', '1:0.1-1'],
  );
});

test('events at the same version keep the record order (a stable sort)', () => {
  // An empty interval affects nothing; a fix and a reintroduction at one version leave it affected.
  expectAffected(pkg('npm', [semver({ introduced: '1.0.0' }, { fixed: '1.0.0' })]), [], ['1.0.0', '1.0.1']);
  const p = pkg('npm', [
    semver({ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '1.0.0' }, { fixed: '2.0.0' }),
  ]);
  expectAffected(p, ['0.5.0', '1.0.0', '1.5.0'], ['2.0.0']);
});

test('malformed ranges and events do not throw', () => {
  const odd = pkg('npm', [
    semver({} as RangeEvent, { introduced: 7 } as unknown as RangeEvent, { fixed: '1.0.0' }),
    semver(),
  ]);
  expectAffected(odd, [], ['0.5.0', 'x']);
});

test('commits: only commits named in GIT events can match', () => {
  const intro = '1499cffcd7c4d635b4297b44d48fb4fe94cf988e';
  const fix = '8238a9e450ed1524e40cb3a8b0b3c00606903aeb';
  const p = pkg('PyPI', [
    {
      type: 'GIT',
      repo: 'https://github.com/andialbrecht/sqlparse',
      events: [{ introduced: intro }, { fixed: fix }],
    },
    {
      type: 'GIT',
      repo: 'https://example.org/other',
      events: [{ introduced: '0' }, { last_affected: 'a'.repeat(40) }, { limit: 'b'.repeat(40) }],
    },
  ]);
  assert.equal(isCommitAffected(p, intro), true);
  assert.equal(isCommitAffected(p, intro.toUpperCase()), true);
  assert.equal(isCommitAffected(p, 'A'.repeat(40)), true);
  assert.equal(isCommitAffected(p, fix), false);
  assert.equal(isCommitAffected(p, 'b'.repeat(40)), false);
  assert.equal(isCommitAffected(p, 'c'.repeat(40)), false, 'unknown commit: no history to place it');
  assert.equal(isCommitAffected(p, intro.slice(0, 12)), false, 'short ids are not matched');
  assert.equal(isCommitAffected(p, '0'), false);
  assert.equal(
    isCommitAffected(pkg('PyPI', [semver({ introduced: intro })]), intro),
    false,
    'GIT ranges only',
  );
});

test('fixedVersionsOf lists SEMVER/ECOSYSTEM fixes, deduplicated, ascending', () => {
  const p = pkg('PyPI', [
    ecosystem({ introduced: '2.16.0' }, { fixed: '2.16.3' }, { introduced: '0' }, { fixed: '2.14.4' }),
    { type: 'GIT', repo: 'https://example.org/r', events: [{ introduced: '0' }, { fixed: 'f'.repeat(40) }] },
    ecosystem({ introduced: '0' }, { fixed: '2.14.4' }, { last_affected: '1.0' }),
  ]);
  assert.deepEqual(fixedVersionsOf(p), ['2.14.4', '2.16.3']);
  assert.deepEqual(
    fixedVersionsOf(pkg('OSS-Fuzz', [ecosystem({ introduced: '0' }, { fixed: 'b' }, { fixed: 'a' })])),
    ['b', 'a'],
  );
});

// ---- Records from the real databases ----

interface OsvAffectedLike {
  package: { ecosystem: string; name: string };
  ranges?: { type: AffectedRange['type']; repo?: string; events: RangeEvent[] }[];
  versions?: string[];
}

function affectedOf(record: { affected?: OsvAffectedLike[] }): AffectedPackage[] {
  return (record.affected ?? []).map((a) => ({
    ecosystem: a.package.ecosystem,
    name: a.package.name,
    ranges: (a.ranges ?? []).map((r) => ({ type: r.type, repo: r.repo, events: r.events })),
    versions: a.versions ?? [],
  }));
}

const rustsec = (id: string): AffectedPackage[] =>
  affectedOf(JSON.parse(readFileSync(new URL(`rustsec/${id}.json`, OSV_DATA), 'utf8')));
// The failsafe schema keeps every scalar a string, so `introduced: 1.0` stays "1.0", not 1.
const pypa = (path: string): AffectedPackage[] =>
  affectedOf(parseYaml(readFileSync(new URL(`pypa/${path}`, OSV_DATA), 'utf8'), { schema: 'failsafe' }));
const rangesOnly = (p: AffectedPackage): AffectedPackage => ({ ...p, versions: [] });

test('RUSTSEC-2020-0071 (time): an interval per patch release, pre-releases reopening each', () => {
  const [time] = rustsec('RUSTSEC-2020-0071');
  expectAffected(
    time!,
    ['0.1.0', '0.1.44', '0.2.1-beta', '0.2.7', '0.2.22'],
    ['0.2.0', '0.2.1', '0.2.6', '0.2.23', '0.3.0'],
  );
  assert.deepEqual(fixedVersionsOf(time!).slice(0, 3), ['0.2.0', '0.2.1', '0.2.2']);
});

test('RUSTSEC-2018-0003 (smallvec) and RUSTSEC-2016-0001 (openssl)', () => {
  expectAffected(
    rustsec('RUSTSEC-2018-0003')[0]!,
    ['0.3.2', '0.3.3', '0.4.4', '0.6.0', '0.6.2'],
    ['0.3.1', '0.3.4', '0.4.5', '0.5.1', '0.6.3', '1.0.0'],
  );
  expectAffected(rustsec('RUSTSEC-2016-0001')[0]!, ['0.0.1', '0.8.3', '0.9.0-rc.1'], ['0.9.0', '0.10.0']);
});

test('PYSEC-2024-36 (ansible-core): unsorted events; PYSEC-2022-42969 (py): last_affected', () => {
  const [ansible] = pypa('ansible-core/PYSEC-2024-36.yaml');
  expectAffected(
    rangesOnly(ansible!),
    ['2.11.0', '2.14.3', '2.15.0', '2.15.8', '2.16.0', '2.16.2'],
    ['2.14.4', '2.15.9', '2.16.0rc1', '2.16.3', '2.17.0'],
  );
  const [py] = pypa('py/PYSEC-2022-42969.yaml');
  expectAffected(rangesOnly(py!), ['1.4.0', '1.11.0'], ['1.11.1', '2.0.0']);
  expectAffected(py!, ['0.8.0-alpha2'], []);
});

test('PYSEC-2021-333 (sqlparse): ECOSYSTEM range plus a GIT range named by commits', () => {
  const [sqlparse] = pypa('sqlparse/PYSEC-2021-333.yaml');
  expectAffected(rangesOnly(sqlparse!), ['0.4.0', '0.4.1'], ['0.3.1', '0.4.2', '0.5.0']);
  assert.equal(isCommitAffected(sqlparse!, '1499cffcd7c4d635b4297b44d48fb4fe94cf988e'), true);
  assert.equal(isCommitAffected(sqlparse!, '8238a9e450ed1524e40cb3a8b0b3c00606903aeb'), false);
});

/** The schema's IsVulnerable pseudocode, transcribed literally: sort, then walk. */
function referenceAffected(p: AffectedPackage, v: string): boolean {
  if (p.versions.includes(v)) return true;
  return p.ranges.some((range) => {
    const ordering: VersionOrdering | null =
      range.type === 'SEMVER'
        ? orderingFor('SEMVER')
        : range.type === 'ECOSYSTEM'
          ? orderingFor(p.ecosystem)
          : null;
    if (!ordering || !ordering.isValid(v)) return false;
    const events = range.events.map((e) => Object.entries(e)[0] as [string, string]);
    const limits = events.filter(([k]) => k === 'limit');
    if (limits.length > 0 && !limits.some(([, x]) => x.includes('*') || ordering.compare(v, x) < 0))
      return false;
    const key = (x: string) => (x === '0' ? null : x);
    const sorted = events
      .filter(([k]) => k !== 'limit')
      .map((e, i) => ({ k: e[0], x: e[1], i }))
      .sort((a, b) => {
        const [x, y] = [a.k === 'introduced' ? key(a.x) : a.x, b.k === 'introduced' ? key(b.x) : b.x];
        const c = x === null || y === null ? (x === y ? 0 : x === null ? -1 : 1) : ordering.compare(x, y);
        return c || a.i - b.i;
      });
    let vulnerable = false;
    for (const e of sorted) {
      if (e.k === 'introduced' && (e.x === '0' || ordering.compare(v, e.x) >= 0)) vulnerable = true;
      else if (e.k === 'fixed' && ordering.compare(v, e.x) >= 0) vulnerable = false;
      else if (e.k === 'last_affected' && ordering.compare(v, e.x) > 0) vulnerable = false;
    }
    return vulnerable;
  });
}

test('agrees with the literal pseudocode on every RustSec and PyPA record', (t) => {
  const packages = [
    ...readdirSync(new URL('rustsec/', OSV_DATA)).flatMap((f) => rustsec(f.replace(/\.json$/, ''))),
    ...readdirSync(new URL('pypa/', OSV_DATA)).flatMap((dir) =>
      readdirSync(new URL(`pypa/${dir}/`, OSV_DATA)).flatMap((f) => pypa(`${dir}/${f}`)),
    ),
  ];
  let checks = 0;
  for (const p of packages.map(rangesOnly)) {
    const events = p.ranges.flatMap((r) => r.events.map((e) => Object.values(e)[0] as string));
    const candidates = new Set([
      ...events,
      ...events.map((x) => `${x}.1`),
      ...events.map((x) => `${x}-1`),
      '0.0.1',
      '999.0.0',
    ]);
    for (const v of candidates) {
      assert.equal(isVersionAffected(p, v), referenceAffected(p, v), `${p.ecosystem}/${p.name} ${v}`);
      checks++;
    }
  }
  t.diagnostic(`${packages.length} affected packages, ${checks} version checks`);
});
