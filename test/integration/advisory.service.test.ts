// Advisories through the services on both dialects: drafting from cases, revisions and stale saves,
// publication (ids, cases disclosed, timeline, reporter e-mail, team notices), the embargo (schedule,
// the publish job honouring it never early and after a restart), withdrawal, and who may do what.
import { test, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject, makeUser } from '../helpers/factories.ts';
import { advisoryContent } from '../helpers/advisories.ts';
import type { Dialect } from '../../src/storage/db.ts';
import { ANONYMOUS } from '../../src/services/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import { createJobRunner } from '../../src/jobs/index.ts';
import { silentLogger } from '../../src/jobs/job.types.ts';

const T0 = '2026-03-02T09:00:00.000Z';
const HOUR = 3_600_000;

async function setup(t: TestContext, dialect: Dialect) {
  const clock = manualClock(T0, 0);
  const ts = await createTestServices(dialect, { clock });
  t.after(() => ts.close());
  const s = ts.services;
  const p = await makeProject(s, { name: 'Parsec' });
  const q = await makeProject(s, { name: 'Quasar' });
  const maintainer = await makeMember(s, p.slug, 'maintainer');
  const responder = await makeMember(s, p.slug, 'responder');
  const outsider = await makeMember(s, q.slug, 'maintainer');
  const admin = await makeUser(s, { admin: true });
  return { clock, ts, s, db: ts.tdb.handle.db, p, q, maintainer, responder, outsider, admin };
}

const rejects = async (p: Promise<unknown>, cls: new (...a: never[]) => Error) =>
  assert.rejects(p, (e) => e instanceof cls);

for (const dialect of dialects()) {
  describe(`advisory service (${dialect})`, () => {
    test('drafts from cases with content prefilled and credit as the reporter chose', async (t) => {
      const w = await setup(t, dialect);
      const named = await makeCase(w.s, w.p.slug, {
        creditPreference: 'name',
        creditName: 'Grace H.',
        impact: 'Remote code execution.',
      });
      const anon = await makeCase(w.s, w.p.slug, { creditPreference: 'anonymous' });
      const d = await w.s.advisories.create(w.responder.actor, w.p.slug, { cases: [named.key, anon.key] });
      assert.equal(d.state, 'draft');
      assert.equal(d.id, null, 'the public id is assigned at publication');
      assert.equal(d.revision, 1);
      assert.deepEqual(d.cases.map((c) => c.key).sort(), [named.key, anon.key].sort());
      assert.match(d.content.summary, /Remote code execution/);
      assert.deepEqual(
        d.content.credits,
        [{ name: 'Grace H.', type: 'FINDER' }],
        'anonymous reporters are not credited',
      );
      assert.ok(d.publishProblems.length > 0, 'a prefilled draft still lacks affected packages');
      // A case of another project is refused without saying whether it exists.
      const foreign = await makeCase(w.s, w.q.slug);
      await rejects(
        w.s.advisories.create(w.maintainer.actor, w.p.slug, { cases: [foreign.key] }),
        ValidationError,
      );
    });

    test('every save is a revision; a stale save is refused; bad content lists every problem', async (t) => {
      const w = await setup(t, dialect);
      const d = await w.s.advisories.create(w.maintainer.actor, w.p.slug, { content: advisoryContent() });
      const c2 = { ...d.content, title: 'Renamed' };
      const v2 = await w.s.advisories.update(w.responder.actor, d.uid, {
        content: c2,
        baseRevision: 1,
        note: 'rename',
      });
      assert.equal(v2.revision, 2);
      await assert.rejects(
        w.s.advisories.update(w.maintainer.actor, d.uid, {
          content: { ...c2, title: 'Other' },
          baseRevision: 1,
        }),
        (e) => e instanceof ConflictError && e.code === 'stale-revision',
      );
      await assert.rejects(
        w.s.advisories.update(w.maintainer.actor, d.uid, {
          content: {
            ...c2,
            cveIds: ['CVE-26-1'],
            cvss3Vector: 'CVSS:3.1/AV:X',
            affected: [
              {
                ecosystem: 'npm',
                name: 'x',
                ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: 'not-a-version' }] }],
              },
            ],
          },
          baseRevision: 2,
        }),
        (e) => {
          assert.ok(e instanceof ValidationError);
          const fields = e.errors.map((x) => x.field);
          assert.ok(fields.includes('cveIds[0]'), fields.join());
          assert.ok(fields.includes('cvss3Vector'), fields.join());
          assert.ok(fields.includes('affected[0].ranges[0].events[1].fixed'), fields.join());
          return true;
        },
      );
      const revs = await w.s.advisories.revisions(w.maintainer.actor, d.uid);
      assert.deepEqual(
        revs.map((r) => [r.revision, r.note]),
        [
          [2, 'rename'],
          [1, 'Draft created'],
        ],
      );
    });

    test('publishing assigns PREFIX-YYYY-NNNN, discloses the cases, tells reporter and team', async (t) => {
      const w = await setup(t, dialect);
      const c = await makeCase(w.s, w.p.slug, { reporterEmail: 'finder@example.net' });
      const d = await w.s.advisories.create(w.maintainer.actor, w.p.slug, { cases: [c.key] });
      await w.s.advisories.update(w.maintainer.actor, d.uid, {
        content: { ...advisoryContent(), title: d.content.title },
        baseRevision: 1,
      });
      await rejects(w.s.publishing.publish(w.responder.actor, d.uid), ForbiddenError);
      const pub = await w.s.publishing.publish(w.maintainer.actor, d.uid);
      assert.equal(pub.state, 'published');
      assert.equal(pub.id, 'PARLEY-2026-0001');
      assert.equal(pub.publishedAt, T0);
      const second = await w.s.advisories.create(w.maintainer.actor, w.p.slug, {
        content: advisoryContent(),
      });
      assert.equal((await w.s.publishing.publish(w.maintainer.actor, second.uid)).id, 'PARLEY-2026-0002');

      const row = await w.db.selectFrom('cases').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
      assert.equal(row.state, 'disclosed');
      assert.equal(row.disclosed_at, T0);
      const events = await w.db.selectFrom('case_events').selectAll().where('case_id', '=', c.id).execute();
      const published = events.find((e) => e.type === 'advisory.published');
      assert.equal(published?.visibility, 'reporter', 'the reporter sees the publication on their page');
      const mail = await w.db
        .selectFrom('outbox')
        .selectAll()
        .where('case_id', '=', c.id)
        .where('kind', '=', 'reporter.advisory.published')
        .execute();
      assert.equal(mail.length, 1);
      assert.equal(mail[0]!.recipient_address, 'finder@example.net');
      assert.match(mail[0]!.body, /\/advisories\/PARLEY-2026-0001/);
      const notices = await w.db
        .selectFrom('notifications')
        .selectAll()
        .where('kind', '=', 'advisory.published')
        .execute();
      assert.deepEqual(
        [
          ...new Set(notices.filter((n) => n.title.startsWith('PARLEY-2026-0001')).map((n) => n.user_id)),
        ].sort(),
        [w.maintainer.user.id, w.responder.user.id].sort(),
      );
      await assert.rejects(
        w.s.publishing.publish(w.maintainer.actor, d.uid),
        (e) => e instanceof ConflictError,
      );
    });

    test('a published advisory can be revised (modified moves) and withdrawn (kept, marked)', async (t) => {
      const w = await setup(t, dialect);
      const d = await w.s.advisories.create(w.maintainer.actor, w.p.slug, { content: advisoryContent() });
      const pub = await w.s.publishing.publish(w.maintainer.actor, d.uid);
      w.clock.advance(HOUR);
      const rev = await w.s.advisories.update(w.maintainer.actor, pub.uid, {
        content: { ...pub.content, workarounds: 'None.' },
        baseRevision: pub.revision,
        note: 'No workaround',
      });
      assert.equal(rev.modifiedAt, new Date(Date.parse(T0) + HOUR).toISOString());
      assert.equal(rev.publishedAt, T0);
      await assert.rejects(
        w.s.advisories.update(w.maintainer.actor, pub.uid, {
          content: { ...pub.content, severity: null },
          baseRevision: rev.revision,
        }),
        (e) => e instanceof ValidationError,
        'a published advisory must stay publishable',
      );
      await rejects(w.s.publishing.withdraw(w.maintainer.actor, pub.uid, { reason: '' }), ValidationError);
      w.clock.advance(HOUR);
      const wd = await w.s.publishing.withdraw(w.maintainer.actor, pub.uid, {
        reason: 'Not a vulnerability after all.',
      });
      assert.equal(wd.state, 'withdrawn');
      assert.equal(wd.withdrawnReason, 'Not a vulnerability after all.');
      const pubView = await w.s.publicAdvisories.get(pub.id!);
      assert.equal(pubView.state, 'withdrawn', 'withdrawn advisories stay public');
      const revs = await w.s.advisories.revisions(w.maintainer.actor, pub.uid);
      assert.deepEqual(
        revs.filter((r) => r.publicNumber).map((r) => r.publicNumber),
        [3, 2, 1],
      );
      await rejects(
        w.s.advisories.update(w.maintainer.actor, pub.uid, {
          content: pub.content,
          baseRevision: wd.revision,
        }),
        ConflictError,
      );
    });

    test('the embargo: scheduled advisories publish on time, never early, also after a restart', async (t) => {
      const w = await setup(t, dialect);
      const d = await w.s.advisories.create(w.maintainer.actor, w.p.slug, { content: advisoryContent() });
      await rejects(
        w.s.publishing.schedule(w.maintainer.actor, d.uid, { at: '2026-03-01T10:00', zone: 'Europe/Berlin' }),
        ValidationError,
      );
      await rejects(
        w.s.publishing.schedule(w.maintainer.actor, d.uid, { at: '2026-03-05T10:00', zone: 'Mars/Olympus' }),
        ValidationError,
      );
      await rejects(
        w.s.publishing.schedule(w.maintainer.actor, d.uid, { at: 'tomorrow', zone: 'UTC' }),
        ValidationError,
      );
      await rejects(
        w.s.publishing.schedule(w.responder.actor, d.uid, { at: '2026-03-05T10:00', zone: 'UTC' }),
        ForbiddenError,
      );
      // 10:00 in Berlin (UTC+1 in March) is 09:00 UTC.
      const sch = await w.s.publishing.schedule(w.maintainer.actor, d.uid, {
        at: '2026-03-05T10:00',
        zone: 'Europe/Berlin',
      });
      assert.equal(sch.state, 'scheduled');
      assert.equal(sch.scheduledFor, '2026-03-05T09:00:00.000Z');
      await rejects(w.s.publicAdvisories.get('PARLEY-2026-0001'), NotFoundError);

      w.clock.advance(72 * HOUR - 1); // one millisecond before the embargo ends
      assert.deepEqual(await w.s.publishing.publishDue(), []);
      assert.equal((await w.s.advisories.get(w.maintainer.actor, d.uid)).state, 'scheduled');

      // The server was down at the moment; a fresh runner over the same database publishes on its first tick.
      w.clock.advance(2 * HOUR);
      const runner = createJobRunner(
        { handle: w.ts.tdb.handle, services: w.s, close: async () => {} } as never,
        silentLogger,
      );
      const ran = await runner.runDueOnce();
      assert.ok(ran.done >= 1, JSON.stringify(ran));
      const after = await w.s.advisories.get(w.maintainer.actor, d.uid);
      assert.equal(after.state, 'published');
      assert.equal(after.publishedAt, new Date(Date.parse(T0) + 74 * HOUR - 1).toISOString());
      assert.equal(after.id, 'PARLEY-2026-0001');
    });

    test('unscheduling returns to draft; only maintainers and admins publish', async (t) => {
      const w = await setup(t, dialect);
      const d = await w.s.advisories.create(w.responder.actor, w.p.slug, { content: advisoryContent() });
      await w.s.publishing.schedule(w.admin.actor, d.uid, { at: '2026-04-01T00:00', zone: 'UTC' });
      const un = await w.s.publishing.unschedule(w.maintainer.actor, d.uid);
      assert.equal(un.state, 'draft');
      assert.equal(un.scheduledFor, null);
      await rejects(w.s.publishing.unschedule(w.maintainer.actor, d.uid), ConflictError);
    });

    test('need to know: outsiders and anonymous get not-found for everything unpublished', async (t) => {
      const w = await setup(t, dialect);
      const d = await w.s.advisories.create(w.maintainer.actor, w.p.slug, { content: advisoryContent() });
      for (const actor of [w.outsider.actor, ANONYMOUS]) {
        await rejects(w.s.advisories.get(actor, d.uid), NotFoundError);
        await rejects(
          w.s.advisories.update(actor, d.uid, { content: d.content, baseRevision: 1 }),
          NotFoundError,
        );
        await rejects(w.s.publishing.publish(actor, d.uid), NotFoundError);
        await rejects(w.s.advisories.revisions(actor, d.uid), NotFoundError);
        await rejects(w.s.advisoryExport.teamDocument(actor, d.uid, 'osv'), NotFoundError);
      }
      await rejects(
        w.s.advisories.create(w.outsider.actor, w.p.slug, { content: advisoryContent() }),
        NotFoundError,
      );
      const list = await w.s.advisories.list(w.outsider.actor, {});
      assert.equal(list.items.length, 0);
      assert.equal(
        (await w.s.advisories.list(w.admin.actor, {})).items.length,
        1,
        'admins see every project',
      );
      assert.equal((await w.s.advisories.get(w.admin.actor, d.uid)).canPublish, true);
      assert.equal((await w.s.advisories.get(w.responder.actor, d.uid)).canPublish, false);
    });

    test('content that would make an invalid OSV record cannot be published', async (t) => {
      const w = await setup(t, dialect);
      const d = await w.s.advisories.create(w.maintainer.actor, w.p.slug, {
        content: advisoryContent({
          affected: [
            {
              ecosystem: 'NotAnEcosystem',
              name: 'x',
              ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2' }] }],
              versions: [],
            },
          ],
        }),
      });
      await assert.rejects(
        w.s.publishing.publish(w.maintainer.actor, d.uid),
        (e) => e instanceof ValidationError && /OSV/.test(e.errors[0]!.message),
      );
    });
  });
}
