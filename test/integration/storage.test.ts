// The storage layer on both dialects: migrations, case-number allocation under concurrency, and
// the unique and foreign-key constraints the services rely on.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeProject, makeUser, reportInput } from '../helpers/factories.ts';
import { migrateToLatest } from '../../src/storage/db.ts';
import { MIGRATION_NAMES, migrationProvider } from '../../src/storage/migrations/index.ts';
import { Migrator, type Kysely } from 'kysely';
import * as users from '../../src/storage/repositories/user.repository.ts';
import * as projects from '../../src/storage/repositories/project.repository.ts';
import * as cases from '../../src/storage/repositories/case.repository.ts';

const TABLES = [
  'account_tokens',
  'api_tokens',
  'case_events',
  'case_checklist_items',
  'cases',
  'jobs',
  'memberships',
  'messages',
  'notifications',
  'outbox',
  'policies',
  'projects',
  'sessions',
  'users',
];
const NOW = '2026-01-01T00:00:00.000Z';

for (const dialect of dialects()) {
  describe(`storage on ${dialect}`, () => {
    test('migrations apply to a fresh database and a second run changes nothing', async () => {
      const tdb = await createTestDatabase(dialect, { migrate: false });
      try {
        const before = (await tdb.handle.db.introspection.getTables()).map((t) => t.name);
        for (const t of TABLES) assert.ok(!before.includes(t), `${t} exists before migrating`);
        assert.deepEqual(await migrateToLatest(tdb.handle.db), MIGRATION_NAMES);
        const tables = (await tdb.handle.db.introspection.getTables()).map((t) => t.name);
        for (const t of TABLES) assert.ok(tables.includes(t), `${t} was created`);
        assert.deepEqual(await migrateToLatest(tdb.handle.db), []);
        assert.deepEqual(await migrateToLatest(tdb.handle.db), []);
        const after = (await tdb.handle.db.introspection.getTables()).map((t) => t.name).sort();
        assert.deepEqual(after, [...tables].sort());
        const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(tdb.handle.db);
        assert.deepEqual(
          applied.rows.map((r) => r.name),
          MIGRATION_NAMES,
        );
      } finally {
        await tdb.drop();
      }
    });

    test('a database made by the first release upgrades with its cases kept under the default policy', async () => {
      const tdb = await createTestDatabase(dialect, { migrate: false });
      try {
        const db = tdb.handle.db as unknown as Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        const migrator = new Migrator({ db, provider: migrationProvider });
        const first = await migrator.migrateTo('2026-11-23-initial');
        assert.equal(first.error, undefined);
        await db
          .insertInto('projects')
          .values({ id: 'p1', slug: 'old', name: 'Old', key: 'OLD', description: '', created_at: NOW })
          .execute();
        await db
          .insertInto('cases')
          .values({
            id: 'c1',
            project_id: 'p1',
            number: 1,
            key: 'OLD-1',
            title: 'An old report',
            description: 'd',
            steps_to_reproduce: 's',
            impact: 'i',
            affected_versions: '1.0',
            reporter_token_hash: 'h',
            credit_preference: 'anonymous',
            channel: 'web',
            state: 'new',
            created_at: NOW,
            updated_at: NOW,
          })
          .execute();
        assert.deepEqual(await migrateToLatest(tdb.handle.db), MIGRATION_NAMES.slice(1));
        const c = await tdb.handle.db.selectFrom('cases').selectAll().executeTakeFirstOrThrow();
        assert.equal(c.title, 'An old report');
        assert.equal(c.policy_version, 0);
        assert.equal(c.needs_info_log, '[]');
        assert.equal(c.next_due_at, null);
        const p = await tdb.handle.db.selectFrom('projects').selectAll().executeTakeFirstOrThrow();
        assert.equal(p.policy_version, 0);
      } finally {
        await tdb.drop();
      }
    });

    describe('with services', () => {
      let ts: TestServices;
      before(async () => {
        ts = await createTestServices(dialect);
      });
      after(async () => {
        await ts.close();
      });

      test('50 concurrent reports on one project get KEY-1..KEY-50 with no gaps', async () => {
        const { services, tdb } = ts;
        const p = await makeProject(services, { key: 'RACE' });
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            services.cases.submitReport(p.slug, reportInput({ title: `Concurrent report ${i}` }), 'api'),
          ),
        );
        const keys = results
          .map((r) => r.key)
          .sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
        assert.deepEqual(
          keys,
          Array.from({ length: 50 }, (_, i) => `RACE-${i + 1}`),
        );
        assert.equal(new Set(results.map((r) => r.id)).size, 50);
        assert.equal(new Set(results.map((r) => r.accessToken)).size, 50);
        const rows = await tdb.handle.db
          .selectFrom('cases')
          .select(['number', 'key', 'title'])
          .where('project_id', '=', (await projects.findProjectBySlug(tdb.handle.db, p.slug))!.id)
          .execute();
        assert.deepEqual(
          rows.map((r) => Number(r.number)).sort((a, b) => a - b),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        for (const r of rows) assert.equal(r.key, `RACE-${r.number}`);
        // Each submission's own title went with its own key.
        for (const [i, r] of results.entries()) {
          const row = await cases.findCaseById(tdb.handle.db, r.id);
          assert.equal(row!.key, r.key);
          assert.equal(row!.title, `Concurrent report ${i}`);
        }
        assert.equal((await projects.findProjectBySlug(tdb.handle.db, p.slug))!.last_case_number, 50);
        const events = await tdb.handle.db
          .selectFrom('case_events')
          .select('case_id')
          .where('type', '=', 'report.created')
          .where(
            'case_id',
            'in',
            results.map((r) => r.id),
          )
          .execute();
        assert.equal(events.length, 50, 'every case has its report.created event');
      });

      test('concurrent reports on two projects number each project on its own', async () => {
        const { services } = ts;
        const a = await makeProject(services, { key: 'ALPHA' });
        const b = await makeProject(services, { key: 'BETA' });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            services.cases.submitReport(i % 2 ? a.slug : b.slug, reportInput(), 'web'),
          ),
        );
        const nums = (prefix: string) =>
          results
            .filter((r) => r.key.startsWith(`${prefix}-`))
            .map((r) => Number(r.key.slice(prefix.length + 1)))
            .sort((x, y) => x - y);
        assert.deepEqual(nums('ALPHA'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert.deepEqual(nums('BETA'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });

      test('a failed report does not use up a case number', async () => {
        const { services } = ts;
        const p = await makeProject(services, { key: 'GAPLESS' });
        await services.cases.submitReport(p.slug, reportInput(), 'api');
        await assert.rejects(services.cases.submitReport(p.slug, reportInput({ title: '' }), 'api'), {
          code: 'validation-error',
        });
        assert.equal((await services.cases.submitReport(p.slug, reportInput(), 'api')).key, 'GAPLESS-2');
      });

      test('unique constraints hold', async () => {
        const { services, tdb } = ts;
        const db = tdb.handle.db;
        const { user } = await makeUser(services, { email: 'unique@example.com' });
        const user2 = {
          id: 'u-dup-email',
          email: 'unique@example.com',
          name: 'Dup',
          password_hash: null,
          is_admin: 0,
          created_at: NOW,
        };
        await assert.rejects(users.insertUser(db, user2), 'users.email is unique');
        await assert.rejects(
          users.insertUser(db, { ...user2, id: user.id, email: 'other@example.com' }),
          'users.id is the key',
        );
        await users.insertUser(db, { ...user2, email: 'unique2@example.com' }); // control: the row itself is fine

        const p = await makeProject(services, { slug: 'uniq', key: 'UNIQ' });
        const prow = (await projects.findProjectBySlug(db, p.slug))!;
        const proj = {
          id: 'p-new',
          slug: 'uniq',
          name: 'X',
          key: 'OTHERKEY',
          description: '',
          last_case_number: 0,
          created_at: NOW,
        };
        await assert.rejects(projects.insertProject(db, proj), 'projects.slug is unique');
        await assert.rejects(
          projects.insertProject(db, { ...proj, slug: 'uniq-2', key: 'UNIQ' }),
          'projects.key is unique',
        );
        await projects.insertProject(db, { ...proj, slug: 'uniq-3' }); // control

        const c = await services.cases.submitReport(p.slug, reportInput(), 'api');
        const crow = (await cases.findCaseById(db, c.id))!;
        const base = {
          ...crow,
          id: 'c-new',
          number: 99,
          key: 'UNIQ-99',
          reporter_token_hash: 'f'.repeat(64),
        };
        await assert.rejects(
          cases.insertCase(db, { ...base, number: crow.number }),
          '(project_id, number) is unique',
        );
        await assert.rejects(cases.insertCase(db, { ...base, key: crow.key }), 'cases.key is unique');
        await assert.rejects(
          cases.insertCase(db, { ...base, reporter_token_hash: crow.reporter_token_hash }),
          'reporter token hash is unique',
        );
        await cases.insertCase(db, base); // the same row with fresh values is fine: the rejections were the constraints

        await assert.rejects(
          db
            .insertInto('memberships')
            .values([
              { project_id: prow.id, user_id: user.id, role: 'responder', created_at: NOW },
              { project_id: prow.id, user_id: user.id, role: 'maintainer', created_at: NOW },
            ])
            .execute(),
          'one membership per user and project',
        );
        await projects.upsertMembership(db, prow.id, user.id, 'responder', NOW); // control
        await assert.rejects(
          db
            .insertInto('memberships')
            .values({ project_id: prow.id, user_id: user.id, role: 'maintainer', created_at: NOW })
            .execute(),
        );
        const { token } = await services.auth.createApiToken(user.email, 'ci');
        const tok = await db
          .selectFrom('api_tokens')
          .selectAll()
          .where('user_id', '=', user.id)
          .executeTakeFirstOrThrow();
        await assert.rejects(
          users.insertApiToken(db, { ...tok, id: 'other-id' }),
          'api token hash is unique',
        );
        await users.insertApiToken(db, { ...tok, id: 'other-id', token_hash: 'b'.repeat(64) }); // control
        assert.ok(token.startsWith('pat_'));
        const at = {
          token_hash: 'a'.repeat(64),
          purpose: 'setup' as const,
          user_id: null,
          created_at: NOW,
          expires_at: NOW,
        };
        await users.insertAccountToken(db, at);
        await assert.rejects(users.insertAccountToken(db, at), 'account token hash is the key');
      });

      test('foreign keys hold', async () => {
        const { services, tdb } = ts;
        const db = tdb.handle.db;
        const p = await makeProject(services);
        const c = await services.cases.submitReport(p.slug, reportInput(), 'api');
        const crow = (await cases.findCaseById(db, c.id))!;
        await assert.rejects(
          cases.insertCase(db, {
            ...crow,
            id: 'c-orphan',
            number: 500,
            key: 'ORPHAN-1',
            reporter_token_hash: 'e'.repeat(64),
            project_id: 'no-such-project',
          }),
        );
        await assert.rejects(
          cases.insertEvent(db, {
            case_id: 'no-such-case',
            at: NOW,
            type: 'x',
            actor_kind: 'system',
            actor_user_id: null,
            visibility: 'internal',
            message_id: null,
            data: '{}',
          }),
        );
        await assert.rejects(
          projects.upsertMembership(db, 'no-such-project', 'no-such-user', 'responder', NOW),
        );
      });

      test('event ids increase in insertion order and timeline reads back in that order', async () => {
        const { services, tdb } = ts;
        const p = await makeProject(services);
        const c = await services.cases.submitReport(p.slug, reportInput(), 'api');
        for (let i = 0; i < 5; i++) {
          await cases.insertEvent(tdb.handle.db, {
            case_id: c.id,
            at: NOW,
            type: `t${i}`,
            actor_kind: 'system',
            actor_user_id: null,
            visibility: 'internal',
            message_id: null,
            data: '{}',
          });
        }
        const events = await cases.listEvents(tdb.handle.db, c.id);
        assert.deepEqual(
          events.map((e) => e.type),
          ['report.created', 't0', 't1', 't2', 't3', 't4'],
        );
        const ids = events.map((e) => Number(e.id));
        assert.deepEqual(
          [...ids].sort((a, b) => a - b),
          ids,
        );
        assert.equal(new Set(ids).size, ids.length);
        assert.deepEqual(
          (await cases.listEvents(tdb.handle.db, c.id, 'reporter')).map((e) => e.type),
          ['report.created'],
        );
      });
    });
  });
}
