// Per-reporter limits under the one interleaving a burst test finds only by luck: a check whose count
// query read the table before another report of the same reporter was committed, and whose answer came
// back after that report's reservation was released. The query's answer is held (a Kysely plugin) to
// make that order certain. PostgreSQL only: a pool runs the commit on another connection while the
// answer is held (seen there: a burst of 5 with a limit of 2 let 3 through). Kysely holds the
// connection until a plugin has the answer, and SQLite has one, so the commit would wait for ever.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KyselyPlugin, QueryResult, UnknownRow } from 'kysely';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { dialects } from '../helpers/db.ts';
import { makeProject, reportInput } from '../helpers/factories.ts';
import { ReporterLimits } from '../../src/services/triage/reporter-limits.ts';
import { TooManyRequestsError } from '../../src/domain/errors.ts';

/** Holds the answer of the next query once armed, until `open` is called. */
class Gate implements KyselyPlugin {
  #armed = false;
  #opened: Promise<void> = Promise.resolve();
  open: () => void = () => {};
  /** Resolves when an armed query has run and its answer is being held. */
  held!: Promise<void>;
  #heldNow: () => void = () => {};

  arm(): void {
    this.#armed = true;
    this.#opened = new Promise((r) => (this.open = r));
    this.held = new Promise((r) => (this.#heldNow = r));
  }
  transformQuery: KyselyPlugin['transformQuery'] = (args) => args.node;
  async transformResult(args: { result: QueryResult<UnknownRow> }): Promise<QueryResult<UnknownRow>> {
    if (this.#armed) {
      this.#armed = false;
      this.#heldNow();
      await this.#opened;
    }
    return args.result;
  }
}

for (const dialect of dialects().filter((d) => d === 'postgres')) {
  describe(`per-reporter limits, a count read before a commit (${dialect})`, () => {
    let t: TestServices;
    let slug: string;
    before(async () => {
      t = await createTestServices(dialect);
      slug = (await makeProject(t.services)).slug;
    });
    after(() => t.close());

    test('a report committed and released while a check was reading still counts for that check', async () => {
      const gate = new Gate();
      const deps = t.services.deps;
      const limits = new ReporterLimits({
        ...deps,
        db: deps.db.withPlugin(gate),
        limits: { reportsPerHour: 1 },
      });
      const who = { email: 'race@example.org' };

      const releaseFirst = await limits.reserveReport(who);
      gate.arm();
      const second = limits.reserveReport(who).then(
        () => 'through',
        (e: unknown) => (e instanceof TooManyRequestsError ? 'refused' : String(e)),
      );
      await gate.held; // the second check has read: no report of this reporter yet
      // The first report is written and committed (limits are off in these services), then released.
      await t.services.cases.submitReport(slug, reportInput({ reporterEmail: who.email }), 'api');
      releaseFirst();
      gate.open();
      assert.equal(await second, 'refused', 'the second report is over the limit of 1 an hour');

      // Once every check that could have missed it is done, the reservation is forgotten and the
      // database alone counts: still refused, with nothing counted twice for a third reporter.
      assert.equal(
        await limits.reserveReport(who).then(
          () => 'through',
          () => 'refused',
        ),
        'refused',
      );
      const other = await limits.reserveReport({ email: 'other@example.org' });
      other();
    });
  });
}
