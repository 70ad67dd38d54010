// Batched report intake (src/storage/report-intake.ts) on both dialects: concurrent reports share
// batches, numbers stay gap-free per project, a failing report fails alone, and every promise
// settles only after its commit.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createTestDatabase, dialects, type TestDatabase } from '../helpers/db.ts';
import type { Dialect } from '../../src/storage/db.ts';
import {
  kyselyBatchWriter,
  reportWriter,
  type NewReport,
  type ReportBatchWriter,
} from '../../src/storage/report-intake.ts';
import * as projects from '../../src/storage/repositories/project.repository.ts';

function report(projectId: string, projectKey: string, overrides: Partial<NewReport['row']> = {}): NewReport {
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  return {
    projectKey,
    row: {
      id,
      project_id: projectId,
      title: 'Batched report',
      description: 'Long enough description of the problem.',
      steps_to_reproduce: 'steps',
      impact: 'impact',
      affected_versions: '1.0',
      suggested_fix: null,
      reporter_email: null,
      reporter_user_id: null,
      reporter_token_hash: crypto.randomBytes(32).toString('hex'),
      credit_preference: 'anonymous',
      credit_name: null,
      channel: 'api',
      state: 'new',
      needs_info: 0,
      created_at: now,
      updated_at: now,
      ...overrides,
    },
    event: {
      at: now,
      type: 'report.created',
      actor_kind: 'reporter',
      actor_user_id: null,
      visibility: 'reporter',
      message_id: null,
      data: '{}',
    },
  };
}

// SQLite writes batches in a worker thread (the handle's writer); the Kysely writer serves PostgreSQL
// and in-memory SQLite. Both are held to the same rules.
const variants = dialects().flatMap((dialect): Array<{ dialect: Dialect; writer: 'worker' | 'kysely' }> =>
  dialect === 'sqlite'
    ? [
        { dialect, writer: 'worker' as const },
        { dialect, writer: 'kysely' as const },
      ]
    : [{ dialect, writer: 'kysely' as const }],
);

for (const { dialect, writer } of variants) {
  describe(`batched report intake (${dialect}, ${writer} writer)`, () => {
    let batches: ReportBatchWriter;
    let tdb: TestDatabase;
    const ids = { a: crypto.randomUUID(), b: crypto.randomUUID() };
    before(async () => {
      tdb = await createTestDatabase(dialect);
      batches = writer === 'worker' ? tdb.handle.writeReportBatch : kyselyBatchWriter(tdb.handle.db);
      const now = new Date().toISOString();
      await projects.insertProject(tdb.handle.db, {
        id: ids.a,
        slug: 'alpha',
        name: 'Alpha',
        key: 'ALPHA',
        description: '',
        last_case_number: 0,
        created_at: now,
      });
      await projects.insertProject(tdb.handle.db, {
        id: ids.b,
        slug: 'beta',
        name: 'Beta',
        key: 'BETA',
        description: '',
        last_case_number: 0,
        created_at: now,
      });
    });
    after(() => tdb.drop());

    test('concurrent reports share batches and get gap-free numbers per project', async () => {
      const sizes: number[] = [];
      const write = reportWriter(batches, (n) => sizes.push(n));
      const reports = Array.from({ length: 120 }, (_, i) =>
        i % 3 === 0 ? report(ids.b, 'BETA') : report(ids.a, 'ALPHA'),
      );
      const results = await Promise.all(reports.map((r) => write(r)));
      const alpha = results
        .filter((r) => r.key.startsWith('ALPHA-'))
        .map((r) => r.number)
        .sort((x, y) => x - y);
      const beta = results
        .filter((r) => r.key.startsWith('BETA-'))
        .map((r) => r.number)
        .sort((x, y) => x - y);
      assert.deepEqual(
        alpha,
        Array.from({ length: 80 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        beta,
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      assert.ok(sizes.length < 120, `expected shared batches, got ${sizes.length} for 120 reports`);
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        120,
      );
      const rows = await tdb.handle.db.selectFrom('cases').select(['id', 'key']).execute();
      const byId = new Map(rows.map((r) => [r.id, r.key]));
      reports.forEach((r, i) =>
        assert.equal(byId.get(r.row.id), results[i]!.key, 'each promise got its own key'),
      );
      const events = await tdb.handle.db.selectFrom('case_events').select('case_id').execute();
      assert.equal(events.length, 120);
    });

    test('a report that breaks a constraint fails alone; the rest keep gap-free numbers', async () => {
      const write = reportWriter(batches);
      const taken = (
        await tdb.handle.db.selectFrom('cases').select('reporter_token_hash').executeTakeFirstOrThrow()
      ).reporter_token_hash;
      const start = Number((await projects.findProjectById(tdb.handle.db, ids.a))!.last_case_number);
      const batch = [
        report(ids.a, 'ALPHA'),
        report(ids.a, 'ALPHA', { reporter_token_hash: taken }),
        report(ids.a, 'ALPHA'),
      ];
      const outcomes = await Promise.allSettled(batch.map((r) => write(r)));
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      const numbers = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.number] : []));
      assert.deepEqual(numbers, [start + 1, start + 2]);
      assert.equal(
        Number((await projects.findProjectById(tdb.handle.db, ids.a))!.last_case_number),
        start + 2,
      );
    });

    test('a promise settles only once its report is committed and readable', async () => {
      const write = reportWriter(batches);
      const r = report(ids.b, 'BETA');
      const { key } = await write(r);
      const row = await tdb.handle.db
        .selectFrom('cases')
        .select('key')
        .where('id', '=', r.row.id)
        .executeTakeFirst();
      assert.equal(row?.key, key);
    });
  });
}
