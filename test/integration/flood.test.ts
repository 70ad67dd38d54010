// Flood resistance, the CI share of bench/flood.ts: a real listening server with the production
// default limits; one client floods the API intake, the report form and the login from 127.0.0.2
// while well-behaved reporters submit from their own addresses. Their submissions must all get through
// and the flooder must be refused (429 problem+json on the API). No timing is asserted here: latency
// targets are measured by the bench on a quiet machine.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { makeProject, makeUser } from '../helpers/factories.ts';
import {
  Client,
  REPORT,
  flood,
  goodReporter,
  type FloodResult,
  type Sample,
} from '../../bench/flood-load.ts';

const PRODUCTION_LIMITS = {
  PARLEY_INTAKE_RATE_LIMIT: '20',
  PARLEY_LOGIN_RATE_LIMIT: '10',
  PARLEY_REPORTER_REPORTS_PER_HOUR: '10',
  PARLEY_REPORTER_REPORTS_PER_DAY: '30',
  PARLEY_MAX_CONNECTIONS_PER_IP: '50',
};
const FLOODER = '127.0.0.2';

for (const dialect of dialects()) {
  describe(`flood resistance (${dialect})`, () => {
    let t: TestApp;
    let port: number;
    let slug: string;
    let loginEmail: string;
    before(async () => {
      t = await createTestApp(dialect, { env: PRODUCTION_LIMITS });
      slug = (await makeProject(t.services)).slug;
      loginEmail = (await makeUser(t.services)).email;
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      port = (t.app.server.address() as net.AddressInfo).port;
    });
    after(() => t.close());

    test('under a flood on intake and login, well-behaved reporters still get every report through', async () => {
      const seconds = 6;
      const flooding = flood({
        port,
        slug,
        localAddress: FLOODER,
        kinds: ['api', 'form', 'login'],
        connections: 20,
        seconds,
        loginEmail,
      });
      // Four reporters, each from its own address, one report every 0.7 s (under 20 a minute each),
      // alternating API and form, a new e-mail address every 5 reports (under 10 an hour each).
      const reporters = [3, 4, 5, 6].map((n, i) =>
        goodReporter({
          port,
          slug,
          localAddress: `127.0.0.${n}`,
          intervalMs: 700,
          startDelayMs: 300 + i * 150,
          seconds: seconds - 1,
          emailPrefix: `flood-test-${dialect}-${n}`,
          perEmail: 5,
          channels: i % 2 ? ['api', 'form'] : ['form', 'api'],
        }),
      );
      const samples: Sample[] = (await Promise.all(reporters)).flat();
      const f: FloodResult = await flooding;

      // About 30 on a quiet machine; fewer when the machine is busy (each waits for the last).
      assert.ok(samples.length >= 12, `enough submissions to judge (${samples.length})`);
      const failed = samples.filter((s) => !s.ok);
      assert.deepEqual(failed, [], 'every well-behaved submission got through');
      for (const channel of ['api', 'form'] as const)
        assert.ok(
          samples.some((s) => s.channel === channel),
          `${channel} submissions were made`,
        );

      const n = (key: string) => f.statuses[key] ?? 0;
      // The tarpit (1 s per refusal once refused 20 times) caps what 20 connections can send in 6 s:
      // about 20 a second, plus what is taken or refused before it engages. Without it the same
      // flooder sends thousands (bench/flood.ts).
      assert.ok(f.requests > 60, `the flood was a flood (${f.requests} requests)`);
      assert.ok(
        f.requests <= 20 * (seconds + 2) + 60,
        `the tarpit held the flooder's refusals (${f.requests} requests in ${seconds} s)`,
      );
      for (const kind of ['api', 'form', 'login'])
        assert.ok(n(`${kind} 429`) > 0, `the flooder was refused on ${kind}: ${JSON.stringify(f.statuses)}`);
      // The form and the API share one per-address counter of 20 a minute.
      assert.ok(
        n('api 201') + n('form 303') <= 20,
        `at most 20 flood reports taken: ${JSON.stringify(f.statuses)}`,
      );
      assert.ok(n('login 401') + n('login 403') <= 10, 'at most 10 sign-in attempts judged');
      assert.match(String(f.api429Type), /^application\/problem\+json/);
      const problem = JSON.parse(f.api429Body ?? '{}') as { type?: string; status?: number };
      assert.equal(problem.type, 'urn:parley:problem:rate-limited');
      assert.equal(problem.status, 429);
    });

    test('a flooding address is refused before its form or credentials are read; a fresh one is unaffected', async () => {
      const flooder = new Client(port, FLOODER);
      const refused = await flooder.request('POST', `/p/${slug}/report`, {
        body: 'title=x&description=y&_csrf=z',
        type: 'application/x-www-form-urlencoded',
      });
      // Over the limit, made-up credentials are not even looked at: 429, not 401.
      const withToken = await flooder.request('POST', `/api/v1/projects/${slug}/reports`, {
        body: JSON.stringify(REPORT),
        headers: { authorization: 'Bearer rct_made-up-token-that-was-never-issued-0123456789' },
      });
      flooder.close();
      assert.equal(withToken.status, 429);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.match(refused.body, /Too many requests from your address/);
      assert.doesNotMatch(
        refused.body,
        /Not submitted yet/,
        'not the whole form again: the flood guard answered',
      );

      const fresh = new Client(port, '127.0.0.20');
      const { token } = await fresh.csrfFrom(`/p/${slug}/report`);
      const ok = await fresh.request('POST', `/p/${slug}/report`, {
        body: new URLSearchParams({
          ...REPORT,
          title: 'After the flood',
          scopeCategory: 'in-scope',
          _csrf: token,
        }).toString(),
        type: 'application/x-www-form-urlencoded',
      });
      fresh.close();
      assert.equal(ok.status, 303, ok.body.slice(0, 300));
    });

    test('one address may hold at most 50 connections; others still connect', async () => {
      // The earlier tests' connections from the flooding address are closed; let the server see it.
      await new Promise((r) => setTimeout(r, 500));
      const sockets = await Promise.all(
        Array.from(
          { length: 60 },
          () =>
            new Promise<net.Socket>((resolve, reject) => {
              const s = net.connect({ port, host: '127.0.0.1', localAddress: FLOODER });
              s.once('connect', () => resolve(s));
              s.once('error', reject);
            }),
        ),
      );
      // The ones over the cap are held unread for 2 s, then closed.
      const closed = await Promise.all(
        sockets.map(
          (s) =>
            new Promise<boolean>((resolve) => {
              if (s.destroyed) return resolve(true);
              const timer = setTimeout(() => resolve(false), 4000);
              s.once('close', () => {
                clearTimeout(timer);
                resolve(true);
              });
              s.on('error', () => {});
            }),
        ),
      );
      assert.equal(closed.filter(Boolean).length, 10, 'the 10 connections over the cap were closed');
      const other = new Client(port, '127.0.0.21');
      const res = await other.request('GET', '/healthz');
      other.close();
      assert.equal(res.status, 200);
      sockets.forEach((s) => s.destroy());
    });
  });
}
