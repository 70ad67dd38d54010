// The side effects services need, passed in so unit tests can fake them (clock, randomness)
// and integration tests use the real ones.
import crypto from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Dialect } from '../storage/db.ts';
import type { ReportBatchWriter } from '../storage/report-intake.ts';
import type { ReporterLimitSettings } from './triage/reporter-limits.ts';
import type { KeyRing } from '../storage/encryption/key-ring.ts';

export interface Clock {
  now(): Date;
}

export interface Random {
  /** URL-safe random string carrying `bytes` bytes of entropy. */
  token(bytes: number): string;
  uuid(): string;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface ServiceDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  random: Random;
  passwords: PasswordHasher;
  publicUrl: URL;
  /** Where batches of new reports are written; defaults to the Kysely connection. */
  writeReportBatch?: ReportBatchWriter;
  /** How advisories are numbered and who publishes them; defaults from the public URL. */
  advisories?: Partial<AdvisorySettings>;
  /** The instance secret (PARLEY_SECRET_KEY_FILE): keys for reply tokens, private-key passphrases. */
  secret: Buffer;
  /** The data keys of encryption at rest (the same key file), for `parley keys`; absent in some tests. */
  keyRing?: KeyRing;
  /** Mail addresses and whether mail can go out; defaults from the public URL. */
  mail?: Partial<MailSettings>;
  /** Per-reporter rate limits (see triage/reporter-limits.ts); absent: no per-reporter limits. */
  limits?: Partial<ReporterLimitSettings>;
}

export interface MailSettings {
  /** From address of every mail Parley sends (PARLEY_MAIL_FROM). */
  from: string;
  /** Domain of the addresses Parley receives at: `<slug>@domain`, `reply+<token>@domain`. */
  inboundDomain: string;
  /** PARLEY_SMTP_URL is set; without it mail waits in the outbox and the admin pages say so. */
  transportConfigured: boolean;
  /** PARLEY_INBOUND_SMTP_PORT is set: the SMTP listener takes mail for the addresses above. */
  inboundEnabled: boolean;
}

/** The mail settings with every default filled in. */
export function mailSettings(deps: Pick<ServiceDeps, 'mail' | 'publicUrl'>): MailSettings {
  const domain = deps.mail?.inboundDomain ?? deps.publicUrl.hostname;
  return {
    from: deps.mail?.from ?? `Parley <parley@${domain}>`,
    inboundDomain: domain,
    transportConfigured: deps.mail?.transportConfigured ?? false,
    inboundEnabled: deps.mail?.inboundEnabled ?? false,
  };
}

/**
 * A key for one purpose derived from the instance secret (HMAC-SHA256 of the purpose), so a key
 * leaked from one use (say a webhook test) says nothing about the others or the secret itself.
 */
export function derivedKey(secret: Buffer, purpose: string): Buffer {
  return crypto.createHmac('sha256', secret).update(purpose, 'utf8').digest();
}

export interface AdvisorySettings {
  /** PREFIX of PREFIX-YYYY-NNNN. */
  idPrefix: string;
  /** The prefix is registered with OSV, so OSV ids need no `x_`. */
  osvPrefixRegistered: boolean;
  /** Who publishes: CSAF publisher name, feed author. */
  publisherName: string;
  /** CVE Numbering Authority org UUID and short name written into CVE records. */
  cveOrgId: string;
  cveShortName: string;
}

/** The settings with every default filled in. */
export function advisorySettings(deps: Pick<ServiceDeps, 'advisories' | 'publicUrl'>): AdvisorySettings {
  return {
    idPrefix: deps.advisories?.idPrefix ?? 'PARLEY',
    osvPrefixRegistered: deps.advisories?.osvPrefixRegistered ?? false,
    publisherName: deps.advisories?.publisherName ?? deps.publicUrl.hostname,
    // The nil UUID marks "no CNA configured"; exported CVE records then say so in their metadata.
    cveOrgId: deps.advisories?.cveOrgId ?? '00000000-0000-4000-8000-000000000000',
    cveShortName:
      deps.advisories?.cveShortName ??
      (deps.advisories?.publisherName ?? deps.publicUrl.hostname).slice(0, 32),
  };
}

export const systemClock: Clock = { now: () => new Date() };

// Bytes from the system CSPRNG, drawn from a 4 KiB pool refilled as it runs out: the same randomness
// as one randomBytes call per token (each byte is handed out once), without a fill per request.
let pool = Buffer.alloc(0);
let offset = 0;
function randomBytes(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = crypto.randomBytes(Math.max(4096, n));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

export const cryptoRandom: Random = {
  token: (bytes) => randomBytes(bytes).toString('base64url'),
  // Time-ordered (RFC 9562 v7): new rows land at the end of primary-key indexes instead of at random pages.
  uuid: () => uuidv7(),
};

/** Secrets (session ids, API and case tokens, one-time links) are stored only as this digest. */
export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function iso(d: Date): string {
  return d.toISOString();
}
