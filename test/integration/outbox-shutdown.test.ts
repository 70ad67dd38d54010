// The outbox worker's part of a graceful shutdown: stop() hands no further row of the batch in hand
// to a sender and gives those rows back with their attempt refunded; a send still running at the
// timeout is released too (its attempt counted: it may have arrived), and when it ends late it
// records nothing. The next worker delivers every row at once, each exactly once. Both dialects.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { queueMail } from '../../src/services/outbox/outbox-queue.ts';
import type { ChannelSender } from '../../src/integrations/channel.types.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const dialect of dialects()) {
  describe(`outbox worker stop (${dialect})`, () => {
    let ts: TestServices;
    before(async () => {
      ts = await createTestServices(dialect);
    });
    after(() => ts.close());

    test('stop() releases the unsent rest of the batch and a send cut off at the timeout', async () => {
      const { db } = ts.tdb.handle;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 3; i++)
          await queueMail(trx, ts.services.deps, {
            to: `r${i}@example.org`,
            kind: 'test.stop',
            subject: `stop ${i}`,
            text: `message ${i}`,
            dedupeKey: `stop:${i}`,
          });
      });
      const started: string[] = [];
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const hanging: ChannelSender = {
        async deliver(row) {
          started.push(row.id);
          await gate;
          return { response: '250 late' };
        },
      };
      const worker = new OutboxWorker({
        db,
        dialect,
        senders: { email: hanging },
        pollIntervalMs: 20,
        concurrency: 1,
        batchSize: 10,
      });
      worker.start();
      for (let i = 0; i < 200 && !started.length; i++) await sleep(10);
      assert.equal(started.length, 1, 'one send in flight');
      const t = Date.now();
      const { released } = await worker.stop(200);
      assert.ok(Date.now() - t < 2000, 'stop() kept to its timeout');
      assert.equal(released, 3, 'the send in flight and the two rows never handed to the sender');
      assert.equal(started.length, 1, 'nothing more was sent after stop()');

      const rows = await db.selectFrom('outbox').selectAll().where('kind', '=', 'test.stop').execute();
      for (const r of rows) {
        assert.equal(r.status, 'pending');
        assert.equal(r.locked_by, null);
        assert.equal(r.attempts, r.id === started[0] ? 1 : 0, 'only the attempted row counts its attempt');
      }

      // The cut-off send ends late: fenced out, it records nothing.
      finish();
      await sleep(50);
      const late = await db
        .selectFrom('outbox')
        .selectAll()
        .where('id', '=', started[0]!)
        .executeTakeFirstOrThrow();
      assert.equal(late.status, 'pending', 'a late send does not mark a released row');

      const sent: string[] = [];
      const next = new OutboxWorker({
        db,
        dialect,
        senders: { email: { deliver: async (row) => (sent.push(row.id), { response: '250 ok' }) } },
      });
      assert.equal((await next.runOnce()).sent, 3, 'all three are due at once');
      assert.deepEqual([...sent].sort(), rows.map((r) => r.id).sort(), 'each delivered once');
    });
  });
}
