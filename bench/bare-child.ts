// Bench child process: the baseline. A bare Fastify server (logger off) with one JSON POST route on
// the same path as report intake: Fastify parses the same body, the route answers 201 with a small
// JSON object. No validation, no database: the floor Parley's intake is compared with.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
let n = 0;
app.post('/api/v1/projects/:slug/reports', async (request, reply) => {
  const body = request.body as { title?: unknown };
  if (typeof body?.title !== 'string') return reply.status(400).send({ error: 'title' });
  n += 1;
  return reply.status(201).send({ id: String(n), key: `BENCH-${n}` });
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('no TCP address');
process.send?.({ port: address.port, database: 'none' });

process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
