// Logs must never hold secrets: case tokens (in /c/ paths and bearer headers), passwords, session
// cookies, setup links. Captures what pino writes during a full round of requests and searches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import crypto from 'node:crypto';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services/index.ts';
import { cryptoRandom, systemClock } from '../../src/services/deps.ts';
import { argon2idHasher } from '../../src/services/passwords.ts';
import { buildApp } from '../../src/http/app.ts';
import { loggerOptions } from '../../src/http/plugins/logging.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { makeProject, makeUser, PASSWORD, reportInput } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';

test('no token, password, cookie or setup link reaches the log', async () => {
  const tdb = await createTestDatabase('sqlite');
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ PARLEY_DATA_DIR: tdb.dataDir, LOG_LEVEL: 'trace' });
  const services = createServices({
    db: tdb.handle.db,
    dialect: 'sqlite',
    clock: systemClock,
    random: cryptoRandom,
    passwords: argon2idHasher,
    publicUrl: config.publicUrl,
    secret: crypto.randomBytes(32),
  });
  const app = await buildApp({
    config,
    services,
    secret: services.deps.secret,
    logger: { ...(loggerOptions('trace') as object), stream },
  });
  try {
    const p = await makeProject(services);
    const u = await makeUser(services);
    const api = await app.inject({
      method: 'POST',
      url: `/api/v1/projects/${p.slug}/reports`,
      payload: reportInput(),
    });
    const token = api.json().accessToken as string;
    await app.inject({
      method: 'GET',
      url: `/api/v1/reports/${api.json().id}`,
      headers: { authorization: `Bearer ${token}` },
    });
    const c = new PageClient(app);
    await c.get(`/c/${token}`);
    await c.post(`/c/${token}/messages`, { body: 'hello' }, { csrfFrom: `/c/${token}` });
    const login = await c.post('/login', { email: u.email, password: PASSWORD }, { csrfFrom: '/login' });
    const session = (login.cookies as Array<{ name: string; value: string }>).find(
      (x) => x.name === 'parley_session',
    )!.value;
    await c.get('/inbox');
    const setup = (await services.auth.issueSetupLinkIfNeeded()) ?? '/setup/none';
    await app.inject({ method: 'GET', url: setup });
    const log = lines.join('');
    assert.ok(log.includes('/c/[redacted]'), 'case paths are logged, redacted');
    for (const secret of [token, token.slice(4), PASSWORD, session, setup.split('/').pop()!]) {
      assert.ok(!log.includes(secret), `secret found in log: ${secret.slice(0, 8)}…`);
    }
  } finally {
    await app.close();
    await tdb.drop();
  }
});
