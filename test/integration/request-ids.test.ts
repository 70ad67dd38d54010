// Request ids: a safe incoming X-Request-Id is kept, anything else replaced by a UUID; the id is in
// the response header, in every log line of the request, and in 5xx answers (problem+json and the
// HTML error page), so an operator goes from a user's error to its log line. Job logs carry job ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services/index.ts';
import { cryptoRandom, systemClock } from '../../src/services/deps.ts';
import { argon2idHasher } from '../../src/services/passwords.ts';
import { buildApp } from '../../src/http/app.ts';
import { loggerOptions } from '../../src/http/plugins/logging.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
let tdb: TestDatabase;
let app: FastifyInstance;
const lines: Array<Record<string, unknown>> = [];

before(async () => {
  tdb = await createTestDatabase('sqlite');
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const config = loadConfig({ PARLEY_DATA_DIR: tdb.dataDir, LOG_LEVEL: 'info' });
  const services = createServices({
    db: tdb.handle.db,
    dialect: 'sqlite',
    clock: systemClock,
    random: cryptoRandom,
    passwords: argon2idHasher,
    publicUrl: config.publicUrl,
    secret: Buffer.alloc(32, 7),
  });
  app = await buildApp({
    config,
    services,
    secret: services.deps.secret,
    logger: { ...(loggerOptions('info') as object), stream },
  });
  // Two routes that fail the way a bug would: an API one and a page one.
  app.get('/api/v1/test-boom', async () => {
    throw new Error('database exploded: secret detail');
  });
  app.get('/test-boom', async () => {
    throw new Error('page exploded');
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await tdb.drop();
});

test('a safe incoming X-Request-Id is kept, echoed and logged', async () => {
  const id = 'lb-7f3a:2026.11.24_abc';
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': id } });
  assert.equal(res.headers['x-request-id'], id);
  const res2 = await app.inject({ method: 'GET', url: '/', headers: { 'x-request-id': id } });
  assert.equal(res2.statusCode, 200);
  assert.ok(
    lines.some((l) => l.reqId === id && l.msg === 'request completed'),
    'the request log line carries the id',
  );
});

test('unsafe or missing ids are replaced by a fresh UUID', async () => {
  const bad = ['has space', 'x'.repeat(65), 'quote"inside', 'semi;colon', 'ünïcode', ''];
  const seen = new Set<string>();
  for (const given of bad) {
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
    const id = String(res.headers['x-request-id']);
    assert.match(id, UUID, `replaced: ${JSON.stringify(given)}`);
    seen.add(id);
  }
  const none = await app.inject({ method: 'GET', url: '/healthz' });
  assert.match(String(none.headers['x-request-id']), UUID);
  seen.add(String(none.headers['x-request-id']));
  assert.equal(seen.size, bad.length + 1, 'every generated id is new');
});

test('a 5xx problem names its request id, which finds the error log line', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/test-boom' });
  assert.equal(res.statusCode, 500);
  const body = res.json() as { requestId?: string; detail: string; type: string };
  assert.equal(body.type, 'urn:parley:problem:internal');
  assert.equal(body.requestId, res.headers['x-request-id']);
  assert.ok(!res.body.includes('secret detail'), '5xx details stay on the server');
  const logged = lines.find((l) => l.msg === 'request failed' && l.reqId === body.requestId);
  assert.ok(logged, 'the error is logged under the same id');
  assert.match(JSON.stringify(logged), /database exploded/);
});

test('4xx problems carry no request id in the body; the page error shows it', async () => {
  const nf = await app.inject({ method: 'GET', url: '/api/v1/reports/nope' });
  assert.ok(nf.statusCode >= 400 && nf.statusCode < 500);
  assert.equal((nf.json() as { requestId?: string }).requestId, undefined);
  assert.ok(nf.headers['x-request-id']);
  const page = await app.inject({ method: 'GET', url: '/test-boom', headers: { 'x-request-id': 'page-1' } });
  assert.equal(page.statusCode, 500);
  assert.match(page.body, /Request id: page-1\./);
});

test('job log lines carry the job id', async () => {
  const jobLines: Array<Record<string, unknown>> = [];
  const logger = {
    info: (o: object) => void jobLines.push({ level: 'info', ...o }),
    warn: (o: object) => void jobLines.push({ level: 'warn', ...o }),
    error: (o: object) => void jobLines.push({ level: 'error', ...o }),
  };
  const runner = new JobRunner({ db: tdb.handle.db, dialect: 'sqlite', logger, backoff: () => 0 });
  runner.register('id-ok', async () => {});
  runner.register('id-fail', async () => {
    throw new Error('nope');
  });
  const ok = await runner.enqueue('id-ok', {});
  const bad = await runner.enqueue('id-fail', {}, { maxAttempts: 1 });
  await runner.runDueOnce();
  assert.ok(jobLines.some((l) => l.jobId === ok.id && l.kind === 'id-ok'));
  assert.ok(jobLines.some((l) => l.jobId === bad.id && l.level === 'error'));
});
