// Configuration from the environment (DESIGN.md §2): working defaults, and every bad value named at once.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfig, publicLink, ConfigError } from '../../src/config.ts';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    for (const p of e.problems) assert.ok(e.message.includes(p), 'the message lists every problem');
    return e.problems;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const c = loadConfig({});
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.databaseUrl, undefined, 'no DATABASE_URL means SQLite');
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl.href, 'http://localhost:8080/');
    assert.equal(
      c.secretKeyFile,
      path.join(path.resolve('./data'), 'secret.key'),
      'secret key lives in the data dir',
    );
    assert.equal(c.smtpUrl, undefined);
    assert.equal(c.mailFrom, undefined);
    assert.equal(c.inboundSmtpPort, undefined, 'inbound SMTP is off by default');
    assert.equal(c.trustProxy, false);
    assert.equal(c.logLevel, 'info');
    assert.ok(Number.isInteger(c.intakeRateLimit) && c.intakeRateLimit > 0);
    assert.ok(Number.isInteger(c.loginRateLimit) && c.loginRateLimit > 0);
  });

  test('shutdown and start-up: defaults fit a 30 s grace period; values are checked', () => {
    const c = loadConfig({});
    assert.equal(c.migrateOnStart, false, 'serve does not migrate unless asked');
    assert.equal(c.shutdownDelayMs, 0);
    assert.equal(c.shutdownTimeoutMs, 15_000);
    const set = loadConfig({
      PARLEY_MIGRATE_ON_START: 'true',
      PARLEY_SHUTDOWN_DELAY_MS: '5000',
      PARLEY_SHUTDOWN_TIMEOUT_MS: '20000',
    });
    assert.deepEqual([set.migrateOnStart, set.shutdownDelayMs, set.shutdownTimeoutMs], [true, 5000, 20_000]);
    const p = problems({ PARLEY_SHUTDOWN_DELAY_MS: '5s', PARLEY_SHUTDOWN_TIMEOUT_MS: '-1' });
    assert.equal(p.length, 2, p.join('\n'));
  });

  test('empty strings count as unset', () => {
    const c = loadConfig({
      PARLEY_DATA_DIR: '',
      DATABASE_URL: '',
      HOST: '',
      PORT: '',
      PARLEY_PUBLIC_URL: '',
      PARLEY_SMTP_URL: '',
      PARLEY_INBOUND_SMTP_PORT: '',
    });
    assert.equal(c.dataDir, path.resolve('./data'));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 8080);
    assert.equal(c.publicUrl.href, 'http://localhost:8080/');
    assert.equal(c.smtpUrl, undefined);
    assert.equal(c.inboundSmtpPort, undefined);
  });

  test('valid values are taken', () => {
    const c = loadConfig({
      PARLEY_DATA_DIR: '/srv/parley',
      DATABASE_URL: 'postgres://parley@db:5432/parley',
      HOST: '0.0.0.0',
      PORT: '3000',
      PARLEY_PUBLIC_URL: 'https://cvd.example.org/',
      PARLEY_SMTP_URL: 'smtps://mail.example.org:465',
      PARLEY_MAIL_FROM: 'security@example.org',
      PARLEY_INBOUND_SMTP_PORT: '2525',
      PARLEY_SECRET_KEY_FILE: '/run/secrets/parley.key',
      LOG_LEVEL: 'debug',
      PARLEY_TRUST_PROXY: 'true',
    });
    assert.equal(c.dataDir, '/srv/parley');
    assert.equal(c.databaseUrl, 'postgres://parley@db:5432/parley');
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.port, 3000);
    assert.equal(c.publicUrl.href, 'https://cvd.example.org/');
    assert.equal(c.smtpUrl, 'smtps://mail.example.org:465');
    assert.equal(c.mailFrom, 'security@example.org');
    assert.equal(c.inboundSmtpPort, 2525);
    assert.equal(c.secretKeyFile, '/run/secrets/parley.key');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.trustProxy, true);
    assert.equal(loadConfig({ PARLEY_DATA_DIR: '/srv/p' }).secretKeyFile, '/srv/p/secret.key');
    assert.equal(loadConfig({ DATABASE_URL: 'postgresql://h/db' }).databaseUrl, 'postgresql://h/db');
    assert.equal(loadConfig({ PARLEY_TRUST_PROXY: '1' }).trustProxy, true);
    assert.equal(loadConfig({ PARLEY_TRUST_PROXY: 'false' }).trustProxy, false);
  });

  test('job and outbox leases: defaults, seconds, bounds', () => {
    const d = loadConfig({});
    assert.equal(d.jobLeaseMs, 300_000);
    assert.equal(d.outboxLeaseMs, 120_000);
    const c = loadConfig({ PARLEY_JOB_LEASE_SECONDS: '5', PARLEY_OUTBOX_LEASE_SECONDS: '7' });
    assert.equal(c.jobLeaseMs, 5_000);
    assert.equal(c.outboxLeaseMs, 7_000);
    assert.throws(() => loadConfig({ PARLEY_JOB_LEASE_SECONDS: '0' }), /PARLEY_JOB_LEASE_SECONDS/);
    assert.throws(() => loadConfig({ PARLEY_OUTBOX_LEASE_SECONDS: '1.5' }), /PARLEY_OUTBOX_LEASE_SECONDS/);
  });

  test('without PARLEY_PUBLIC_URL, links follow the port Parley listens on', () => {
    assert.equal(loadConfig({ PORT: '9090' }).publicUrl.href, 'http://localhost:9090/');
    assert.equal(
      loadConfig({ PORT: '9090', PARLEY_PUBLIC_URL: 'https://x.example/' }).publicUrl.href,
      'https://x.example/',
    );
  });

  test('port boundaries', () => {
    assert.equal(loadConfig({ PORT: '65535' }).port, 65535);
    assert.equal(loadConfig({ PORT: '1' }).port, 1);
    for (const bad of ['65536', '-1', '80.5', 'http', '8080abc', ' ', '1e3', '0x50', '+80', '8 080']) {
      const p = problems({ PORT: bad });
      assert.equal(p.length, 1, `PORT=${JSON.stringify(bad)} gives one problem: ${p.join('; ')}`);
      assert.match(p[0]!, /^PORT /);
    }
  });

  test('every bad value is listed in one ConfigError', () => {
    const p = problems({
      DATABASE_URL: 'mysql://root@db/parley',
      PORT: 'eighty',
      PARLEY_PUBLIC_URL: 'ftp://files.example.org',
      PARLEY_SMTP_URL: 'http://mail.example.org',
      PARLEY_INBOUND_SMTP_PORT: '70000',
      PARLEY_INTAKE_RATE_LIMIT: '0',
      PARLEY_LOGIN_RATE_LIMIT: '-5',
      LOG_LEVEL: 'loud',
    });
    const named = [
      'DATABASE_URL',
      'PORT',
      'PARLEY_PUBLIC_URL',
      'PARLEY_SMTP_URL',
      'PARLEY_INBOUND_SMTP_PORT',
      'PARLEY_INTAKE_RATE_LIMIT',
      'PARLEY_LOGIN_RATE_LIMIT',
      'LOG_LEVEL',
    ];
    assert.equal(p.length, named.length, p.join('\n'));
    for (const name of named)
      assert.ok(
        p.some((x) => x.startsWith(`${name} `)),
        `${name} is named: ${p.join('; ')}`,
      );
  });

  test('a public URL must be an absolute http(s) URL', () => {
    for (const bad of [
      'localhost:8080',
      'not a url',
      '/relative',
      'javascript:alert(1)',
      'file:///etc/passwd',
    ]) {
      const p = problems({ PARLEY_PUBLIC_URL: bad });
      assert.equal(p.length, 1, bad);
      assert.match(p[0]!, /PARLEY_PUBLIC_URL/);
    }
  });

  test('publicLink joins paths onto the public URL', () => {
    const c = loadConfig({ PARLEY_PUBLIC_URL: 'https://cvd.example.org' });
    assert.equal(publicLink(c, '/c/rct_abc'), 'https://cvd.example.org/c/rct_abc');
    assert.equal(publicLink(loadConfig({}), '/p/flux'), 'http://localhost:8080/p/flux');
  });
});
