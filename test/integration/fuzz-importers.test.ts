// The fixed-seed share of the importer fuzzer (test/fuzz/importers.ts) for `npm test`: OSV JSON and
// YAML files, raw inbound mail, OpenPGP armour (key upload, decryption) and policy YAML, on both
// dialects. Each input ends in success or a domain error, never another exception, never a hang.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { dialects } from '../helpers/db.ts';
import { IMPORTERS, importerWorld, fuzzImporters, type ImporterWorld } from '../fuzz/importers.ts';
import { formatFailure } from '../fuzz/runner.ts';

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 0x7a11);
const RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 4) * 10;

for (const dialect of dialects()) {
  describe(`importer fuzzing (${dialect})`, () => {
    let ts: TestServices;
    let iw: ImporterWorld;
    before(async () => {
      ts = await createTestServices(dialect);
      iw = await importerWorld(ts.services, ts.tdb.handle.db);
    });
    after(() => ts.close());

    it(`${IMPORTERS.join(', ')}: ${RUNS} inputs each (seed ${SEED}), success or a domain error`, async (ctx) => {
      const results = await fuzzImporters(iw, { seed: SEED, runsPerRoute: RUNS, timeoutMs: 20_000 });
      for (const r of results) ctx.diagnostic(`${r.target}: ${r.runs} inputs in ${Math.round(r.ms)} ms`);
      assert.deepEqual(
        results.map((r) => r.target.replace('importer ', '')),
        [...IMPORTERS],
      );
      assert.deepEqual(results.flatMap((r) => r.failures).map(formatFailure), []);
    });
  });
}
