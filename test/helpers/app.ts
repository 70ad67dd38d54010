// Builds a real Parley app (real database, real argon2id, real services) for app.inject() tests.
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { cryptoRandom, systemClock, type Clock } from '../../src/services/deps.ts';
import { argon2idHasher } from '../../src/services/passwords.ts';
import { buildApp } from '../../src/http/app.ts';
import { advisorySettingsOf, mailSettingsOf, reporterLimitsOf } from '../../src/bootstrap.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import type { Dialect } from '../../src/storage/db.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  tdb: TestDatabase;
  close(): Promise<void>;
}

export async function createTestApp(
  dialect: Dialect,
  opts: { env?: Record<string, string>; clock?: Clock; encrypt?: boolean } = {},
): Promise<TestApp> {
  const tdb = await createTestDatabase(dialect, { encrypt: opts.encrypt ?? true });
  const secret = crypto.randomBytes(32);
  const config = loadConfig({
    PARLEY_DATA_DIR: tdb.dataDir,
    PARLEY_PUBLIC_URL: 'http://localhost:8080',
    LOG_LEVEL: 'silent',
    PARLEY_INTAKE_RATE_LIMIT: '1000',
    PARLEY_LOGIN_RATE_LIMIT: '1000',
    PARLEY_QUERY_RATE_LIMIT: '1000000',
    // Per-reporter limits off and the reply limit high unless a test sets them (abuse-rate-limits.test.ts).
    PARLEY_REPLY_RATE_LIMIT: '1000',
    PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
    PARLEY_REPORTER_REPORTS_PER_DAY: '0',
    PARLEY_CASE_MESSAGES_PER_10MIN: '0',
    ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}),
    ...opts.env,
  });
  const services = createServices({
    db: tdb.handle.db,
    dialect,
    clock: opts.clock ?? systemClock,
    random: cryptoRandom,
    passwords: argon2idHasher,
    publicUrl: config.publicUrl,
    writeReportBatch: tdb.handle.writeReportBatch,
    advisories: advisorySettingsOf(config),
    secret,
    ...(tdb.keyRing ? { keyRing: tdb.keyRing } : {}),
    mail: mailSettingsOf(config),
    limits: reporterLimitsOf(config),
  });
  const app = await buildApp({ config, services, secret, logger: false });
  await app.ready();
  return {
    app,
    services,
    config,
    tdb,
    async close() {
      await app.close();
      await tdb.drop();
    },
  };
}
