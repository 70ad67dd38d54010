// Graceful shutdown and restarts, on the real server as a child process (`node bin/parley.js serve`):
// SIGTERM lets a request whose body is still arriving finish with its 2xx while /readyz answers 503
// and new connections are refused; a job that outlives the shutdown timeout is released and runs
// right after the restart, once to completion, while one that ends in time is not run again; and the
// server refuses, with a clear message and a non-zero exit, a database that is unmigrated, behind
// this code, or migrated by a newer Parley (on SQLite and PostgreSQL), while `serve --migrate` works.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { openCore, type Core } from '../../src/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { enqueueJob } from '../../src/jobs/enqueue.ts';
import { cryptoRandom, systemClock } from '../../src/services/deps.ts';
import { openDatabase } from '../../src/storage/db.ts';
import { LATEST_MIGRATION } from '../../src/storage/migrations/index.ts';
import { NewerSchemaError } from '../../src/storage/schema-status.ts';
import { SchemaNotCurrentError } from '../../src/schema-guard.ts';
import { dialects } from '../helpers/db.ts';
import { reportInput } from '../helpers/factories.ts';
import {
  createServer,
  createServerDatabase,
  freePort,
  type ServerDatabase,
} from '../helpers/server-process.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/parley.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The server's JSON log lines (server-process.ts appends them to <dataDir>/server.log). */
function logLines(db: ServerDatabase): Record<string, unknown>[] {
  const file = path.join(db.dataDir, 'server.log');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** `parley <args>` that must end by itself (a refusal); killed and reported after `ms`. */
function runBounded(env: Record<string, string>, args: string[], ms = 30_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[killed: still running after ${ms} ms]`;
    }, ms);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Creates the schema (and whatever `fn` adds) in-process: one child process fewer than the CLI. */
async function prepare(db: ServerDatabase, fn?: (core: Core) => Promise<unknown>): Promise<void> {
  const core = await openCore(loadConfig(db.env), { migrate: true, poolSize: 1 });
  try {
    await fn?.(core);
  } finally {
    await core.close();
  }
}

/** Resolves true when a fresh TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

/** A bare SMTP client: writes a command, reads the final line of its reply ('closed' when cut). */
async function smtpClient(port: number) {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  let buf = '';
  const replies: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  const push = (line: string) => {
    const w = waiters.shift();
    if (w) w(line);
    else replies.push(line);
  };
  sock.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (/^\d{3} /.test(line)) push(line);
    }
  });
  sock.on('error', () => {});
  sock.once('close', () => {
    for (const w of waiters.splice(0)) w('closed');
  });
  const reply = () =>
    new Promise<string>((resolve) => {
      const r = replies.shift();
      if (r !== undefined) resolve(r);
      else if (sock.destroyed) resolve('closed');
      else waiters.push(resolve);
    });
  return {
    reply,
    cmd(line: string) {
      sock.write(`${line}\r\n`);
      return reply();
    },
    write: (text: string) => sock.write(text),
    close: () => sock.destroy(),
  };
}

// Independent servers on their own databases and ports: run side by side (each spends most of its
// time starting a child process).
describe('graceful shutdown and restarts', { concurrency: true }, () => {
  test('SIGTERM: an in-flight request and SMTP transaction finish, /readyz answers 503, new connections are refused, exit 0', async () => {
    const db = await createServerDatabase('sqlite');
    const server = await createServer({
      database: db,
      migrate: false,
      inboundSmtp: true,
      env: {
        PARLEY_SHUTDOWN_DELAY_MS: '800',
        PARLEY_SHUTDOWN_TIMEOUT_MS: '8000',
        PARLEY_INBOUND_DOMAIN: 'localhost',
      },
    });
    try {
      await prepare(db, (core) => core.services.projects.create('system', { slug: 'drain', name: 'Drain' }));
      await server.start();
      assert.equal((await fetch(`${server.baseUrl}/readyz`)).status, 200);

      // A report whose body is half sent when SIGTERM arrives, and the rest only after the listener closed.
      const body = JSON.stringify(reportInput({ title: 'Sent slowly across a shutdown' }));
      const half = Math.floor(body.length / 2);
      const req = http.request({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/v1/projects/drain/reports',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      const answer = new Promise<{ status: number; connection: string | undefined; json: { id: string } }>(
        (resolve, reject) => {
          req.once('error', reject);
          req.once('response', (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.once('end', () =>
              resolve({
                status: res.statusCode!,
                connection: res.headers.connection,
                json: JSON.parse(text),
              }),
            );
          });
        },
      );
      req.write(body.slice(0, half));
      // And a mail in the middle of its DATA.
      const smtp = await smtpClient(server.inboundSmtpPort!);
      assert.match(await smtp.reply(), /^220 /);
      assert.match(await smtp.cmd('EHLO relay.test'), /^250 /);
      assert.match(await smtp.cmd('MAIL FROM:<finder@example.org>'), /^250 /);
      assert.match(await smtp.cmd('RCPT TO:<drain@localhost>'), /^250 /);
      assert.match(await smtp.cmd('DATA'), /^354 /);
      const mail =
        'From: finder@example.org\r\nTo: drain@localhost\r\nSubject: Mailed across a shutdown\r\n' +
        'Message-ID: <drain-1@example.org>\r\n\r\nThe archive extractor follows symlinks out of its target.\r\n';
      smtp.write(mail.slice(0, 70));
      // The server has the request (Fastify logs it when the headers are in) before the signal goes.
      await until('the request to arrive', () =>
        logLines(db).some(
          (l) =>
            l.msg === 'incoming request' &&
            String(l.url ?? (l.req as { url?: string })?.url).includes('/reports'),
        )
          ? true
          : undefined,
      );
      const signalled = Date.now();
      const exited = server.stop('SIGTERM');

      const ready = await until('/readyz to answer 503', async () => {
        const res = await fetch(`${server.baseUrl}/readyz`);
        const json = (await res.json()) as { status: string };
        return res.status === 503 ? { json, connection: res.headers.get('connection') } : undefined;
      });
      assert.equal(ready.json.status, 'draining');
      assert.equal(ready.connection, 'close', 'a keep-alive client is sent away while draining');

      await until('the listener to close', () =>
        logLines(db).some((l) => String(l.msg).startsWith('HTTP listener closing')) ? true : undefined,
      );
      assert.equal(
        await until(
          'new connections to be refused',
          async () => ((await refused(server.port)) ? true : undefined),
          3000,
        ),
        true,
      );
      assert.equal(await refused(server.inboundSmtpPort!), true, 'the SMTP listener takes no new session');
      assert.equal(server.running, true, 'still draining: the half-sent request holds the shutdown');

      smtp.write(`${mail.slice(70)}.\r\n`);
      assert.match(await smtp.reply(), /^250 2\.0\.0 Accepted/, 'the SMTP transaction in flight completed');
      assert.match(await smtp.cmd('QUIT'), /^(221|421) |^closed$/);
      smtp.close();

      req.end(body.slice(half));
      const res = await answer;
      assert.equal(res.status, 201, 'the in-flight request completed');
      assert.equal(res.connection, 'close');
      const { code } = await exited;
      const took = Date.now() - signalled;
      assert.equal(code, 0);
      assert.ok(took < 8000, `exited ${took} ms after SIGTERM, within the timeout`);

      const drained = logLines(db).find((l) => l.msg === 'drained; exiting') as
        { requests: { inFlightAtClose: number; cutOff: number } } | undefined;
      assert.ok(drained, 'the drain is logged');
      assert.ok(drained.requests.inFlightAtClose >= 1, JSON.stringify(drained));
      assert.equal(drained.requests.cutOff, 0);

      const core = await openCore(loadConfig(server.env), { migrate: false, poolSize: 1 });
      try {
        const row = await core.handle.db
          .selectFrom('cases')
          .select(['id', 'title'])
          .where('id', '=', res.json.id)
          .executeTakeFirst();
        assert.equal(row?.title, 'Sent slowly across a shutdown', 'the answered report is stored');
        const mailed = await core.handle.db
          .selectFrom('cases')
          .select('title')
          .where('channel', '=', 'email')
          .execute();
        assert.deepEqual(
          mailed.map((m) => m.title),
          ['Mailed across a shutdown'],
          'the accepted mail is stored',
        );
      } finally {
        await core.close();
      }
    } finally {
      await server.stop('SIGKILL');
      await db.drop();
    }
  });

  // SQLite only: the release is portable Kysely, tested on both dialects in jobs.test.ts.
  test('a job that outlives the shutdown is released and runs once, right after the restart', async () => {
    const db = await createServerDatabase('sqlite');
    const server = await createServer({
      database: db,
      migrate: false,
      env: { PARLEY_TEST_HOOKS: '1', PARLEY_SHUTDOWN_TIMEOUT_MS: '1500' },
    });
    try {
      await prepare(db);
      await server.start();
      const core = await openCore(loadConfig(server.env), { migrate: false, poolSize: 1 });
      const job = (id: string) =>
        core.handle.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      try {
        const deps = { clock: systemClock, random: cryptoRandom };
        // Ends within the drain: it must be done, and not run again after the restart.
        const short = (await enqueueJob(core.handle.db, deps, 'test.sleep', { ms: [500] })).id!;
        // Outlives the drain on its first run (60 s), takes 0.2 s on the next.
        const long = (await enqueueJob(core.handle.db, deps, 'test.sleep', { ms: [60_000, 200] })).id!;
        await until('both jobs to run', async () =>
          (await job(short)).status === 'running' && (await job(long)).status === 'running'
            ? true
            : undefined,
        );
        const signalled = Date.now();
        const { code } = await server.stop('SIGTERM');
        const took = Date.now() - signalled;
        assert.equal(code, 0);
        assert.ok(took < 1500 + 5000, `exited ${took} ms after SIGTERM`);
        const s = await job(short);
        assert.equal(s.status, 'done', 'the short job finished during the drain');
        const l = await job(long);
        assert.equal(l.status, 'queued', 'the long job was released, not left to its 5-minute lease');
        assert.equal(l.locked_by, null);
        assert.equal(l.attempts, 1);
        assert.ok(new Date(l.run_at).getTime() <= Date.now(), 'due at once');

        await server.start();
        const restarted = Date.now();
        await until('the released job to finish after the restart', async () =>
          (await job(long)).status === 'done' ? true : undefined,
        );
        const after = Date.now() - restarted;
        assert.ok(after < 5000, `ran ${after} ms after the restart (the lease is 5 minutes)`);
        assert.equal((await job(long)).attempts, 2);
        const s2 = await job(short);
        assert.equal(s2.attempts, 1, 'the finished job did not run again');
        // Exactly one completion of each handler across both processes.
        const done = (id: string) =>
          logLines(db).filter((x) => x.msg === 'job done' && x.jobId === id).length;
        assert.equal(done(short), 1);
        assert.equal(done(long), 1);
        const stopped = logLines(db).find((x) => x.msg === 'drained; exiting') as
          { jobs: { finished: number; released: number } } | undefined;
        assert.deepEqual(stopped?.jobs, { finished: 1, released: 1 });
      } finally {
        await core.close();
      }
      assert.equal((await server.stop('SIGTERM')).code, 0);
    } finally {
      await server.stop('SIGKILL');
      await db.drop();
    }
  });

  for (const dialect of dialects()) {
    test(`${dialect}: serve refuses an unmigrated, outdated or newer-schema database; serve --migrate migrates`, async () => {
      const db = await createServerDatabase(dialect);
      const port = await freePort();
      const env = { ...db.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' };
      try {
        const empty = await runBounded(env, ['serve']);
        assert.notEqual(empty.code, 0, empty.stderr);
        assert.notEqual(empty.code, null, empty.stderr);
        assert.match(empty.stderr, /has no Parley schema yet/);
        assert.match(empty.stderr, /parley migrate/);
        assert.match(empty.stderr, /serve --migrate/);

        const server = await createServer({ database: db, migrate: false, serveArgs: ['--migrate'] });
        await server.start();
        assert.equal(
          (await fetch(`${server.baseUrl}/readyz`)).status,
          200,
          'serve --migrate made the schema',
        );
        assert.equal((await server.stop('SIGTERM')).code, 0);

        const h = openDatabase({
          databaseUrl: db.databaseUrl,
          sqlitePath: path.join(db.dataDir, 'parley.db'),
        });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const raw = h.db as unknown as Kysely<any>;
        try {
          // Behind this code: as if the newest migration had not been applied yet.
          const latest = await raw
            .selectFrom('kysely_migration')
            .selectAll()
            .where('name', '=', LATEST_MIGRATION)
            .executeTakeFirstOrThrow();
          await raw.deleteFrom('kysely_migration').where('name', '=', LATEST_MIGRATION).execute();
          // In-process, the path `serve` takes (the CLI's exit code was shown on the empty database).
          await assert.rejects(
            openCore(loadConfig(db.env), { migrate: false, requireCurrentSchema: true, poolSize: 1 }),
            (e: Error) =>
              e instanceof SchemaNotCurrentError &&
              new RegExp(`needs 1 migration .*${LATEST_MIGRATION}`).test(e.message) &&
              /parley migrate/.test(e.message) &&
              /parley backup FILE/.test(e.message),
          );
          await raw.insertInto('kysely_migration').values(latest).execute();

          // Ahead of this code: a newer Parley migrated it.
          const future = '2999-01-01-from-a-newer-parley';
          await raw
            .insertInto('kysely_migration')
            .values({ name: future, timestamp: new Date().toISOString() })
            .execute();
          // `serve --migrate` takes openCore's migrate path: refused in-process, before any migration runs.
          await assert.rejects(
            openCore(loadConfig(db.env), { migrate: true, poolSize: 1 }),
            (e: Error) => e instanceof NewerSchemaError && e.message.includes(future),
          );
          const [serve, migrate] = await Promise.all([
            runBounded(env, ['serve']),
            runBounded(env, ['migrate']),
          ]);
          for (const r of [serve, migrate]) {
            assert.notEqual(r.code, 0, r.stderr);
            assert.notEqual(r.code, null, r.stderr);
            assert.match(r.stderr, /was migrated by a newer Parley/);
            assert.match(r.stderr, new RegExp(future));
            assert.doesNotMatch(r.stderr, /corrupted migrations/);
          }
          const left = await raw.selectFrom('kysely_migration').select('name').execute();
          assert.ok(
            left.some((m) => m.name === future),
            'the refusal changed nothing',
          );
        } finally {
          await h.close();
        }
      } finally {
        await db.drop();
      }
    });
  }
});
