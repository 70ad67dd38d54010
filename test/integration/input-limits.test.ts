// Each size and count limit on hostile input, at its boundary: the request body, JSON depth / keys /
// array items / values, form fields, query parameters, OSV querybatch length and import records,
// YAML depth and aliases in policies and OSV files, OSV file size. Over a limit is a clear 4xx
// problem (413 payload-too-large or 422), at the limit is accepted; never a 5xx or a crash.
// Regression tests for what the fuzzer found: deeply nested YAML crashed the process (the yaml
// composer overflows the stack, and the next parse died out of memory), and a deeply nested OSV
// record in the import API threw a RangeError (a 500).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject } from '../helpers/factories.ts';
import { BODY_LIMIT } from '../../src/http/app.ts';
import {
  MAX_ARRAY_ITEMS,
  MAX_FORM_FIELDS,
  MAX_JSON_DEPTH,
  MAX_OBJECT_KEYS,
  MAX_QUERY_PARAMS,
  MAX_YAML_DEPTH,
} from '../../src/domain/input-limits.ts';
import { parsePolicy, MAX_POLICY_LENGTH, DEFAULT_POLICY_YAML } from '../../src/domain/policy/policy-parse.ts';
import { readOsvFiles } from '../../src/integrations/osv/osv-files.ts';
import { BATCH_MAX } from '../../src/services/advisories/osv-query.service.ts';

const nest = (n: number) => '['.repeat(n - 1) + '1' + ']'.repeat(n - 1);
const problemOf = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const p = JSON.parse(res.body);
  assert.equal(p.status, res.statusCode);
  return p as { type: string; status: number; detail: string };
};

describe('YAML limits (no database)', () => {
  const deepFlow = '['.repeat(100_000) + ']'.repeat(100_000);
  it('a policy nested past the limit is a problem, quickly, and parsing twice does not crash', () => {
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      const r = parsePolicy(deepFlow.slice(0, MAX_POLICY_LENGTH));
      assert.equal(r.ok, false);
      assert.match(JSON.stringify(r), /nested deeper than 64/);
      assert.ok(Date.now() - t0 < 2000);
    }
    const block =
      Array.from({ length: MAX_YAML_DEPTH + 5 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1';
    assert.match(JSON.stringify(parsePolicy(block)), /nested deeper/);
    assert.match(JSON.stringify(parsePolicy('- '.repeat(MAX_YAML_DEPTH + 5) + 'x')), /nested deeper/);
  });
  it('the depth limit leaves real policies alone, and aliases are capped', () => {
    assert.equal(parsePolicy(DEFAULT_POLICY_YAML).ok, true);
    const within = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i * 2)}a:`).join('\n') + ' 1';
    assert.doesNotMatch(JSON.stringify(parsePolicy(within)), /nested deeper/);
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const laughs = parsePolicy(lines.join('\n'));
    assert.equal(laughs.ok, false);
    assert.match(JSON.stringify(laughs), /alias/i);
  });
  it('OSV files: too deep, too many aliases, too large, too complex JSON are refused with a reason', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-limits-'));
    const files: Record<string, string> = {
      'deep.yaml': deepFlow,
      'laughs.yaml': [
        'a: &a [x,x,x,x,x,x,x,x,x,x]',
        ...Array.from(
          { length: 8 },
          (_, i) =>
            `b${i}: &b${i} [${Array(10)
              .fill(i ? `*b${i - 1}` : '*a')
              .join(',')}]`,
        ),
      ].join('\n'),
      'deep.json': `{"id":"X","x":${nest(100_000)}}`,
      'ok.json': `{"id":"X","x":${nest(MAX_JSON_DEPTH - 1)}}`,
    };
    for (const [n, text] of Object.entries(files)) await fs.writeFile(path.join(dir, n), text);
    const big = path.join(dir, 'big.json');
    await fs.writeFile(big, '');
    await fs.truncate(big, 16 * 1024 * 1024 + 1);
    const got = new Map<string, string | undefined>();
    for await (const e of readOsvFiles([dir])) got.set(path.basename(e.path), e.error);
    assert.match(got.get('deep.yaml')!, /nested deeper/);
    assert.match(got.get('laughs.yaml')!, /alias/i);
    assert.match(got.get('deep.json')!, /too complex: nested deeper/);
    assert.match(got.get('big.json')!, /too large/);
    assert.equal(got.get('ok.json'), undefined);
    await fs.rm(dir, { recursive: true });
  });
});

for (const dialect of dialects()) {
  describe(`request limits (${dialect})`, () => {
    let t: TestApp;
    let slug: string;
    let token: string;
    before(async () => {
      t = await createTestApp(dialect);
      const p = await makeProject(t.services);
      slug = p.slug;
      const m = await makeMember(t.services, slug, 'maintainer');
      token = (await t.services.auth.createApiToken(m.email, 'limits')).token;
    });
    after(() => t.close());

    const post = (url: string, payload: string, type = 'application/json', auth = true) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': type, ...(auth ? { authorization: `Bearer ${token}` } : {}) },
        payload,
      });
    const query = (body: unknown) => post('/v1/query', JSON.stringify(body), 'application/json', false);

    it('request body: over BODY_LIMIT is a 413 problem', async () => {
      const res = await query({ version: 'x'.repeat(BODY_LIMIT) });
      assert.equal(res.statusCode, 413);
      assert.equal(problemOf(res).type, 'urn:parley:problem:payload-too-large');
    });

    it('JSON depth, keys, array items: at the limit accepted, one past it a 413', async () => {
      const deep = (n: number) => JSON.parse(nest(n));
      const at = await query({ package: { name: 'x', ecosystem: 'npm' }, x: deep(MAX_JSON_DEPTH) });
      assert.equal(at.statusCode, 200, at.body);
      for (const body of [
        { x: deep(MAX_JSON_DEPTH + 1) },
        { x: Object.fromEntries(Array.from({ length: MAX_OBJECT_KEYS + 1 }, (_, i) => [`k${i}`, 1])) },
        { x: Array(MAX_ARRAY_ITEMS + 1).fill(0) },
      ]) {
        const res = await query(body);
        assert.equal(res.statusCode, 413, res.body.slice(0, 200));
        assert.equal(problemOf(res).type, 'urn:parley:problem:payload-too-large');
      }
      const keys = await query({
        package: { name: 'x', ecosystem: 'npm' },
        ...Object.fromEntries(Array.from({ length: MAX_OBJECT_KEYS - 2 }, (_, i) => [`k${i}`, 1])),
      });
      assert.equal(keys.statusCode, 200);
    });

    it('the import API: a deeply nested record is a 413, not a 500; more than 1,000 records a 422', async () => {
      const url = `/api/v1/projects/${slug}/advisories/import`;
      const deep = await post(url, `{"records":[{"id":"X","x":${nest(200_000)}}]}`);
      assert.equal(deep.statusCode, 413, deep.body.slice(0, 200));
      const many = await post(url, JSON.stringify({ records: Array(1001).fill({}) }));
      assert.equal(many.statusCode, 422);
      assert.equal(problemOf(many).type, 'urn:parley:problem:validation-error');
    });

    it(`OSV querybatch: ${BATCH_MAX} queries answered, ${BATCH_MAX + 1} a 422`, async () => {
      const q = { package: { name: 'x', ecosystem: 'npm' }, version: '1.0.0' };
      const ok = await post(
        '/v1/querybatch',
        JSON.stringify({ queries: Array(BATCH_MAX).fill(q) }),
        'application/json',
        false,
      );
      assert.equal(ok.statusCode, 200);
      assert.equal(JSON.parse(ok.body).results.length, BATCH_MAX);
      const over = await post(
        '/v1/querybatch',
        JSON.stringify({ queries: Array(BATCH_MAX + 1).fill(q) }),
        'application/json',
        false,
      );
      assert.equal(over.statusCode, 422);
      assert.equal(problemOf(over).type, 'urn:parley:problem:validation-error');
    });

    it('form fields and query parameters: one past the limit is a 413', async () => {
      const fields = (n: number) => Array.from({ length: n }, (_, i) => `f${i}=x`).join('&');
      const form = await post(
        `/p/${slug}/report`,
        fields(MAX_FORM_FIELDS + 1),
        'application/x-www-form-urlencoded',
        false,
      );
      assert.equal(form.statusCode, 413);
      const within = await post(
        `/p/${slug}/report`,
        fields(MAX_FORM_FIELDS),
        'application/x-www-form-urlencoded',
        false,
      );
      assert.notEqual(within.statusCode, 413);
      assert.ok(within.statusCode < 500);
      const q = (n: number) =>
        t.app.inject({
          url: `/api/v1/advisories?${fields(n)}`,
          headers: { authorization: `Bearer ${token}` },
        });
      assert.equal((await q(MAX_QUERY_PARAMS)).statusCode, 200);
      const over = await q(MAX_QUERY_PARAMS + 1);
      assert.equal(over.statusCode, 413);
      assert.equal(problemOf(over).type, 'urn:parley:problem:payload-too-large');
    });

    it('a deeply nested policy through the API preview is reported as a problem, twice; the server lives on', async () => {
      const source = '['.repeat(100_000) + ']'.repeat(100_000);
      for (let i = 0; i < 2; i++) {
        const res = await post(`/api/v1/projects/${slug}/policy/preview`, JSON.stringify({ source }));
        // A preview answers 200 with the policy's problems listed.
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        assert.match(res.body, /nested deeper/);
      }
      assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
    });
  });
}
