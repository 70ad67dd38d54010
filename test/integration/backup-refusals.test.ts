// What restore refuses, with a message that says why, and that a refused or failed restore leaves the
// target as it was: a non-empty target, a backup from a newer schema, a key file without the backup's
// data keys (or none at all), a damaged, truncated or foreign file. After all of them the same target
// takes the backup. Also: backup writes no partial file and does not overwrite one by accident.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { dialects, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { emptyTarget, locationOf, servicesFor } from '../helpers/backup-world.ts';
import { makeCase, makeProject } from '../helpers/factories.ts';
import { backupInstance, restoreInstance, BackupError } from '../../src/services/backup/backup.service.ts';
import { inspectTarget, migrateTargetTo } from '../../src/storage/backup/restore-target.ts';
import { MIGRATION_NAMES } from '../../src/storage/migrations/index.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-backup-refusals-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Rewrites a dump's lines (decompressed) with `edit`, into a new file. */
function editDump(file: string, out: string, edit: (lines: string[]) => string[]): string {
  const lines = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n');
  fs.writeFileSync(out, zlib.gzipSync(edit(lines).join('\n')));
  return out;
}

async function refused(p: Promise<unknown>, message: RegExp) {
  await assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof BackupError, `a BackupError, not ${e.name}: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });
}

for (const dialect of dialects()) {
  describe(`restore refusals on ${dialect}`, () => {
    let src: TestDatabase;
    let dump: string;
    let snapshot: string;
    let keyFile: string;
    let target: Awaited<ReturnType<typeof emptyTarget>>;

    before(async () => {
      src = await createTestDatabase('sqlite');
      const s = servicesFor(src);
      const p = await makeProject(s);
      for (let i = 0; i < 30; i++) await makeCase(s, p.slug, { reporterEmail: `r${i}@example.org` });
      keyFile = locationOf(src).keyFile;
      dump = path.join(tmp, `${dialect}.dump`);
      snapshot = path.join(tmp, `${dialect}.sqlite`);
      await backupInstance(locationOf(src), { file: dump, format: 'dump' });
      await backupInstance(locationOf(src), { file: snapshot });
      target = await emptyTarget(dialect, keyFile);
    });
    after(async () => {
      await target?.tdb.drop();
      await src?.drop();
    });

    const assertEmpty = async () =>
      assert.deepEqual((await inspectTarget(target.tdb.handle.db, dialect)).nonEmpty, [], 'nothing restored');

    it('refuses a backup from a newer schema, before touching the target', async () => {
      const newer = editDump(dump, path.join(tmp, 'newer.dump'), ([h, ...rest]) => {
        const header = JSON.parse(h!);
        header.migrations.push('2099-01-01-future');
        return [JSON.stringify(header), ...rest];
      });
      await refused(restoreInstance(target.loc, newer), /newer Parley.*2099-01-01-future/);
      assert.deepEqual(
        (await inspectTarget(target.tdb.handle.db, dialect)).migrations,
        [],
        'not even migrated',
      );
    });

    it('refuses without the key file, or with one lacking the data keys, naming the missing ids', async () => {
      const ids = JSON.parse(zlib.gunzipSync(fs.readFileSync(dump)).toString().split('\n')[0]!).keyIds;
      assert.equal(ids.length, 1);
      const elsewhere = { ...target.loc, keyFile: path.join(tmp, 'absent.key') };
      await refused(restoreInstance(elsewhere, dump), new RegExp(`${ids[0]}.*does not exist`));
      const other = await createTestDatabase('sqlite', { migrate: false }); // generates another key file
      try {
        await refused(
          restoreInstance({ ...target.loc, keyFile: locationOf(other).keyFile }, snapshot),
          new RegExp(`lacks data key\\(s\\) ${ids[0]}`),
        );
      } finally {
        await other.drop();
      }
      // The same data keys under another instance secret: second factors and webhook secrets would not open.
      const lines = fs.readFileSync(keyFile, 'utf8').split('\n');
      const swapped = path.join(tmp, 'swapped.key');
      fs.writeFileSync(swapped, [crypto.randomBytes(32).toString('base64'), ...lines.slice(1)].join('\n'));
      await refused(restoreInstance({ ...target.loc, keyFile: swapped }, dump), /another instance secret/);
      await assertEmpty();
    });

    it('refuses damaged and truncated files, and leaves the target empty', async () => {
      const bytes = fs.readFileSync(dump);
      const cut = path.join(tmp, 'cut.dump');
      fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
      await refused(restoreInstance(target.loc, cut), /damaged or cut short/);
      await assertEmpty();

      const tampered = editDump(dump, path.join(tmp, 'tampered.dump'), (lines) =>
        lines.map((l) => (l.includes('"r7@example.org"') ? l.replace('r7@', 'x7@') : l)),
      );
      await refused(restoreInstance(target.loc, tampered), /rows of cases do not match their digest/);
      await assertEmpty();

      const noEnd = editDump(dump, path.join(tmp, 'noend.dump'), (lines) =>
        lines.filter((l) => !l.startsWith('{"complete"')),
      );
      await refused(restoreInstance(target.loc, noEnd), /cut short/);
      await assertEmpty();

      const snap = fs.readFileSync(snapshot);
      const cutSnap = path.join(tmp, 'cut.sqlite');
      fs.writeFileSync(cutSnap, snap.subarray(0, Math.floor(snap.length / 2)));
      await assert.rejects(restoreInstance(target.loc, cutSnap));
      await assertEmpty();

      const foreign = path.join(tmp, 'foreign.txt');
      fs.writeFileSync(foreign, 'hello');
      await refused(restoreInstance(target.loc, foreign), /not a Parley backup/);
    });

    it('then takes the backup, and refuses a second restore into the now non-empty target', async () => {
      const r = await restoreInstance(target.loc, dump);
      assert.equal(r.rows.cases, 30);
      await refused(restoreInstance(target.loc, snapshot), /is not empty \(.*cases: 30/);
      const state = await inspectTarget(target.tdb.handle.db, dialect);
      assert.equal(state.nonEmpty.find((t) => t.table === 'cases')?.rows, 30, 'nothing added twice');
    });

    it('restores a backup from an older schema, then upgrades it', async () => {
      const old = await createTestDatabase('sqlite', { migrate: false });
      const older = await emptyTarget(dialect, locationOf(old).keyFile);
      try {
        const previous = MIGRATION_NAMES.at(-2)!;
        await migrateTargetTo(old.handle.db, previous);
        await old.handle.db
          .insertInto('projects')
          .values({
            id: 'p1',
            slug: 'old',
            name: 'Old',
            key: 'OLD',
            description: '',
            last_case_number: 0,
            created_at: 'x',
          })
          .execute();
        const file = path.join(tmp, `${dialect}-older.dump`);
        const b = await backupInstance(locationOf(old), { file, format: 'dump' });
        assert.equal(b.header.migrations.at(-1), previous);
        const r = await restoreInstance(older.loc, file);
        assert.deepEqual(r.upgraded, [MIGRATION_NAMES.at(-1)]);
        assert.equal(r.rows.projects, 1);
        assert.deepEqual((await inspectTarget(older.tdb.handle.db, dialect)).migrations, MIGRATION_NAMES);
      } finally {
        await older.tdb.drop();
        await old.drop();
      }
    });

    it('backup refuses to overwrite a file unless asked, and leaves no partial file', async () => {
      await refused(backupInstance(locationOf(src), { file: dump, format: 'dump' }), /exists/);
      const again = await backupInstance(locationOf(src), { file: dump, format: 'dump', overwrite: true });
      assert.ok(again.bytes > 0);
      assert.deepEqual(
        fs.readdirSync(tmp).filter((f) => f.endsWith('.partial')),
        [],
      );
      if (dialect === 'sqlite')
        await refused(
          backupInstance(
            { ...locationOf(src), databaseUrl: 'postgres://x/y' },
            { file: path.join(tmp, 'x'), format: 'sqlite' },
          ),
          /dump/,
        );
    });
  });
}
