// The encryption-at-rest plugin on the Kysely connection, on SQLite and PostgreSQL: which statement
// shapes it encrypts (multi-row inserts, ON CONFLICT updates, RETURNING), which it refuses (SQL
// expressions and INSERT … SELECT into encrypted columns), how results are decrypted under joins,
// aliases and raw SQL, and that a value copied into another column is refused.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeWorld } from '../helpers/factories.ts';
import { DecryptionError, keyIdOf } from '../../src/storage/encryption/cipher.ts';
import { EncryptedPredicateError } from '../../src/storage/encryption/sql-guard.ts';

type World = Awaited<ReturnType<typeof makeWorld>>;

for (const dialect of dialects()) {
  describe(`encryption plugin (${dialect})`, () => {
    let ts: TestServices;
    let w: World;
    const db = () => ts.tdb.handle.db;
    const raw = () => ts.tdb.handle.db.withoutPlugins();
    const message = (id: string, body: string) => ({
      id,
      case_id: w.caseA.id,
      author_kind: 'user' as const,
      author_user_id: null,
      visibility: 'internal' as const,
      channel: 'web',
      body,
      created_at: new Date().toISOString(),
    });
    before(async () => {
      ts = await createTestServices(dialect);
      w = await makeWorld(ts.services);
    });
    after(() => ts.close());

    test('a multi-row insert encrypts every row; RETURNING and reads decrypt', async () => {
      const ids = ['m-1', 'm-2', 'm-3'].map((s) => `${s}-${dialect}`);
      const back = await db()
        .insertInto('messages')
        .values(ids.map((id) => message(id, `body of ${id}`)))
        .returning(['id', 'body'])
        .execute();
      assert.deepEqual(
        back.map((r) => r.body),
        ids.map((id) => `body of ${id}`),
      );
      const stored = await raw().selectFrom('messages').select('body').where('id', 'in', ids).execute();
      for (const r of stored) assert.equal(keyIdOf(r.body), ts.tdb.keyRing!.current().id);
    });

    test('ON CONFLICT updates are encrypted, values and excluded.* alike', async () => {
      const row = {
        id: `n-${dialect}`,
        user_id: w.maintainer.user.id,
        case_id: null,
        kind: 'test',
        title: 'first title',
        body: 'first body',
        link: '/inbox',
        dedupe_key: 'k',
        created_at: new Date().toISOString(),
        read_at: null,
      };
      await db().insertInto('notifications').values(row).execute();
      await db()
        .insertInto('notifications')
        .values({ ...row, id: `n2-${dialect}`, title: 'second title' })
        .onConflict((oc) =>
          oc.columns(['user_id', 'dedupe_key']).doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            body: 'updated body',
          })),
        )
        .execute();
      const n = await db()
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(n.title, 'second title');
      assert.equal(n.body, 'updated body');
      const s = await raw()
        .selectFrom('notifications')
        .select(['title', 'body'])
        .where('id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.ok(keyIdOf(s.title) && keyIdOf(s.body));
    });

    test('SQL expressions and INSERT … SELECT into encrypted columns are refused', async () => {
      await assert.rejects(
        db()
          .updateTable('cases')
          .set({ title: sql<string>`upper(title)` })
          .where('id', '=', w.caseA.id)
          .execute(),
        /cases\.title is encrypted at rest/,
      );
      await assert.rejects(
        db()
          .insertInto('messages')
          .columns(['id', 'case_id', 'author_kind', 'visibility', 'channel', 'body', 'created_at'])
          .expression((eb) =>
            eb
              .selectFrom('cases')
              .select([
                'id',
                'id',
                sql.lit('user').as('a'),
                sql.lit('internal').as('v'),
                sql.lit('web').as('c'),
                'title',
                'created_at',
              ])
              .where('id', '=', w.caseA.id),
          )
          .execute(),
        /INSERT … SELECT cannot fill them/,
      );
      // Columns stored as they are take expressions as before.
      await db()
        .updateTable('cases')
        .set({ updated_at: sql<string>`updated_at` })
        .where('id', '=', w.caseA.id)
        .execute();
    });

    test('joins, aliases, select-all and raw SQL read decrypted values', async () => {
      const joined = await db()
        .selectFrom('messages')
        .innerJoin('cases as c', 'c.id', 'messages.case_id')
        .select(['messages.body as b', 'c.title as t', 'c.key'])
        .where('messages.id', '=', `m-1-${dialect}`)
        .executeTakeFirstOrThrow();
      assert.deepEqual(joined, {
        b: `body of m-1-${dialect}`,
        t: 'Path traversal in archive extraction',
        key: w.caseA.key,
      });
      const all = await db()
        .selectFrom('cases')
        .innerJoin('projects', 'projects.id', 'cases.project_id')
        .selectAll('cases')
        .where('cases.id', '=', w.caseB.id)
        .executeTakeFirstOrThrow();
      assert.equal(all.title, 'Second report: SSRF in webhook');
      const r = await sql<{
        x: string;
        description: string;
      }>`select title as x, description from cases where id = ${w.caseA.id}`.execute(db());
      assert.equal(r.rows[0]!.x, 'Path traversal in archive extraction');
      assert.match(r.rows[0]!.description, /^Extracting a crafted tarball/);
    });

    test('a value copied into another encrypted column is refused there', async () => {
      const title = await raw()
        .selectFrom('cases')
        .select('title')
        .where('id', '=', w.caseA.id)
        .executeTakeFirstOrThrow();
      await raw()
        .updateTable('messages')
        .set({ body: title.title })
        .where('id', '=', `m-2-${dialect}`)
        .execute();
      await assert.rejects(
        db().selectFrom('messages').select('body').where('id', '=', `m-2-${dialect}`).execute(),
        (e: unknown) => e instanceof DecryptionError && /messages\.body/.test(e.message),
      );
      await assert.rejects(
        sql`select body from messages where id = ${`m-2-${dialect}`}`.execute(db()),
        DecryptionError,
      );
      await raw().deleteFrom('messages').where('id', '=', `m-2-${dialect}`).execute();
    });

    test('comparing, sorting or grouping by an encrypted column is refused; null checks are fine', async () => {
      const refused = [
        db().selectFrom('cases').select('id').where('title', '=', 'x'),
        db().selectFrom('cases').select('id').where('title', 'like', '%x%'),
        db()
          .selectFrom('cases as c')
          .select('c.id')
          .where((eb) => eb(eb.fn('lower', ['c.title']), '=', 'x')),
        db().selectFrom('cases').select('id').orderBy('cases.description'),
        db().selectFrom('messages').select('body').groupBy('body'),
        db()
          .selectFrom('projects')
          .select('id')
          .where('id', 'in', (eb) =>
            eb.selectFrom('messages').select('case_id').where('messages.body', '=', 'x'),
          ),
        db().updateTable('messages').set({ channel: 'web' }).where('body', '=', 'x'),
        db().deleteFrom('notifications').where('title', '!=', 'x'),
      ];
      for (const q of refused) await assert.rejects(q.execute(), EncryptedPredicateError);
      const ok = await db()
        .selectFrom('cases')
        .innerJoin('projects', 'projects.id', 'cases.project_id')
        .select(['cases.id'])
        .where('cases.suggested_fix', 'is not', null)
        .where('projects.description', '=', 'not encrypted')
        .orderBy('projects.name')
        .execute();
      assert.deepEqual(ok, []);
    });

    test('columns stored as they are never get decrypted, whatever they look like', async () => {
      const fake = `enc:v1:${ts.tdb.keyRing!.current().id}:${'A'.repeat(60)}`;
      await db()
        .updateTable('projects')
        .set({ description: fake })
        .where('slug', '=', w.project.slug)
        .execute();
      const p = await db()
        .selectFrom('projects')
        .innerJoin('cases', 'cases.project_id', 'projects.id')
        .select(['projects.description', 'cases.title'])
        .where('cases.id', '=', w.caseA.id)
        .executeTakeFirstOrThrow();
      assert.equal(p.description, fake);
      assert.equal(p.title, 'Path traversal in archive extraction');
    });
  });
}
