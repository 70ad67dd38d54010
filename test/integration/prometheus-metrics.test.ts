// The operator's Prometheus scrape at /metrics, on both databases: request counters move by route
// pattern, gauges follow the jobs, outbox rows and overdue cases in the database, worker outcomes are
// counted, no secret reaches the output, and only the scraper is let in (token, else loopback).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeProject, reportInput } from '../helpers/factories.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { DeliveryError } from '../../src/integrations/channel.types.ts';
import * as cases from '../../src/storage/repositories/case.repository.ts';

const SCRAPE = { accept: 'text/plain;version=0.0.4;q=0.5,*/*;q=0.1' };

/** Sample values by series (`name{labels}`), from the Prometheus text format. */
function parse(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

async function scrape(t: TestApp, headers: Record<string, string> = SCRAPE) {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return { text: res.body, v: parse(res.body) };
}

const get = (v: Map<string, number>, series: string) => v.get(series) ?? 0;

for (const dialect of dialects()) {
  describe(`Prometheus /metrics (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(dialect);
    });
    after(() => t.close());

    test('request counters move by route pattern; no token or secret in the output', async () => {
      const p = await makeProject(t.services);
      const before = (await scrape(t)).v;
      const created = await t.app.inject({
        method: 'POST',
        url: `/api/v1/projects/${p.slug}/reports`,
        payload: reportInput({ title: 'Canary title zq81' }),
      });
      assert.equal(created.statusCode, 201);
      const { accessToken, id } = created.json() as { accessToken: string; id: string };
      assert.equal((await t.app.inject({ method: 'GET', url: `/c/${accessToken}` })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/no/such/page' })).statusCode, 404);
      const { text, v } = await scrape(t);
      const post = `{method="POST",route="/api/v1/projects/:slug/reports",status_code="201"}`;
      assert.equal(
        get(v, `parley_http_requests_total${post}`) - get(before, `parley_http_requests_total${post}`),
        1,
      );
      assert.equal(
        get(v, `parley_http_request_duration_seconds_count${post}`) -
          get(before, `parley_http_request_duration_seconds_count${post}`),
        1,
      );
      assert.ok(get(v, `parley_http_requests_total{method="GET",route="/c/:token",status_code="200"}`) >= 1);
      assert.ok(get(v, `parley_http_requests_total{method="GET",route="unmatched",status_code="404"}`) >= 1);
      // Default process metrics are there too.
      assert.ok(v.has('process_cpu_user_seconds_total'), 'process metrics');
      assert.ok([...v.keys()].some((k) => k.startsWith('nodejs_heap_size_used_bytes')));
      for (const secret of [
        accessToken,
        id,
        p.slug,
        'Canary title',
        t.services.deps.secret.toString('base64'),
      ])
        assert.ok(!text.includes(secret), `the scrape must not contain ${secret.slice(0, 12)}…`);
      assert.ok(!/\/c\/[A-Za-z0-9_-]{10,}/.test(text), 'no raw case link');
    });

    test('gauges follow queued and dead jobs, undelivered outbox rows and overdue cases', async () => {
      const db = t.tdb.handle.db;
      const base = (await scrape(t)).v;
      const now = new Date();
      const job = (status: 'queued' | 'dead' | 'done') => ({
        id: crypto.randomUUID(),
        kind: 'gauge-test',
        payload: '{}',
        status,
        run_at: now.toISOString(),
        attempts: 0,
        max_attempts: 3,
        created_at: now.toISOString(),
      });
      await db
        .insertInto('jobs')
        .values([job('queued'), job('queued'), job('dead'), job('done')])
        .execute();
      const row = (status: 'pending' | 'failed' | 'sent') => ({
        id: crypto.randomUUID(),
        channel: 'webhook' as const,
        kind: 'gauge-test',
        subject: 's',
        body: 'b',
        payload: '{}',
        dedupe_key: crypto.randomUUID(),
        status,
        attempts: 0,
        next_attempt_at: now.toISOString(),
        created_at: now.toISOString(),
      });
      await db
        .insertInto('outbox')
        .values([row('pending'), row('failed'), row('failed'), row('sent')])
        .execute();
      const p = await makeProject(t.services);
      const overdue = await t.services.cases.submitReport(p.slug, reportInput(), 'api');
      const later = await t.services.cases.submitReport(p.slug, reportInput(), 'api');
      await cases.setNextDueAt(db, overdue.id, new Date(now.getTime() - 3600_000).toISOString());
      await cases.setNextDueAt(db, later.id, new Date(now.getTime() + 3600_000).toISOString());

      const v = (await scrape(t)).v;
      const d = (s: string) => get(v, s) - get(base, s);
      assert.equal(get(v, 'parley_jobs{kind="gauge-test",state="queued"}'), 2);
      assert.equal(get(v, 'parley_jobs{kind="gauge-test",state="dead"}'), 1);
      assert.ok(!v.has('parley_jobs{kind="gauge-test",state="done"}'), 'done jobs are not queue depth');
      assert.equal(d('parley_outbox_messages{channel="webhook",state="pending"}'), 1);
      assert.equal(d('parley_outbox_messages{channel="webhook",state="failed"}'), 2);
      assert.ok(!v.has('parley_outbox_messages{channel="webhook",state="sent"}'));
      assert.equal(d('parley_cases_overdue'), 1);

      // A dead job taken away is gone from the gauge on the next scrape (the gauge is reset, not kept).
      await db.deleteFrom('jobs').where('kind', '=', 'gauge-test').where('status', '=', 'dead').execute();
      assert.ok(!(await scrape(t)).v.has('parley_jobs{kind="gauge-test",state="dead"}'));
    });

    test('job and delivery outcomes are counted through the workers’ hooks', async () => {
      const db = t.tdb.handle.db;
      const runner = new JobRunner({
        db,
        dialect,
        onOutcome: t.app.metrics.jobFinished,
        backoff: () => 0,
      });
      runner.register('metric-ok', async () => {});
      runner.register('metric-fail', async () => {
        throw new Error('boom');
      });
      await runner.enqueue('metric-ok', {});
      await runner.enqueue('metric-fail', {}, { maxAttempts: 2 });
      const base = (await scrape(t)).v;
      await runner.runDueOnce();
      const worker = new OutboxWorker({
        db,
        dialect,
        onOutcome: t.app.metrics.deliveryFinished,
        senders: {
          webhook: {
            deliver: async () => {
              throw new DeliveryError('410 Gone', true);
            },
          },
        },
      });
      const due = await db
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('channel', '=', 'webhook')
        .where('next_attempt_at', '<=', new Date().toISOString())
        .execute();
      const failedBefore = due.length;
      await worker.runOnce();
      const v = (await scrape(t)).v;
      const d = (s: string) => get(v, s) - get(base, s);
      assert.equal(d('parley_job_runs_total{kind="metric-ok",outcome="done"}'), 1);
      assert.equal(d('parley_job_runs_total{kind="metric-fail",outcome="retried"}'), 1);
      assert.equal(d('parley_job_runs_total{kind="metric-fail",outcome="dead"}'), 1);
      assert.ok(failedBefore >= 1, 'the gauge test left a pending webhook row');
      assert.equal(d('parley_outbox_deliveries_total{channel="webhook",outcome="failed"}'), failedBefore);
      assert.equal(d('parley_outbox_delivery_failures_total{channel="webhook"}'), failedBefore);
    });

    test('without PARLEY_METRICS_TOKEN only loopback clients scrape; browsers get the team page', async () => {
      const remote = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: SCRAPE,
        remoteAddress: '203.0.113.7',
      });
      assert.equal(remote.statusCode, 404);
      assert.match(String(remote.headers['content-type']), /problem\+json/);
      const proxied = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { ...SCRAPE, 'x-forwarded-for': '203.0.113.7' },
      });
      assert.equal(proxied.statusCode, 404, 'a request through a proxy is not a loopback client');
      const bearer = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer anything-at-all-here' },
        remoteAddress: '203.0.113.7',
      });
      assert.equal(bearer.statusCode, 404);
      // A browser (HTML first) reaches the team's metrics page, which wants a session.
      const browser = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
      });
      assert.ok([302, 303].includes(browser.statusCode), `browser: ${browser.statusCode}`);
      assert.ok(!browser.body.includes('parley_http_requests_total'));
    });
  });
}

describe('Prometheus /metrics with PARLEY_METRICS_TOKEN (sqlite)', () => {
  const token = `mt_${crypto.randomBytes(24).toString('base64url')}`;
  let t: TestApp;
  before(async () => {
    t = await createTestApp('sqlite', { env: { PARLEY_METRICS_TOKEN: token, PARLEY_QUERY_RATE_LIMIT: '2' } });
  });
  after(() => t.close());

  test('the token is required, even from loopback, and lets remote scrapers in', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics', headers: SCRAPE });
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Bearer /);
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}x` },
    });
    assert.equal(wrong.statusCode, 401);
    const ok = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
      remoteAddress: '203.0.113.7',
    });
    assert.equal(ok.statusCode, 200);
    assert.ok(ok.body.includes('parley_http_requests_total'));
    assert.ok(!ok.body.includes(token), 'the token is not echoed');
  });

  test('rate-limit refusals are counted by route', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: '/v1/vulns/NOPE-1' });
    const v = (await scrape(t, { authorization: `Bearer ${token}` })).v;
    assert.equal(get(v, 'parley_rate_limited_total{route="/v1/vulns/:id"}'), 1);
    assert.equal(
      get(v, 'parley_http_requests_total{method="GET",route="/v1/vulns/:id",status_code="429"}'),
      1,
    );
  });

  test('a bad token setting stops the start with a message', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    assert.throws(() => loadConfig({ PARLEY_METRICS_TOKEN: 'short' }), /PARLEY_METRICS_TOKEN/);
  });
});
