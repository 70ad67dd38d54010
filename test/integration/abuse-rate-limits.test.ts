// Rate limits against report floods: one per-IP counter for the report form and the API, per-reporter
// limits counted from the database (they hold for a fresh process, and whatever address a reporter
// sends from), reporter messages per case, the per-IP limit on case-link writes, and what each channel
// answers: API 429 problem+json with Retry-After, the form again with the text kept, SMTP 450.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeMember, makeProject, reportInput } from '../helpers/factories.ts';
import { PageClient } from '../helpers/page-client.ts';
import { apiClient, assertProblem, patFor, type Call } from '../helpers/api.ts';
import { manualClock } from '../helpers/services.ts';
import { createServices } from '../../src/services/index.ts';
import { TooManyRequestsError } from '../../src/domain/errors.ts';
import { startInboundSmtp } from '../../src/integrations/mail/inbound-server.ts';

const form = (o: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(reportInput(o)).map(([k, v]) => [k, String(v ?? '')]));
const silent = { info() {}, warn() {}, error() {} };

for (const dialect of dialects()) {
  describe(`per-IP limits (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let slug: string;
    before(async () => {
      t = await createTestApp(dialect, {
        env: { PARLEY_INTAKE_RATE_LIMIT: '3', PARLEY_REPLY_RATE_LIMIT: '2' },
      });
      call = apiClient(t.app);
      slug = (await makeProject(t.services)).slug;
    });
    after(() => t.close());

    test('form and API share one counter; over it the API answers 429 problem+json with Retry-After', async () => {
      const page = new PageClient(t.app);
      assert.equal(
        (await call('POST', `/api/v1/projects/${slug}/reports`, { body: reportInput() })).status,
        201,
      );
      assert.equal(
        (await call('POST', `/api/v1/projects/${slug}/reports`, { body: reportInput() })).status,
        201,
      );
      const viaForm = await page.post(`/p/${slug}/report`, form(), { csrfFrom: `/p/${slug}/report` });
      assert.equal(viaForm.statusCode, 303, 'the third submission (by form) is still within the limit');
      const api = await call('POST', `/api/v1/projects/${slug}/reports`, { body: reportInput() });
      const p = assertProblem(api, 429, 'rate-limited');
      assert.ok(Number(api.headers['retry-after']) > 0 && Number(api.headers['retry-after']) <= 60);
      assert.ok(p.retryAfter > 0);
      assert.match(p.detail, /Try again in/);
    });

    test('over the limit the form comes back with everything typed and when to retry', async () => {
      const page = new PageClient(t.app);
      const res = await page.post(
        `/p/${slug}/report`,
        form({ title: 'Kept title of a refused report', stepsToReproduce: 'step one\nstep two' }),
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(res.statusCode, 429);
      assert.match(String(res.headers['content-type']), /text\/html/);
      assert.ok(Number(res.headers['retry-after']) > 0);
      assert.match(res.body, /Not submitted yet\. Too many requests from your address\. Try again in/);
      assert.match(res.body, /value="Kept title of a refused report"/);
      assert.match(res.body, /step one\nstep two<\/textarea>/);
    });

    test('case-link writes are limited per IP, team members with a token are not', async () => {
      const w = await makeMember(t.services, slug, 'responder');
      const token = await patFor(t.services, w.email);
      const c = await t.services.cases.submitReport(slug, reportInput(), 'api');
      for (let i = 0; i < 2; i++) {
        const ok = await call('POST', `/api/v1/reports/${c.id}/messages`, {
          token: c.accessToken,
          body: { body: `reporter ${i}` },
        });
        assert.equal(ok.status, 201);
      }
      const over = await call('POST', `/api/v1/reports/${c.id}/messages`, {
        token: c.accessToken,
        body: { body: 'one too many' },
      });
      assertProblem(over, 429, 'rate-limited');
      assert.ok(Number(over.headers['retry-after']) > 0);
      for (let i = 0; i < 4; i++) {
        const team = await call('POST', `/api/v1/reports/${c.id}/messages`, {
          token,
          body: { body: `team ${i}` },
        });
        assert.equal(team.status, 201, 'the team is not counted');
      }
      // The reporter's page: the reply is kept in its box.
      const page = new PageClient(t.app);
      const res = await page.post(
        `/c/${c.accessToken}/messages`,
        { body: 'Please keep me' },
        {
          csrfFrom: `/c/${c.accessToken}`,
        },
      );
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /Please keep me<\/textarea>/);
      assert.match(res.body, /Too many requests from your address/);
    });
  });

  describe(`per-reporter limits (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let slug: string;
    const clock = manualClock('2026-06-01T10:00:00.000Z', 1);
    before(async () => {
      t = await createTestApp(dialect, {
        clock,
        env: {
          PARLEY_REPORTER_REPORTS_PER_HOUR: '2',
          PARLEY_REPORTER_REPORTS_PER_DAY: '3',
          PARLEY_CASE_MESSAGES_PER_10MIN: '2',
        },
      });
      call = apiClient(t.app);
      slug = (await makeProject(t.services)).slug;
    });
    after(() => t.close());

    const submit = (email: string) =>
      call('POST', `/api/v1/projects/${slug}/reports`, { body: reportInput({ reporterEmail: email }) });

    test('reports per address per hour, whatever the case of the address; others are not held up', async () => {
      assert.equal((await submit('alice@example.org')).status, 201);
      clock.advance(10 * 60_000);
      assert.equal((await submit('Alice@Example.org')).status, 201);
      const over = await submit('alice@example.org');
      const p = assertProblem(over, 429, 'rate-limited');
      assert.match(p.detail, /2 reports in the last hour/);
      assert.match(p.detail, /try again in 50 minutes \(at 11:00 UTC\)/);
      // The first report leaves the hour at 11:00; 50 minutes from 10:10.
      const retry = Number(over.headers['retry-after']);
      assert.ok(retry > 49 * 60 && retry <= 50 * 60, `retry-after ${retry}`);
      assert.equal(p.retryAfter, retry);
      assert.equal((await submit('bob@example.org')).status, 201, 'another reporter is not affected');
      // The form says the same and keeps the report.
      const page = new PageClient(t.app);
      const res = await page.post(
        `/p/${slug}/report`,
        form({ reporterEmail: 'alice@example.org', title: 'Alice again, kept' }),
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /2 reports in the last hour/);
      assert.match(res.body, /value="Alice again, kept"/);
    });

    test('the count lives in the database: a fresh set of services refuses as well; then the daily limit', async () => {
      const fresh = createServices({ ...t.services.deps });
      await assert.rejects(
        fresh.cases.submitReport(slug, reportInput({ reporterEmail: 'alice@example.org' }), 'api'),
        (e) => e instanceof TooManyRequestsError && /last hour/.test(e.message),
      );
      clock.advance(61 * 60_000);
      assert.equal((await submit('alice@example.org')).status, 201, 'the hour has passed');
      clock.advance(61 * 60_000);
      const over = await submit('alice@example.org');
      const p = assertProblem(over, 429, 'rate-limited');
      assert.match(p.detail, /3 reports in the last 24 hours/);
      // The first of the three (10:00) leaves the day at 10:00 tomorrow.
      assert.match(p.detail, /at 10:00 UTC/);
    });

    test('a burst in one batch cannot all pass on the same count', async () => {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.services.cases
            .submitReport(slug, reportInput({ reporterEmail: 'burst@example.org' }), 'api')
            .then(
              () => 'ok',
              (e) => (e instanceof TooManyRequestsError ? '429' : String(e)),
            ),
        ),
      );
      assert.deepEqual(answers.sort(), ['429', '429', '429', 'ok', 'ok']);
    });

    test('many bursts at once: a check that read before a commit still counts that report', async () => {
      // Commits and count queries of 12 reporters interleave on the pool; a check whose query read the
      // table before another report's commit, and returned after it, once missed that report.
      const rounds = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          Promise.all(
            Array.from({ length: 6 }, () =>
              t.services.cases
                .submitReport(slug, reportInput({ reporterEmail: `wave-${i}@example.org` }), 'api')
                .then(
                  () => 'ok',
                  (e) => (e instanceof TooManyRequestsError ? '429' : String(e)),
                ),
            ),
          ),
        ),
      );
      for (const [i, answers] of rounds.entries())
        assert.deepEqual(answers.sort(), ['429', '429', '429', '429', 'ok', 'ok'], `reporter ${i}`);
    });

    test('reporter messages per case per 10 minutes, API and page', async () => {
      const c = await t.services.cases.submitReport(slug, reportInput({ reporterEmail: null }), 'api');
      for (const body of ['first', 'second']) {
        const ok = await call('POST', `/api/v1/reports/${c.id}/messages`, {
          token: c.accessToken,
          body: { body },
        });
        assert.equal(ok.status, 201);
        clock.advance(60_000);
      }
      const over = await call('POST', `/api/v1/reports/${c.id}/messages`, {
        token: c.accessToken,
        body: { body: 'third' },
      });
      const p = assertProblem(over, 429, 'rate-limited');
      assert.match(p.detail, /2 messages on this report in the last 10 minutes/);
      assert.ok(Number(over.headers['retry-after']) > 0);
      const page = new PageClient(t.app);
      const res = await page.post(
        `/c/${c.accessToken}/messages`,
        { body: 'Kept reply' },
        {
          csrfFrom: `/c/${c.accessToken}`,
        },
      );
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /Kept reply<\/textarea>/);
      assert.match(res.body, /messages on this report in the last 10 minutes/);
      clock.advance(10 * 60_000);
      const later = await call('POST', `/api/v1/reports/${c.id}/messages`, {
        token: c.accessToken,
        body: { body: 'after the wait' },
      });
      assert.equal(later.status, 201);
    });

    test('mail intake over the limit: 450 4.7.1, so the sender’s server retries later', async () => {
      const smtp = await startInboundSmtp({
        port: 0,
        host: '127.0.0.1',
        intake: t.services.mailIntake,
        logger: silent,
        maxBytes: 1_000_000,
        name: 'localhost',
      });
      try {
        const send = (subject: string) =>
          nodemailer
            .createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true })
            .sendMail({
              from: 'mailer@example.org',
              to: `${slug}@localhost`,
              subject,
              text: 'A report by mail with enough text to be a description of something.',
            });
        await send('Mailed report one');
        await send('Mailed report two');
        const refused = await send('Mailed report three').then(
          () => 'accepted',
          (e: { response?: string }) => String(e.response),
        );
        assert.match(refused, /^450 4\.7\.1 You have sent 2 reports in the last hour/);
        assert.match(refused, /try again in/);
      } finally {
        await smtp.close();
      }
    });
  });
}
