// Mail intake on both dialects, at the service level, for what a mail carries: attachments within
// and beyond the limits, and mail encrypted to the project key (PGP/MIME, inline, undecryptable).
// Reports, replies, refusals and duplicates: mail-intake.test.ts.
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
import { encryptedMimeBody } from '../../src/integrations/pgp/pgp-mime.ts';
import { encryptText } from '../../src/integrations/pgp/pgp-crypto.ts';
import { generateKeyPair } from '../../src/integrations/pgp/pgp-keys.ts';
import { replyAddressFor } from '../../src/services/mail/reply-address.ts';

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

    test('attachments beyond the limits are dropped with an internal note; the mail is still taken', async () => {
      const many = Array.from({ length: 22 }, (_, i) => ({ filename: `f${i}.txt`, content: `file ${i}` }));
      const big = { filename: 'core.dump', content: crypto.randomBytes(10 * 1024 * 1024 + 1) };
      const raw = await compose({
        from: 'files@example.org',
        to: projectAddress(),
        subject: 'Lots of files',
        text: 'See attached.',
        attachments: [big, ...many],
      });
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const caseId = r.recipients[0]!.caseId!;
      const files = await db()
        .selectFrom('attachments')
        .select('filename')
        .where('case_id', '=', caseId)
        .execute();
      assert.equal(files.length, 20);
      assert.ok(!files.some((f) => f.filename === 'core.dump'));
      const events = await db()
        .selectFrom('case_events')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('type', '=', 'attachment.dropped')
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.visibility, 'internal');
      const data = JSON.parse(events[0]!.data) as {
        count: number;
        files: Array<{ filename: string; reason: string }>;
      };
      assert.equal(data.count, 3);
      assert.deepEqual(
        data.files.map((f) => [f.filename, f.reason]),
        [
          ['core.dump', 'too-large'],
          ['f20.txt', 'too-many'],
          ['f21.txt', 'too-many'],
        ],
      );
      const reporterView = await s.cases.get({ kind: 'reporter', caseId }, { id: caseId });
      assert.ok(!reporterView.timeline.some((e) => e.type === 'attachment.dropped'), 'the note is internal');
    });

    test('a mail encrypted (PGP/MIME) to the project key is decrypted; inline PGP too', async () => {
      const key = await s.projectKeys.generate(w.maintainer.actor, w.project.slug);
      const inner = [
        'Content-Type: text/plain; charset=utf-8',
        'Subject: Secret: RCE in plugin loader',
        '',
        '## Impact',
        'Remote code execution.',
        '',
      ].join('\r\n');
      const enc = await encryptedMimeBody(inner, key.publicKey);
      const raw = [
        'From: crypto@example.org',
        `To: ${projectAddress()}`,
        'Subject: ...',
        'Message-ID: <pgp-mime-1@example.org>',
        'MIME-Version: 1.0',
        `Content-Type: ${enc.contentType}`,
        '',
        enc.body,
      ].join('\r\n');
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const row = await db()
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', r.recipients[0]!.caseId!)
        .executeTakeFirstOrThrow();
      assert.equal(row.title, 'Secret: RCE in plugin loader', 'the protected subject is the title');
      assert.equal(row.impact, 'Remote code execution.');
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('case_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(rec.encrypted, 1);
      const files = await db()
        .selectFrom('attachments')
        .select('filename')
        .where('case_id', '=', row.id)
        .execute();
      assert.equal(files.length, 0, 'the PGP/MIME envelope parts are not kept as files');

      const armored = await encryptText('Impact: reads any file.', [key.publicKey]);
      const inline = await compose({
        from: 'inline@example.org',
        to: projectAddress(),
        subject: 'Inline encrypted',
        text: `Hi,\n\n${armored}\n-- \nsent with care`,
      });
      const r2 = await s.mailIntake.accept(await inbound(inline, [projectAddress()]));
      const row2 = await db()
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', r2.recipients[0]!.caseId!)
        .executeTakeFirstOrThrow();
      assert.equal(row2.impact.split('\n')[0], 'reads any file.');
      assert.ok(!row2.description.includes('BEGIN PGP'));
    });

    test('a mail that cannot be decrypted is still a case, with the encrypted part attached', async () => {
      // Encrypted to some other key: the project's key cannot open it.
      const otherKey = await generateKeyPair({
        name: 'Someone else',
        email: 'else@example.org',
        passphrase: 'x',
      });
      const armored = await encryptText('Impact: secret', [otherKey.publicKey]);
      const raw = await compose({
        from: 'lost@example.org',
        to: projectAddress(),
        subject: 'Cannot read this',
        text: armored,
      });
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const caseId = r.recipients[0]!.caseId!;
      const row = await db()
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      assert.equal(row.title, 'Cannot read this');
      assert.match(row.description, /could not decrypt/);
      const files = await db().selectFrom('attachments').selectAll().where('case_id', '=', caseId).execute();
      assert.deepEqual(
        files.map((f) => f.filename),
        ['encrypted.asc'],
      );
      assert.match(Buffer.from(files[0]!.content).toString('utf8'), /BEGIN PGP MESSAGE/);
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
      assert.equal(rec.encrypted, 1);
    });

    test('an encrypted reply to a reply address is decrypted with the case’s project key', async () => {
      const key = await s.projectKeys.keyInfo(w.project.slug);
      assert.ok(key, 'the project key made above');
      const c = await makeCase(s, w.project.slug);
      const address = replyAddressFor(s.deps, c.id, 'r');
      const armored = await encryptText('The fix works for me.', [key.publicKey]);
      const raw = await compose({ from: 'rita@example.net', to: address, subject: 'Re: …', text: armored });
      const r = await s.mailIntake.accept(await inbound(raw, [address]));
      const msg = await db()
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', r.recipients[0]!.messageId!)
        .executeTakeFirstOrThrow();
      assert.equal(msg.body, 'The fix works for me.');
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('message_id', '=', msg.id)
        .executeTakeFirstOrThrow();
      assert.equal(rec.encrypted, 1);
    });

    test('a report longer than the fields allow keeps its whole text as message.txt', async () => {
      const text = `Intro.\n\n${'long line of detail\n'.repeat(3000)}`;
      const raw = await compose({ from: 'long@example.org', to: projectAddress(), subject: 'Long', text });
      const r = await s.mailIntake.accept(await inbound(raw, [projectAddress()]));
      const caseId = r.recipients[0]!.caseId!;
      const row = await db()
        .selectFrom('cases')
        .selectAll()
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      assert.equal(Array.from(row.description).length, 50_000);
      const files = await db().selectFrom('attachments').selectAll().where('case_id', '=', caseId).execute();
      assert.deepEqual(
        files.map((f) => f.filename),
        ['message.txt'],
      );
      assert.equal(Buffer.from(files[0]!.content).toString('utf8').trim(), text.trim());
    });
  });
}
