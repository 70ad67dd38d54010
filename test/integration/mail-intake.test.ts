// Mail intake on both dialects, at the service level: mails built with nodemailer's MailComposer and
// parsed with mailparser, as the SMTP listener does. New reports, threaded replies by the reporter
// and the team, refusals, duplicates and sender checks. Attachments and encryption:
// mail-intake-content.test.ts.
import type { ReporterCaseView } from '../../src/services/presenters/case.presenter.ts';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { simpleParser } from 'mailparser';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeWorld, makeCase } from '../helpers/factories.ts';
import type { Services } from '../../src/services/index.ts';
import { mailAuthHeaders, type InboundMail } from '../../src/services/mail/mail-intake.service.ts';
import { replyAddressFor } from '../../src/services/mail/reply-address.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { hashSecret } from '../../src/services/deps.ts';

type World = Awaited<ReturnType<typeof makeWorld>>;

async function compose(opts: Mail.Options): Promise<Buffer> {
  return new MailComposer(opts).compile().build();
}

async function inbound(
  raw: Buffer | string,
  recipients: string[],
  envelopeFrom: string | null = 'r@example.org',
) {
  const parsed = await simpleParser(raw);
  const mail: InboundMail = {
    size: Buffer.byteLength(raw),
    envelopeFrom,
    recipients,
    remoteAddress: '192.0.2.7',
    parsed,
    ...mailAuthHeaders(parsed),
  };
  return mail;
}

const REPORT_BODY = [
  'Hello security team,',
  '',
  'The archive extractor follows symlinks out of the target directory.',
  '',
  '## Steps to reproduce',
  '1. Create a tar with a symlink to /etc',
  '2. Extract it',
  '',
  'Impact: arbitrary file write as the service user.',
  '',
  'Affected versions: 2.3.1',
  '',
  '## Suggested fix',
  'Resolve links before writing.',
].join('\n');

for (const dialect of dialects()) {
  describe(dialect, () => {
    let ts: TestServices;
    let s: Services;
    let w: World;
    const db = () => ts.tdb.handle.db;
    const projectAddress = () => `${w.project.slug}@localhost`;
    before(async () => {
      ts = await createTestServices(dialect);
      s = ts.services;
      w = await makeWorld(s);
    });
    after(async () => {
      await ts.close();
    });

    test('a report mail opens a case: fields mapped, reporter, attachments, sender checks recorded', async () => {
      const png = crypto.randomBytes(3000);
      const raw = await compose({
        from: 'Rita Reporter <rita@example.net>',
        to: projectAddress(),
        subject: '  Symlink escape in extractor  ',
        text: REPORT_BODY,
        messageId: '<report-1@example.net>',
        headers: {
          'Authentication-Results':
            'relay.localhost; spf=pass smtp.mailfrom=example.net; dkim=fail (bad sig) header.d=example.net; dmarc=pass',
        },
        attachments: [
          { filename: 'poc.sh', content: '#!/bin/sh\nln -s /etc evil\n' },
          { filename: 'shot.png', content: png, contentType: 'image/png' },
        ],
      });
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress().toUpperCase()]));
      assert.equal(r.recipients.length, 1);
      const got = r.recipients[0]!;
      assert.equal(got.kind, 'report');
      assert.equal(got.duplicate, false);
      assert.match(got.caseKey!, new RegExp(`^${w.project.key}-\\d+$`));
      const row = await db()
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', got.caseId!)
        .executeTakeFirstOrThrow();
      assert.equal(row.key, got.caseKey);
      assert.equal(row.title, 'Symlink escape in extractor');
      assert.equal(row.channel, 'email');
      assert.match(row.description, /follows symlinks/);
      assert.match(row.steps_to_reproduce, /^1\. Create a tar/);
      assert.equal(row.impact, 'arbitrary file write as the service user.');
      assert.equal(row.affected_versions, '2.3.1');
      assert.equal(row.suggested_fix, 'Resolve links before writing.');
      assert.equal(row.reporter_email, 'rita@example.net');
      assert.equal(row.credit_preference, 'anonymous');
      assert.equal(row.credit_name, null);
      assert.equal(row.state, 'new');
      assert.match(row.reporter_token_hash, /^[0-9a-f]{64}$/);
      assert.ok(row.next_due_at, 'the clocks run from the mail’s arrival');

      const events = await db().selectFrom('case_events').selectAll().where('case_id', '=', row.id).execute();
      assert.deepEqual(
        events.map((e) => e.type),
        ['report.created'],
      );
      assert.deepEqual(JSON.parse(events[0]!.data), { channel: 'email', policyVersion: 0 });
      assert.ok(!events[0]!.data.includes('rct_'), 'the reporter token is not in the timeline');

      const files = (
        await db().selectFrom('attachments').selectAll().where('case_id', '=', row.id).execute()
      ).sort((a, b) => a.filename.localeCompare(b.filename));
      assert.deepEqual(
        files.map((f) => [f.filename, f.size, f.message_id]),
        [
          ['poc.sh', 26, null],
          ['shot.png', 3000, null],
        ],
      );
      const shot = files[1]!;
      assert.equal(shot.content_type, 'image/png');
      assert.equal(shot.sha256, crypto.createHash('sha256').update(png).digest('hex'));
      assert.ok(Buffer.from(shot.content).equals(png), 'the bytes are kept exactly');

      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('case_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(rec.kind, 'report');
      assert.equal(rec.recipient, projectAddress(), 'recorded lowercased');
      assert.equal(rec.message_id_header, '<report-1@example.net>');
      assert.equal(rec.envelope_from, 'r@example.org');
      assert.equal(rec.remote_address, '192.0.2.7');
      assert.equal(rec.project_id, row.project_id);
      assert.equal(rec.size, raw.length);
      assert.equal(rec.encrypted, 0);
      assert.deepEqual([rec.spf, rec.dkim, rec.dmarc], ['pass', 'fail', 'pass']);
      assert.match(rec.auth_results!, /^relay\.localhost; spf=pass/);

      // The team hears of it through the outbox, written in the same transaction.
      const queued = await db().selectFrom('outbox').selectAll().where('case_id', '=', row.id).execute();
      assert.ok(queued.length > 0, 'notifications were queued with the case');
      // The reporter's receipt carries the case link; the link's token is the one stored hashed.
      const receipt = queued.find((q) => q.recipient_address === 'rita@example.net');
      const token = /\/c\/(rct_[A-Za-z0-9_-]+)/.exec(receipt?.body ?? '')?.[1];
      assert.ok(token, 'the reporter is mailed the case link');
      assert.equal(hashSecret(token), row.reporter_token_hash);
      assert.ok(
        queued.every((q) => !q.body.includes(token) || q === receipt),
        'and nobody else',
      );
    });

    test('a mail without headings still becomes a case: nothing is required of a mail', async () => {
      const raw = await compose({
        from: 'someone@example.org',
        to: projectAddress(),
        text: 'I think there is a bug in your login. Please call me.',
      });
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const row = await db()
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', r.recipients[0]!.caseId!)
        .executeTakeFirstOrThrow();
      assert.equal(row.title, '(no subject)');
      assert.equal(row.description, 'I think there is a bug in your login. Please call me.');
      assert.equal(row.steps_to_reproduce, '');
      assert.equal(row.impact, '');
      assert.equal(row.version_status, 'unknown');
    });

    test('Received-SPF fills in SPF when no Authentication-Results header says it', async () => {
      const raw = await compose({
        from: 'spf@example.org',
        to: projectAddress(),
        subject: 'SPF only',
        text: 'x',
        headers: { 'Received-SPF': 'softfail (transitioning) client-ip=192.0.2.1;' },
      });
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('case_id', '=', r.recipients[0]!.caseId!)
        .executeTakeFirstOrThrow();
      assert.deepEqual([rec.spf, rec.dkim, rec.dmarc, rec.auth_results], ['softfail', null, null, null]);
    });

    test('the reporter’s reply threads into the case as a shared reporter message, quote stripped', async () => {
      const c = await makeCase(s, w.project.slug);
      await s.cases.update(w.maintainer.actor, { id: c.id }, { needsInfo: true });
      const address = replyAddressFor(s.deps, c.id, 'r');
      const raw = await compose({
        from: 'other-address@example.org',
        to: address,
        subject: 'Re: your report',
        text: 'Here is the missing detail: it needs --follow.\n\nOn Mon, 1 Jan 2026, Parley wrote:\n> What flags?\n> Thanks\n',
        attachments: [{ filename: 'trace.txt', content: 'trace' }],
      });
      const r = await s.mailIntake.accept(await inbound(raw, [address]));
      const got = r.recipients[0]!;
      assert.equal(got.kind, 'reply');
      assert.equal(got.caseId, c.id);
      const msg = await db()
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', got.messageId!)
        .executeTakeFirstOrThrow();
      assert.equal(msg.case_id, c.id);
      assert.equal(msg.author_kind, 'reporter');
      assert.equal(msg.author_user_id, null);
      assert.equal(msg.visibility, 'reporter');
      assert.equal(msg.channel, 'email');
      assert.equal(msg.body, 'Here is the missing detail: it needs --follow.');
      const view = (await s.cases.get(c.reporter, { id: c.id })) as ReporterCaseView;
      assert.equal(view.needsInfo, false, 'the reporter answering clears needs-info');
      const types = view.timeline.map((e) => e.type);
      assert.ok(types.includes('message') && types.includes('needs-info.changed'));
      const files = await db()
        .selectFrom('attachments')
        .selectAll()
        .where('message_id', '=', msg.id)
        .execute();
      assert.deepEqual(
        files.map((f) => f.filename),
        ['trace.txt'],
      );
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('message_id', '=', msg.id)
        .executeTakeFirstOrThrow();
      assert.equal(rec.kind, 'reply');
      assert.equal(rec.case_id, c.id);
    });

    test('a team member’s reply through the team address is a shared reply by that member', async () => {
      const c = await makeCase(s, w.project.slug);
      const address = replyAddressFor(s.deps, c.id, 't');
      const raw = await compose({
        from: `Responder <${w.responder.email.toUpperCase()}>`,
        to: address,
        subject: 'Re: new report',
        text: 'Thanks, we can reproduce it.',
      });
      const r = await s.mailIntake.accept(await inbound(raw, [address]));
      const msg = await db()
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', r.recipients[0]!.messageId!)
        .executeTakeFirstOrThrow();
      assert.equal(msg.author_kind, 'user');
      assert.equal(msg.author_user_id, w.responder.user.id);
      assert.equal(msg.visibility, 'reporter');
      const seen = await s.cases.get(c.reporter, { id: c.id });
      assert.ok(JSON.stringify(seen).includes('Thanks, we can reproduce it.'), 'the reporter sees the reply');
    });

    test('a stranger (or another project’s member) using the team address is refused; nothing is written', async () => {
      const c = await makeCase(s, w.project.slug);
      const address = replyAddressFor(s.deps, c.id, 't');
      for (const from of ['intruder@example.org', w.outsider.email]) {
        const raw = await compose({ from, to: address, subject: 'Re: x', text: 'Close this please.' });
        await assert.rejects(s.mailIntake.accept(await inbound(raw, [address])), ForbiddenError);
      }
      // A member whose domain failed DMARC at the relay: the From may be borrowed.
      const forged = await compose({
        from: w.maintainer.email,
        to: address,
        subject: 'Re: x',
        text: 'Close this please.',
        headers: { 'Authentication-Results': 'relay.localhost; spf=fail; dkim=none; dmarc=fail' },
      });
      await assert.rejects(s.mailIntake.accept(await inbound(forged, [address])), ForbiddenError);
      const msgs = await db().selectFrom('messages').select('id').where('case_id', '=', c.id).execute();
      assert.equal(msgs.length, 0);
      const recs = await db().selectFrom('inbound_mail').select('id').where('case_id', '=', c.id).execute();
      assert.equal(recs.length, 0);
    });

    test('auto-replies to a reply address are taken but not threaded (no mail loops)', async () => {
      const c = await makeCase(s, w.project.slug);
      const address = replyAddressFor(s.deps, c.id, 'r');
      const raw = await compose({
        from: 'rita@example.net',
        to: address,
        subject: 'Out of office',
        text: 'I am away until Monday.',
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
      const r = await s.mailIntake.accept(await inbound(raw, [address]));
      assert.equal(r.recipients[0]!.ignored, 'automatic');
      const msgs = await db().selectFrom('messages').select('id').where('case_id', '=', c.id).execute();
      assert.equal(msgs.length, 0);
    });

    test('resolveRecipient: project and reply addresses, case-insensitive; unknown, foreign and forged → null', async () => {
      const c = await makeCase(s, w.project.slug);
      const p = await s.mailIntake.resolveRecipient(`${w.project.slug.toUpperCase()}@LocalHost`);
      assert.equal(p?.kind, 'report');
      assert.equal(p?.kind === 'report' && p.project.slug, w.project.slug);
      const reply = await s.mailIntake.resolveRecipient(replyAddressFor(s.deps, c.id, 'r'));
      assert.deepEqual(reply, { kind: 'reply', caseId: c.id, party: 'r' });
      assert.equal(await s.mailIntake.resolveRecipient('no-such-project@localhost'), null);
      assert.equal(await s.mailIntake.resolveRecipient(`${w.project.slug}@example.org`), null);
      assert.equal(await s.mailIntake.resolveRecipient('reply+r0123@localhost'), null);
      const valid = replyAddressFor(s.deps, c.id, 'r');
      const forged = valid.replace(/[a-z2-7](@)/, (m, at: string) => (m[0] === 'a' ? 'b' : 'a') + at);
      assert.equal(await s.mailIntake.resolveRecipient(forged), null);
      // Another instance's secret makes a well-formed address that is still not ours.
      const foreign = replyAddressFor({ ...s.deps, secret: crypto.randomBytes(32) }, c.id, 'r');
      assert.equal(await s.mailIntake.resolveRecipient(foreign), null);
      // A valid token for a case that does not exist.
      const ghost = replyAddressFor(s.deps, '01970000-0000-7000-8000-000000000000', 'r');
      assert.equal(await s.mailIntake.resolveRecipient(ghost), null);
    });

    test('the same Message-ID to the same recipient again opens no second case; to another project it does', async () => {
      const raw = await compose({
        from: 'dup@example.org',
        to: projectAddress(),
        subject: 'Retried by a relay',
        text: 'once',
        messageId: '<dup-1@example.org>',
      });
      const first = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const again = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      assert.equal(again.recipients[0]!.duplicate, true);
      const count = (await db().selectFrom('cases').select(['id', 'title']).execute()).filter(
        (c) => c.title === 'Retried by a relay',
      );
      assert.equal(count.length, 1);
      assert.equal(first.recipients[0]!.duplicate, false);
      // The same mail sent to a second project (or relayed to it separately) is that project's report.
      const other = `${w.other.slug}@localhost`;
      const elsewhere = await s.mailIntake.accept(await inbound(raw, [other]));
      assert.equal(elsewhere.recipients[0]!.duplicate, false);
      assert.notEqual(elsewhere.recipients[0]!.caseId, first.recipients[0]!.caseId);
      const retried = await s.mailIntake.accept(await inbound(raw, [other, projectAddress()]));
      assert.deepEqual(
        retried.recipients.map((r) => r.duplicate),
        [true, true],
      );
    });

    test('one mail to two projects opens a case in each, in one go; a retry of it creates nothing', async () => {
      const both = [projectAddress(), `${w.other.slug}@localhost`];
      const raw = await compose({
        from: 'two@example.org',
        to: both,
        subject: 'Shared component bug',
        text: 'Affects both.',
        messageId: '<two-projects@example.org>',
      });
      const r = await s.mailIntake.accept(await inbound(raw, both));
      assert.deepEqual(
        r.recipients.map((x) => [x.kind, x.duplicate]),
        [
          ['report', false],
          ['report', false],
        ],
      );
      const again = await s.mailIntake.accept(await inbound(raw, both));
      assert.deepEqual(
        again.recipients.map((x) => x.duplicate),
        [true, true],
      );
      const rows = (await db().selectFrom('cases').select(['id', 'title']).execute()).filter(
        (c) => c.title === 'Shared component bug',
      );
      assert.equal(rows.length, 2);
    });
  });
}
