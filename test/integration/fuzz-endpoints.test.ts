// The fixed-seed share of the endpoint fuzzer (test/fuzz/endpoints.ts) for `npm test`: every route,
// a few generated requests each (hostile path parameters, query strings, JSON and form bodies, with
// and without a valid CSRF token, anonymous / reporter / maintainer / admin), on both dialects. Never
// a 5xx, never a hang, every API error problem+json. `npm run fuzz` runs the ≥ 100,000-input version.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { endpointWorld, fuzzEndpoints, type EndpointWorld } from '../fuzz/endpoints.ts';
import { formatFailure } from '../fuzz/runner.ts';

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 0x7a11);
const RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 4);

for (const dialect of dialects()) {
  describe(`endpoint fuzzing (${dialect})`, () => {
    let t: TestApp;
    let fw: EndpointWorld;
    before(async () => {
      t = await createTestApp(dialect);
      fw = await endpointWorld(t);
    });
    after(() => t.close());

    it(`every route, ${RUNS} generated requests each (seed ${SEED}): no 5xx, no hang, API errors are problems`, async (ctx) => {
      ctx.diagnostic(`seed ${SEED} (PARLEY_FUZZ_SEED), ${RUNS} runs per route (PARLEY_FUZZ_RUNS)`);
      const statuses = new Map<number, number>();
      const results = await fuzzEndpoints(fw, {
        seed: SEED,
        runsPerRoute: RUNS,
        timeoutMs: 15_000,
        statuses,
      });
      const failures = results.flatMap((r) => r.failures);
      const runs = results.reduce((n, r) => n + r.runs, 0);
      ctx.diagnostic(
        `${results.length} routes, ${runs} requests, statuses ${JSON.stringify([...statuses].sort())}`,
      );
      assert.equal(results.length, t.app.parley.routes.length, 'every registered route is fuzzed');
      assert.deepEqual(failures.map(formatFailure), []);
      // The generator reaches handlers (2xx/3xx), validators (422) and access checks (401/403/404).
      const count = (lo: number, hi: number) =>
        [...statuses].filter(([s]) => s >= lo && s < hi).reduce((n, [, c]) => n + c, 0);
      assert.ok(count(200, 400) > runs / 10, 'successes and redirects');
      assert.ok((statuses.get(422) ?? 0) > 0 && count(401, 405) > 0, 'refusals');
    });
  });
}
