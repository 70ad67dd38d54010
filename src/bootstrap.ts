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
import { loadOrCreateSecretKey } from './secret-key.ts';

export interface Core {
  handle: DatabaseHandle;
  services: Services;
  /** The instance secret (cookie signing, derived keys). */
  secret: Buffer;
  close(): Promise<void>;
}

export interface CoreOptions {
  migrate: boolean;
  clock?: Clock;
  random?: Random;
  passwords?: PasswordHasher;
  poolSize?: number;
  /** The instance secret; read (or created) from PARLEY_SECRET_KEY_FILE when absent. */
  secret?: Buffer;
}

export async function openCore(config: Config, opts: CoreOptions): Promise<Core> {
  const handle = openDatabase({
    databaseUrl: config.databaseUrl,
    sqlitePath: path.join(config.dataDir, 'parley.db'),
    poolSize: opts.poolSize,
  });
  try {
    if (opts.migrate) await migrateToLatest(handle.db);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const secret = opts.secret ?? loadOrCreateSecretKey(config.secretKeyFile);
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
    mail: mailSettingsOf(config),
  });
  return { handle, services, secret, close: () => handle.close() };
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

/** The mail settings of ServiceDeps, from the configuration. */
export function mailSettingsOf(config: Config): Partial<MailSettings> {
  return {
    ...(config.mailFrom ? { from: config.mailFrom } : {}),
    inboundDomain: config.inboundDomain,
    transportConfigured: !!config.smtpUrl,
    inboundEnabled: config.inboundSmtpPort !== undefined,
  };
}
