// Backup and restore round trips: a rich instance (every kind of row, encrypted fields, attachments,
// TOTP, the audit log) backed up — a SQLite snapshot and a dump from SQLite, a dump from PostgreSQL —
// and restored into an empty database of each dialect (SQLite → PostgreSQL is the documented way to
// move an instance). Every table must come back identical once dialect types are normalised, the
// audit chain must verify, the restored instance must read the reports with the same key file, and
// the backup file must not hold the report text in the clear.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { dialects } from '../helpers/db.ts';
import { canaryForms } from '../helpers/at-rest.ts';
import { PASSWORD } from '../helpers/factories.ts';
import {
  canonicalTables,
  emptyTarget,
  locationOf,
  restoredServices,
  seedRichInstance,
  type RichInstance,
} from '../helpers/backup-world.ts';
import { backupInstance, restoreInstance } from '../../src/services/backup/backup.service.ts';
import { readKeyFile } from '../../src/storage/encryption/key-file.ts';
import type { BackupKind } from '../../src/storage/backup/backup-format.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-backup-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function holds(file: string, kind: BackupKind, text: string): boolean {
  const bytes = kind === 'dump' ? zlib.gunzipSync(fs.readFileSync(file)) : fs.readFileSync(file);
  return canaryForms(text).some((f) => bytes.includes(f));
}

for (const source of dialects()) {
  describe(`backup of a ${source} instance`, () => {
    let src: RichInstance;
    let expected: Record<string, string[]>;

    before(async () => {
      src = await seedRichInstance(source);
      expected = await canonicalTables(src.t.tdb.handle.db, source);
    });
    after(() => src?.t.close());

    const kinds: BackupKind[] = source === 'sqlite' ? ['sqlite', 'dump'] : ['dump'];
    for (const kind of kinds) {
      for (const target of dialects()) {
        it(`${kind} → restore into ${target}: identical data, audit intact, readable with the key file`, async () => {
          const file = path.join(tmp, `${source}-${kind}-${target}.backup`);
          const b = await backupInstance(locationOf(src.t.tdb), { file, format: kind });
          assert.equal(b.kind, kind);
          assert.deepEqual(b.header.migrations.length > 0, true);
          const keys = readKeyFile(locationOf(src.t.tdb).keyFile)!.dataKeys.map((k) => k.id);
          assert.deepEqual(b.header.keyIds, keys, 'the header names the data key in use');
          assert.ok(!holds(file, kind, src.canary), 'no report text in the clear in the backup');
          assert.ok(holds(file, kind, src.world.plainCanary), 'the scan finds what is stored as it is');

          const { tdb, loc } = await emptyTarget(target, locationOf(src.t.tdb).keyFile);
          try {
            // One row per INSERT from a snapshot: a case meets its duplicate_of before that case exists.
            const r = await restoreInstance(loc, file, kind === 'sqlite' ? { batchRows: 1 } : {});
            assert.deepEqual(r.upgraded, []);
            const got = await canonicalTables(tdb.handle.db, target);
            assert.deepEqual(Object.keys(got), Object.keys(expected));
            for (const table of Object.keys(expected))
              assert.deepEqual(got[table], expected[table], `table ${table} differs after the round trip`);
            assert.ok(expected.attachments!.length >= 2 && expected.audit_log!.length > 5);
            assert.ok(
              expected.cases!.some((row) => row.includes('"duplicate_of_id","s')),
              'a duplicate',
            );
            assert.equal(r.rows.cases, expected.cases!.length);

            const restored = restoredServices(tdb);
            const s = restored.services;
            const audit = await s.audit.verify('system');
            assert.equal(audit.ok, true, JSON.stringify(audit.firstBroken));
            assert.equal(audit.checked, expected.audit_log!.length);

            // The same personal token, password, recovery code and key file work on the restored instance.
            const maintainer = (await s.auth.resolveBearer(src.world.pat))!;
            assert.ok(maintainer, 'API token still valid');
            const c = (await s.cases.get(maintainer, { key: src.world.apiCase.key })) as { title: string };
            assert.equal(c.title, `Renamed ${src.canary}`);
            const files = await restored.db
              .selectFrom('attachments')
              .select(['filename', 'content'])
              .where('case_id', '=', src.world.mailCase.id)
              .execute();
            assert.deepEqual(
              files.map((f) => [f.filename, Buffer.from(f.content).includes(src.canary)]).sort(),
              [
                ['dump.bin', true],
                [`proof-${src.canary}.txt`, true],
              ],
              'attachments decrypt, binary intact',
            );
            const login = await s.auth.login(src.world.maintainerEmail, PASSWORD, {});
            assert.ok(login, 'password still valid');
            assert.equal(await s.totp.useRecoveryCode(src.admin.id, src.admin.recoveryCode), true);

            // New rows still get fresh ids (identity sequences moved past the restored ones).
            await s.cases.submitReport(
              src.world.slug,
              { ...newReport(), reporterEmail: 'late@example.org' },
              'api',
            );
            assert.equal((await s.audit.verify('system')).ok, true);
            await restored.close();
          } finally {
            await tdb.drop();
          }
        });
      }
    }
  });
}

function newReport() {
  return {
    title: 'After the restore',
    description: 'A report filed on the restored instance, with enough words to pass.',
    stepsToReproduce: '1. Restore\n2. Report',
    impact: 'None, it is a test.',
    affectedVersions: '1.0.0',
    creditPreference: 'anonymous',
  };
}
