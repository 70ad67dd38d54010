// The durable job runner on both dialects: claiming, retries with backoff, dead jobs, leases of
// crashed runners, two runners (two connections) racing over one queue, cron schedules, and a
// stop() that leaves nothing running.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/db.ts';
import { openDatabase, type DatabaseHandle } from '../../src/storage/db.ts';
import { systemClock, type Clock } from '../../src/services/deps.ts';
import { JobRunner, type JobRunnerOptions } from '../../src/jobs/runner.ts';
import { exponentialBackoff } from '../../src/jobs/backoff.ts';
import type { JobContext } from '../../src/jobs/job.types.ts';
import * as jobs from '../../src/storage/repositories/job.repository.ts';

const T0 = '2026-01-01T06:00:00.000Z';
const MIN = 60_000;
const root = path.resolve(import.meta.dirname, '../..');

/** A clock moved by hand (test/helpers/services.ts has one too, but pulls in every service). */
function manualClock(start: string) {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms), peek: () => new Date(t) };
}

test('backoff doubles from 30 s, is capped at 1 h, and jitters within the top quarter', () => {
  const high = exponentialBackoff({ random: () => 1 - Number.EPSILON });
  const low = exponentialBackoff({ random: () => 0 });
  assert.deepEqual([1, 2, 3, 4].map(high), [30_000, 60_000, 120_000, 240_000]);
  assert.deepEqual([1, 2, 3, 4].map(low), [22_500, 45_000, 90_000, 180_000]);
  assert.equal(high(8), 3_600_000);
  assert.equal(high(50), 3_600_000);
  assert.equal(low(50), 2_700_000);
});

for (const dialect of dialects()) {
  describe(`job runner on ${dialect}`, () => {
    let tdb: TestDatabase;
    let second: DatabaseHandle;
    before(async () => {
      tdb = await createTestDatabase(dialect);
      // A second process's connection to the same database.
      second = openDatabase({
        databaseUrl: tdb.databaseUrl,
        sqlitePath: path.join(tdb.dataDir, 'parley.db'),
      });
    });
    after(async () => {
      await second.close();
      await tdb.drop();
    });
    beforeEach(async () => {
      await tdb.handle.db.deleteFrom('jobs').execute();
    });

    const runner = (clock: Clock, opts: Partial<JobRunnerOptions> = {}, handle = tdb.handle) =>
      new JobRunner({ db: handle.db, dialect, clock, workerId: `w-${Math.random()}`, ...opts });
    const row = async (id: string) => (await jobs.findJobById(tdb.handle.db, id))!;

    test('an enqueued job is claimed, run with its payload and marked done; a later one waits', async () => {
      const clock = manualClock(T0);
      const r = runner(clock);
      const seen: { payload: unknown; ctx: JobContext }[] = [];
      r.register('test.echo', async (payload, ctx) => void seen.push({ payload, ctx }));
      const now = await r.enqueue('test.echo', { case: 'FLUX-3' });
      const later = await r.enqueue('test.echo', { n: 2 }, { runAt: new Date(Date.parse(T0) + 60 * MIN) });
      assert.deepEqual(await r.runDueOnce(), { ran: 1, done: 1, retried: 0, dead: 0 });
      assert.deepEqual(seen[0]?.payload, { case: 'FLUX-3' });
      assert.equal(seen[0]?.ctx.jobId, now.id);
      assert.equal(seen[0]?.ctx.attempt, 1);
      const done = await row(now.id!);
      assert.equal(done.status, 'done');
      assert.equal(done.attempts, 1);
      assert.equal(done.finished_at, T0);
      assert.equal(done.locked_by, null);
      assert.equal((await row(later.id!)).status, 'queued');
      clock.advance(60 * MIN - 1);
      assert.equal((await r.runDueOnce()).ran, 0);
      clock.advance(1);
      assert.equal((await r.runDueOnce()).done, 1);
      assert.deepEqual(seen[1]?.payload, { n: 2 });
    });

    test('enqueueing with a unique key is idempotent, also concurrently and after the job ran', async () => {
      const r = runner(manualClock(T0));
      r.register('clock.overdue', async () => {});
      const results = await Promise.all(
        Array.from({ length: 10 }, () => r.enqueue('clock.overdue', {}, { uniqueKey: 'overdue:case-1:ack' })),
      );
      assert.equal(results.filter((x) => x.inserted).length, 1);
      assert.equal(new Set(results.map((x) => x.id)).size, 1, 'every caller learns the one job');
      await r.runDueOnce();
      const again = await r.enqueue('clock.overdue', {}, { uniqueKey: 'overdue:case-1:ack' });
      assert.deepEqual(again, { inserted: false, id: results[0]!.id });
      const all = await tdb.handle.db.selectFrom('jobs').select(['status']).execute();
      assert.deepEqual(all, [{ status: 'done' }]);
      // Jobs without a key never collide.
      assert.ok((await r.enqueue('clock.overdue', {})).inserted);
      assert.ok((await r.enqueue('clock.overdue', {})).inserted);
    });

    test('a failing job is retried with growing delays and is dead after max attempts, error kept', async () => {
      const clock = manualClock(T0);
      const r = runner(clock);
      let calls = 0;
      r.register('test.flaky', async () => {
        throw new Error(`boom ${++calls}`);
      });
      const { id } = await r.enqueue('test.flaky', {}, { maxAttempts: 5 });
      let previous = 0;
      for (let attempt = 1; attempt <= 4; attempt++) {
        assert.deepEqual(await r.runDueOnce(), { ran: 1, done: 0, retried: 1, dead: 0 });
        const j = await row(id!);
        assert.equal(j.status, 'queued');
        assert.equal(j.attempts, attempt);
        assert.match(j.last_error!, new RegExp(`boom ${attempt}`));
        const delay = Date.parse(j.run_at) - clock.peek().getTime();
        const ceiling = 30_000 * 2 ** (attempt - 1);
        assert.ok(delay >= ceiling * 0.75 && delay <= ceiling, `delay ${delay} after attempt ${attempt}`);
        assert.ok(delay > previous, 'each delay is longer than the one before');
        previous = delay;
        clock.advance(delay - 1);
        assert.equal((await r.runDueOnce()).ran, 0, 'not before its time');
        clock.advance(1);
      }
      assert.deepEqual(await r.runDueOnce(), { ran: 1, done: 0, retried: 0, dead: 1 });
      const dead = await row(id!);
      assert.equal(dead.status, 'dead');
      assert.equal(dead.attempts, 5);
      assert.match(dead.last_error!, /Error: boom 5/);
      assert.equal(dead.finished_at, clock.peek().toISOString());
      clock.advance(24 * 60 * MIN);
      assert.equal((await r.runDueOnce()).ran, 0);
      assert.equal(calls, 5);
    });

    test('a job of a kind nobody handles is dead at once, with a clear error', async () => {
      const r = runner(manualClock(T0));
      const { id } = await r.enqueue('test.unknown', {});
      assert.deepEqual(await r.runDueOnce(), { ran: 1, done: 0, retried: 0, dead: 1 });
      assert.equal((await row(id!)).last_error, 'No handler is registered for job kind "test.unknown".');
    });

    test('a job left running by a killed runner runs again after its lease; a live lease is respected', async () => {
      const clock = manualClock(T0);
      const r = runner(clock);
      const ran: JobContext[] = [];
      r.register('test.lease', async (_p, ctx) => void ran.push(ctx));
      const crashed = await r.enqueue('test.lease', { n: 'crashed' });
      const alive = await r.enqueue('test.lease', { n: 'alive' });
      const last = await r.enqueue('test.lease', { n: 'last try' }, { maxAttempts: 1 });
      // The killed runner took all three with a 5-minute lease and never finished.
      const claimed = await jobs.claimJobs(tdb.handle.db, dialect, {
        workerId: 'killed',
        now: T0,
        lockedUntil: new Date(Date.parse(T0) + 5 * MIN).toISOString(),
        limit: 10,
      });
      assert.equal(claimed.length, 3);
      // The "alive" one belongs to a runner that is still renewing its lease.
      await tdb.handle.db
        .updateTable('jobs')
        .set({ locked_until: new Date(Date.parse(T0) + 60 * MIN).toISOString() })
        .where('id', '=', alive.id!)
        .execute();
      clock.advance(4 * MIN);
      assert.equal((await r.runDueOnce()).ran, 0, 'leases still valid');
      clock.advance(2 * MIN);
      assert.deepEqual(await r.runDueOnce(), { ran: 1, done: 1, retried: 0, dead: 0 });
      assert.equal(ran.length, 1);
      assert.equal(ran[0]?.jobId, crashed.id);
      assert.equal(ran[0]?.attempt, 2, 'the crashed run counts as an attempt');
      assert.equal((await row(crashed.id!)).status, 'done');
      const a = await row(alive.id!);
      assert.equal(a.status, 'running');
      assert.equal(a.locked_by, 'killed');
      const l = await row(last.id!);
      assert.equal(l.status, 'dead', 'a job whose last attempt lost its runner is given up, not run');
      assert.match(l.last_error!, /lease ran out on the last attempt/);
      // The killed runner waking up late cannot overwrite the newer attempt.
      const late = await jobs.finishJobAttempt(tdb.handle.db, crashed.id!, 'killed', 1, T0, {
        status: 'queued',
        runAt: T0,
        error: 'late',
      });
      assert.equal(late, false);
      assert.equal((await row(crashed.id!)).status, 'done');
    });

    test('two runners on two connections racing over 50 jobs run each exactly once', async () => {
      const runs = new Map<string, string[]>();
      const make = (handle: DatabaseHandle, name: string) => {
        const r = runner(systemClock, { concurrency: 4, pollIntervalMs: 20 }, handle);
        r.register('test.race', async (_p, ctx) => {
          runs.set(ctx.jobId, [...(runs.get(ctx.jobId) ?? []), name]);
          await sleep(Math.random() * 5);
        });
        return r;
      };
      const a = make(tdb.handle, 'a');
      const b = make(second, 'b');
      const enqueue50 = () =>
        Promise.all(Array.from({ length: 50 }, (_, i) => a.enqueue('test.race', { i }))).then((rs) =>
          rs.map((x) => x.id!),
        );
      // Once with runDueOnce side by side …
      const first = await enqueue50();
      const [sa, sb] = await Promise.all([a.runDueOnce(), b.runDueOnce()]);
      assert.equal(sa.ran + sb.ran, 50);
      assert.ok(sa.ran > 0 && sb.ran > 0, `both took part (${sa.ran} / ${sb.ran})`);
      // … and once with both poll loops running.
      a.start();
      b.start();
      const secondBatch = await enqueue50();
      for (let i = 0; i < 500; i++) {
        const left = await tdb.handle.db
          .selectFrom('jobs')
          .select('id')
          .where('status', '!=', 'done')
          .execute();
        if (!left.length) break;
        await sleep(20);
      }
      await Promise.all([a.stop(), b.stop()]);
      for (const id of [...first, ...secondBatch])
        assert.equal(runs.get(id)?.length, 1, `job ${id} ran once`);
      assert.equal(runs.size, 100);
      const states = await tdb.handle.db.selectFrom('jobs').select(['status', 'attempts']).execute();
      assert.ok(states.every((s) => s.status === 'done' && s.attempts === 1));
    });

    test('a cron schedule enqueues one job per tick, even with two runners', async () => {
      const clock = manualClock(T0);
      const ticks: string[] = [];
      const make = (handle: DatabaseHandle) =>
        runner(clock, {}, handle)
          .register('digest.daily', async (payload, ctx) => {
            assert.deepEqual(payload, { digest: true });
            ticks.push(ctx.runAt.toISOString());
          })
          .schedule('digest.daily', '0 8 * * *', {
            timezone: 'Europe/Berlin',
            payload: { digest: true },
            catchUpMs: 0,
          });
      const a = make(tdb.handle);
      const b = make(second);
      const both = () => Promise.all([a.runDueOnce(), b.runDueOnce()]);
      await both();
      assert.deepEqual(ticks, []);
      clock.advance(60 * MIN + 30_000); // 07:00:30Z = 08:00:30 in Berlin
      await both();
      await both();
      assert.deepEqual(ticks, ['2026-01-01T07:00:00.000Z']);
      // Three days pass without a look (a stalled process): the missed ticks fold into the latest.
      clock.advance(3 * 24 * 60 * MIN);
      await both();
      assert.deepEqual(ticks, ['2026-01-01T07:00:00.000Z', '2026-01-04T07:00:00.000Z']);
      const keys = await tdb.handle.db.selectFrom('jobs').select('unique_key').orderBy('run_at').execute();
      assert.deepEqual(
        keys.map((k) => k.unique_key),
        ['digest.daily@2026-01-01T07:00:00.000Z', 'digest.daily@2026-01-04T07:00:00.000Z'],
      );
    });

    test('a tick missed while no process ran is made up once at start, if inside the window', async () => {
      const at = (iso: string) => manualClock(iso);
      const ticks: string[] = [];
      const make = (clock: Clock, catchUpMs?: number) =>
        runner(clock)
          .register('digest.daily', async (_p, ctx) => void ticks.push(ctx.runAt.toISOString()))
          .schedule('digest.daily', '0 8 * * *', { timezone: 'Europe/Berlin', catchUpMs });
      // Down over the 08:00 Berlin tick (07:00Z); the default window is 24 h.
      await make(at('2026-01-01T12:00:00.000Z')).runDueOnce();
      assert.deepEqual(ticks, ['2026-01-01T07:00:00.000Z']);
      // Another process starting later finds it done and does not repeat it.
      await make(at('2026-01-01T13:00:00.000Z')).runDueOnce();
      assert.equal(ticks.length, 1);
      // With a 3-hour window a 5-hour-old tick is not made up.
      await tdb.handle.db.deleteFrom('jobs').execute();
      await make(at('2026-01-01T12:00:00.000Z'), 3 * 60 * MIN).runDueOnce();
      assert.equal(ticks.length, 1);
      assert.equal((await tdb.handle.db.selectFrom('jobs').select('id').execute()).length, 0);
    });

    test('start() runs croner ticks in real time on two runners, once each', async () => {
      const ticks: string[] = [];
      const make = (handle: DatabaseHandle) =>
        runner(systemClock, { pollIntervalMs: 25 }, handle)
          .register('test.every-second', async (_p, ctx) => void ticks.push(ctx.runAt.toISOString()))
          .schedule('test.every-second', '* * * * * *', { catchUpMs: 0 });
      const a = make(tdb.handle);
      const b = make(second);
      a.start();
      b.start();
      await sleep(2600);
      await Promise.all([a.stop(), b.stop()]);
      assert.ok(ticks.length >= 2, `${ticks.length} ticks`);
      assert.equal(new Set(ticks).size, ticks.length, 'no tick ran twice');
      for (const t of ticks) assert.match(t, /\.000Z$/);
    });

    test('stop() waits for running handlers, or releases them after its timeout and leaves no timer', async () => {
      const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
      const before = timers();
      const r = runner(systemClock, { pollIntervalMs: 10, leaseMs: 3000 });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      r.register('test.slow', async () => sleep(150));
      r.register('test.stuck', async () => gate);
      const slow = await r.enqueue('test.slow', {});
      r.start();
      await sleep(50);
      await r.stop();
      assert.equal((await row(slow.id!)).status, 'done', 'stop() waited for the slow job');

      const stuck = await r.enqueue('test.stuck', {});
      r.start();
      await sleep(50);
      const t = Date.now();
      await r.stop(200);
      assert.ok(Date.now() - t < 1000);
      const s = await row(stuck.id!);
      assert.equal(s.status, 'queued', 'released: due at once for the next runner, not after the lease');
      assert.equal(s.locked_by, null);
      assert.equal(s.attempts, 1);
      // SQLite only: a PostgreSQL pool keeps its own idle timers.
      if (dialect === 'sqlite') assert.equal(timers(), before, 'no timer of the runner is left');
      // The released handler ends late: fenced out, it records nothing, and the job runs again.
      release();
      await sleep(50);
      assert.equal((await row(stuck.id!)).status, 'queued', 'a late finish does not mark a released job');
      const again = runner(systemClock, { pollIntervalMs: 10 });
      again.register('test.stuck', async () => {});
      assert.equal((await again.runDueOnce()).done, 1);
      const after = await row(stuck.id!);
      assert.equal(after.status, 'done');
      assert.equal(after.attempts, 2);
    });

    test('a process with a started and stopped runner exits by itself', () => {
      const script = `
        import { openDatabase } from ${JSON.stringify(path.join(root, 'src/storage/db.ts'))};
        import { JobRunner } from ${JSON.stringify(path.join(root, 'src/jobs/runner.ts'))};
        const h = openDatabase(${JSON.stringify({ databaseUrl: tdb.databaseUrl, sqlitePath: path.join(tdb.dataDir, 'parley.db') })});
        const r = new JobRunner({ db: h.db, dialect: h.dialect, pollIntervalMs: 20 });
        r.register('test.child', async () => {}).schedule('test.child', '* * * * * *', { catchUpMs: 0 });
        await r.enqueue('test.child', {});
        r.start();
        await new Promise((resolve) => setTimeout(resolve, 1200));
        await r.stop();
        await h.close();
        console.log('stopped');
      `;
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(child.error, undefined, 'the child exited before the 20 s timeout');
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /stopped/);
    });
  });
}
