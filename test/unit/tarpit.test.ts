// The tarpit (src/http/plugins/tarpit.ts) on a bare Fastify app: an address refused more than
// TARPIT_AFTER_REFUSALS times in the window has its further refusals held; nothing else is held.
// Only lower bounds are timed against the hold, and upper bounds are far from it (no speed is tested).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerTarpit, TARPIT_AFTER_REFUSALS } from '../../src/http/plugins/tarpit.ts';
import { DrainState } from '../../src/http/drain.ts';

const HOLD_MS = 1500;

async function app(drain?: DrainState): Promise<FastifyInstance> {
  const a = Fastify();
  registerTarpit(a, { delayMs: HOLD_MS, drain });
  a.get('/refused', async (_req, reply) => reply.status(429).send({ status: 429 }));
  a.get('/ok', async () => ({ ok: true }));
  await a.ready();
  return a;
}

async function timed(a: FastifyInstance, url: string, remoteAddress: string) {
  const start = performance.now();
  const res = await a.inject({ method: 'GET', url, remoteAddress });
  return { status: res.statusCode, ms: performance.now() - start };
}

test('an address refused over and over waits for each further refusal; others do not', async () => {
  const a = await app();
  const first = await Promise.all(
    Array.from({ length: TARPIT_AFTER_REFUSALS }, () => timed(a, '/refused', '10.0.0.1')),
  );
  assert.ok(first.every((r) => r.status === 429));
  assert.ok(
    first.every((r) => r.ms < HOLD_MS / 2),
    `the first ${TARPIT_AFTER_REFUSALS} refusals are not held: ${first.map((r) => Math.round(r.ms)).join(', ')} ms`,
  );

  const [held, served, other] = await Promise.all([
    timed(a, '/refused', '10.0.0.1'),
    timed(a, '/ok', '10.0.0.1'),
    timed(a, '/refused', '10.0.0.2'),
  ]);
  assert.equal(held.status, 429);
  assert.ok(held.ms >= HOLD_MS - 20, `the next refusal was held (${Math.round(held.ms)} ms)`);
  assert.equal(served.status, 200);
  assert.ok(served.ms < HOLD_MS / 2, `a served request of the same address is not held (${served.ms} ms)`);
  assert.ok(other.ms < HOLD_MS / 2, `another address's refusal is not held (${other.ms} ms)`);
  await a.close();
});

test('while the server drains, refusals are sent at once', async () => {
  const drain = new DrainState();
  const a = await app(drain);
  for (let i = 0; i < TARPIT_AFTER_REFUSALS; i++)
    await a.inject({ url: '/refused', remoteAddress: '10.0.0.3' });
  drain.start();
  const r = await timed(a, '/refused', '10.0.0.3');
  assert.equal(r.status, 429);
  assert.ok(r.ms < HOLD_MS / 2, `not held while draining (${r.ms} ms)`);
  await a.close();
});

test('a delay of 0 turns the tarpit off', async () => {
  const a = Fastify();
  registerTarpit(a, { delayMs: 0 });
  a.get('/refused', async (_req, reply) => reply.status(429).send({}));
  const times = [];
  for (let i = 0; i < TARPIT_AFTER_REFUSALS + 3; i++) times.push((await timed(a, '/refused', '10.0.0.4')).ms);
  assert.ok(Math.max(...times) < 750, `never held: ${times.map(Math.round).join(', ')} ms`);
  await a.close();
});
