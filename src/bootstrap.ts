// Turns a Config into a running core: database opened (and migrated when asked), services wired.
// Shared by the server, the CLI and the tests so all three run the same code.
import path from 'node:path';
import type { Config } from './config.ts';
import { openDatabase, migrateToLatest, type DatabaseHandle } from './storage/db.ts';
import { createServices, type Services } from './services/index.ts';
import {
  cryptoRandom,
  systemClock,
  type AdvisorySettings,
  type MailSettings,
  type Clock,
  type PasswordHasher,
  type Random,
} from './services/deps.ts';
import { argon2idHasher } from './services/passwords.ts';
import type { ReporterLimitSettings } from './services/triage/reporter-limits.ts';
import { loadKeyRing } from './secret-key.ts';
import { assertCurrentSchema } from './schema-guard.ts';
import type { KeyRing } from './storage/encryption/key-ring.ts';

export interface Core {
  handle: DatabaseHandle;
  services: Services;
  /** The instance secret (cookie signing, derived keys). */
  secret: Buffer;
  /** The data keys of encryption at rest (the same key file); openCore always sets it. */
  keyRing?: KeyRing;
  close(): Promise<void>;
}

export interface CoreOptions {
  /** Apply pending migrations (refusing a database a newer Parley migrated). */
  migrate: boolean;
  /** Without migrate: refuse (schema-guard.ts) a database whose migrations are not exactly ours. */
  requireCurrentSchema?: boolean;
  clock?: Clock;
  random?: Random;
  passwords?: PasswordHasher;
  poolSize?: number;
  /** The instance secret; read (or created) from PARLEY_SECRET_KEY_FILE when absent. */
  secret?: Buffer;
  /** The key file's ring; read (or created) from PARLEY_SECRET_KEY_FILE when absent. */
  keyRing?: KeyRing;
}

export async function openCore(config: Config, opts: CoreOptions): Promise<Core> {
  const keyRing = opts.keyRing ?? loadKeyRing(config.secretKeyFile);
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, 'parley.db'),
    poolSize: opts.poolSize,
    keyRing,
  });
  try {
    if (opts.migrate) await migrateToLatest(handle.db, handle.describe);
    else if (opts.requireCurrentSchema) await assertCurrentSchema(handle);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const secret = opts.secret ?? keyRing.secret;
  const services = createServices({
    db: handle.db,
    dialect: handle.dialect,
    clock: opts.clock ?? systemClock,
    random: opts.random ?? cryptoRandom,
    passwords: opts.passwords ?? argon2idHasher,
    publicUrl: config.publicUrl,
    writeReportBatch: handle.writeReportBatch,
    advisories: advisorySettingsOf(config),
    secret,
    keyRing,
    mail: mailSettingsOf(config),
    limits: reporterLimitsOf(config),
  });
  return { handle, services, secret, keyRing, close: () => handle.close() };
}

/** The advisory settings of ServiceDeps, from the configuration. */
export function advisorySettingsOf(config: Config): Partial<AdvisorySettings> {
  return {
    idPrefix: config.advisoryPrefix,
    osvPrefixRegistered: config.osvPrefixRegistered,
    publisherName: config.publisherName,
    ...(config.cveOrgId ? { cveOrgId: config.cveOrgId } : {}),
    ...(config.cveShortName ? { cveShortName: config.cveShortName } : {}),
  };
}

/** The per-reporter rate limits of ServiceDeps, from the configuration. */
export function reporterLimitsOf(config: Config): ReporterLimitSettings {
  return {
    reportsPerHour: config.reporterReportsPerHour,
    reportsPerDay: config.reporterReportsPerDay,
    messagesPer10Min: config.caseMessagesPer10Min,
  };
}

/** The mail settings of ServiceDeps, from the configuration. */
export function mailSettingsOf(config: Config): Partial<MailSettings> {
  return {
    ...(config.mailFrom ? { from: config.mailFrom } : {}),
    inboundDomain: config.inboundDomain,
    transportConfigured: !!config.smtpUrl,
    inboundEnabled: config.inboundSmtpPort !== undefined,
  };
}
