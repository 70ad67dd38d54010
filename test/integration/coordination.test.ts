// Collaborators, parties and the embargo on both dialects, through the real services: who sees
// what (need-to-know), what each may do, what is mailed through the outbox, what is recorded.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeWorld, makeUser } from '../helpers/factories.ts';
import type { Actor } from '../../src/services/actor.ts';
import type { TeamCaseView } from '../../src/services/presenters/case.presenter.ts';
import type { PartyCaseView } from '../../src/services/presenters/party.presenter.ts';

for (const dialect of dialects()) {
  describe(`coordination (${dialect})`, () => {
    let t: TestServices;
    let w: Awaited<ReturnType<typeof makeWorld>>;
    const clock = manualClock('2026-11-24T10:00:00.000Z', 1);
    const s = () => t.services;
    const db = () => t.tdb.handle.db;
    const asUser = (u: { id: string; email: string; name: string }): Actor => ({
      kind: 'user',
      user: { ...u, isAdmin: false },
      via: 'session',
    });
    const mails = (to: string) =>
      db()
        .selectFrom('outbox')
        .selectAll()
        .where('recipient_address', '=', to)
        .orderBy('created_at')
        .execute();

    before(async () => {
      t = await createTestServices(dialect, { clock });
      w = await makeWorld(t.services);
    });
    after(() => t.close());

    it('a collaborator is invited by e-mail, sees that case only, writes notes only, and every view is recorded', async () => {
      const ref = { key: w.caseA.key };
      const added = await s().collaborators.add(w.responder.actor, ref, {
        email: 'Dev@Example.org',
        name: 'Dev',
      });
      assert.equal(added.email, 'dev@example.org');
      const invite = await mails('dev@example.org');
      assert.equal(invite.length, 1);
      assert.match(invite[0]!.body, /\/activate\//, 'a new account gets its activation link');
      assert.match(invite[0]!.body, new RegExp(`/cases/${w.caseA.key}`));
      const dev = asUser({ id: added.id, email: added.email, name: 'Dev' });

      const v = (await s().cases.get(dev, ref)) as TeamCaseView;
      assert.equal(v.audience, 'team');
      assert.equal(v.viewer, 'collaborator');
      assert.equal(v.description, 'Extracting a crafted tarball writes files outside the target directory.');
      await assert.rejects(s().cases.get(dev, { key: w.caseB.key }), { code: 'not-found' });
      assert.equal((await s().cases.list(dev, {})).total, 0, 'no inbox of the project');
      assert.deepEqual(
        (await s().collaborators.sharedWith(dev)).map((c) => [c.key, c.as]),
        [[w.caseA.key, 'collaborator']],
      );

      await s().cases.addMessage(dev, ref, { body: 'Fix is in branch sec/1', internal: true });
      await assert.rejects(s().cases.addMessage(dev, ref, { body: 'Hi reporter' }), { code: 'forbidden' });
      await assert.rejects(s().cases.transition(dev, ref, { to: 'acknowledged' }), { code: 'forbidden' });
      await assert.rejects(s().cases.update(dev, ref, { title: 'x' }), { code: 'forbidden' });
      await assert.rejects(s().parties.list(dev, ref), { code: 'not-found' }, 'a refused read is a 404');
      await assert.rejects(s().collaborators.add(dev, ref, { email: 'x@example.org' }), {
        code: 'forbidden',
      });
      await assert.rejects(s().embargo.set(dev, ref, { at: '2026-12-20T09:00', zone: 'UTC' }), {
        code: 'forbidden',
      });

      await s().cases.get(dev, ref);
      const audits = await db()
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'case.viewed')
        .where('actor_user_id', '=', dev.kind === 'user' ? dev.user.id : '')
        .execute();
      assert.ok(audits.length >= 2, 'every read is in the audit log');
      const team = (await s().cases.get(w.maintainer.actor, ref)) as TeamCaseView;
      const viewed = team.timeline.filter((e) => e.type === 'case.viewed');
      assert.equal(viewed.length, 1, 'the timeline notes a reader at most once an hour');
      assert.equal(viewed[0]!.visibility, 'internal');
      const list = await s().collaborators.list(w.maintainer.actor, ref);
      assert.ok(list[0]!.lastViewedAt);

      await s().collaborators.remove(w.maintainer.actor, ref, added.id);
      await assert.rejects(
        s().cases.get(dev, ref),
        { code: 'not-found' },
        'removed: the case is gone for them',
      );
      await assert.rejects(s().collaborators.remove(w.maintainer.actor, ref, added.id), {
        code: 'not-found',
      });
      await assert.rejects(
        s().collaborators.add(w.maintainer.actor, ref, { email: w.responder.email }),
        { code: 'validation-error' },
        'team members need no invitation',
      );
    });

    it('parties see only what is shared with parties and their own thread; each sets its own status', async () => {
      const ref = { key: w.caseB.key };
      await s().embargo.setSummary(
        w.maintainer.actor,
        ref,
        'SSRF in webhooks of the library; upgrade to 2.1.',
      );
      const a = await s().parties.add(w.maintainer.actor, ref, {
        organisation: 'Distro A',
        contacts: 'Alice <alice@distro-a.example>\nbob@distro-a.example',
      });
      const b = await s().parties.add(w.maintainer.actor, ref, {
        organisation: 'Vendor B',
        contacts: [{ email: 'carol@vendor-b.example', name: 'Carol' }],
        notify: false,
      });
      assert.equal(a.contacts.length, 2);
      assert.ok(a.notifiedAt);
      assert.equal(b.notifiedAt, null);
      assert.equal((await mails('alice@distro-a.example')).length, 1, 'invitation mailed');
      assert.equal((await mails('carol@vendor-b.example')).length, 0, 'not yet told');
      assert.equal(await s().parties.notify(w.maintainer.actor, ref, 'pending'), 1);
      assert.equal((await mails('carol@vendor-b.example')).length, 1);

      const alice = asUser({
        id: a.contacts.find((c) => c.email.startsWith('alice'))!.userId,
        email: 'alice@distro-a.example',
        name: 'Alice',
      });
      const carol = asUser({ id: b.contacts[0]!.userId, email: 'carol@vendor-b.example', name: 'Carol' });

      await s().cases.addMessage(w.caseB.reporter, ref, { body: 'REPORTER-ONLY detail' });
      await s().cases.addMessage(w.maintainer.actor, ref, { body: 'INTERNAL-ONLY note', internal: true });
      await s().cases.addMessage(w.maintainer.actor, ref, {
        body: 'To every party: patch on Dec 1',
        audience: 'parties',
      });
      await s().cases.addMessage(w.maintainer.actor, ref, {
        body: 'Only for B: your backport',
        audience: 'parties',
        partyId: b.id,
      });
      await s().cases.addMessage(alice, ref, { body: 'A is affected in 3.x' });

      const va = (await s().cases.get(alice, ref)) as PartyCaseView;
      assert.equal(va.audience, 'party');
      assert.equal(va.party.organisation, 'Distro A');
      assert.equal(va.summary, 'SSRF in webhooks of the library; upgrade to 2.1.');
      const text = JSON.stringify(va);
      for (const hidden of [
        'REPORTER-ONLY',
        'INTERNAL-ONLY',
        'Only for B',
        'b@example.net',
        'Vendor B',
        'crafted',
      ])
        assert.ok(!text.includes(hidden), `a party never sees "${hidden}"`);
      assert.ok(text.includes('To every party') && text.includes('A is affected'));

      const vb = (await s().cases.get(carol, ref)) as PartyCaseView;
      const tb = JSON.stringify(vb);
      assert.ok(tb.includes('Only for B') && tb.includes('To every party'));
      assert.ok(
        !tb.includes('A is affected') && !tb.includes('Distro A'),
        "another party's thread stays private",
      );

      await s().partyActivity.setStatus(alice, ref, a.id, {
        status: 'affected',
        statement: 'Fixed in 3.4-2',
      });
      await assert.rejects(s().partyActivity.setStatus(alice, ref, b.id, { status: 'fixed' }), {
        code: 'not-found',
      });
      await assert.rejects(s().partyActivity.setStatus(alice, ref, a.id, { status: 'maybe' }), {
        code: 'validation-error',
      });
      await assert.rejects(s().cases.transition(alice, ref, { to: 'acknowledged' }), { code: 'forbidden' });
      await assert.rejects(s().parties.list(alice, ref), { code: 'not-found' });
      await assert.rejects(s().cases.get(alice, { key: w.caseA.key }), { code: 'not-found' });

      const parties = await s().parties.list(w.maintainer.actor, ref);
      const pa = parties.find((p) => p.id === a.id)!;
      assert.equal(pa.status, 'affected');
      assert.equal(pa.statement, 'Fixed in 3.4-2');
      assert.ok(pa.viewedAt && pa.lastActiveAt, 'viewed and last-active times kept');
      assert.equal(parties.find((p) => p.id === b.id)!.status, 'unknown');
      const teamMail = await mails(w.maintainer.email);
      assert.ok(
        teamMail.some((m) => m.kind === 'party.status'),
        'the team hears of a status change',
      );
      assert.ok(
        teamMail.some((m) => m.kind === 'party.message'),
        'the team hears of a party message',
      );
      const toCarol = await mails('carol@vendor-b.example');
      assert.ok(toCarol.some((m) => m.kind === 'party.message'));
      assert.ok(!toCarol.some((m) => /A is affected/.test(m.body)));

      const team = (await s().cases.get(w.maintainer.actor, ref)) as TeamCaseView;
      const own = team.timeline.find((e) => e.message?.body === 'Only for B: your backport')!;
      assert.deepEqual(own.party, { id: b.id, organisation: 'Vendor B' });
      const reporter = JSON.stringify(await s().cases.get(w.caseB.reporter, ref));
      assert.ok(
        !reporter.includes('To every party') && !reporter.includes('A is affected'),
        'the reporter does not see parties',
      );
    });

    it('the embargo is set in a time zone within the policy, shown everywhere, and mailed to every party', async () => {
      const ref = { key: w.caseB.key };
      const view = await s().embargo.set(w.responder.actor, ref, {
        at: '2026-12-15T09:00',
        zone: 'Europe/Berlin',
      });
      assert.equal(view?.endsAt, '2026-12-15T08:00:00.000Z');
      assert.equal(view?.local, '2026-12-15 09:00');
      assert.equal(view?.offset, 'UTC+01:00');
      const r = await s().cases.get(w.caseB.reporter, ref);
      assert.equal(r.audience === 'reporter' ? r.embargo?.zone : null, 'Europe/Berlin');
      const sent = await db()
        .selectFrom('outbox')
        .select(['recipient_address'])
        .where('kind', '=', 'party.embargo')
        .execute();
      assert.deepEqual(sent.map((m) => m.recipient_address).sort(), [
        'alice@distro-a.example',
        'bob@distro-a.example',
        'carol@vendor-b.example',
      ]);
      await assert.rejects(
        s().embargo.set(w.responder.actor, ref, { at: '2026-12-15T09:00', zone: 'Mars/Olympus' }),
        {
          code: 'validation-error',
        },
      );
      await assert.rejects(
        s().embargo.set(w.responder.actor, ref, { at: '2027-09-01T09:00', zone: 'UTC' }),
        {
          code: 'validation-error',
        },
        'longer than the policy allows',
      );
      await assert.rejects(s().embargo.set(w.responder.actor, ref, { at: '2026-01-01T09:00', zone: 'UTC' }), {
        code: 'validation-error',
      });
      const audit = await db()
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'case.embargo-changed')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(await s().embargo.set(w.responder.actor, ref, null), null);
    });

    it('silent parties are reminded after three days, once per three days, until they answer', async () => {
      const c = await s().cases.submitReport(
        w.project.slug,
        { ...(await import('../helpers/factories.ts')).reportInput(), title: 'Third' },
        'api',
      );
      const ref = { id: c.id };
      const quiet = await s().parties.add(w.maintainer.actor, ref, {
        organisation: 'Quiet Co',
        contacts: 'q@quiet.example',
      });
      const talky = await s().parties.add(w.maintainer.actor, ref, {
        organisation: 'Talky Co',
        contacts: 't@talky.example',
      });
      const talkyUser = asUser({ id: talky.contacts[0]!.userId, email: 't@talky.example', name: 't' });
      await s().partyActivity.setStatus(talkyUser, ref, talky.id, { status: 'not-affected' });
      await s().cases.get(talkyUser, ref);
      assert.equal(await s().parties.remindSilent(), 0, 'nobody is due yet');
      clock.advance(3 * 86_400_000 + 60_000);
      const reminded = await s().parties.remindSilent();
      assert.ok(reminded >= 1);
      const toQuiet = (await mails('q@quiet.example')).filter((m) => m.kind === 'party.reminder');
      assert.equal(toQuiet.length, 1);
      assert.equal((await mails('t@talky.example')).filter((m) => m.kind === 'party.reminder').length, 0);
      assert.equal(await s().parties.remindSilent(), 0, 'not again within three days');
      clock.advance(3 * 86_400_000 + 60_000);
      await s().parties.remindSilent();
      assert.equal((await mails('q@quiet.example')).filter((m) => m.kind === 'party.reminder').length, 2);
      void quiet;
    });

    it('outsiders get not-found for every coordination call', async () => {
      const ref = { key: w.caseA.key };
      const stranger = (await makeUser(t.services)).actor;
      for (const actor of [stranger, w.outsider.actor, w.caseB.reporter, { kind: 'anonymous' } as Actor]) {
        await assert.rejects(s().collaborators.list(actor, ref), { code: 'not-found' });
        await assert.rejects(s().parties.list(actor, ref), { code: 'not-found' });
        await assert.rejects(s().embargo.set(actor, ref, null), { code: 'not-found' });
        await assert.rejects(s().parties.add(actor, ref, { organisation: 'X', contacts: 'x@x.example' }), {
          code: 'not-found',
        });
      }
    });
  });
}
