// Webhooks end to end on both dialects, against a real HTTP receiver on loopback: hooks made through
// the API, advisory events queued in the publishing transaction, delivered by the real outbox worker
// with the real sender, signatures checked with the recipe from the docs, retries and dead letters,
// Slack bodies, the SSRF guard, secret rotation, tests and redelivery, access rules and the pages.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AddressInfo } from 'node:net';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { apiClient, assertFieldErrors, assertProblem, patFor, type Call } from '../helpers/api.ts';
import { makeMember, makeProject, makeWorld, PASSWORD } from '../helpers/factories.ts';
import { advisoryContent, publishedAdvisory } from '../helpers/advisories.ts';
import { createTestServices, manualClock } from '../helpers/services.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { createWebhookSender } from '../../src/integrations/webhooks/webhook-sender.ts';
import { DeliveryError } from '../../src/integrations/channel.types.ts';
import type { OutboxRow } from '../../src/storage/schema.ts';
import type { Actor } from '../../src/services/actor.ts';
import { emitWebhook } from '../../src/services/webhooks/webhook-emitter.ts';

type Verify = (secret: string, header: string | undefined, body: string | Buffer, now?: number) => boolean;

/** The documented verification example, imported from the docs as a reader would copy it. */
async function docsRecipe(): Promise<Verify> {
  const md = fs.readFileSync(path.resolve('docs/mail-and-pgp.md'), 'utf8');
  const m = /<!-- webhook-verify-example -->\s*```js\n([\s\S]*?)```/.exec(md);
  assert.ok(m, 'the docs hold the marked verification example');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-verify-')), 'verify.mjs');
  fs.writeFileSync(file, m[1]!);
  return ((await import(pathToFileURL(file).href)) as { verifyParleySignature: Verify })
    .verifyParleySignature;
}

interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver that records every request and answers the statuses planned for its path. */
class Receiver {
  readonly hits: Hit[] = [];
  readonly plan = new Map<string, number[]>();
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = req.url ?? '/';
      this.hits.push({ path: p, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (p === '/hang') return; // never answers
      const status = this.plan.get(p)?.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `no ${status}`);
    });
  });
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }
  get port() {
    return (this.server.address() as AddressInfo).port;
  }
  url(p: string, host = '127.0.0.1') {
    return `http://${host}:${this.port}${p}`;
  }
  at(p: string) {
    return this.hits.filter((h) => h.path === p);
  }
  close() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const ADVISORY_EVENTS = ['advisory.draft', 'advisory.scheduled', 'advisory.published', 'advisory.withdrawn'];

for (const dialect of dialects()) {
  describe(`webhooks (${dialect})`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof makeWorld>>;
    let call: Call;
    let rx: Receiver;
    let worker: OutboxWorker;
    let verify: Verify;
    // The worker's clock runs ahead of the services' by `skew`, so a retry's backoff can be skipped.
    let skew = 0;
    let n = 0;

    before(async () => {
      t = await createTestApp(dialect, { env: { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true' } });
      w = await makeWorld(t.services);
      call = apiClient(t.app);
      rx = new Receiver();
      await rx.start();
      verify = await docsRecipe();
      assert.equal(t.config.webhookAllowPrivate, true);
      worker = new OutboxWorker({
        db: t.tdb.handle.db,
        dialect,
        clock: { now: () => new Date(Date.now() + skew) },
        senders: {
          webhook: createWebhookSender({
            secretOf: (id) => t.services.webhooks.secretOf(id),
            allowPrivate: t.config.webhookAllowPrivate,
          }),
        },
      });
    });
    after(async () => {
      await rx.close();
      await t.close();
    });

    /** A project of its own with a maintainer and their API token, so tests do not see each other's hooks. */
    const team = async () => {
      const project = await makeProject(t.services);
      const maintainer = await makeMember(t.services, project.slug, 'maintainer');
      return { slug: project.slug, maintainer, pat: await patFor(t.services, maintainer.email) };
    };
    const addHook = async (slug: string, pat: string, body: Record<string, unknown>) => {
      const res = await call('POST', `/api/v1/projects/${slug}/webhooks`, { token: pat, body });
      assert.equal(res.status, 201, res.body);
      return { id: res.json.webhook.id as string, secret: res.json.secret as string };
    };
    const rowsOf = (hookId: string): Promise<OutboxRow[]> =>
      t.tdb.handle.db
        .selectFrom('outbox')
        .selectAll()
        .where('source_id', '=', hookId)
        .orderBy('created_at')
        .execute();
    const unique = () => `/hook-${++n}`;

    test('API: create, list, change, delete; problem+json refusals', async () => {
      const { slug, pat } = await team();
      const base = `/api/v1/projects/${slug}/webhooks`;
      const created = await call('POST', base, {
        token: pat,
        body: { url: rx.url('/api'), events: ['advisory.published', 'advisory.draft'], description: 'chat' },
      });
      assert.equal(created.status, 201, created.body);
      assert.match(created.json.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
      const hook = created.json.webhook;
      assert.equal(created.headers.location, `${base}/${hook.id}`);
      assert.deepEqual(hook.events, ['advisory.draft', 'advisory.published']);
      assert.equal(hook.format, 'parley');
      assert.equal(hook.active, true);
      const stored = await t.tdb.handle.db
        .selectFrom('webhooks')
        .select('secret')
        .where('id', '=', hook.id)
        .executeTakeFirstOrThrow();
      assert.ok(!stored.secret.includes(created.json.secret.slice(6)), 'the secret is not stored in clear');

      const list = await call('GET', base, { token: pat });
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.items, [hook]);
      assert.ok(!list.body.includes(created.json.secret), 'the secret is never shown again');

      const patched = await call('PATCH', `${base}/${hook.id}`, {
        token: pat,
        body: { active: false, format: 'slack' },
      });
      assert.equal(patched.status, 200, patched.body);
      assert.equal(patched.json.active, false);
      assert.equal(patched.json.format, 'slack');

      assertFieldErrors(
        await call('POST', base, { token: pat, body: { url: 'ftp://x.example', events: ['ping'] } }),
        ['events.0'],
      );
      assertFieldErrors(
        await call('POST', base, { token: pat, body: { url: 'ftp://x.example', events: ['case.message'] } }),
        ['url'],
      );
      const creds = await call('POST', base, {
        token: pat,
        body: { url: 'https://user:pw@hooks.example.org/x', events: ['case.message'] },
      });
      assertFieldErrors(creds, ['url']);
      assert.match(creds.json.errors[0].message, /credentials/);
      assertFieldErrors(await call('POST', base, { token: pat, body: { url: rx.url('/x'), events: [] } }), [
        'events',
      ]);

      assertProblem(await call('GET', base), 401);
      assertProblem(await call('GET', `/api/v1/projects/${w.project.slug}/webhooks`, { token: pat }), 404);
      assertProblem(await call('PATCH', `${base}/${hook.id}`, { token: pat, body: {} }), 422);
      assertProblem(
        await call('DELETE', `/api/v1/projects/${w.project.slug}/webhooks/${hook.id}`, { token: pat }),
        404,
      );

      const del = await call('DELETE', `${base}/${hook.id}`, { token: pat });
      assert.equal(del.status, 204);
      assertProblem(await call('GET', `${base}/${hook.id}/deliveries`, { token: pat }), 404);
      assert.deepEqual((await call('GET', base, { token: pat })).json.items, []);
    });

    test('publishing POSTs exactly one signed advisory.published, to subscribed active hooks only', async () => {
      const { slug, pat, maintainer } = await team();
      const [pPub, pDraft, pCase, pOff] = [unique(), unique(), unique(), unique()];
      const pub = await addHook(slug, pat, { url: rx.url(pPub), events: ['advisory.published'] });
      await addHook(slug, pat, { url: rx.url(pDraft), events: ['advisory.draft'] });
      await addHook(slug, pat, { url: rx.url(pCase), events: ['report.created', 'case.message'] });
      await addHook(slug, pat, { url: rx.url(pOff), events: ADVISORY_EVENTS, active: false });

      const adv = await publishedAdvisory(t.services, maintainer.actor, slug);
      await worker.runOnce();
      await worker.runOnce();

      const hits = rx.at(pPub);
      assert.equal(hits.length, 1, 'exactly one delivery');
      const hit = hits[0]!;
      const [row] = await rowsOf(pub.id);
      assert.equal(row!.status, 'sent');
      assert.equal(row!.attempts, 1);
      assert.equal(row!.last_response, 'HTTP 200 ok');
      assert.equal(hit.headers['content-type'], 'application/json');
      assert.equal(hit.headers['user-agent'], 'Parley-Webhooks');
      assert.equal(hit.headers['x-parley-event'], 'advisory.published');
      assert.equal(hit.headers['x-parley-delivery'], row!.id);
      const body = JSON.parse(hit.body);
      assert.equal(body.event, 'advisory.published');
      assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'data', 'event', 'id', 'project']);
      assert.equal(body.project.slug, slug);
      assert.deepEqual(body.data, {
        uid: adv.uid,
        id: adv.id,
        title: adv.content.title,
        state: 'published',
        severity: 'high',
        url: `http://localhost:8080/advisories/${adv.id}`,
        revision: adv.revision,
      });

      const header = hit.headers['x-parley-signature'] as string;
      assert.equal(verify(pub.secret, header, hit.body), true, 'the documented recipe accepts it');
      assert.equal(verify(pub.secret, header, hit.body.replace('published', 'withdrawn')), false, 'tampered');
      const ts = Number(/t=(\d+)/.exec(header)![1]);
      assert.equal(verify(pub.secret, header, hit.body, ts + 301), false, 'too old: a replay');
      assert.equal(verify('whsec_wrong', header, hit.body), false, 'other secret');

      const drafts = rx.at(pDraft);
      assert.equal(drafts.length, 1);
      assert.equal(JSON.parse(drafts[0]!.body).data.url, `http://localhost:8080/team/advisories/${adv.uid}`);
      assert.equal(rx.at(pCase).length, 0, 'not subscribed to advisory events');
      assert.equal(rx.at(pOff).length, 0, 'inactive');
    });

    test('a 500 is retried and the second attempt is sent; 410 Gone fails at once', async () => {
      const { slug, pat, maintainer } = await team();
      const [flaky, gone] = [unique(), unique()];
      rx.plan.set(flaky, [500]);
      rx.plan.set(gone, [410]);
      const a = await addHook(slug, pat, { url: rx.url(flaky), events: ['advisory.published'] });
      const b = await addHook(slug, pat, { url: rx.url(gone), events: ['advisory.published'] });
      await publishedAdvisory(t.services, maintainer.actor, slug);

      await worker.runOnce();
      let [ra] = await rowsOf(a.id);
      assert.equal(ra!.status, 'pending');
      assert.equal(ra!.attempts, 1);
      assert.equal(ra!.last_response, 'HTTP 500 no 500');
      assert.ok(ra!.next_attempt_at! > ra!.last_attempt_at!, 'retried later, with backoff');
      const [rb] = await rowsOf(b.id);
      assert.equal(rb!.status, 'failed');
      assert.equal(rb!.attempts, 1);
      assert.equal(rb!.last_response, 'HTTP 410 no 410');

      skew += 2 * 60 * 60_000;
      await worker.runOnce();
      [ra] = await rowsOf(a.id);
      assert.equal(ra!.status, 'sent');
      assert.equal(ra!.attempts, 2);
      const hits = rx.at(flaky);
      assert.equal(hits.length, 2);
      assert.equal(hits[0]!.headers['x-parley-delivery'], hits[1]!.headers['x-parley-delivery']);
      assert.equal(rx.at(gone).length, 1, 'a dead letter is not tried again');

      const log = await call('GET', `/api/v1/projects/${slug}/webhooks/${a.id}/deliveries`, { token: pat });
      assert.equal(log.status, 200, log.body);
      assert.equal(log.json.total, 1);
      assert.equal(log.json.items[0].status, 'sent');
      assert.equal(log.json.items[0].attempts, 2);
      assert.equal(log.json.items[0].lastResponse, 'HTTP 200 ok');
    });

    test('the sender: 3xx and 4xx fail for good; 408, 429, 5xx, network errors and time-outs are retried', async () => {
      const { slug, pat, maintainer } = await team();
      const p = unique();
      const hook = await addHook(slug, pat, { url: rx.url(p), events: ['case.message'] });
      const sent = await t.services.webhooks.sendTest(maintainer.actor, slug, hook.id);
      const row = (await rowsOf(hook.id)).find((r) => r.id === sent.id)!;
      const sender = createWebhookSender({
        secretOf: (id) => t.services.webhooks.secretOf(id),
        allowPrivate: true,
        timeoutMs: 200,
      });
      const outcome = async (r: OutboxRow) => {
        try {
          return { ok: true, response: (await sender.deliver(r)).response };
        } catch (e) {
          assert.ok(e instanceof DeliveryError, String(e));
          return { ok: false, permanent: e.permanent, response: e.response };
        }
      };
      for (const [status, permanent] of [
        [301, true],
        [400, true],
        [404, true],
        [410, true],
        [408, false],
        [429, false],
        [500, false],
        [503, false],
      ] as const) {
        rx.plan.set(p, [status]);
        const o = await outcome(row);
        assert.equal(o.ok, false, `${status}`);
        assert.equal(o.permanent, permanent, `${status}`);
        assert.equal(o.response, `HTTP ${status} no ${status}`);
      }
      assert.deepEqual(await outcome(row), { ok: true, response: 'HTTP 200 ok' });

      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const refused = await outcome({ ...row, recipient_address: `http://127.0.0.1:${port}/x` });
      assert.equal(refused.ok, false);
      assert.equal(refused.permanent, false);
      assert.match(refused.response!, /^error: ECONNREFUSED/);

      const hung = await outcome({ ...row, recipient_address: rx.url('/hang') });
      assert.deepEqual(hung, { ok: false, permanent: false, response: 'error: timed out after 0.2 s' });

      for (const bad of ['ftp://127.0.0.1/x', 'http://u:p@127.0.0.1/x', 'not a url']) {
        const o = await outcome({ ...row, recipient_address: bad });
        assert.equal(o.permanent, true, bad);
      }
      assert.equal((await outcome({ ...row, source_id: 'no-such-hook' })).permanent, true);
    });

    test('slack format: a Slack incoming-webhook message', async () => {
      const { slug, pat, maintainer } = await team();
      const p = unique();
      await addHook(slug, pat, { url: rx.url(p), events: ['advisory.published'], format: 'slack' });
      const adv = await publishedAdvisory(t.services, maintainer.actor, slug);
      await worker.runOnce();
      const [hit] = rx.at(p);
      const body = JSON.parse(hit!.body);
      assert.deepEqual(Object.keys(body).sort(), ['blocks', 'text']);
      assert.equal(typeof body.text, 'string');
      assert.ok(
        body.text.includes(`<http://localhost:8080/advisories/${adv.id}|${adv.id}: ${adv.content.title}>`),
      );
      assert.match(body.text, /^\*Advisory published\*/);
      assert.equal(body.blocks[0].type, 'section');
      assert.equal(body.blocks[0].text.type, 'mrkdwn');
      assert.equal(body.blocks[0].text.text, body.text);
      assert.equal(hit!.headers['x-parley-event'], 'advisory.published');
    });

    test('the SSRF guard refuses loopback unless private addresses are allowed', async () => {
      const { slug, pat, maintainer } = await team();
      const [p1, p2] = [unique(), unique()];
      const byIp = await addHook(slug, pat, { url: rx.url(p1), events: ['case.message'] });
      const byName = await addHook(slug, pat, { url: rx.url(p2, 'localhost'), events: ['case.message'] });
      const strict = createWebhookSender({
        secretOf: (id) => t.services.webhooks.secretOf(id),
        allowPrivate: false,
      });
      for (const hook of [byIp, byName]) {
        const sent = await t.services.webhooks.sendTest(maintainer.actor, slug, hook.id);
        const row = (await rowsOf(hook.id)).find((r) => r.id === sent.id)!;
        await assert.rejects(strict.deliver(row), (e: unknown) => {
          assert.ok(e instanceof DeliveryError);
          assert.equal(e.permanent, true);
          assert.match(e.message, /private address/);
          assert.match(e.response ?? '', /^refused: /);
          return true;
        });
      }
      assert.equal(rx.at(p1).length + rx.at(p2).length, 0, 'nothing reached the receiver');
      // The same rows go through when private addresses are allowed (the test instance's setting).
      await worker.runOnce();
      assert.equal(rx.at(p1).length, 1);
      assert.equal(rx.at(p2).length, 1);
    });

    test('rotate the secret, send a test, redeliver, delete', async () => {
      const { slug, pat } = await team();
      const p = unique();
      const hook = await addHook(slug, pat, { url: rx.url(p), events: ['advisory.published'] });
      const base = `/api/v1/projects/${slug}/webhooks/${hook.id}`;
      const rotated = await call('POST', `${base}/rotate-secret`, { token: pat });
      assert.equal(rotated.status, 200, rotated.body);
      const secret = rotated.json.secret as string;
      assert.notEqual(secret, hook.secret);

      const ping = await call('POST', `${base}/test`, { token: pat });
      assert.equal(ping.status, 202, ping.body);
      assert.equal(ping.json.event, 'ping');
      assert.equal(ping.json.status, 'pending');
      await worker.runOnce();
      const [hit] = rx.at(p);
      assert.equal(hit!.headers['x-parley-event'], 'ping');
      assert.equal(JSON.parse(hit!.body).event, 'ping');
      const sig = hit!.headers['x-parley-signature'] as string;
      assert.equal(verify(secret, sig, hit!.body), true, 'signed with the new secret');
      assert.equal(verify(hook.secret, sig, hit!.body), false, 'not with the old one');

      const again = await call('POST', `${base}/deliveries/${ping.json.id}/redeliver`, { token: pat });
      assert.equal(again.status, 202, again.body);
      assert.notEqual(again.json.id, ping.json.id);
      assert.equal(again.json.body, ping.json.body);
      const third = await call('POST', `${base}/deliveries/${ping.json.id}/redeliver`, { token: pat });
      const keys = (await rowsOf(hook.id)).map((r) => r.dedupe_key).filter((k) => k.startsWith('redeliver:'));
      assert.deepEqual(keys.sort(), [`redeliver:${ping.json.id}:1`, `redeliver:${ping.json.id}:2`]);
      await worker.runOnce();
      const hits = rx.at(p);
      assert.equal(hits.length, 3);
      assert.deepEqual(new Set(hits.map((h) => h.body)).size, 1, 'the same body each time');
      assert.deepEqual(
        new Set(hits.map((h) => h.headers['x-parley-delivery'])),
        new Set([ping.json.id, again.json.id, third.json.id]),
        'a new delivery id each time',
      );
      assertProblem(
        await call(
          'POST',
          `/api/v1/projects/${w.project.slug}/webhooks/${hook.id}/deliveries/${ping.json.id}/redeliver`,
          {
            token: pat,
          },
        ),
        404,
      );

      // A deleted hook's queued delivery fails for good.
      const queued = await call('POST', `${base}/test`, { token: pat });
      assert.equal((await call('DELETE', base, { token: pat })).status, 204);
      await worker.runOnce();
      const dead = (await rowsOf(hook.id)).find((r) => r.id === queued.json.id)!;
      assert.equal(dead.status, 'failed');
      assert.equal(rx.at(p).length, 3);
    });

    test('service access: maintainers and admins; responders refused; others see nothing', async () => {
      const s = t.services.webhooks;
      const slug = w.project.slug;
      const created = await s.create(w.maintainer.actor, slug, {
        url: rx.url('/acl'),
        events: ['case.updated'],
      });
      const id = created.webhook.id;
      const otherMaintainer = await makeMember(t.services, w.other.slug, 'maintainer');
      const calls: Array<[string, (a: Actor) => Promise<unknown>]> = [
        ['list', (a) => s.list(a, slug)],
        ['create', (a) => s.create(a, slug, { url: rx.url('/acl2'), events: ['case.updated'] })],
        ['update', (a) => s.update(a, slug, id, { description: 'x' })],
        ['rotateSecret', (a) => s.rotateSecret(a, slug, id)],
        ['deliveries', (a) => s.deliveries(a, slug, id)],
        ['sendTest', (a) => s.sendTest(a, slug, id)],
      ];
      const outcomes: Array<[string, Actor, RegExp | null]> = [
        ['maintainer', w.maintainer.actor, null],
        ['admin', w.admin.actor, null],
        ['responder', w.responder.actor, /ForbiddenError/],
        ['other project maintainer', otherMaintainer.actor, /NotFoundError/],
        ['other project responder', w.outsider.actor, /NotFoundError/],
        ['anonymous', { kind: 'anonymous' }, /UnauthenticatedError/],
        ['reporter', w.caseA.reporter, /UnauthenticatedError/],
      ];
      for (const [who, actor, refused] of outcomes) {
        for (const [name, run] of calls) {
          if (refused) {
            await assert.rejects(run(actor), (e: unknown) => {
              assert.match((e as Error).constructor.name, refused, `${who} ${name}`);
              return true;
            });
          } else await run(actor);
        }
      }
      const ping = (await s.deliveries(w.maintainer.actor, slug, id)).items[0]!;
      await assert.rejects(s.redeliver(w.responder.actor, slug, ping.id), /Only a maintainer/);
      await assert.rejects(s.redeliver(otherMaintainer.actor, w.other.slug, ping.id), /No such delivery/);
      await s.redeliver(w.admin.actor, slug, ping.id);
      await assert.rejects(s.delete(w.responder.actor, slug, id), /Only a maintainer/);
      await assert.rejects(s.delete(otherMaintainer.actor, w.other.slug, id), /No such webhook/);
      await s.delete(w.admin.actor, slug, id);
    });

    test('pages: add a hook by form, secret shown once, delivery log with redelivery', async () => {
      const { slug, maintainer } = await team();
      const browser = new PageClient(t.app);
      await browser.login(maintainer.email, PASSWORD);
      const listUrl = `/p/${slug}/settings/webhooks`;
      const settings = await browser.get(`/p/${slug}/settings`);
      assert.ok(settings.body.includes(`href="${listUrl}"`), 'linked from the settings page');
      const list = await browser.get(listUrl);
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /No webhooks yet/);

      // Several events arrive as a repeated field.
      const p = unique();
      const form = new URLSearchParams([
        ['_csrf', csrfToken(list.body)!],
        ['url', rx.url(p)],
        ['description', 'Release bot'],
        ['events', 'advisory.draft'],
        ['events', 'advisory.published'],
        ['format', 'parley'],
        ['active', '1'],
      ]);
      const cookie = (browser as unknown as { cookieHeader(): string }).cookieHeader();
      const created = await t.app.inject({
        method: 'POST',
        url: listUrl,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: form.toString(),
      });
      assert.equal(created.statusCode, 200, created.body.slice(0, 500));
      const secret = /<code class="secret">(whsec_[^<]+)<\/code>/.exec(created.body)?.[1];
      assert.ok(secret, 'the secret is shown after creating');
      const [hook] = await t.services.webhooks.list(maintainer.actor, slug);
      assert.deepEqual(hook!.events, ['advisory.draft', 'advisory.published']);
      assert.equal(hook!.description, 'Release bot');
      const hookUrl = `${listUrl}/${hook!.id}`;

      const bad = await browser.post(listUrl, { url: 'not a url' }, { csrfFrom: listUrl });
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /Enter an http/);

      await publishedAdvisory(t.services, maintainer.actor, slug);
      rx.plan.set(p, [503]);
      await worker.runOnce();
      const page = await browser.get(hookUrl);
      assert.equal(page.statusCode, 200);
      assert.ok(!page.body.includes(secret), 'not shown again');
      const rows = page.body.match(/<tr id="delivery-/g) ?? [];
      assert.equal(rows.length, 2);
      assert.match(page.body, /advisory\.published/);
      assert.match(page.body, /advisory\.draft/);
      assert.match(page.body, /HTTP 503 no 503/);
      assert.match(page.body, /delivery-pending">pending</);
      assert.match(page.body, /delivery-sent">sent</);
      assert.match(page.body, /Redeliver/);

      const [first] = await rowsOf(hook!.id);
      const re = await browser.post(
        `${hookUrl}/deliveries/${first!.id}/redeliver`,
        {},
        { csrfFrom: hookUrl },
      );
      assert.equal(re.statusCode, 303);
      assert.equal((await rowsOf(hook!.id)).length, 3);
      const noCsrf = await browser.post(`${hookUrl}/test`, {}, { csrf: null });
      assert.equal(noCsrf.statusCode, 403);

      const rotated = await browser.post(`${hookUrl}/rotate`, {}, { csrfFrom: hookUrl });
      assert.equal(rotated.statusCode, 200);
      const newSecret = /<code class="secret">(whsec_[^<]+)<\/code>/.exec(rotated.body)?.[1];
      assert.ok(newSecret && newSecret !== secret);
      assert.equal(await t.services.webhooks.secretOf(hook!.id), newSecret);

      const edited = await browser.post(
        hookUrl,
        { url: rx.url(p), events: 'case.message' },
        { csrfFrom: hookUrl },
      );
      assert.equal(edited.statusCode, 303);
      const after = await t.services.webhooks.get(maintainer.actor, slug, hook!.id);
      assert.deepEqual(after.events, ['case.message']);
      assert.equal(after.active, false, 'an unticked box is off');

      const responder = await makeMember(t.services, slug, 'responder');
      const other = new PageClient(t.app);
      await other.login(responder.email, PASSWORD);
      assert.equal((await other.get(hookUrl)).statusCode, 403);
      const outsider = new PageClient(t.app);
      await outsider.login(w.outsider.email, PASSWORD);
      assert.equal((await outsider.get(listUrl)).statusCode, 404);

      const gone = await browser.post(`${hookUrl}/delete`, {}, { csrfFrom: hookUrl });
      assert.equal(gone.statusCode, 303);
      assert.equal((await browser.get(hookUrl)).statusCode, 404);
    });
  });

  describe(`advisory webhook events (${dialect})`, () => {
    test('draft, scheduled, published by the job, withdrawn: one delivery each, in order', async () => {
      const clock = manualClock('2026-03-02T08:00:00.000Z', 1);
      const ts = await createTestServices(dialect, { clock });
      try {
        const s = ts.services;
        const project = await makeProject(s);
        const maintainer = await makeMember(s, project.slug, 'maintainer');
        const { id: projectId } = await ts.tdb.handle.db
          .selectFrom('projects')
          .select('id')
          .where('slug', '=', project.slug)
          .executeTakeFirstOrThrow();
        const { webhook } = await s.webhooks.create(maintainer.actor, project.slug, {
          url: 'https://hooks.example.org/parley',
          events: ADVISORY_EVENTS,
        });
        const slackHook = await s.webhooks.create(maintainer.actor, project.slug, {
          url: 'https://hooks.slack.example/T0/B0',
          events: ['advisory.published'],
          format: 'slack',
        });
        const draft = await s.advisories.create(maintainer.actor, project.slug, {
          content: advisoryContent(),
        });
        await s.publishing.schedule(maintainer.actor, draft.uid, { at: '2026-03-02T10:00', zone: 'UTC' });
        clock.advance(3 * 60 * 60_000);
        const published = await s.publishing.publishDue();
        assert.equal(published.length, 1);
        assert.deepEqual(await s.publishing.publishDue(), [], 'nothing is due twice');
        const id = published[0]!;
        await s.publishing.withdraw(maintainer.actor, id, { reason: 'Not a vulnerability after all.' });

        const rows = await ts.tdb.handle.db
          .selectFrom('outbox')
          .selectAll()
          .where('source_id', '=', webhook.id)
          .orderBy('created_at')
          .execute();
        assert.deepEqual(
          rows.map((r) => r.kind),
          ADVISORY_EVENTS,
        );
        const data = rows.map((r) => JSON.parse(r.body).data);
        const team = `http://localhost:8080/team/advisories/${draft.uid}`;
        const pub = `http://localhost:8080/advisories/${id}`;
        assert.deepEqual(
          data.map((d) => [d.state, d.id, d.url]),
          [
            ['draft', null, team],
            ['scheduled', null, team],
            ['published', id, pub],
            ['withdrawn', id, pub],
          ],
        );
        assert.equal(data[1].scheduledFor, '2026-03-02T10:00:00.000Z');
        assert.equal(data[3].withdrawnReason, 'Not a vulnerability after all.');
        assert.ok(rows.every((r) => r.project_id === projectId && r.status === 'pending'));
        assert.equal(
          rows[2]!.dedupe_key,
          `advisory:${draft.uid}:published:${data[2].revision}:${webhook.id}`,
        );

        // One event, one body per format: the Slack hook's row holds a Slack message.
        const slackRows = await ts.tdb.handle.db
          .selectFrom('outbox')
          .selectAll()
          .where('source_id', '=', slackHook.webhook.id)
          .execute();
        assert.equal(slackRows.length, 1);
        assert.ok(JSON.parse(slackRows[0]!.body).blocks);

        // Emitting the same occurrence again queues nothing.
        const again = await emitWebhook(ts.tdb.handle.db, s.deps, {
          projectId,
          event: 'advisory.published',
          data: {},
          dedupeKey: `advisory:${draft.uid}:published:${data[2].revision}`,
        });
        assert.equal(again, 0);
      } finally {
        await ts.close();
      }
    });
  });
}
