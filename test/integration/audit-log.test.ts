// The hash-chained audit log on both databases: a realistic mix of actions leaves a chain that
// verifies; tampering by SQL (an edited field, a deleted entry, swapped data, an edited last entry, a
// cut-off or re-hashed tail against a recorded head) is caught and the FIRST broken entry named;
// concurrent appends (a PostgreSQL pool, two SQLite connections) leave one valid chain; and each wired
// action writes its entry with the right actor, project and case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject, makeUser, makeWorld } from '../helpers/factories.ts';
import { advisoryContent } from '../helpers/advisories.ts';
import { recordAudit, withIp } from '../../src/services/audit/audit-log.ts';
import { auditHash } from '../../src/services/audit/audit-chain.ts';
import type { AuditLogRow } from '../../src/storage/schema.ts';
import type { Services } from '../../src/services/index.ts';
import { DEFAULT_POLICY_YAML } from '../../src/domain/policy/policy-parse.ts';

async function entries(t: TestServices): Promise<AuditLogRow[]> {
  return t.tdb.handle.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
}

async function lastOf(t: TestServices, action: string): Promise<AuditLogRow> {
  const r = await t.tdb.handle.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  assert.ok(r, `an entry ${action}`);
  return r;
}

/** A fresh chain of `n` system entries (the table emptied first). */
async function freshChain(t: TestServices, n: number): Promise<AuditLogRow[]> {
  await t.tdb.handle.db.deleteFrom('audit_log').execute();
  for (let i = 0; i < n; i++) {
    await recordAudit(t.tdb.handle.db, t.services.deps, {
      action: 'project.settings-changed',
      actor: 'system',
      target: `entry ${i}`,
      data: { i },
    });
  }
  return entries(t);
}

/** Appends `n` entries from a separate Node process on the SQLite file; resolves with how many succeeded. */
function appendInChild(file: string, n: number): Promise<{ ok: number; failed: number }> {
  const code = `
    import { openDatabase } from './src/storage/db.ts';
    import { recordAudit } from './src/services/audit/audit-log.ts';
    const h = openDatabase({ sqlitePath: process.argv[1] });
    const deps = { dialect: 'sqlite', clock: { now: () => new Date() } };
    let ok = 0, failed = 0;
    for (let i = 0; i < ${n}; i++) {
      try {
        await recordAudit(h.db, deps, { action: 'project.settings-changed', actor: 'system', data: { child: i } });
        ok++;
      } catch { failed++; }
    }
    await h.close();
    console.log(JSON.stringify({ ok, failed }));`;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`)),
    );
  });
}

async function verify(s: Services, opts: Parameters<Services['audit']['verify']>[1] = {}) {
  // A small page size so that breaks across page boundaries are exercised too.
  return s.audit.verify('system', { pageSize: 3, ...opts });
}

for (const dialect of dialects()) {
  test(`audit log (${dialect})`, async (tt) => {
    const t = await createTestServices(dialect);
    const s = t.services;
    const db = t.tdb.handle.db;
    try {
      await tt.test(
        'a realistic mix of actions: each wired action is recorded, the chain verifies',
        async () => {
          const w = await makeWorld(s);
          const m = w.maintainer.actor;
          const p = await s.projects.getPublic(w.project.slug);
          const projectId = (
            await db.selectFrom('projects').select('id').where('slug', '=', p.slug).executeTakeFirstOrThrow()
          ).id;

          const admin = await lastOf(t, 'admin.created');
          assert.equal(admin.target, w.admin.email);
          assert.equal(admin.actor_kind, 'system');
          const created = await lastOf(t, 'project.created');
          assert.equal(created.actor_kind, 'system');
          const added = await db
            .selectFrom('audit_log')
            .selectAll()
            .where('action', '=', 'team.member-added')
            .execute();
          assert.ok(added.some((e) => e.target === w.maintainer.email && e.project_id === projectId));

          // Team: add (by the maintainer, with the request's address), change the role, remove.
          const viaWeb = withIp(m, '203.0.113.7');
          const invited = await s.projects.addMember(viaWeb, p.slug, {
            email: 'new-person@example.org',
            role: 'responder',
          });
          const acct = await lastOf(t, 'account.created');
          assert.equal(acct.actor_user_id, w.maintainer.user.id);
          assert.equal(acct.target, 'new-person@example.org');
          const add = await lastOf(t, 'team.member-added');
          assert.equal(add.actor_label, w.maintainer.email);
          assert.equal(add.ip, '203.0.113.7');
          assert.equal(add.project_id, projectId);
          assert.deepEqual(JSON.parse(add.data), { userId: invited.userId, role: 'responder' });
          await s.projects.addMember(m, p.slug, { email: 'new-person@example.org', role: 'maintainer' });
          const role = await lastOf(t, 'team.role-changed');
          assert.deepEqual(JSON.parse(role.data), {
            userId: invited.userId,
            from: 'responder',
            to: 'maintainer',
          });
          const before = (await entries(t)).length;
          await s.projects.addMember(m, p.slug, { email: 'new-person@example.org', role: 'maintainer' });
          assert.equal((await entries(t)).length, before, 'setting the same role again records nothing');
          await s.projects.removeMember(m, p.slug, invited.userId);
          const removed = await lastOf(t, 'team.member-removed');
          assert.equal(removed.target, 'new-person@example.org');
          assert.equal(removed.actor_user_id, w.maintainer.user.id);

          // Case state change, inside the transition's transaction.
          await s.cases.transition(
            w.responder.actor,
            { id: w.caseA.id },
            { to: 'triaged', severity: 'high' },
          );
          const moved = await lastOf(t, 'case.state-changed');
          assert.equal(moved.case_id, w.caseA.id);
          assert.equal(moved.project_id, projectId);
          assert.equal(moved.target, w.caseA.key);
          assert.equal(moved.actor_label, w.responder.email);
          assert.deepEqual(JSON.parse(moved.data), { from: 'new', to: 'triaged', severity: 'high' });

          // Policy, project key, webhooks.
          await s.policies.save(m, p.slug, { source: DEFAULT_POLICY_YAML, note: 'first' });
          const pol = await lastOf(t, 'project.policy-changed');
          assert.equal(pol.project_id, projectId);
          assert.equal(JSON.parse(pol.data).note, 'first');
          const key = await s.projectKeys.generate(m, p.slug);
          const keyEntry = await lastOf(t, 'project.key-changed');
          assert.equal(JSON.parse(keyEntry.data).fingerprint, key.fingerprint);
          assert.equal(await s.projectKeys.remove(m, p.slug), true);
          assert.equal(JSON.parse((await lastOf(t, 'project.key-changed')).data).change, 'removed');
          const hook = await s.webhooks.create(m, p.slug, {
            url: 'https://hooks.example.org/services/T00/B00/secret-path',
            events: ['report.created'],
          });
          await s.webhooks.update(m, p.slug, hook.webhook.id, { active: false });
          await s.webhooks.rotateSecret(m, p.slug, hook.webhook.id);
          await s.webhooks.delete(m, p.slug, hook.webhook.id);
          const hooks = await db
            .selectFrom('audit_log')
            .selectAll()
            .where('action', '=', 'project.webhook-changed')
            .orderBy('id')
            .execute();
          assert.deepEqual(
            hooks.map((h) => JSON.parse(h.data).change),
            ['created', 'changed', 'secret-rotated', 'deleted'],
          );
          for (const h of hooks) {
            assert.equal(h.target, 'https://hooks.example.org', 'only the origin: the path can be a secret');
            assert.doesNotMatch(h.data, /secret-path/);
          }

          // Advisory: export of a draft, schedule, unschedule, publish (which discloses the linked case), withdraw.
          const draft = await s.advisories.create(m, p.slug, {
            content: advisoryContent(),
            cases: [w.caseB.key],
          });
          await s.advisoryExport.teamDocument(m, draft.uid, 'osv');
          const exp = await lastOf(t, 'advisory.exported');
          assert.equal(exp.target, draft.uid);
          assert.deepEqual(JSON.parse(exp.data), { uid: draft.uid, format: 'osv', state: 'draft' });
          await s.publishing.schedule(m, draft.uid, {
            at: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 16),
            zone: 'Europe/Berlin',
          });
          assert.equal(JSON.parse((await lastOf(t, 'advisory.scheduled')).data).zone, 'Europe/Berlin');
          await s.publishing.unschedule(m, draft.uid);
          assert.equal(JSON.parse((await lastOf(t, 'advisory.scheduled')).data).scheduledFor, null);
          const pub = await s.publishing.publish(m, draft.uid);
          const pubEntry = await lastOf(t, 'advisory.published');
          assert.equal(pubEntry.target, pub.id);
          assert.deepEqual(JSON.parse(pubEntry.data).cases, [w.caseB.key]);
          const disclosed = await lastOf(t, 'case.state-changed');
          assert.equal(disclosed.case_id, w.caseB.id);
          assert.equal(disclosed.actor_user_id, w.maintainer.user.id);
          assert.equal(JSON.parse(disclosed.data).to, 'disclosed');
          await s.publishing.withdraw(m, draft.uid, { reason: 'Not a vulnerability after all.' });
          assert.equal(
            JSON.parse((await lastOf(t, 'advisory.withdrawn')).data).reason,
            'Not a vulnerability after all.',
          );

          // Outbox: an admin retries a dead letter.
          const letter = await db
            .selectFrom('outbox')
            .select(['id', 'case_id'])
            .orderBy('created_at')
            .executeTakeFirstOrThrow();
          await db.updateTable('outbox').set({ status: 'failed' }).where('id', '=', letter.id).execute();
          await s.outbox.retry(w.admin.actor, letter.id);
          const retried = await lastOf(t, 'outbox.retried');
          assert.equal(retried.actor_user_id, w.admin.user.id);
          assert.equal(JSON.parse(retried.data).id, letter.id);
          assert.doesNotMatch(retried.target ?? '', /@/, 'no mail address in the target');

          const all = await entries(t);
          const r = await verify(s);
          assert.deepEqual(r.firstBroken, undefined);
          assert.equal(r.ok, true);
          assert.equal(r.checked, all.length);
          assert.deepEqual(r.head, { id: all.at(-1)!.id, at: all.at(-1)!.at, hash: all.at(-1)!.hash });
        },
      );

      await tt.test(
        'stored values are what was hashed: NUL, lone surrogates, over-long targets',
        async () => {
          const chain = await freshChain(t, 1);
          const odd = `a\u0000b${'x'.repeat(197)}\u{1F600}tail \uD800 end`;
          await recordAudit(db, s.deps, {
            action: 'project.settings-changed',
            actor: 'system',
            target: odd,
            data: { odd },
          });
          const last = (await entries(t)).at(-1)!;
          assert.equal(last.id > chain[0]!.id, true);
          assert.ok(!last.target!.includes('\u0000'));
          assert.equal((await verify(s)).ok, true);
        },
      );

      await tt.test('an edited field of a middle entry is named (hash-mismatch)', async () => {
        const chain = await freshChain(t, 10);
        await db
          .updateTable('audit_log')
          .set({ target: 'someone else' })
          .where('id', '=', chain[4]!.id)
          .execute();
        const r = await verify(s);
        assert.equal(r.ok, false);
        assert.equal(r.firstBroken?.id, chain[4]!.id);
        assert.equal(r.firstBroken?.reason, 'hash-mismatch');
        assert.equal(r.firstBroken?.action, 'project.settings-changed');
        assert.equal(r.checked, 4);
      });

      await tt.test(
        'a deleted middle entry: the one after it is named (link-mismatch, with the gap)',
        async () => {
          const chain = await freshChain(t, 10);
          await db.deleteFrom('audit_log').where('id', '=', chain[6]!.id).execute();
          const r = await verify(s);
          assert.equal(r.firstBroken?.id, chain[7]!.id);
          assert.equal(r.firstBroken?.reason, 'link-mismatch');
          assert.match(r.firstBroken!.detail, new RegExp(`ids ${chain[6]!.id}–${chain[6]!.id} are missing`));
        },
      );

      await tt.test('the first entry deleted: the new first entry does not start the chain', async () => {
        const chain = await freshChain(t, 4);
        await db.deleteFrom('audit_log').where('id', '=', chain[0]!.id).execute();
        const r = await verify(s);
        assert.equal(r.firstBroken?.id, chain[1]!.id);
        assert.equal(r.firstBroken?.reason, 'link-mismatch');
        assert.match(r.firstBroken!.detail, /first entry/);
      });

      await tt.test('two entries with their data swapped: the earlier one is named', async () => {
        const chain = await freshChain(t, 10);
        const [a, b] = [chain[2]!, chain[8]!];
        await db.updateTable('audit_log').set({ data: b.data }).where('id', '=', a.id).execute();
        await db.updateTable('audit_log').set({ data: a.data }).where('id', '=', b.id).execute();
        const r = await verify(s);
        assert.equal(r.firstBroken?.id, a.id);
        assert.equal(r.firstBroken?.reason, 'hash-mismatch');
      });

      await tt.test('two whole entries swapped (hashes too): named by their links', async () => {
        const chain = await freshChain(t, 8);
        const [a, b] = [chain[3]!, chain[5]!];
        const cols = ({ id: _id, ...rest }: AuditLogRow) => rest;
        await db.updateTable('audit_log').set(cols(b)).where('id', '=', a.id).execute();
        await db.updateTable('audit_log').set(cols(a)).where('id', '=', b.id).execute();
        const r = await verify(s);
        assert.equal(r.firstBroken?.id, a.id);
        assert.equal(r.firstBroken?.reason, 'link-mismatch');
      });

      await tt.test('an edited last entry is named', async () => {
        const chain = await freshChain(t, 7);
        const last = chain.at(-1)!;
        await db
          .updateTable('audit_log')
          .set({ at: '2020-01-01T00:00:00.000Z' })
          .where('id', '=', last.id)
          .execute();
        const r = await verify(s);
        assert.equal(r.firstBroken?.id, last.id);
        assert.equal(r.firstBroken?.reason, 'hash-mismatch');
        assert.equal(r.checked, 6);
      });

      await tt.test('an entry changed and re-hashed: the next one no longer links to it', async () => {
        const chain = await freshChain(t, 6);
        const e = chain[2]!;
        const changed = { ...e, target: 'forged' };
        await db
          .updateTable('audit_log')
          .set({ target: 'forged', hash: auditHash(e.prev_hash, changed) })
          .where('id', '=', e.id)
          .execute();
        const r = await verify(s);
        assert.equal(r.firstBroken?.id, chain[3]!.id);
        assert.equal(r.firstBroken?.reason, 'link-mismatch');
        assert.match(r.firstBroken!.detail, new RegExp(`#${e.id} was changed and re-hashed`));
      });

      await tt.test('a cut-off tail passes alone; against the recorded head it is caught', async () => {
        const chain = await freshChain(t, 6);
        const head = (await verify(s)).head!;
        assert.equal(head.id, chain[5]!.id);
        assert.equal((await verify(s, { expect: head })).ok, true);
        await db.deleteFrom('audit_log').where('id', '>=', chain[4]!.id).execute();
        const alone = await verify(s);
        assert.equal(alone.ok, true, 'a hash chain alone cannot see a removed tail (documented)');
        const anchored = await verify(s, { expect: head });
        assert.equal(anchored.ok, false);
        assert.equal(anchored.firstBroken?.reason, 'anchor-missing');
        assert.equal(anchored.firstBroken?.id, head.id);
        assert.equal(anchored.head?.id, chain[3]!.id);
      });

      await tt.test(
        'a chain rewritten and re-hashed to its end passes alone, not against the recorded head',
        async () => {
          const chain = await freshChain(t, 6);
          const head = (await verify(s)).head!;
          let prev = chain[1]!.hash;
          for (const e of chain.slice(2)) {
            const forged = { ...e, prev_hash: prev, target: e.id === chain[2]!.id ? 'forged' : e.target };
            const hash = auditHash(prev, forged);
            await db
              .updateTable('audit_log')
              .set({ target: forged.target, prev_hash: prev, hash })
              .where('id', '=', e.id)
              .execute();
            prev = hash;
          }
          assert.equal((await verify(s)).ok, true);
          const anchored = await verify(s, { expect: head });
          assert.equal(anchored.firstBroken?.reason, 'anchor-mismatch');
          assert.equal(anchored.firstBroken?.id, head.id);
        },
      );

      await tt.test('50 concurrent appends leave one valid chain', async () => {
        await freshChain(t, 1);
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            recordAudit(db, s.deps, { action: 'project.settings-changed', actor: 'system', data: { i } }),
          ),
        );
        // And appends inside busy transactions (a transition each) racing the plain ones.
        const p = await makeProject(s);
        const r = await makeMember(s, p.slug, 'responder');
        const cases = await Promise.all(Array.from({ length: 5 }, () => makeCase(s, p.slug)));
        await Promise.all([
          ...cases.map((c) => s.cases.transition(r.actor, { id: c.id }, { to: 'acknowledged' })),
          ...Array.from({ length: 10 }, (_, i) =>
            recordAudit(db, s.deps, { action: 'project.settings-changed', actor: 'system', data: { j: i } }),
          ),
        ]);
        const all = await entries(t);
        const links = new Set(all.map((e) => e.prev_hash));
        assert.equal(links.size, all.length, 'no two entries link to the same predecessor (no fork)');
        const v = await verify(s, { pageSize: 7 });
        assert.equal(v.ok, true, JSON.stringify(v.firstBroken));
        assert.equal(v.checked, all.length);
      });

      if (dialect === 'sqlite') {
        await tt.test(
          'another process appending to the same SQLite file at once never forks the chain',
          async () => {
            await freshChain(t, 1);
            const file = path.join(t.tdb.dataDir, 'parley.db');
            let childDone = false;
            const child = appendInChild(file, 60).finally(() => (childDone = true));
            // Keep appending here for as long as the child runs (it needs a moment to start), so they overlap.
            let mine = 0;
            for (let i = 0; !childDone && i < 5000; i++) {
              try {
                await recordAudit(db, s.deps, {
                  action: 'project.settings-changed',
                  actor: 'system',
                  data: { i },
                });
                mine++;
              } catch {
                // SQLITE_BUSY when the other process's write won: refused, never forked.
              }
              await new Promise((r) => setImmediate(r));
            }
            const theirs = await child;
            const v = await verify(s);
            assert.equal(v.ok, true, JSON.stringify(v.firstBroken));
            assert.equal(
              v.checked,
              1 + mine + theirs.ok,
              'every append that reported success is in the chain',
            );
            assert.ok(theirs.ok > 0 && mine > 0);
          },
        );
      }

      await tt.test('verify and list are for instance admins; list filters', async () => {
        const admin = await makeUser(s, { admin: true });
        const user = await makeUser(s);
        await assert.rejects(s.audit.verify(user.actor), { code: 'forbidden' });
        await assert.rejects(s.audit.list(user.actor, {}), { code: 'forbidden' });
        await assert.rejects(s.audit.list({ kind: 'anonymous' }, {}), { code: 'unauthenticated' });
        assert.equal((await s.audit.verify(admin.actor)).ok, true);
        const l = await s.audit.list(admin.actor, { action: 'admin.*' });
        assert.ok(l.items.length >= 1);
        assert.ok(l.items.every((e) => e.action.startsWith('admin.')));
        await assert.rejects(s.audit.list(admin.actor, { project: 'no-such-project' }), {
          code: 'validation-error',
        });
        await assert.rejects(s.audit.list(admin.actor, { from: 'yesterday' }), { code: 'validation-error' });
      });

      // Guard against a stray lock or transaction left open by the tests above.
      await sql`select 1`.execute(db);
    } finally {
      await t.close();
    }
  });
}
