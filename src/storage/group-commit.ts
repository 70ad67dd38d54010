// Group commit for SQLite. Write units that arrive while a transaction is running are committed
// together by the next one, each in its own savepoint, so one fsync (synchronous=FULL) and one write
// of each shared page cover many of them. A unit's promise settles only after the COMMIT that
// holds it, so an answer given after it still follows a durable commit; a unit that throws is rolled
// back to its savepoint alone. PostgreSQL gets a plain transaction per unit: its server already
// groups concurrent commits.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Dialect } from './db.ts';

/** Database work of one use case. Must not call the same group commit again (it would wait on itself). */
export type WriteUnit<T> = (trx: Kysely<Database>) => Promise<T>;
export type GroupCommit = <T>(unit: WriteUnit<T>) => Promise<T>;

/** Bounds how long the first unit of a batch waits for the last one to run. */
const MAX_BATCH = 64;

interface Pending {
  unit: WriteUnit<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function groupCommit(db: Kysely<Database>, dialect: Dialect): GroupCommit {
  if (dialect !== 'sqlite') return (unit) => db.transaction().execute(unit);
  const queue: Pending[] = [];
  let draining = false;

  async function runBatch(batch: Pending[]) {
    const outcomes: Outcome[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const p of batch) {
          await sql`savepoint unit`.execute(trx);
          try {
            const value = await p.unit(trx);
            await sql`release unit`.execute(trx);
            outcomes.push({ ok: true, value });
          } catch (error) {
            // If SQLite already rolled back the whole transaction, this throws and fails the batch.
            await sql`rollback to unit`.execute(trx);
            await sql`release unit`.execute(trx);
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      // The batch did not commit: nothing of it is durable, so no unit may report success.
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  async function drain() {
    try {
      while (queue.length) await runBatch(queue.splice(0, MAX_BATCH));
    } finally {
      draining = false;
    }
  }

  return <T>(unit: WriteUnit<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ unit, resolve: resolve as (v: unknown) => void, reject });
      if (draining) return;
      draining = true;
      // SQLite calls are synchronous, so a request's whole transaction would otherwise run in the
      // microtasks of the I/O callback that started it, one commit per request. Waiting for the
      // end of this event-loop turn lets every request read in the same turn join the batch.
      setImmediate(() => void drain());
    });
}
