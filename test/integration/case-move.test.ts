// Moving cases on both dialects, at the service level with real parts: transfer (renumbering, the
// old key as an alias, clocks, assignee, who may, concurrent moves), the mail it causes delivered
// through the outbox worker to a real SMTP server, threaded replies after the move, the public-issue
// export, and the downgrade. Pages and API: case-move-http.test.ts.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { simpleParser } from 'mailparser';
import { dialects } from '../helpers/db.ts';
import { createTestServices, manualClock, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject, makeUser } from '../helpers/factories.ts';
import { startSmtpSink, parseSunk, type SmtpSink } from '../helpers/smtp-sink.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { registerNotifyReport } from '../../src/jobs/notify-report.job.ts';
import { createMailSender } from '../../src/integrations/mail/mail-sender.ts';
import { mailAuthHeaders } from '../../src/services/mail/mail-intake.service.ts';
import { replyAddressFor } from '../../src/services/mail/reply-address.ts';
import * as cases from '../../src/storage/repositories/case.repository.ts';
import { findProjectBySlug } from '../../src/storage/repositories/project.repository.ts';
import {
  ConflictError,
  ForbiddenError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../../src/domain/errors.ts';
import type { ReporterCaseView, TeamCaseView } from '../../src/services/presenters/case.presenter.ts';

const DOMAIN = 'parley.example.test';
const H = 3_600_000;
const TARGET_POLICY = `policyFormat: 1
sla:
  timeZone: UTC
  default:
    acknowledge: 24h
`;

for (const dialect of dialects()) {
  describe(`moving cases (${dialect})`, () => {
    let ts: TestServices;
    let sink: SmtpSink;
    let worker: OutboxWorker;
    const clock = manualClock('2026-05-04T08:00:00.000Z', 1);
    const db = () => ts.tdb.handle.db;

    before(async () => {
      ts = await createTestServices(dialect, { clock });
      sink = await startSmtpSink();
      worker = new OutboxWorker({
        db: db(),
        dialect,
        clock,
        senders: {
          email: createMailSender({ smtpUrl: sink.url, from: `Parley <security@${DOMAIN}>`, domain: DOMAIN }),
        },
      });
    });
    after(async () => {
      await worker.stop();
      await sink.close();
      await ts.close();
    });

    /** Runs the new-report jobs and the outbox; the mail that arrived meanwhile, by recipient. */
    async function deliver() {
      const runner = new JobRunner({ db: db(), dialect, clock });
      registerNotifyReport(runner, ts.services);
      await runner.runDueOnce();
      const from = sink.messages.length;
      const r = await worker.runOnce();
      assert.equal(r.failed, 0);
      const mails = await Promise.all(sink.messages.slice(from).map(parseSunk));
      return mails.map((m) => ({ to: (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address, mail: m }));
    }

    /** Source and target projects, their teams, an outsider and an admin. */
    async function world() {
      const s = ts.services;
      // With their ids, which the public project view leaves out.
      const project = async () => (await findProjectBySlug(db(), (await makeProject(s)).slug))!;
      const src = await project();
      const tgt = await project();
      const other = await project();
      const mover = await makeMember(s, src.slug, 'maintainer');
      await s.projects.addMemberAsSystem(tgt.slug, mover.email, 'responder');
      return {
        src,
        tgt,
        other,
        mover,
        srcResponder: await makeMember(s, src.slug, 'responder'),
        srcOnly: await makeMember(s, src.slug, 'maintainer'),
        tgtMaintainer: await makeMember(s, tgt.slug, 'maintainer'),
        outsider: await makeMember(s, other.slug, 'maintainer'),
        admin: await makeUser(s, { admin: true }),
      };
    }
    const auditOf = (caseId: string, action: string) =>
      db()
        .selectFrom('audit_log')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('action', '=', action)
        .execute();

    test('a transfer renumbers into the target, keeps the old key as an alias and tells the timeline', async () => {
      const s = ts.services;
      const w = await world();
      await makeCase(s, w.tgt.slug, { title: 'Already in the target, one' });
      await makeCase(s, w.tgt.slug, { title: 'Already in the target, two' });
      const c = await makeCase(s, w.src.slug);
      await s.cases.update(w.mover.actor, { id: c.id }, { assigneeId: w.srcResponder.user.id });
      const before = (await cases.findCaseById(db(), c.id))!;
      const moved = await s.caseMove.transfer(w.mover.actor, { key: c.key }, { project: w.tgt.slug });
      assert.deepEqual(moved, { id: c.id, key: `${w.tgt.key}-3`, fromKey: c.key });
      const row = (await cases.findCaseById(db(), c.id))!;
      assert.equal(row.project_id, w.tgt.id);
      assert.equal(row.number, 3);
      assert.equal(row.created_at, before.created_at, 'received time kept');
      assert.equal(row.assignee_id, null, 'the assignee is not on the target team');
      // The old key still finds the case, for everyone who may see it — and only for them.
      assert.equal((await cases.findCaseByKey(db(), c.key))!.id, c.id);
      const viaOld = (await s.cases.get(w.tgtMaintainer.actor, { key: c.key })) as TeamCaseView;
      assert.equal(viaOld.key, moved.key);
      assert.equal(viaOld.project.slug, w.tgt.slug);
      await assert.rejects(
        s.cases.get(w.srcOnly.actor, { key: c.key }),
        NotFoundError,
        'the old team lost it',
      );
      await assert.rejects(s.cases.get(w.srcOnly.actor, { key: moved.key }), NotFoundError);
      const types = viaOld.timeline.map((e) => e.type);
      assert.ok(types.includes('case.transferred') && types.includes('assignee.changed'));
      const ev = viaOld.timeline.find((e) => e.type === 'case.transferred')!;
      assert.deepEqual(ev.data, {
        from: c.key,
        to: moved.key,
        fromProject: w.src.name,
        toProject: w.tgt.name,
      });
      // The reporter sees the move (not the unassignment) under the new key.
      const rep = (await s.cases.get(c.reporter, { id: c.id })) as ReporterCaseView;
      assert.equal(rep.key, moved.key);
      assert.deepEqual(
        rep.timeline.filter((e) => e.type !== 'report.created').map((e) => e.type),
        ['case.transferred'],
      );
      const [audit] = await auditOf(c.id, 'case.transferred');
      assert.ok(audit, 'audited');
      assert.equal(audit.actor_user_id, w.mover.user.id);
      assert.equal(audit.project_id, w.src.id);
      const data = JSON.parse(audit.data);
      assert.equal(data.to, moved.key);
      assert.equal(data.toProject, w.tgt.slug);
      assert.equal(data.assigneeCleared, true);
      // A second move keeps every earlier key working, and keys are never reused.
      const back = await s.caseMove.transfer(w.admin.actor, { key: c.key }, { project: w.src.slug });
      assert.equal(back.fromKey, moved.key);
      for (const k of [c.key, moved.key, back.key])
        assert.equal((await cases.findCaseByKey(db(), k))!.id, c.id);
      assert.notEqual(back.key, c.key);
    });

    test('who may: maintainers of the source on the target’s team, and admins; 404s leak nothing', async () => {
      const s = ts.services;
      const w = await world();
      const c = await makeCase(s, w.src.slug);
      const to = { project: w.tgt.slug };
      await assert.rejects(s.caseMove.transfer(w.srcResponder.actor, { id: c.id }, to), ForbiddenError);
      await assert.rejects(
        s.caseMove.transfer(w.srcOnly.actor, { id: c.id }, to),
        NotFoundError,
        'not on target',
      );
      await assert.rejects(s.caseMove.transfer(w.outsider.actor, { id: c.id }, to), NotFoundError, 'no case');
      await assert.rejects(s.caseMove.transfer(c.reporter, { id: c.id }, to), ForbiddenError);
      await assert.rejects(
        s.caseMove.transfer(w.mover.actor, { id: c.id }, { project: 'no-such-project' }),
        NotFoundError,
      );
      await assert.rejects(
        s.caseMove.transfer(w.mover.actor, { id: c.id }, { project: w.src.slug }),
        ValidationError,
      );
      await assert.rejects(s.caseMove.transfer(w.mover.actor, { id: c.id }, {}), ValidationError);
      assert.equal((await cases.findCaseById(db(), c.id))!.key, c.key, 'nothing moved');
      assert.equal((await auditOf(c.id, 'case.transferred')).length, 0);
      // An admin moves anything anywhere.
      const moved = await s.caseMove.transfer(w.admin.actor, { id: c.id }, { project: w.other.slug });
      assert.equal(moved.key.split('-')[0], w.other.key);
      // The options the move page shows follow the same rules.
      const opts = await s.caseMove.options(w.srcResponder.actor, {
        key: (await makeCase(s, w.src.slug)).key,
      });
      assert.match(opts.transferRefusal!, /maintainer/);
    });

    test('concurrent transfers: one wins, the other is a conflict, and no number is lost', async () => {
      const s = ts.services;
      const w = await world();
      await s.projects.addMemberAsSystem(w.other.slug, w.mover.email, 'responder');
      const last = async (id: string) =>
        Number(
          (
            await db()
              .selectFrom('projects')
              .select('last_case_number')
              .where('id', '=', id)
              .executeTakeFirstOrThrow()
          ).last_case_number,
        );
      for (const targets of [
        [w.tgt.slug, w.other.slug],
        [w.tgt.slug, w.tgt.slug],
      ]) {
        const c = await makeCase(s, w.src.slug);
        const before = { tgt: await last(w.tgt.id), other: await last(w.other.id) };
        const results = await Promise.allSettled(
          targets.map((slug) => s.caseMove.transfer(w.mover.actor, { id: c.id }, { project: slug })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        assert.equal(won.length, 1, JSON.stringify(results));
        // Overlapping, the loser's move finds the case changed: a conflict. On a loaded machine the
        // second call may instead start after the first committed and see the case already in its
        // new project, where the mover is not a maintainer (or the target is the case's project now):
        // a refusal as in any later request. Either way exactly one move happened.
        const reason = (lost[0] as PromiseRejectedResult).reason;
        assert.ok(
          reason instanceof ConflictError ||
            reason instanceof ForbiddenError ||
            reason instanceof ValidationError,
          String(reason),
        );
        const winner = (won[0] as PromiseFulfilledResult<{ key: string }>).value;
        const after = { tgt: await last(w.tgt.id), other: await last(w.other.id) };
        // Exactly one number was taken, in the winner's project; the loser's allocation rolled back.
        assert.equal(after.tgt - before.tgt + (after.other - before.other), 1);
        assert.equal((await cases.findCaseById(db(), c.id))!.key, winner.key);
        assert.equal((await auditOf(c.id, 'case.transferred')).length, 1);
        const aliases = await db()
          .selectFrom('case_key_aliases')
          .select('key')
          .where('case_id', '=', c.id)
          .execute();
        assert.deepEqual(
          aliases.map((a) => a.key),
          [c.key],
        );
      }
    });

    test('clocks keep their start and follow the target’s current policy; advisories and disclosure block', async () => {
      const s = ts.services;
      const w = await world();
      await s.policies.save(w.tgtMaintainer.actor, w.tgt.slug, { source: TARGET_POLICY });
      const c = await makeCase(s, w.src.slug);
      const received = (await cases.findCaseById(db(), c.id))!.created_at;
      clock.advance(2 * H);
      const moved = await s.caseMove.transfer(w.mover.actor, { id: c.id }, { project: w.tgt.slug });
      const row = (await cases.findCaseById(db(), c.id))!;
      assert.equal(row.policy_version, 1);
      const due = new Date(Date.parse(received) + 24 * H).toISOString();
      assert.equal(row.next_due_at, due, '24h from receipt, not from the move');
      const v = (await s.cases.get(w.tgtMaintainer.actor, { key: moved.key })) as TeamCaseView;
      assert.equal(v.deadlines.policyVersion, 1);
      assert.equal(v.deadlines.clocks.find((x) => x.clock === 'acknowledge')!.dueAt, due);
      // Linked to an advisory of its project: refused until unlinked.
      const d = await makeCase(s, w.src.slug);
      await s.advisories.create(w.mover.actor, w.src.slug, { cases: [d.key] });
      await assert.rejects(
        s.caseMove.transfer(w.mover.actor, { id: d.id }, { project: w.tgt.slug }),
        ConflictError,
      );
    });

    test('the target team and the reporter are mailed; the thread and reply addresses keep working', async () => {
      const s = ts.services;
      const w = await world();
      const c = await makeCase(s, w.src.slug);
      await deliver();
      const oldThread = `<case.${c.id}@${DOMAIN}>`;
      const moved = await s.caseMove.transfer(w.mover.actor, { id: c.id }, { project: w.tgt.slug });
      const mails = await deliver();
      const byTo = new Map(mails.map((m) => [m.to, m.mail]));
      assert.deepEqual(
        [...byTo.keys()].sort(),
        [w.tgtMaintainer.email, 'researcher@example.org'].sort(),
        'the target team (not the mover, not the old team) and the reporter',
      );
      const team = byTo.get(w.tgtMaintainer.email)!;
      assert.equal(team.subject, `[${moved.key}] Case moved to your project`);
      assert.ok(team.text!.includes(`/cases/${moved.key}`));
      assert.ok(!team.text!.includes('Path traversal'), 'no title in plain mail');
      const rep = byTo.get('researcher@example.org')!;
      assert.equal(rep.subject, `[${moved.key}] Your report moved`);
      assert.ok(rep.text!.includes(c.key) && rep.text!.includes(moved.key) && rep.text!.includes(w.tgt.name));
      assert.equal(rep.inReplyTo, oldThread, 'same conversation as before the move');
      // A reply to an address handed out before the move lands on the case.
      const compose = (o: ConstructorParameters<typeof MailComposer>[0]) =>
        new MailComposer(o).compile().build();
      const inbound = async (raw: Buffer, to: string) => {
        const parsed = await simpleParser(raw);
        return {
          size: raw.length,
          envelopeFrom: 'r@example.org',
          recipients: [to],
          remoteAddress: '192.0.2.7',
          parsed,
          ...mailAuthHeaders(parsed),
        };
      };
      const repAddr = replyAddressFor(s.deps, c.id, 'r');
      const r = await s.mailIntake.accept(
        await inbound(
          await compose({
            from: 'researcher@example.org',
            to: repAddr,
            subject: `Re: [${c.key}]`,
            text: 'Thanks for moving it.',
          }),
          repAddr,
        ),
      );
      assert.equal(r.recipients[0]!.caseId, c.id);
      const replyMail = await deliver();
      // Nobody is assigned, so the whole new team hears of it (the mover is on it too); the old team does not.
      assert.deepEqual(replyMail.map((m) => m.to).sort(), [w.mover.email, w.tgtMaintainer.email].sort());
      for (const m of replyMail) assert.equal(m.mail.subject, `[${moved.key}] Reporter replied`);
      // The team address: the new team may use it, the old team no longer can.
      const teamAddr = replyAddressFor(s.deps, c.id, 't');
      await assert.rejects(
        s.mailIntake.accept(
          await inbound(
            await compose({ from: w.srcOnly.email, to: teamAddr, subject: 'Re', text: 'Closing.' }),
            teamAddr,
          ),
        ),
        ForbiddenError,
      );
      const ok = await s.mailIntake.accept(
        await inbound(
          await compose({ from: w.tgtMaintainer.email, to: teamAddr, subject: 'Re', text: 'We have it.' }),
          teamAddr,
        ),
      );
      assert.ok(ok.recipients[0]!.messageId);
    });

    test('export: the report as Markdown without the address, notes or conversation; team only; audited', async () => {
      const s = ts.services;
      const w = await world();
      const c = await makeCase(s, w.src.slug, {
        description: 'Report text with <b>HTML</b> and\n# a heading\n</details>',
        creditPreference: 'name',
        creditName: 'Rita Reporter',
      });
      const note = await s.cases.addMessage(
        w.mover.actor,
        { id: c.id },
        { body: 'INTERNAL-SECRET-NOTE', internal: true },
      );
      await s.cases.addMessage(w.mover.actor, { id: c.id }, { body: 'SHARED-CONVERSATION' });
      const attach = (filename: string, messageId: string | null) =>
        db()
          .insertInto('attachments')
          .values({
            id: crypto.randomUUID(),
            case_id: c.id,
            message_id: messageId,
            filename,
            content_type: 'text/plain',
            size: 1,
            sha256: '0'.repeat(64),
            content: Buffer.from('x'),
            created_at: new Date().toISOString(),
          })
          .execute();
      await attach('poc.py', null);
      await attach('internal-only.log', note.id);
      const out = await s.caseMove.exportIssue(w.srcResponder.actor, { key: c.key }, { ip: '192.0.2.9' });
      assert.equal(out.filename, `${c.key}-issue.md`);
      for (const secret of [
        'researcher@example.org',
        'INTERNAL-SECRET-NOTE',
        'SHARED-CONVERSATION',
        'internal-only.log',
      ])
        assert.ok(!out.markdown.includes(secret), secret);
      assert.ok(
        out.markdown.includes('Report text with <b>HTML</b> and\n# a heading\n</details>'),
        'inside a fence, as written',
      );
      assert.ok(out.markdown.includes('Reported by Rita Reporter.'));
      assert.ok(out.markdown.includes('- `poc.py`'));
      const [audit] = await auditOf(c.id, 'case.exported');
      assert.ok(audit);
      assert.equal(audit.ip, '192.0.2.9');
      // A refused read is a 404, even for the case's own reporter.
      await assert.rejects(s.caseMove.exportIssue(c.reporter, { id: c.id }), NotFoundError);
      await assert.rejects(s.caseMove.exportIssue(w.outsider.actor, { id: c.id }), NotFoundError);
      assert.equal((await auditOf(c.id, 'case.exported')).length, 1, 'refusals export nothing');
    });

    test('downgrade: closes as not a vulnerability, tells the reporter once by mail and on their page; audited', async () => {
      const s = ts.services;
      const w = await world();
      const c = await makeCase(s, w.src.slug);
      await s.cases.update(w.srcResponder.actor, { id: c.id }, { needsInfo: true });
      await deliver();
      await assert.rejects(
        s.caseMove.downgrade(w.srcResponder.actor, { id: c.id }, { issueUrl: 'javascript:alert(1)' }),
        ValidationError,
      );
      await assert.rejects(s.caseMove.downgrade(w.outsider.actor, { id: c.id }, {}), NotFoundError);
      await assert.rejects(s.caseMove.downgrade(c.reporter, { id: c.id }, {}), ForbiddenError);
      const url = 'https://git.example.org/acme/lib/issues/42';
      await s.caseMove.downgrade(
        w.srcResponder.actor,
        { key: c.key },
        { issueUrl: url, message: 'Thanks — we track it in public.' },
      );
      const row = (await cases.findCaseById(db(), c.id))!;
      assert.equal(row.state, 'closed');
      assert.equal(row.resolution, 'not-a-vulnerability');
      assert.ok(row.closed_at);
      assert.equal(row.needs_info, 0);
      assert.equal(row.next_due_at, null, 'no clock runs on a closed case');
      const rep = (await s.cases.get(c.reporter, { id: c.id })) as ReporterCaseView;
      const ev = rep.timeline.find((e) => e.type === 'case.downgraded')!;
      assert.equal(ev.data.issueUrl, url);
      assert.equal(ev.message?.body, 'Thanks — we track it in public.');
      assert.ok(
        rep.timeline.some((e) => e.type === 'state.changed' && e.data.resolution === 'not-a-vulnerability'),
      );
      const mails = await deliver();
      assert.deepEqual(
        mails.map((m) => m.to),
        ['researcher@example.org'],
        'one mail, to the reporter',
      );
      const mail = mails[0]!.mail;
      assert.equal(mail.subject, `[${c.key}] Not a security issue`);
      assert.ok(mail.text!.includes(url));
      assert.ok(
        !mail.text!.includes('we track it in public'),
        'the message stays on the page without details',
      );
      const [audit] = await auditOf(c.id, 'case.downgraded');
      assert.equal(JSON.parse(audit!.data).issueUrl, url);
      await assert.rejects(
        s.caseMove.downgrade(w.srcResponder.actor, { id: c.id }, {}),
        InvalidTransitionError,
      );
      assert.equal((await auditOf(c.id, 'case.downgraded')).length, 1);
    });
  });
}
