// Real services over a fresh test database, without the HTTP layer: for service and storage tests.
import crypto from 'node:crypto';
import { createServices, type Services } from '../../src/services/index.ts';
import { cryptoRandom, systemClock, type Clock } from '../../src/services/deps.ts';
import { argon2idHasher } from '../../src/services/passwords.ts';
import type { Dialect } from '../../src/storage/db.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export interface TestServices {
  services: Services;
  tdb: TestDatabase;
  close(): Promise<void>;
}

export async function createTestServices(
  dialect: Dialect,
  opts: { clock?: Clock } = {},
): Promise<TestServices> {
  const tdb = await createTestDatabase(dialect);
  const services = createServices({
    db: tdb.handle.db,
    dialect,
    clock: opts.clock ?? systemClock,
    random: cryptoRandom,
    passwords: argon2idHasher,
    publicUrl: new URL('http://localhost:8080'),
    writeReportBatch: tdb.handle.writeReportBatch,
    secret: crypto.randomBytes(32),
    ...(tdb.keyRing ? { keyRing: tdb.keyRing } : {}),
  });
  return { services, tdb, close: () => tdb.drop() };
}

/** A clock the test moves by hand; `tick` (ms) is added on every reading so that rows get distinct times. */
export function manualClock(start = '2026-01-01T00:00:00.000Z', tick = 0) {
  let t = Date.parse(start);
  return {
    now: () => {
      t += tick;
      return new Date(t);
    },
    advance(ms: number) {
      t += ms;
    },
    peek: () => new Date(t),
  };
}
