// A backup taken while reports and messages keep arriving is one consistent snapshot: tables read at
// different moments would hold a case without its "created" timeline entry, a message without its
// entry (or an entry pointing at a message the backup lacks, which the restore's foreign keys refuse),
// or more cases than the project's counter. Each backup is restored and checked for all of that.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dialects, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { emptyTarget, locationOf, servicesFor } from '../helpers/backup-world.ts';
import { makeCase, makeProject } from '../helpers/factories.ts';
import type { Services } from '../../src/services/index.ts';
import { backupInstance, restoreInstance } from '../../src/services/backup/backup.service.ts';
import type { BackupKind } from '../../src/storage/backup/backup-format.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-backup-live-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** One report and one reporter message on it: two transactions, as on the site. */
async function write(s: Services, slug: string) {
  const i = n++;
  const c = await makeCase(s, slug, { reporterEmail: `w${i}@example.org`, title: `Live report ${i}` });
  await s.cases.addMessage(c.reporter, { id: c.id }, { body: `Message ${i}` }, 'api');
}

async function countCases(tdb: TestDatabase): Promise<number> {
  const r = await tdb.handle.db
    .selectFrom('cases')
    .select((e) => e.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const dialect of dialects()) {
  describe(`backup under writes on ${dialect}`, () => {
    let src: TestDatabase;
    let s: Services;
    let slug: string;

    before(async () => {
      src = await createTestDatabase(dialect);
      s = servicesFor(src);
      slug = (await makeProject(s)).slug;
      for (let i = 0; i < 150; i++) await write(s, slug);
    });
    after(() => src?.drop());

    const kinds: BackupKind[] = dialect === 'sqlite' ? ['sqlite', 'dump'] : ['dump'];
    for (const kind of kinds)
      it(`a ${kind} taken during writes restores, with every case and message whole`, async () => {
        let stop = false;
        const writer = (async () => {
          while (!stop) await write(s, slug);
        })();
        await new Promise((r) => setTimeout(r, 100)); // the writer is going
        const casesBefore = await countCases(src);
        const file = path.join(tmp, `${dialect}-${kind}.backup`);
        await backupInstance(locationOf(src), { file, format: kind });
        const casesAfter = await countCases(src);
        stop = true;
        await writer;
        assert.ok(
          casesAfter > casesBefore,
          `writes went on during the backup (${casesBefore} → ${casesAfter})`,
        );

        const { tdb, loc } = await emptyTarget(dialect, locationOf(src).keyFile);
        try {
          await restoreInstance(loc, file);
          const db = tdb.handle.db.withoutPlugins();
          const cases = await db.selectFrom('cases').select(['id', 'number']).execute();
          assert.ok(
            cases.length >= casesBefore && cases.length <= casesAfter,
            `${cases.length} cases in the snapshot`,
          );
          const [project] = await db.selectFrom('projects').select('last_case_number').execute();
          assert.equal(project!.last_case_number, cases.length, "the project's counter matches its cases");
          assert.equal(Math.max(...cases.map((c) => c.number)), cases.length);

          const events = await db
            .selectFrom('case_events')
            .select(['case_id', 'type', 'message_id'])
            .execute();
          const created = new Set(events.filter((e) => e.type === 'report.created').map((e) => e.case_id));
          assert.deepEqual(
            cases.filter((c) => !created.has(c.id)),
            [],
            'every case has its created entry',
          );
          const messages = await db.selectFrom('messages').select(['id', 'case_id']).execute();
          const withEvent = new Set(events.map((e) => e.message_id).filter(Boolean));
          assert.deepEqual(
            messages.filter((m) => !withEvent.has(m.id)),
            [],
            'every message has its entry',
          );
          assert.ok(messages.length >= cases.length - 1, 'at most the last case lacks its message yet');
          const restored = servicesFor({ ...tdb, keyRing: src.keyRing });
          assert.equal((await restored.audit.verify('system')).ok, true);
        } finally {
          await tdb.drop();
        }
      });
  });
}
