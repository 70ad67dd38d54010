// Group commit (src/storage/group-commit.ts) on both dialects: concurrent units share commits on
// SQLite, a failing unit is rolled back alone, and every unit settles only once committed.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/db.ts';
import { groupCommit } from '../../src/storage/group-commit.ts';

for (const dialect of dialects()) {
  describe(`group commit on ${dialect}`, () => {
    let tdb: TestDatabase;
    before(async () => {
      tdb = await createTestDatabase(dialect);
      await sql`create table gc_items (n integer primary key)`.execute(tdb.handle.db);
    });
    after(async () => {
      await tdb.drop();
    });

    test('concurrent units all commit; a failing unit is rolled back alone', async () => {
      const run = groupCommit(tdb.handle.db, dialect);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, n) =>
          run(async (trx) => {
            await sql`insert into gc_items (n) values (${n})`.execute(trx);
            if (n % 10 === 3) throw new Error(`unit ${n} fails after writing`);
            return n;
          }),
        ),
      );
      const failed = outcomes.flatMap((o, n) => (o.status === 'rejected' ? [n] : []));
      assert.deepEqual(failed, [3, 13, 23, 33, 43]);
      const rows = await sql<{ n: number }>`select n from gc_items order by n`.execute(tdb.handle.db);
      const expected = Array.from({ length: 50 }, (_, n) => n).filter((n) => n % 10 !== 3);
      assert.deepEqual(
        rows.rows.map((r) => Number(r.n)),
        expected,
      );
    });

    test('a unit that breaks a constraint does not take the others with it', async () => {
      const run = groupCommit(tdb.handle.db, dialect);
      const [dup, fresh] = await Promise.allSettled([
        run((trx) => sql`insert into gc_items (n) values (1)`.execute(trx)),
        run((trx) => sql`insert into gc_items (n) values (1000)`.execute(trx)),
      ]);
      assert.equal(dup.status, 'rejected');
      assert.equal(fresh.status, 'fulfilled');
      const r = await sql<{ c: number }>`select count(*) as c from gc_items where n = 1000`.execute(
        tdb.handle.db,
      );
      assert.equal(Number(r.rows[0]!.c), 1);
    });
  });
}
