// Policy versions through the service on both dialects: who may change a policy, validation with
// line and column, refused stale saves, history, and cases keeping the version they opened under.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject, makeUser } from '../helpers/factories.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/domain/errors.ts';
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';

const FAST = `policyFormat: 1
sla:
  timeZone: UTC
  default:
    acknowledge: 24h
    assess: 2bd
`;

const BROKEN = `policyFormat: 1
sla:
  timeZone: Mars/Olympus
  default:
    acknowledge: soon
`;

for (const dialect of dialects()) {
  describe(`policy service (${dialect})`, () => {
    let ts: TestServices;
    const clock = manualClock('2026-03-02T09:00:00.000Z'); // a Monday
    before(async () => {
      ts = await createTestServices(dialect, { clock });
    });
    after(async () => {
      await ts.close();
    });

    test('a new project runs on the built-in default policy (version 0)', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const cur = await s.policies.current(p.slug);
      assert.equal(cur.version, 0);
      assert.equal(cur.savedAt, null);
      assert.match(cur.source, /policyFormat: 1/);
      const c = await makeCase(s, p.slug);
      const m = await makeMember(s, p.slug, 'maintainer');
      const v = (await s.cases.get(m.actor, { id: c.id })) as TeamCaseView;
      assert.equal(v.deadlines.policyVersion, 0);
      // Default: acknowledge within 48 hours of receipt.
      assert.equal(v.deadlines.clocks[0]!.clock, 'acknowledge');
      assert.equal(v.deadlines.clocks[0]!.dueAt, '2026-03-04T09:00:00.000Z');
    });

    test('maintainers save versions; new cases follow the new one, open cases keep theirs', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const before = await makeCase(s, p.slug);
      const saved = await s.policies.save(m.actor, p.slug, { source: FAST, note: 'faster', baseVersion: 0 });
      assert.equal(saved.version, 1);
      assert.ok(saved.diff.some((l) => l.kind === 'added' && l.text.includes('acknowledge: 24h')));
      const after = await makeCase(s, p.slug);
      const vb = (await s.cases.get(m.actor, { id: before.id })) as TeamCaseView;
      const va = (await s.cases.get(m.actor, { id: after.id })) as TeamCaseView;
      assert.equal(vb.deadlines.policyVersion, 0);
      assert.equal(vb.deadlines.clocks[0]!.dueAt, '2026-03-04T09:00:00.000Z', 'still 48 h');
      assert.equal(va.deadlines.policyVersion, 1);
      assert.equal(va.deadlines.clocks[0]!.dueAt, '2026-03-03T09:00:00.000Z', 'now 24 h');
      const history = await s.policies.history(m.actor, p.slug);
      assert.deepEqual(
        history.map((h) => [h.version, h.current, h.note]),
        [
          [1, true, 'faster'],
          [0, false, 'Built-in default policy'],
        ],
      );
      assert.equal(history[0]!.savedBy, m.user.name);
      assert.equal((await s.policies.version(m.actor, p.slug, 1)).source, FAST);
    });

    test('an invalid policy is refused with every problem at its line and column; nothing is saved', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const preview = await s.policies.preview(m.actor, p.slug, BROKEN);
      assert.equal(preview.valid, false);
      const at = preview.problems.map((x) => `${x.line}:${x.column}`);
      assert.ok(at.includes('3:13'), `time zone at 3:13 in ${at.join(', ')}`);
      assert.ok(at.includes('5:18'), `duration at 5:18 in ${at.join(', ')}`);
      await assert.rejects(
        s.policies.save(m.actor, p.slug, { source: BROKEN }),
        (e: unknown) =>
          e instanceof ValidationError &&
          e.errors.every((x) => x.field === 'source' && typeof x.line === 'number') &&
          e.errors.some((x) => x.line === 3),
      );
      await assert.rejects(s.policies.save(m.actor, p.slug, { source: '' }), ValidationError);
      assert.equal((await s.policies.current(p.slug)).version, 0);
    });

    test('a save based on an older version is refused (409), not silently overwriting', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const a = await makeMember(s, p.slug, 'maintainer');
      const b = await makeMember(s, p.slug, 'maintainer');
      await s.policies.save(a.actor, p.slug, { source: FAST, baseVersion: 0 });
      await assert.rejects(
        s.policies.save(b.actor, p.slug, { source: 'policyFormat: 1\n', baseVersion: 0 }),
        ConflictError,
      );
      assert.equal((await s.policies.current(p.slug)).source, FAST);
      // Two saves racing from the same base: exactly one wins.
      const results = await Promise.allSettled([
        s.policies.save(a.actor, p.slug, { source: FAST + '# a\n', baseVersion: 1 }),
        s.policies.save(b.actor, p.slug, { source: FAST + '# b\n', baseVersion: 1 }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal((await s.policies.current(p.slug)).version, 2);
    });

    test('only maintainers and admins change policies; others learn nothing', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const responder = await makeMember(s, p.slug, 'responder');
      const outsider = await makeUser(s);
      const admin = await makeUser(s, { admin: true });
      await assert.rejects(s.policies.save(responder.actor, p.slug, { source: FAST }), ForbiddenError);
      await assert.rejects(s.policies.preview(responder.actor, p.slug, FAST), ForbiddenError);
      await assert.rejects(s.policies.save(outsider.actor, p.slug, { source: FAST }), NotFoundError);
      await assert.rejects(s.policies.history(outsider.actor, p.slug), NotFoundError);
      await assert.rejects(s.policies.save({ kind: 'anonymous' }, p.slug, { source: FAST }));
      const c = await makeCase(s, p.slug);
      await assert.rejects(s.policies.save(c.reporter, p.slug, { source: FAST }));
      assert.equal((await s.policies.save(admin.actor, p.slug, { source: FAST })).version, 1);
    });

    test('SECURITY.md and security.txt come from the policy in force', async () => {
      const s = ts.services;
      const p = await makeProject(s, { name: 'Conure' });
      const m = await makeMember(s, p.slug, 'maintainer');
      await s.policies.save(m.actor, p.slug, {
        source: `policyFormat: 1
contacts:
  - uri: mailto:security@conure.example
statusNotes: ['alpha: not for production']
`,
      });
      const md = await s.policies.securityMd(p.slug);
      assert.match(md, /Conure/);
      assert.match(md, /alpha: not for production/);
      assert.match(md, /http:\/\/localhost:8080\/p\/[a-z0-9-]+\/report/);
      const txt = await s.policies.securityTxt(p.slug);
      const contacts = txt.split('\n').filter((l) => l.startsWith('Contact: '));
      assert.deepEqual(contacts, [
        `Contact: http://localhost:8080/p/${p.slug}/report`,
        'Contact: mailto:security@conure.example',
      ]);
      assert.equal(txt.split('\n').filter((l) => l.startsWith('Expires: ')).length, 1);
    });
  });
}
