// A seeded random-input loop over intake and messages: 300 generated bodies (valid ones with fields
// changed, random JSON, non-JSON) from a fixed seed. Never a 5xx; every error is problem+json.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { reportInput } from '../helpers/factories.ts';
import { type Call, apiWorld, type ApiWorld } from '../helpers/api.ts';

type World = ApiWorld['w'];

/** mulberry32: a tiny seeded PRNG, so a failing input can be reproduced from its iteration number. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'a',
  'Z',
  ' ',
  '\n',
  '\r\n',
  '\t',
  'é',
  'ß',
  '中',
  '😀',
  '\u202e',
  '\u200b',
  '\ud800',
  '\udfff',
  '\u0001',
  '\u001f',
  '\u0000',
  "'",
  '"',
  '\\',
  '<script>',
  "' OR 1=1 --",
  '%00',
  '${x}',
  '{{x}}',
  '@',
  '.',
  '-',
];
const FIELDS = [
  'title',
  'description',
  'stepsToReproduce',
  'impact',
  'affectedVersions',
  'suggestedFix',
  'reporterEmail',
  'creditPreference',
  'creditName',
  'body',
  'internal',
];

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const str = (): string => {
    const n = rand() < 0.05 ? 50_000 + Math.floor(rand() * 5000) : Math.floor(rand() * 40);
    if (n > 1000) return pick(['x', 'é', '😀']).repeat(n);
    let s = '';
    for (let i = 0; i < n; i++) s += pick(PIECES);
    return s;
  };
  const value = (depth: number): unknown => {
    const k = rand();
    if (k < 0.45) return str();
    if (k < 0.55) return pick([0, -1, 1.5, 2 ** 53, -1e308, 42]);
    if (k < 0.62) return rand() < 0.5;
    if (k < 0.7) return null;
    if (k < 0.72) return pick(['critical', 'anonymous', 'name', 'handle', 'x@example.org']);
    if (depth > 2) return str();
    if (k < 0.85) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(rand() * 4) }, () => [pick([...FIELDS, str()]), value(depth + 1)]),
    );
  };
  /** A body: a valid one with a few fields changed, a random object, or not an object at all. */
  return (valid: Record<string, unknown>): { raw: string } => {
    const k = rand();
    if (k < 0.6) {
      const b: Record<string, unknown> = { ...valid };
      for (let i = 0, n = 1 + Math.floor(rand() * 3); i < n; i++) {
        const f = pick([...Object.keys(valid), ...FIELDS]);
        if (rand() < 0.2) delete b[f];
        else b[f] = value(0);
      }
      return { raw: JSON.stringify(b) };
    }
    if (k < 0.9) return { raw: JSON.stringify(value(0)) };
    return { raw: str() };
  };
}

for (const dialect of dialects()) {
  describe(dialect, () => {
    let t: TestApp;
    let w: World;
    let call: Call;
    let team: string;

    before(async () => {
      let pats: ApiWorld['pats'];
      ({ t, w, call, pats } = await apiWorld(dialect));
      team = pats.maintainer;
    });
    after(() => t.close());

    it('300 seeded random bodies against intake and messages: never a 5xx, errors are problems', async () => {
      const rand = prng(0x9a21e7);
      const body = generator(rand);
      const statuses = new Map<number, number>();
      for (let i = 0; i < 300; i++) {
        const intake = i % 2 === 0;
        const url = intake
          ? `/api/v1/projects/${w.project.slug}/reports`
          : `/api/v1/reports/${w.caseB.id}/messages`;
        const token = intake ? undefined : i % 4 === 1 ? team : w.caseB.accessToken;
        const { raw } = body(intake ? reportInput() : { body: 'A reply', internal: false });
        const res = await call('POST', url, { token, raw, headers: { 'content-type': 'application/json' } });
        const where = `iteration ${i} (${url}): ${raw.slice(0, 200)} → ${res.status} ${res.body.slice(0, 300)}`;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, where);
        if (res.status >= 400) {
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, where);
          assert.equal(res.json.status, res.status, where);
          assert.match(res.json.type, /^urn:parley:problem:[a-z-]+$/, where);
          assert.ok(res.json.title, where);
        } else {
          assert.equal(res.status, 201, where);
          assert.ok(intake ? res.json.key : res.json.visibility, where);
        }
      }
      // The generator reaches both the success path and the validators.
      assert.ok((statuses.get(201) ?? 0) >= 10, JSON.stringify([...statuses]));
      assert.ok((statuses.get(422) ?? 0) >= 100, JSON.stringify([...statuses]));
      assert.ok((statuses.get(400) ?? 0) >= 5, JSON.stringify([...statuses]));
    });
  });
}
