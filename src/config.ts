// Typed configuration read once from the environment. Every variable has a working default;
// every bad value is reported together so an operator fixes them in one go.
import path from 'node:path';
import { ADVISORY_PREFIX } from './domain/advisory/advisory-ids.ts';

export interface Config {
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  publicUrl: URL;
  secretKeyFile: string;
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  inboundSmtpPort: number | undefined;
  /** Largest inbound mail taken by the SMTP listener, in bytes (PARLEY_INBOUND_MAX_BYTES). */
  inboundMaxBytes: number;
  /** Domain of project and reply addresses for inbound mail; the public URL's host by default. */
  inboundDomain: string;
  /** Report submissions allowed per client IP per minute (form and API together). */
  intakeRateLimit: number;
  /** Login attempts allowed per client IP per 15 minutes. */
  loginRateLimit: number;
  /** OSV API requests (/v1/query, /v1/querybatch, /v1/vulns) allowed per client IP per minute. */
  queryRateLimit: number;
  /** Reporter writes on a case link (/c/{token} replies and details, API with a case token) per client IP per minute. */
  replyRateLimit: number;
  /** Reports per reporter (account, else e-mail address) per hour and per day, all channels; 0 = no limit. */
  reporterReportsPerHour: number;
  reporterReportsPerDay: number;
  /** Reporter messages per case per 10 minutes, all channels; 0 = no limit. */
  caseMessagesPer10Min: number;
  logLevel: string;
  /** Trust X-Forwarded-For from a reverse proxy (off unless set). */
  trustProxy: boolean;
  /** Connections one client address may hold at once (PARLEY_MAX_CONNECTIONS_PER_IP; 0 = no cap; off behind a trusted proxy). */
  maxConnectionsPerIp: number;
  /** How long each further refusal of an address refused 20 times in 10 s is held (PARLEY_TARPIT_MS; 0 = off). */
  tarpitMs: number;
  /** Bearer token a Prometheus scraper presents at /metrics; unset: loopback clients only. */
  metricsToken: string | undefined;
  /** How long a claimed job is held before another runner (or this one after a crash) may take it again. */
  jobLeaseMs: number;
  /** How long a claimed outbox row is held before it is retried after a crash; longer than a send may take. */
  outboxLeaseMs: number;
  /** PREFIX of advisory ids PREFIX-YYYY-NNNN. */
  advisoryPrefix: string;
  /** The prefix is registered with OSV (ids are then exported without `x_`). */
  osvPrefixRegistered: boolean;
  /** Who publishes advisories (CSAF publisher, feed author); the public host by default. */
  publisherName: string;
  /** CVE Numbering Authority org UUID and short name for CVE JSON 5 exports. */
  cveOrgId: string | undefined;
  cveShortName: string | undefined;
  /** Webhooks may call loopback and private addresses (PARLEY_WEBHOOK_ALLOW_PRIVATE; off: SSRF guard). */
  webhookAllowPrivate: boolean;
  /** `serve` applies pending migrations before serving (PARLEY_MIGRATE_ON_START; off: it refuses to start). */
  migrateOnStart: boolean;
  /** On SIGTERM, how long in-flight requests, jobs, deliveries and SMTP sessions get to finish (PARLEY_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** On SIGTERM, how long /readyz answers 503 while still serving, before the listener closes (PARLEY_SHUTDOWN_DELAY_MS). */
  shutdownDelayMs: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, def: number | undefined, problems: string[], min = 0, max = 65535) {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  // Digits only: Number() would read " " as 0 (a random port), and "1e3" or "0x50" as numbers.
  const n = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
    return def;
  }
  return n;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const dataDir = path.resolve(env.PARLEY_DATA_DIR || './data');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql:// (leave it unset for SQLite)');
  }
  const port = intVar(env, 'PORT', 8080, problems) ?? 8080;
  let publicUrl = new URL('http://localhost:8080');
  const rawUrl = env.PARLEY_PUBLIC_URL || (env.PORT ? `http://localhost:${port}` : undefined);
  if (rawUrl) {
    try {
      const url = new URL(rawUrl);
      if (!['http:', 'https:'].includes(url.protocol)) throw new Error('scheme');
      publicUrl = url;
    } catch {
      problems.push(`PARLEY_PUBLIC_URL must be an http(s) URL (got "${rawUrl}")`);
    }
  }
  const smtpUrl = env.PARLEY_SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl))
    problems.push('PARLEY_SMTP_URL must start with smtp:// or smtps://');
  const config: Config = {
    dataDir,
    databaseUrl,
    host: env.HOST || '127.0.0.1',
    port,
    publicUrl,
    secretKeyFile: path.resolve(env.PARLEY_SECRET_KEY_FILE || path.join(dataDir, 'secret.key')),
    smtpUrl,
    mailFrom: env.PARLEY_MAIL_FROM || undefined,
    inboundSmtpPort: intVar(env, 'PARLEY_INBOUND_SMTP_PORT', undefined, problems),
    inboundMaxBytes:
      intVar(env, 'PARLEY_INBOUND_MAX_BYTES', 26_214_400, problems, 1024, 1_073_741_824) ?? 26_214_400,
    inboundDomain: (env.PARLEY_INBOUND_DOMAIN || publicUrl.hostname).toLowerCase(),
    intakeRateLimit: intVar(env, 'PARLEY_INTAKE_RATE_LIMIT', 20, problems, 1, 10_000_000) ?? 20,
    loginRateLimit: intVar(env, 'PARLEY_LOGIN_RATE_LIMIT', 10, problems, 1, 10_000_000) ?? 10,
    queryRateLimit: intVar(env, 'PARLEY_QUERY_RATE_LIMIT', 600, problems, 1, 10_000_000) ?? 600,
    replyRateLimit: intVar(env, 'PARLEY_REPLY_RATE_LIMIT', 30, problems, 1, 10_000_000) ?? 30,
    reporterReportsPerHour: intVar(env, 'PARLEY_REPORTER_REPORTS_PER_HOUR', 10, problems, 0, 1_000_000) ?? 10,
    reporterReportsPerDay: intVar(env, 'PARLEY_REPORTER_REPORTS_PER_DAY', 30, problems, 0, 1_000_000) ?? 30,
    caseMessagesPer10Min: intVar(env, 'PARLEY_CASE_MESSAGES_PER_10MIN', 10, problems, 0, 1_000_000) ?? 10,
    logLevel: env.LOG_LEVEL || 'info',
    jobLeaseMs: (intVar(env, 'PARLEY_JOB_LEASE_SECONDS', 300, problems, 3, 86_400) ?? 300) * 1000,
    outboxLeaseMs: (intVar(env, 'PARLEY_OUTBOX_LEASE_SECONDS', 120, problems, 3, 86_400) ?? 120) * 1000,
    trustProxy: env.PARLEY_TRUST_PROXY === 'true' || env.PARLEY_TRUST_PROXY === '1',
    maxConnectionsPerIp: intVar(env, 'PARLEY_MAX_CONNECTIONS_PER_IP', 50, problems, 0, 1_000_000) ?? 50,
    tarpitMs: intVar(env, 'PARLEY_TARPIT_MS', 1000, problems, 0, 10_000) ?? 1000,
    metricsToken: env.PARLEY_METRICS_TOKEN || undefined,
    advisoryPrefix: env.PARLEY_ADVISORY_PREFIX || 'PARLEY',
    osvPrefixRegistered:
      env.PARLEY_OSV_PREFIX_REGISTERED === 'true' || env.PARLEY_OSV_PREFIX_REGISTERED === '1',
    publisherName: env.PARLEY_PUBLISHER_NAME || publicUrl.hostname,
    cveOrgId: env.PARLEY_CVE_ORG_ID || undefined,
    cveShortName: env.PARLEY_CVE_SHORT_NAME || undefined,
    webhookAllowPrivate:
      env.PARLEY_WEBHOOK_ALLOW_PRIVATE === 'true' || env.PARLEY_WEBHOOK_ALLOW_PRIVATE === '1',
    migrateOnStart: env.PARLEY_MIGRATE_ON_START === 'true' || env.PARLEY_MIGRATE_ON_START === '1',
    // Delay + timeout + closing stay under Kubernetes' default terminationGracePeriodSeconds (30 s).
    shutdownTimeoutMs: intVar(env, 'PARLEY_SHUTDOWN_TIMEOUT_MS', 15_000, problems, 0, 600_000) ?? 15_000,
    shutdownDelayMs: intVar(env, 'PARLEY_SHUTDOWN_DELAY_MS', 0, problems, 0, 600_000) ?? 0,
  };
  if (!ADVISORY_PREFIX.test(config.advisoryPrefix)) {
    problems.push('PARLEY_ADVISORY_PREFIX must be 2–20 letters and digits, starting with a letter');
  }
  if (
    config.cveOrgId &&
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(config.cveOrgId)
  ) {
    problems.push('PARLEY_CVE_ORG_ID must be your CNA organisation UUID');
  }
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(config.inboundDomain))
    problems.push('PARLEY_INBOUND_DOMAIN must be a domain name such as example.org');
  if (config.mailFrom && !/@[^\s@>]+\.[^\s@>]+>?$/.test(config.mailFrom))
    problems.push('PARLEY_MAIL_FROM must be an address, e.g. "Parley <security@example.org>"');
  if (config.metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(config.metricsToken))
    problems.push('PARLEY_METRICS_TOKEN must be 16 to 256 printable characters without spaces');
  if (config.publisherName.length > 200)
    problems.push('PARLEY_PUBLISHER_NAME must be at most 200 characters');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Origin and path joined into an absolute link for pages, mails and API answers. */
export function publicLink(config: Pick<Config, 'publicUrl'>, pathname: string): string {
  return new URL(pathname, config.publicUrl).toString();
}
