// Case notifications end to end with real parts: reports and case changes through the services,
// the outbox worker sending through nodemailer to a real SMTP server on loopback, and gpg reading
// the encrypted mail. Both dialects.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject } from '../helpers/factories.ts';
import { startSmtpSink, parseSunk, type SmtpSink } from '../helpers/smtp-sink.ts';
import { OutboxWorker } from '../../src/jobs/outbox-worker.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { registerNotifyReport } from '../../src/jobs/notify-report.job.ts';
import { createMailSender } from '../../src/integrations/mail/mail-sender.ts';
import { encryptText } from '../../src/integrations/pgp/pgp-crypto.ts';

const DOMAIN = 'parley.example.test';

for (const dialect of dialects()) {
  describe(`case notification mail (${dialect})`, () => {
    let ts: TestServices;
    let sink: SmtpSink;
    let worker: OutboxWorker;

    before(async () => {
      ts = await createTestServices(dialect);
      sink = await startSmtpSink();
      worker = new OutboxWorker({
        db: ts.tdb.handle.db,
        dialect,
        senders: {
          email: createMailSender({
            smtpUrl: sink.url,
            from: `Parley <security@${DOMAIN}>`,
            domain: DOMAIN,
            encrypt: (inner, key) => encryptText(inner, [key]),
          }),
        },
      });
    });
    after(async () => {
      await worker.stop();
      await sink.close();
      await ts.close();
    });

    /** Runs the notification jobs and delivers the outbox; returns the mail that arrived meanwhile. */
    async function deliver() {
      const s = ts.services;
      // Only the notification job: the scheduled ones (digest, reminders) would add their own mail.
      const runner = new JobRunner({ db: ts.tdb.handle.db, dialect });
      registerNotifyReport(runner, s);
      await runner.runDueOnce();
      const from = sink.messages.length;
      const r = await worker.runOnce();
      assert.equal(r.failed, 0);
      return Promise.all(sink.messages.slice(from).map(parseSunk));
    }

    test('a new report mails the team (a link, no details) and the reporter; headers thread the case', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const r = await makeMember(s, p.slug, 'responder');
      const c = await makeCase(s, p.slug);
      const mails = await deliver();
      const to = (x: (typeof mails)[number]) => (Array.isArray(x.to) ? x.to[0] : x.to)?.value[0]?.address;
      const team = mails.filter((x) => to(x) === m.email || to(x) === r.email);
      assert.equal(team.length, 2, 'both team members');
      for (const mail of team) {
        assert.equal(mail.subject, `[${c.key}] New vulnerability report`);
        assert.ok(!mail.text!.includes('Path traversal'), 'no title in unencrypted mail by default');
        assert.ok(mail.text!.includes(`/cases/${c.key}`));
        // Plain text and an HTML alternative with the same link, clickable.
        assert.match(String(mail.html), new RegExp(`<a href="http://localhost:8080/cases/${c.key}">`));
        assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
        assert.match(mail.messageId!, new RegExp(`^<[0-9a-f-]{36}@${DOMAIN}>$`));
        assert.equal(mail.inReplyTo, `<case.${c.id}@${DOMAIN}>`);
        assert.match(mail.replyTo!.value[0]!.address!, /^reply\+t[a-z2-7]+@localhost$/);
      }
      const rep = mails.filter((x) => to(x) === 'researcher@example.org');
      assert.equal(rep.length, 1);
      assert.equal(rep[0]!.subject, `[${c.key}] Report received`);
      assert.match(rep[0]!.replyTo!.value[0]!.address!, /^reply\+r[a-z2-7]+@localhost$/);
      // Delivered once: nothing is left to send.
      assert.deepEqual(await deliver(), []);
    });

    test('the reporter hears of acknowledgement, state changes and shared replies, not internal notes', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const c = await makeCase(s, p.slug);
      await deliver();
      await s.cases.transition(m.actor, { id: c.id }, { to: 'acknowledged' });
      await s.cases.addMessage(m.actor, { id: c.id }, { body: 'Secret detail: the bug is in untar().' });
      await s.cases.addMessage(m.actor, { id: c.id }, { body: 'Internal: looks real', internal: true });
      await s.cases.update(m.actor, { id: c.id }, { needsInfo: true });
      const mails = await deliver();
      const subjects = mails.map((x) => x.subject).sort();
      assert.deepEqual(subjects, [
        `[${c.key}] More information needed`,
        `[${c.key}] New message`,
        `[${c.key}] Report acknowledged`,
      ]);
      for (const mail of mails) {
        assert.ok(!mail.text!.includes('untar'), 'message text stays out of unencrypted mail');
        assert.ok(!mail.text!.includes('Internal'), 'internal notes never reach the reporter');
      }
    });

    test('a reporter reply mails the assignee only, and a member who switched it off gets nothing', async () => {
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const r = await makeMember(s, p.slug, 'responder');
      const c = await makeCase(s, p.slug);
      await deliver();
      await s.cases.addMessage(c.reporter, { id: c.id }, { body: 'Any news?' });
      let mails = await deliver();
      assert.deepEqual(
        mails.map((x) => x.subject),
        [`[${c.key}] Reporter replied`, `[${c.key}] Reporter replied`],
      );
      await s.mailPrefs.set(r.actor, { newReport: 'on' });
      await s.cases.addMessage(c.reporter, { id: c.id }, { body: 'Hello?' });
      mails = await deliver();
      assert.equal(mails.length, 1, 'the responder switched reporter replies off');
      await s.mailPrefs.set(r.actor, { reporterReply: 'on', assigned: 'on' });
      await s.cases.update(m.actor, { id: c.id }, { assigneeId: r.user.id });
      mails = await deliver();
      assert.deepEqual(
        mails.map((x) => x.subject),
        [`[${c.key}] Assigned to you`],
      );
      await s.cases.addMessage(c.reporter, { id: c.id }, { body: 'Still there?' });
      mails = await deliver();
      const to = mails.map((x) => (Array.isArray(x.to) ? x.to[0] : x.to)?.value[0]?.address);
      assert.deepEqual(to, [r.email], 'only the assignee');
    });

    test('mail to a reporter with an OpenPGP key is PGP/MIME that gpg decrypts, with the details inside', async (t) => {
      if (!fs.existsSync('/usr/bin/gpg')) return t.skip('gpg is not installed');
      const s = ts.services;
      const p = await makeProject(s);
      const m = await makeMember(s, p.slug, 'maintainer');
      const c = await makeCase(s, p.slug);
      const key = await openpgp.generateKey({
        type: 'ecc',
        curve: 'curve25519Legacy',
        userIDs: [{ name: 'Reporter', email: 'researcher@example.org' }],
        format: 'armored',
      });
      await ts.tdb.handle.db
        .updateTable('cases')
        .set({ reporter_pgp_key: key.publicKey })
        .where('id', '=', c.id)
        .execute();
      await deliver();
      await s.cases.addMessage(m.actor, { id: c.id }, { body: 'Fixed in commit abc123 (untar path check).' });
      const from = sink.messages.length;
      await deliver();
      const raw = sink.messages[from]!.raw.toString('utf8');
      assert.match(raw, /Content-Type: multipart\/encrypted;[\s\S]*protocol="application\/pgp-encrypted"/);
      assert.match(raw, /^Subject: Encrypted message$/m, 'the outer subject says nothing');
      assert.ok(!raw.includes('untar'), 'nothing readable outside the encrypted part');
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(raw)![0];
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-gpg-'));
      try {
        const gpg = (args: string[], input?: string) =>
          execFileSync(
            'gpg',
            ['--homedir', home, '--batch', '--yes', '--pinentry-mode', 'loopback', ...args],
            {
              input,
              stdio: ['pipe', 'pipe', 'pipe'],
            },
          ).toString('utf8');
        gpg(['--import'], key.privateKey);
        const inner = gpg(['--decrypt'], armored);
        assert.match(inner, /protected-headers="?v1/);
        assert.match(inner, /^Subject: \[.+\] New message/m, 'the real subject is inside');
        assert.ok(inner.includes('untar path check'), 'the message text is inside the encrypted part');
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  });
}
