// The session list (revoke one, sign out everywhere else) and personal API tokens with scopes and
// expiry, on both dialects: created on /account/tokens (secret shown once), enforced on the API
// (403 insufficient-scope naming the scope; 401 once expired or revoked), audited.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dialects } from '../helpers/db.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { PageClient, csrfToken } from '../helpers/page-client.ts';
import { apiClient, assertProblem, type Call } from '../helpers/api.ts';
import { makeWorld, PASSWORD } from '../helpers/factories.ts';
import { requiredScope } from '../../src/domain/token-scopes.ts';
import { parseExpiry } from '../../src/cli/commands/token.command.ts';

test('requiredScope: reads, writes by default, publishing actions, read-only POSTs', () => {
  assert.equal(requiredScope('GET', '/api/v1/reports'), 'read');
  assert.equal(requiredScope('HEAD', '/api/v1/reports'), 'read');
  assert.equal(requiredScope('POST', '/api/v1/reports/:id/messages'), 'write');
  assert.equal(requiredScope('PATCH', '/api/v1/reports/:id'), 'write');
  assert.equal(requiredScope('DELETE', '/api/v1/anything-new'), 'write', 'a new route is write by default');
  assert.equal(requiredScope('POST', undefined), 'write');
  for (const a of ['publish', 'schedule', 'unschedule', 'withdraw'])
    assert.equal(requiredScope('POST', `/api/v1/advisories/:ref/${a}`), 'publish');
  assert.equal(requiredScope('POST', '/v1/querybatch'), 'read');
  assert.equal(requiredScope('POST', '/api/v1/projects/:slug/policy/preview'), 'read');
});

test('parseExpiry: days, dates, never; the default is 90 days', () => {
  const now = new Date('2026-06-01T12:00:00.000Z');
  assert.equal(parseExpiry(undefined, now)?.toISOString(), '2026-08-30T12:00:00.000Z');
  assert.equal(parseExpiry('30', now)?.toISOString(), '2026-07-01T12:00:00.000Z');
  assert.equal(parseExpiry('7d', now)?.toISOString(), '2026-06-08T12:00:00.000Z');
  assert.equal(parseExpiry('2027-01-31', now)?.toISOString(), '2027-01-31T23:59:59.999Z');
  assert.equal(parseExpiry('never', now), null);
  for (const bad of ['0', '-3', 'soon', '2027-02-30', '1e3'])
    assert.throws(() => parseExpiry(bad, now), { code: 'validation-error' }, bad);
});

test('parley token create --scopes --expires, as an operator runs it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-tokens-'));
  const env = { ...process.env, PARLEY_DATA_DIR: dir, DATABASE_URL: '' };
  const parley = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [path.resolve('bin/parley.js'), ...args], {
      env,
      input,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  try {
    const admin = parley(
      ['admin', 'create', '--email', 'ops@example.org', '--password-stdin'],
      PASSWORD + '\n',
    );
    assert.equal(admin.code, 0, admin.err);
    const t = parley([
      'token',
      'create',
      '--email',
      'ops@example.org',
      '--name',
      'ci',
      '--scopes',
      'read,publish',
      '--expires',
      '30d',
      '--json',
    ]);
    assert.equal(t.code, 0, t.err);
    const out = JSON.parse(t.out);
    assert.match(out.token, /^pat_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(out.scopes, ['read', 'publish']);
    const days = (Date.parse(out.expiresAt) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30);
    const never = JSON.parse(
      parley(['token', 'create', '--email', 'ops@example.org', '--name', 'n', '--expires', 'never', '--json'])
        .out,
    );
    assert.equal(never.expiresAt, null);
    assert.deepEqual(never.scopes, ['read', 'write', 'publish'], 'no --scopes: every scope, as before');
    const bad = parley(['token', 'create', '--email', 'ops@example.org', '--name', 'x', '--scopes', 'root']);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /Unknown scope: root/);
    const badDate = parley([
      'token',
      'create',
      '--email',
      'ops@example.org',
      '--name',
      'x',
      '--expires',
      'soon',
    ]);
    assert.equal(badDate.code, 1);
    assert.match(badDate.err, /--expires/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const dialect of dialects()) {
  describe(`sessions and API tokens (${dialect})`, () => {
    let t: TestApp;
    let call: Call;
    let world: Awaited<ReturnType<typeof makeWorld>>;
    before(async () => {
      t = await createTestApp(dialect);
      call = apiClient(t.app);
      world = await makeWorld(t.services);
    });
    after(() => t.close());
    const db = () => t.tdb.handle.db;

    test('the session list marks this session; revoke one; sign out everywhere else', async () => {
      const email = world.responder.email;
      const a = new PageClient(t.app);
      const b = new PageClient(t.app);
      const c = new PageClient(t.app);
      for (const x of [a, b, c]) await x.login(email, PASSWORD);
      const page = await a.get('/account/security');
      assert.equal(page.statusCode, 200);
      const rows = page.body.match(/\/account\/security\/sessions\/[0-9a-f]{32}\/revoke/g) ?? [];
      assert.ok(rows.length >= 3);
      assert.equal((page.body.match(/this session/g) ?? []).length, 1);
      assert.ok(!/[0-9a-f]{64}/.test(page.body), 'no session digest on the page');

      // Revoke b's session from a: b is signed out, a and c are not.
      const bHandle = await t.services.sessions
        .list({ kind: 'user', user: world.responder.user, via: 'session' }, 'unknown')
        .then((l) => l.map((s) => s.handle));
      const aPage = await a.get('/account/security');
      const current =
        /<tr><td>[^<]*<span class="badge">this session<\/span>.*?sessions\/([0-9a-f]{32})\/revoke/s.exec(
          aPage.body,
        );
      const aHandle = current?.[1];
      assert.ok(aHandle);
      const bHome = await b.get('/account/security');
      const bHandleOwn = /<span class="badge">this session<\/span>.*?sessions\/([0-9a-f]{32})\/revoke/s.exec(
        bHome.body,
      )![1]!;
      assert.ok(bHandle.includes(bHandleOwn));
      const r = await a.post(
        `/account/security/sessions/${bHandleOwn}/revoke`,
        {},
        { csrf: csrfToken(aPage.body) },
      );
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/account/security?done=session-revoked');
      assert.equal((await b.get('/inbox')).statusCode, 303, 'b is signed out');
      assert.equal((await c.get('/inbox')).statusCode, 200);

      // Another account's session handle cannot be revoked from here.
      const other = new PageClient(t.app);
      await other.login(world.outsider.email, PASSWORD);
      const otherPage = await other.get('/account/security');
      const otherHandle = /sessions\/([0-9a-f]{32})\/revoke/.exec(otherPage.body)![1]!;
      const cross = await a.post(
        `/account/security/sessions/${otherHandle}/revoke`,
        {},
        { csrfFrom: '/account/security' },
      );
      assert.equal(cross.statusCode, 404);
      assert.equal((await other.get('/inbox')).statusCode, 200);

      const all = await a.post(
        '/account/security/sessions/revoke-others',
        {},
        { csrfFrom: '/account/security' },
      );
      assert.equal(all.statusCode, 303);
      assert.equal((await c.get('/inbox')).statusCode, 303, 'c is signed out');
      assert.equal((await a.get('/inbox')).statusCode, 200, 'a stays');
      const audit = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'account.session-revoked')
        .where('actor_user_id', '=', world.responder.user.id)
        .execute();
      assert.equal(audit.length, 2);
      assert.ok(JSON.parse(audit[1]!.data).others >= 1);
    });

    test('tokens: created on the page with scopes and expiry, shown once, enforced on the API', async () => {
      const m = new PageClient(t.app);
      await m.login(world.maintainer.email, PASSWORD);
      const form = await m.get('/account/tokens');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<option value="90" selected/);
      const none = await m.post('/account/tokens', { name: 'ci' }, { csrf: csrfToken(form.body) });
      assert.equal(none.statusCode, 422, 'no scope chosen');
      assert.match(none.body, /Choose at least one scope/);

      const created = await m.post(
        '/account/tokens',
        { name: 'reader', scopes: 'read', days: '30' },
        { csrfFrom: '/account/tokens' },
      );
      assert.equal(created.statusCode, 200);
      const reader = /(pat_[A-Za-z0-9_-]{43})/.exec(created.body)![1]!;
      assert.ok(!(await m.get('/account/tokens')).body.includes(reader), 'the secret is shown once');
      const row = await db()
        .selectFrom('api_tokens')
        .selectAll()
        .where('name', '=', 'reader')
        .executeTakeFirstOrThrow();
      assert.equal(row.scopes, 'read');
      const days = (Date.parse(row.expires_at!) - Date.now()) / 86_400_000;
      assert.ok(days > 29.9 && days <= 30, `expires in 30 days (${days})`);

      // Scopes: read may read (and POST an OSV query), nothing more; the 403 names the scope.
      assert.equal((await call('GET', '/api/v1/reports', { token: reader })).status, 200);
      assert.equal(
        (
          await call('POST', '/v1/query', {
            token: reader,
            body: { package: { name: 'x', ecosystem: 'npm' } },
          })
        ).status,
        200,
      );
      const denied = assertProblem(
        await call('POST', `/api/v1/reports/${world.caseA.id}/messages`, {
          token: reader,
          body: { body: 'hi' },
        }),
        403,
        'insufficient-scope',
      );
      assert.match(denied.detail, /"write"/);

      const writer = (
        await t.services.apiTokens.create(world.maintainer.actor, {
          name: 'writer',
          scopes: ['read', 'write'],
        })
      ).token;
      assert.equal(
        (
          await call('POST', `/api/v1/reports/${world.caseA.id}/messages`, {
            token: writer,
            body: { body: 'hi' },
          })
        ).status,
        201,
      );
      const draft = await t.services.advisories.create(world.maintainer.actor, world.project.slug, {
        content: { title: 'Draft' },
      });
      const p = assertProblem(
        await call('POST', `/api/v1/advisories/${draft.uid}/publish`, { token: writer }),
        403,
        'insufficient-scope',
      );
      assert.match(p.detail, /"publish"/);
      const publisher = (
        await t.services.apiTokens.create(world.maintainer.actor, { name: 'pub', scopes: 'read,publish' })
      ).token;
      const pub = await call('POST', `/api/v1/advisories/${draft.uid}/publish`, { token: publisher });
      assert.notEqual(pub.json?.type, 'urn:parley:problem:insufficient-scope', 'the scope check passes');

      // Listed with last use; revoked tokens are refused with 401.
      const list = await m.get('/account/tokens');
      assert.match(list.body, /reader/);
      assert.match(list.body, new RegExp(new Date().toISOString().slice(0, 10)), 'last used today');
      const id = row.id;
      const rv = await m.post(`/account/tokens/${id}/revoke`, {}, { csrf: csrfToken(list.body) });
      assert.equal(rv.statusCode, 303);
      assertProblem(await call('GET', '/api/v1/reports', { token: reader }), 401, 'unauthenticated');
      // Expired: 401 too.
      await db()
        .updateTable('api_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('name', '=', 'writer')
        .execute();
      assertProblem(await call('GET', '/api/v1/reports', { token: writer }), 401, 'unauthenticated');

      // Only the owner revokes; a token cannot create tokens.
      await assert.rejects(t.services.apiTokens.revoke(world.responder.actor, id), { code: 'not-found' });
      await assert.rejects(
        t.services.apiTokens.create(
          {
            kind: 'user',
            user: world.maintainer.user,
            via: 'api-token',
            scopes: ['read', 'write', 'publish'],
          },
          { name: 'x', scopes: 'read' },
        ),
        { code: 'forbidden' },
      );
      for (const days of ['0', '366', 'soon'])
        await assert.rejects(
          t.services.apiTokens.create(world.maintainer.actor, { name: 'x', scopes: 'read', days }),
          {
            code: 'validation-error',
          },
        );

      const audit = await db()
        .selectFrom('audit_log')
        .select(['action', 'data'])
        .where('actor_user_id', '=', world.maintainer.user.id)
        .where('action', 'in', ['account.token-created', 'account.token-revoked'])
        .execute();
      assert.equal(audit.filter((a) => a.action === 'account.token-created').length, 3);
      assert.equal(audit.filter((a) => a.action === 'account.token-revoked').length, 1);
      assert.ok(!JSON.stringify(audit).includes('pat_'), 'no secret in the audit log');
    });

    test('a CLI token without options keeps full access and lasts 90 days', async () => {
      const tok = await t.services.auth.createApiToken(world.admin.email, 'cli');
      assert.deepEqual(tok.scopes, ['read', 'write', 'publish']);
      const days = (Date.parse(tok.expiresAt!) - Date.now()) / 86_400_000;
      assert.ok(days > 89.9 && days <= 90);
      const never = await t.services.auth.createApiToken(world.admin.email, 'forever', {
        expiresAt: null,
        scopes: 'read',
      });
      assert.equal(never.expiresAt, null);
      assert.deepEqual(never.scopes, ['read']);
      await assert.rejects(
        t.services.auth.createApiToken(world.admin.email, 'bad', { scopes: 'read,admin' }),
        {
          code: 'validation-error',
        },
      );
    });
  });
}
