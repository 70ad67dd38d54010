// The audit log's edges on both databases: the admin page /admin/audit (GET filters without
// JavaScript, paging by id, refused to non-admins), GET /api/v1/audit with the same filters, the
// request's address recorded for an action taken through a page, and `parley audit verify|list` as
// an operator runs them — exit 0 on an intact log, exit 2 naming the first broken entry once the
// database has been tampered with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { dialects, createTestDatabase } from '../helpers/db.ts';
import { createTestApp } from '../helpers/app.ts';
import { PageClient } from '../helpers/page-client.ts';
import { apiClient, assertFieldErrors, assertProblem, patFor } from '../helpers/api.ts';
import { makeWorld, PASSWORD } from '../helpers/factories.ts';
import { recordAudit } from '../../src/services/audit/audit-log.ts';
import { openDatabase } from '../../src/storage/db.ts';

const bin = path.resolve('bin/parley.js');

function rowIds(html: string): number[] {
  return [...html.matchAll(/<tr id="a-(\d+)"/g)].map((m) => Number(m[1]));
}

function parley(args: string[], env: Record<string, string>, input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

for (const dialect of dialects()) {
  test(`audit log page and API (${dialect})`, async (tt) => {
    const t = await createTestApp(dialect);
    const s = t.services;
    try {
      const w = await makeWorld(s);
      await s.cases.transition(w.responder.actor, { id: w.caseA.id }, { to: 'acknowledged' });
      // Enough entries for more than one page.
      for (let i = 0; i < 55; i++)
        await recordAudit(t.tdb.handle.db, s.deps, {
          action: 'project.settings-changed',
          actor: 'system',
          target: `filler ${i}`,
        });

      const admin = new PageClient(t.app);
      await admin.login(w.admin.email, PASSWORD);
      const maintainer = new PageClient(t.app);
      await maintainer.login(w.maintainer.email, PASSWORD);

      await tt.test('refused to anyone but instance admins', async () => {
        const anon = await new PageClient(t.app).get('/admin/audit');
        assert.equal(anon.statusCode, 303);
        assert.match(String(anon.headers.location), /^\/login\?next=/);
        assert.equal((await maintainer.get('/admin/audit')).statusCode, 403);
        assert.doesNotMatch((await maintainer.get('/inbox')).body, /href="\/admin\/audit"/);
        assert.match((await admin.get('/inbox')).body, /href="\/admin\/audit"/);
      });

      await tt.test('an action taken through a page records the request address', async () => {
        const res = await maintainer.post(
          `/p/${w.project.slug}/settings/members`,
          { email: 'page-added@example.org', role: 'responder' },
          { csrfFrom: `/p/${w.project.slug}/settings` },
        );
        assert.equal(res.statusCode, 200, res.body.slice(0, 300));
        const e = await t.tdb.handle.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'team.member-added')
          .where('target', '=', 'page-added@example.org')
          .executeTakeFirstOrThrow();
        assert.equal(e.ip, '127.0.0.1');
        assert.equal(e.actor_user_id, w.maintainer.user.id);
      });

      await tt.test('newest first, paging to older and back by id, the head shown', async () => {
        const first = await admin.get('/admin/audit');
        assert.equal(first.statusCode, 200);
        const ids = rowIds(first.body);
        assert.equal(ids.length, 50);
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => b - a),
        );
        const head = await s.audit.head(w.admin.actor);
        assert.equal(ids[0], head!.id);
        assert.match(first.body, new RegExp(`<code id="audit-head">${head!.id}:${head!.hash}</code>`));
        const older = /href="(\/admin\/audit\?before=\d+)"/.exec(first.body)?.[1];
        assert.ok(older, 'an Older link');
        const second = await admin.get(older);
        const ids2 = rowIds(second.body);
        assert.ok(ids2.length > 0);
        assert.ok(Math.max(...ids2) < Math.min(...ids), 'strictly older');
        const total = await t.tdb.handle.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(ids.length + ids2.length, Number(total.n));
        assert.doesNotMatch(second.body, /Older →/, 'no older page after the last');
        const newer = /href="(\/admin\/audit\?after=\d+)"/.exec(second.body.replaceAll('&amp;', '&'))?.[1];
        assert.ok(newer, 'a Newer link');
        assert.deepEqual(rowIds((await admin.get(newer)).body), ids);
      });

      await tt.test(
        'filters: action group, actor, project, case, dates; kept in the paging links',
        async () => {
          const team = rowIds((await admin.get('/admin/audit?action=team.*')).body);
          const teamRows = await t.tdb.handle.db
            .selectFrom('audit_log')
            .select('id')
            .where('action', 'like', 'team.%')
            .orderBy('id', 'desc')
            .execute();
          assert.deepEqual(
            team,
            teamRows.map((r) => r.id),
          );
          const byActor = await admin.get(`/admin/audit?actor=${encodeURIComponent(w.responder.email)}`);
          assert.match(byActor.body, /case\.state-changed/);
          assert.equal(rowIds(byActor.body).length, 1);
          const byCase = await admin.get(`/admin/audit?case=${w.caseA.key.toLowerCase()}`);
          assert.equal(rowIds(byCase.body).length, 1);
          assert.match(byCase.body, new RegExp(`href="/cases/${w.caseA.key}"`));
          const byProject = rowIds((await admin.get(`/admin/audit?project=${w.other.slug}`)).body);
          assert.ok(byProject.length >= 2, 'created and its responder added');
          const today = new Date().toISOString().slice(0, 10);
          const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
          assert.equal(rowIds((await admin.get(`/admin/audit?from=${tomorrow}`)).body).length, 0);
          assert.equal(rowIds((await admin.get(`/admin/audit?to=${today}&action=case.*`)).body).length, 1);
          const filler = await admin.get('/admin/audit?action=project.settings-changed');
          const link = /href="(\/admin\/audit\?[^"]*before=\d+)"/.exec(
            filler.body.replaceAll('&amp;', '&'),
          )?.[1];
          assert.ok(link);
          assert.match(link, /action=project.settings-changed/);
          const next = await admin.get(link);
          assert.ok(rowIds(next.body).length === 5);
          assert.doesNotMatch(next.body, /<td>team\.member-added<\/td>/);
        },
      );

      await tt.test('invalid filters re-render the form with their errors (422)', async () => {
        const res = await admin.get('/admin/audit?project=nope&from=someday&case=X-1');
        assert.equal(res.statusCode, 422);
        assert.match(res.body, /No project has this slug/);
        assert.match(res.body, /No case has this key/);
        assert.match(res.body, /A date \(2026-11-27\)/);
        assert.match(res.body, /value="nope"/);
      });

      const api = apiClient(t.app);
      const adminToken = await patFor(s, w.admin.email);
      const userToken = await patFor(s, w.maintainer.email);

      await tt.test('GET /api/v1/audit: admins only, same filters, cursor paging', async () => {
        assertProblem(await api('GET', '/api/v1/audit'), 401);
        assertProblem(await api('GET', '/api/v1/audit', { token: userToken }), 403, 'forbidden');
        const r = await api('GET', `/api/v1/audit?case=${w.caseA.key}`, { token: adminToken });
        assert.equal(r.status, 200, r.body);
        assert.equal(r.json.items.length, 1);
        const e = r.json.items[0];
        assert.equal(e.action, 'case.state-changed');
        assert.deepEqual(e.case, { id: w.caseA.id, key: w.caseA.key });
        assert.equal(e.project.slug, w.project.slug);
        assert.equal(e.actor.label, w.responder.email);
        assert.deepEqual(e.data, { from: 'new', to: 'acknowledged' });
        assert.match(e.hash, /^[0-9a-f]{64}$/);
        const p1 = await api('GET', '/api/v1/audit?action=team&limit=2', { token: adminToken });
        assert.equal(p1.json.items.length, 2);
        assert.ok(p1.json.items.every((x: { action: string }) => x.action.startsWith('team.')));
        assert.equal(p1.json.newer, null);
        const p2 = await api('GET', `/api/v1/audit?action=team&limit=2&before=${p1.json.older}`, {
          token: adminToken,
        });
        assert.ok(p2.json.items[0].id < p1.json.items[1].id);
        assert.equal(p2.json.newer, p2.json.items[0].id);
        assertFieldErrors(await api('GET', '/api/v1/audit?project=nope', { token: adminToken }), ['project']);
        assertFieldErrors(await api('GET', '/api/v1/audit?before=1&after=2', { token: adminToken }), [
          'after',
        ]);
        assertProblem(await api('GET', '/api/v1/audit?limit=500', { token: adminToken }), 422);
        const doc = await api('GET', '/api/openapi.json');
        assert.ok(doc.json.paths['/api/v1/audit'].get);
      });
    } finally {
      await t.close();
    }
  });

  test(`parley audit verify and list (${dialect})`, async () => {
    const tdb = await createTestDatabase(dialect, { migrate: false });
    const env = { PARLEY_DATA_DIR: tdb.dataDir, DATABASE_URL: tdb.databaseUrl ?? '' };
    const open = () =>
      openDatabase({ databaseUrl: tdb.databaseUrl, sqlitePath: path.join(tdb.dataDir, 'parley.db') });
    try {
      await tdb.handle.close();
      assert.equal(parley(['migrate'], env).code, 0);
      const admin = parley(
        ['admin', 'create', '--email', 'root@example.org', '--password-stdin'],
        env,
        'a sufficiently long password\n',
      );
      assert.equal(admin.code, 0, admin.err);
      const proj = parley(
        ['project', 'create', '--slug', 'conure', '--name', 'Conure', '--maintainer', 'root@example.org'],
        env,
      );
      assert.equal(proj.code, 0, proj.err);

      const ok = parley(['audit', 'verify'], env);
      assert.equal(ok.code, 0, ok.err);
      assert.match(ok.out, /Audit log intact: 3 entries checked/);
      const head = /Head: (\d+:[0-9a-f]{64})/.exec(ok.out)?.[1];
      assert.ok(head, ok.out);
      assert.equal(parley(['audit', 'verify', '--expect', head], env).code, 0);
      const okJson = JSON.parse(parley(['audit', 'verify', '--json'], env).out);
      assert.equal(okJson.ok, true);
      assert.equal(`${okJson.head.id}:${okJson.head.hash}`, head);

      const list = parley(['audit', 'list', '--json'], env);
      assert.equal(list.code, 0, list.err);
      const items = JSON.parse(list.out).items as Array<{ id: number; action: string }>;
      assert.deepEqual(
        items.map((i) => i.action),
        ['team.member-added', 'project.created', 'admin.created'],
      );
      const text = parley(['audit', 'list', '--project', 'conure', '--action', 'team.*'], env);
      assert.match(text.out, /team\.member-added {2}system/);
      assert.equal(text.out.trim().split('\n').length, 1);
      assert.match(
        parley(['audit', 'list', '--project', 'nope'], env).err,
        /project: No project has this slug/,
      );
      const bad = parley(['audit', 'verify', '--expect', 'nonsense'], env);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /expect: Give ID:HASH/);

      // Tamper: change who created the project.
      const middle = items[1]!;
      const h = open();
      await h.db
        .updateTable('audit_log')
        .set({ actor_label: 'nobody' })
        .where('id', '=', middle.id)
        .execute();
      const broken = parley(['audit', 'verify'], env);
      assert.equal(broken.code, 2);
      assert.match(
        broken.err,
        new RegExp(
          `BROKEN at entry #${middle.id} \\(\\d{4}-\\d\\d-\\d\\dT[^,]+, project\\.created\\): hash-mismatch`,
        ),
      );
      const brokenJson = parley(['audit', 'verify', '--json'], env);
      assert.equal(brokenJson.code, 2);
      const bj = JSON.parse(brokenJson.out);
      assert.equal(bj.ok, false);
      assert.equal(bj.firstBroken.id, middle.id);
      assert.equal(bj.firstBroken.reason, 'hash-mismatch');

      // Put it back, then cut off the newest entry: only the recorded head notices.
      await h.db.updateTable('audit_log').set({ actor_label: null }).where('id', '=', middle.id).execute();
      assert.equal(parley(['audit', 'verify'], env).code, 0);
      await h.db.deleteFrom('audit_log').where('id', '=', items[0]!.id).execute();
      await h.close();
      assert.equal(parley(['audit', 'verify'], env).code, 0);
      const cut = parley(['audit', 'verify', '--expect', head], env);
      assert.equal(cut.code, 2);
      assert.match(cut.err, /anchor-missing: the recorded entry #\d+ is gone/);

      const help = parley(['audit', 'verify', '--help'], env);
      assert.match(help.out, /--expect <id:hash>/);
    } finally {
      await tdb.drop();
    }
  });
}
