// Encryption at rest, end to end on SQLite and PostgreSQL: a canary string goes into every field of
// reports made through the web form, the API and mail, into messages, notes, attachments, title
// changes, notifications and mail; then the stored data is searched for it past Parley (SQLite: the
// raw bytes of the database file and its WAL; PostgreSQL: every row of every table as text) while the
// team and the reporter still read the text through the app.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { apiClient } from '../helpers/api.ts';
import { PageClient } from '../helpers/page-client.ts';
import { PASSWORD } from '../helpers/factories.ts';
import { canaryLeaks, fillWithCanary, newCanary, type CanaryWorld } from '../helpers/at-rest.ts';
import { keyIdOf } from '../../src/storage/encryption/cipher.ts';

for (const dialect of dialects()) {
  describe(`encryption at rest (${dialect})`, () => {
    let t: TestApp;
    let w: CanaryWorld;
    const canary = newCanary();
    before(async () => {
      t = await createTestApp(dialect);
      w = await fillWithCanary(t, canary);
    });
    after(() => t.close());

    test('the canary reached mail (details allowed), so the outbox really carried it', () => {
      assert.ok(w.mails.length > 0, 'mail was delivered');
      assert.ok(
        w.mails.some((m) => `${m.subject} ${m.text}`.includes(canary)),
        'some delivered mail carries report text',
      );
    });

    test('the stored data holds no trace of the canary, yet the scan finds a stored-as-is value', async () => {
      assert.deepEqual(await canaryLeaks(t.tdb, canary), []);
      // The reporter's address is kept as it is (lookups, rate limits): the same scan must find it.
      const plain = await canaryLeaks(t.tdb, w.plainCanary);
      assert.ok(plain.includes('table cases'), `reporter address found: ${plain.join(', ')}`);
      if (dialect === 'sqlite') assert.ok(plain.includes('parley.db') || plain.includes('parley.db-wal'));
    });

    test('every encrypted column of the new rows carries the current key id', async () => {
      const db = t.tdb.handle.db.withoutPlugins();
      const current = t.tdb.keyRing!.current().id;
      const rows = await db.selectFrom('cases').select(['title', 'description', 'credit_name']).execute();
      const files = await db.selectFrom('attachments').select(['filename', 'content']).execute();
      const values = [...rows, ...files].flatMap((r) => Object.values(r)).filter((v) => v !== null);
      assert.ok(values.length >= 11);
      for (const v of values) assert.equal(keyIdOf(v), current);
    });

    test('the team reads the text through the API and the case page', async () => {
      const call = apiClient(t.app);
      const r = await call('GET', `/api/v1/reports/${w.apiCase.id}`, { token: w.pat });
      assert.equal(r.status, 200, r.body);
      assert.equal(r.json.title, `Renamed ${canary}`);
      assert.equal(r.json.impact, `Impact api ${canary}`);
      assert.ok(r.body.includes(`Message internal=true ${canary}`), 'internal note shown to the team');
      const team = new PageClient(t.app);
      await team.login(w.maintainerEmail, PASSWORD);
      for (const key of [w.webCase.key, w.mailCase.key]) {
        const page = await team.get(`/cases/${key}`);
        assert.equal(page.statusCode, 200);
        assert.ok(page.body.includes(canary), `case page ${key} shows the text`);
      }
      const inbox = await team.get('/inbox');
      assert.ok(inbox.body.includes(`Title web ${canary}`), 'inbox lists the decrypted titles');
    });

    test('the reporter reads their report and reply on the private case page', async () => {
      const page = await new PageClient(t.app).get(w.webCase.path);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`Steps web ${canary}`));
      assert.ok(page.body.includes(`Reply ${canary}`));
    });

    test('attachments decrypt to their exact bytes', async () => {
      const files = await t.tdb.handle.db
        .selectFrom('attachments')
        .select(['filename', 'content', 'size', 'sha256'])
        .where('case_id', '=', w.mailCase.id)
        .execute();
      assert.equal(files.length, 2);
      const { createHash } = await import('node:crypto');
      for (const f of files) {
        assert.equal(f.content.length, f.size);
        assert.equal(createHash('sha256').update(f.content).digest('hex'), f.sha256);
      }
      assert.ok(files.some((f) => f.content.toString() === `proof ${canary}`));
    });
  });
}
