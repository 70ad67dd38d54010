// `parley keys rotate` at the service level on SQLite and PostgreSQL, over data made through the real
// app: rotation moves every value to a new key and removes the old one from the key file, twice in a
// row; a rotation stopped half way resumes on its key; a server that did not rotate reads (and then
// writes with) the new key; a database written before encryption reads as it is and is encrypted by
// rotation, after which no trace of the canary is left.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/storage/schema.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { apiClient } from '../helpers/api.ts';
import { canaryLeaks, fillWithCanary, newCanary, type CanaryWorld } from '../helpers/at-rest.ts';
import { openCore, type Core } from '../../src/bootstrap.ts';
import { buildApp } from '../../src/http/app.ts';
import { readKeyFile } from '../../src/storage/encryption/key-file.ts';
import type { KeyService } from '../../src/services/keys/key.service.ts';

/** The team's view of the API case and the mail case's attachment, which must stay readable. */
async function assertReadable(app: FastifyInstance, db: Kysely<Database>, w: CanaryWorld, canary: string) {
  const r = await apiClient(app)('GET', `/api/v1/reports/${w.apiCase.id}`, { token: w.pat });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.json.title, `Renamed ${canary}`);
  assert.ok(r.body.includes(`Message internal=true ${canary}`));
  const files = await db
    .selectFrom('attachments')
    .select(['filename', 'content'])
    .where('case_id', '=', w.mailCase.id)
    .execute();
  assert.ok(
    files.some((f) => f.filename === `proof-${canary}.txt` && f.content.toString() === `proof ${canary}`),
  );
}

/** Every data key id in the file, oldest first. */
const fileKeys = (t: TestApp) => readKeyFile(t.config.secretKeyFile)!.dataKeys.map((k) => k.id);

async function valuesPerKey(keys: KeyService) {
  const s = await keys.status();
  return { plain: s.plain, ...Object.fromEntries(s.keys.map((k) => [k.id, k.values])) } as Record<
    string,
    number
  >;
}

for (const dialect of dialects()) {
  describe(`key rotation (${dialect})`, () => {
    let t: TestApp;
    let w: CanaryWorld;
    const canary = newCanary();
    before(async () => {
      t = await createTestApp(dialect);
      w = await fillWithCanary(t, canary);
    });
    after(() => t.close());

    test('rotate moves every value to a new key and drops the old one; a second rotate too', async () => {
      const keys = t.services.keys;
      const [k1] = fileKeys(t);
      const oldSecret = readKeyFile(t.config.secretKeyFile)!.dataKeys[0]!.key.toString('base64');
      const before = await valuesPerKey(keys);
      assert.equal(before.plain, 0);
      assert.ok(before[k1!]! > 20, 'the canary world is encrypted with the first key');

      const r1 = await keys.rotate({ settleMs: 0 });
      assert.notEqual(r1.keyId, k1);
      assert.equal(r1.resumed, false);
      assert.deepEqual(r1.retired, [k1]);
      assert.ok(r1.reencrypted.cases! >= 3 && r1.reencrypted.attachments === 2 && r1.reencrypted.outbox! > 0);
      assert.deepEqual(fileKeys(t), [r1.keyId]);
      assert.ok(
        !fs.readFileSync(t.config.secretKeyFile, 'utf8').includes(oldSecret),
        'old key material gone',
      );
      assert.deepEqual(await valuesPerKey(keys), { plain: 0, [r1.keyId]: before[k1!] });
      await assertReadable(t.app, t.tdb.handle.db, w, canary);
      assert.deepEqual(await canaryLeaks(t.tdb, canary), []);

      const r2 = await keys.rotate({ settleMs: 0 });
      assert.deepEqual(r2.retired, [r1.keyId]);
      assert.equal(r2.total, r1.total);
      assert.deepEqual(fileKeys(t), [r2.keyId]);
      await assertReadable(t.app, t.tdb.handle.db, w, canary);
      // The instance secret (first line) is untouched: sessions and signed links stay valid.
      assert.ok(readKeyFile(t.config.secretKeyFile)!.secret.equals(t.tdb.keyRing!.secret));
    });

    test('a rotation stopped half way leaves both keys usable and resumes on its key', async () => {
      const keys = t.services.keys;
      const [old] = fileKeys(t);
      let batches = 0;
      await assert.rejects(
        keys.rotate({
          settleMs: 0,
          batchSize: 2,
          onBatch: () => {
            if (++batches === 3) throw new Error('killed');
          },
        }),
        /killed/,
      );
      const [, fresh] = fileKeys(t);
      assert.ok(fresh && fileKeys(t).length === 2, 'the new key is in the file, the old one kept');
      const mid = await valuesPerKey(keys);
      assert.ok(mid[old!]! > 0 && mid[fresh]! > 0, `both keys in use half way: ${JSON.stringify(mid)}`);
      await assertReadable(t.app, t.tdb.handle.db, w, canary);

      const r = await keys.rotate({ settleMs: 0 });
      assert.equal(r.resumed, true);
      assert.equal(r.keyId, fresh);
      assert.deepEqual(r.retired, [old]);
      assert.deepEqual(fileKeys(t), [fresh]);
      assert.deepEqual(await valuesPerKey(keys), { plain: 0, [fresh]: mid[old!]! + mid[fresh]! });
      await assertReadable(t.app, t.tdb.handle.db, w, canary);
    });

    test('a server that did not rotate re-reads the key file on an unknown key id', async () => {
      // Another process (the CLI) rotates the same database with the same key file.
      const cli: Core = await openCore(t.config, { migrate: false });
      try {
        const r = await cli.services.keys.rotate({ settleMs: 0 });
        assert.ok(!t.tdb.keyRing!.keys().some((k) => k.id === r.keyId), 'the server does not hold it yet');
        await assertReadable(t.app, t.tdb.handle.db, w, canary);
        assert.equal(t.tdb.keyRing!.current().id, r.keyId, 'and now encrypts with it');
      } finally {
        await cli.close();
      }
    });
  });

  describe(`a database from before encryption at rest (${dialect})`, () => {
    let t: TestApp;
    let core: Core;
    let app: FastifyInstance;
    let w: CanaryWorld;
    const canary = newCanary();
    before(async () => {
      t = await createTestApp(dialect, { encrypt: false });
      w = await fillWithCanary(t, canary);
      // The upgraded server: same database, now with a key file.
      core = await openCore(t.config, { migrate: false });
      app = await buildApp({ config: t.config, services: core.services, secret: core.secret, logger: false });
    });
    after(async () => {
      await app.close();
      await core.close();
      await t.close();
    });

    test('plaintext rows read as they are; rotate encrypts them and leaves no trace', async () => {
      assert.ok((await canaryLeaks(t.tdb, canary)).length > 0, 'stored in plaintext so far');
      await assertReadable(app, core.handle.db, w, canary);
      const keys = core.services.keys;
      assert.ok((await keys.status()).plain > 20);

      const r = await keys.rotate({ settleMs: 0, vacuum: true });
      assert.ok(r.total > 20);
      assert.equal(r.walEmptied, true);
      const after = await keys.status();
      assert.equal(after.plain, 0);
      assert.deepEqual(
        after.keys.map((k) => [k.id, k.current]),
        [[r.keyId, true]],
      );
      assert.deepEqual(await canaryLeaks(t.tdb, canary), []);
      await assertReadable(app, core.handle.db, w, canary);
    });
  });
}
