// Backup and restore tests: a rich instance seeded through the real app and services (every kind of
// row: reports with encrypted fields, messages, mail with attachments, outbox, notices, an advisory,
// a party, users with passwords, TOTP and recovery codes, the audit log), an empty target database
// with the source's key file, and a canonical dump of every table to compare two databases by.
/* eslint-disable @typescript-eslint/no-explicit-any */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { cryptoRandom, systemClock } from '../../src/services/deps.ts';
import { argon2idHasher } from '../../src/services/passwords.ts';
import { buildApp } from '../../src/http/app.ts';
import { advisorySettingsOf, mailSettingsOf, reporterLimitsOf } from '../../src/bootstrap.ts';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../src/storage/db.ts';
import { KeyRing } from '../../src/storage/encryption/key-ring.ts';
import { canonicalRow } from '../../src/storage/backup/backup-format.ts';
import { describeSchema } from '../../src/storage/backup/schema-info.ts';
import { kyselyQuery } from '../../src/storage/backup/postgres-source.ts';
import type { InstanceLocation } from '../../src/services/backup/backup.service.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import type { TestApp } from './app.ts';
import { fillWithCanary, newCanary, type CanaryWorld } from './at-rest.ts';
import { publishedAdvisory } from './advisories.ts';
import { enableTotp } from './accounts.ts';
import { makeUser } from './factories.ts';

/** Services over a test database whose instance secret is the key file's, as in production. */
export function servicesFor(tdb: TestDatabase): Services {
  const config = configFor(tdb);
  return createServices({
    db: tdb.handle.db,
    dialect: tdb.dialect,
    clock: systemClock,
    random: cryptoRandom,
    passwords: argon2idHasher,
    publicUrl: config.publicUrl,
    writeReportBatch: tdb.handle.writeReportBatch,
    advisories: advisorySettingsOf(config),
    secret: tdb.keyRing!.secret,
    keyRing: tdb.keyRing!,
    mail: mailSettingsOf(config),
    limits: reporterLimitsOf(config),
  });
}

function configFor(tdb: TestDatabase) {
  return loadConfig({
    PARLEY_DATA_DIR: tdb.dataDir,
    PARLEY_PUBLIC_URL: 'http://localhost:8080',
    PARLEY_INTAKE_RATE_LIMIT: '1000',
    PARLEY_REPLY_RATE_LIMIT: '1000',
    PARLEY_REPORTER_REPORTS_PER_HOUR: '0',
    PARLEY_REPORTER_REPORTS_PER_DAY: '0',
    PARLEY_CASE_MESSAGES_PER_10MIN: '0',
    ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}),
  });
}

export interface RichInstance {
  t: TestApp;
  canary: string;
  world: CanaryWorld;
  admin: { id: string; email: string; recoveryCode: string };
  advisoryId: string;
}

export async function seedRichInstance(dialect: Dialect): Promise<RichInstance> {
  const tdb = await createTestDatabase(dialect);
  const services = servicesFor(tdb);
  const config = configFor(tdb);
  const app = await buildApp({ config, services, secret: tdb.keyRing!.secret, logger: false });
  await app.ready();
  const t: TestApp = {
    app,
    services,
    config,
    tdb,
    async close() {
      await app.close();
      await tdb.drop();
    },
  };
  const canary = newCanary();
  const world = await fillWithCanary(t, canary);
  const maintainer = (await services.auth.resolveBearer(world.pat))!;
  const admin = await makeUser(services, { admin: true });
  const totp = await enableTotp(services, admin.user);
  const advisory = await publishedAdvisory(services, maintainer, world.slug);
  await services.parties.add(
    maintainer,
    { key: world.apiCase.key },
    { organisation: 'Distro A', contacts: 'alice@distro-a.example', notify: false },
  );
  // A case pointing at a later one (a row referencing a row of its own table not loaded yet).
  await services.cases.transition(
    maintainer,
    { key: world.webCase.key },
    { to: 'closed', resolution: 'duplicate', duplicateOf: world.mailCase.key },
  );
  return {
    t,
    canary,
    world,
    admin: { id: admin.user.id, email: admin.email, recoveryCode: totp.recoveryCodes[0]! },
    advisoryId: (advisory as { id: string }).id,
  };
}

/** An empty, unmigrated database of `dialect` holding a copy of `keyFile` where the config expects it. */
export async function emptyTarget(dialect: Dialect, keyFile: string | undefined) {
  const tdb = await createTestDatabase(dialect, { migrate: false, encrypt: false });
  const loc: InstanceLocation = {
    databaseUrl: tdb.databaseUrl,
    sqlitePath: path.join(tdb.dataDir, 'parley.db'),
    keyFile: path.join(tdb.dataDir, 'secret.key'),
  };
  if (keyFile) fs.copyFileSync(keyFile, loc.keyFile);
  return { tdb, loc };
}

export function locationOf(tdb: TestDatabase): InstanceLocation {
  return {
    databaseUrl: tdb.databaseUrl,
    sqlitePath: path.join(tdb.dataDir, 'parley.db'),
    keyFile: path.join(tdb.dataDir, 'secret.key'),
  };
}

/** Services over a restored target, on a new connection that decrypts with the key file copied there. */
export function restoredServices(tdb: TestDatabase): {
  services: Services;
  db: DatabaseHandle['db'];
  close(): Promise<void>;
} {
  const keyRing = KeyRing.load(path.join(tdb.dataDir, 'secret.key'));
  const handle = openDatabase({ ...locationOf(tdb), keyRing });
  return { services: servicesFor({ ...tdb, handle, keyRing }), db: handle.db, close: () => handle.close() };
}

/**
 * Every table (migrator tables aside) as its rows in canonical form — dialect types normalised
 * (integers, text, binary as base64) — sorted, read past the encryption plugin.
 */
export async function canonicalTables(db: Kysely<any>, dialect: Dialect): Promise<Record<string, string[]>> {
  const raw = db.withoutPlugins();
  const schema = await describeSchema(kyselyQuery(raw), dialect);
  const out: Record<string, string[]> = {};
  for (const [name, info] of [...schema].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const columns = info.columns.map((c) => c.name);
    const rows = (await raw.selectFrom(name).select(columns).execute()) as Record<string, unknown>[];
    out[name] = rows
      .map((r) =>
        canonicalRow(
          columns,
          columns.map((c) => r[c]),
        ),
      )
      .sort();
  }
  return out;
}
