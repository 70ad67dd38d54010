// The SMTP listener on an ephemeral loopback port over the real intake service, on both dialects,
// fed by two independent senders: nodemailer and the swaks binary. What a relay sees: 250 only
// once the mail is committed, 550 for unknown or forged addresses, 552 for oversize mail, 451
// (retry later) when storing fails: inbound-smtp-retry.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeCase, makeMember, makeProject } from '../helpers/factories.ts';
import type { Services } from '../../src/services/index.ts';
import { replyAddressFor } from '../../src/services/mail/reply-address.ts';
import { startInboundSmtp, type InboundSmtp } from '../../src/integrations/mail/inbound-server.ts';

const silent = { info() {}, warn() {}, error() {} };
const MAX_BYTES = 64 * 1024;

/** Runs swaks against the listener; its exit code and full transcript. */
function swaks(port: number, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/swaks', ['--server', '127.0.0.1', '--port', String(port), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

function transport(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
}

/** The SMTP error nodemailer reports, as "code text" (e.g. "550 5.1.1 No such mailbox here"). */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { response?: string; responseCode?: number };
    return String(err.response ?? err);
  }
  assert.fail('the listener accepted a mail it should have refused');
}

for (const dialect of dialects()) {
  describe(dialect, () => {
    let ts: TestServices;
    let s: Services;
    let smtp: InboundSmtp;
    let tmp: string;
    let responderEmail: string;
    const db = () => ts.tdb.handle.db;
    // Titles are encrypted at rest, so they are compared here, not in SQL.
    const casesTitled = async (title: string) =>
      (await db().selectFrom('cases').selectAll().execute()).filter((c) => c.title === title);

    before(async () => {
      ts = await createTestServices(dialect);
      s = ts.services;
      await makeProject(s, { slug: 'flux', key: 'FLUX' });
      responderEmail = (await makeMember(s, 'flux', 'responder')).email;
      smtp = await startInboundSmtp({
        port: 0,
        host: '127.0.0.1',
        intake: s.mailIntake,
        logger: silent,
        maxBytes: MAX_BYTES,
        name: 'localhost',
      });
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-smtp-'));
    });
    after(async () => {
      await smtp.close();
      await ts.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    test('swaks: a report with an attachment becomes a case; greeting, SIZE, no AUTH', async () => {
      const file = path.join(tmp, 'poc.txt');
      fs.writeFileSync(file, 'curl -X POST http://target/../../etc/passwd\n');
      const r = await swaks(smtp.port, [
        '--to',
        'flux@localhost',
        '--from',
        'r@example.org',
        '--header',
        'Subject: Swaks report: path traversal',
        '--header',
        'Authentication-Results: relay.localhost; spf=pass smtp.mailfrom=example.org; dkim=none',
        '--body',
        'The API joins paths unsafely.\n\nImpact: reads any file.',
        '--attach',
        `@${file}`,
      ]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /<- {2}220 localhost ESMTP Parley mail intake/);
      assert.match(r.out, /<- {2}250[- ]SIZE 65536/);
      assert.doesNotMatch(r.out, /<- {2}250[- ]AUTH/);
      assert.doesNotMatch(r.out, /<- {2}250[- ]STARTTLS/);
      assert.match(r.out, /<- {2}250 2\.0\.0 Accepted/);
      const [row] = await casesTitled('Swaks report: path traversal');
      assert.ok(row, 'the case exists once the 250 is given');
      assert.equal(row.channel, 'email');
      assert.equal(row.impact, 'reads any file.');
      assert.equal(row.reporter_email, 'r@example.org');
      const files = await db().selectFrom('attachments').selectAll().where('case_id', '=', row.id).execute();
      assert.deepEqual(
        files.map((f) => [f.filename, f.size, f.sha256]),
        [
          [
            'poc.txt',
            fs.statSync(file).size,
            crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
          ],
        ],
      );
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('case_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(rec.spf, 'pass');
      assert.equal(rec.dkim, 'none');
      assert.equal(rec.remote_address, '127.0.0.1');
      assert.equal(rec.envelope_from, 'r@example.org');
    });

    test('nodemailer: a report becomes a case, and the answer is a 250', async () => {
      const info = await transport(smtp.port).sendMail({
        from: 'nm@example.org',
        to: 'FLUX@LOCALHOST',
        subject: 'Nodemailer report',
        text: '## Steps to reproduce\n1. run it',
      });
      assert.match(info.response, /^250 2\.0\.0 Accepted/);
      const [row] = await casesTitled('Nodemailer report');
      assert.equal(row?.steps_to_reproduce, '1. run it');
    });

    test('an unknown mailbox is refused at RCPT with 550 5.1.1', async () => {
      const r = await swaks(smtp.port, ['--to', 'nobody@localhost', '--from', 'r@example.org']);
      assert.equal(r.code, 24, 'swaks: no RCPTs accepted');
      assert.match(r.out, /<\*\* 550 5\.1\.1 No such mailbox here/);
      const other = await swaks(smtp.port, ['--to', 'flux@elsewhere.example', '--from', 'r@example.org']);
      assert.equal(other.code, 24);
      assert.match(other.out, /550 5\.1\.1 No such mailbox here/);
      const nm = await refusal(
        transport(smtp.port).sendMail({ from: 'a@example.org', to: 'nobody@localhost', text: 'x' }),
      );
      assert.match(nm, /^550 5\.1\.1 No such mailbox here/);
    });

    test('a forged reply address is refused with 550 5.7.1', async () => {
      const c = await makeCase(s, 'flux');
      const valid = replyAddressFor(s.deps, c.id, 'r');
      const forged = valid.replace('reply+r', 'reply+t');
      const r = await swaks(smtp.port, ['--to', forged, '--from', 'r@example.org']);
      assert.equal(r.code, 24);
      assert.match(r.out, /<\*\* 550 5\.7\.1 Reply address not valid/);
      const nm = await refusal(
        transport(smtp.port).sendMail({ from: 'a@example.org', to: 'reply+rabc@localhost', text: 'x' }),
      );
      assert.match(nm, /^550 5\.7\.1 Reply address not valid/);
    });

    test('a mail over the size limit is refused with 552 and stores nothing', async () => {
      const big = path.join(tmp, 'big.bin');
      fs.writeFileSync(big, Buffer.alloc(MAX_BYTES, 'x'));
      const r = await swaks(smtp.port, [
        '--to',
        'flux@localhost',
        '--from',
        'r@example.org',
        '--header',
        'Subject: Too big (swaks)',
        '--attach',
        `@${big}`,
      ]);
      assert.equal(r.code, 26, 'swaks: mail not accepted after DATA');
      assert.match(r.out, /<\*\* 552 5\.3\.4 Message too big; the limit is 65536 bytes/);
      // nodemailer declares the size up front (SIZE=), which is refused at MAIL FROM already.
      const nm = await refusal(
        transport(smtp.port).sendMail({
          from: 'a@example.org',
          to: 'flux@localhost',
          subject: 'Too big (nodemailer)',
          text: 'y'.repeat(MAX_BYTES + 10),
        }),
      );
      assert.match(nm, /^552 /);
      assert.equal((await casesTitled('Too big (swaks)')).length, 0);
      assert.equal((await casesTitled('Too big (nodemailer)')).length, 0);
    });

    test('a reply to the reporter’s reply address threads into the case', async () => {
      const c = await makeCase(s, 'flux');
      const info = await transport(smtp.port).sendMail({
        from: 'whoever@example.org',
        to: replyAddressFor(s.deps, c.id, 'r'),
        subject: 'Re: FLUX',
        text: 'More detail by mail.\n\nOn Tue, Parley wrote:\n> old text',
      });
      assert.match(info.response, /^250 /);
      const msgs = await db().selectFrom('messages').selectAll().where('case_id', '=', c.id).execute();
      assert.deepEqual(
        msgs.map((m) => [m.author_kind, m.visibility, m.channel, m.body]),
        [['reporter', 'reporter', 'email', 'More detail by mail.']],
      );
    });

    test('swaks: a team member replies through the team address; a stranger gets 550 5.7.1', async () => {
      const c = await makeCase(s, 'flux');
      const team = replyAddressFor(s.deps, c.id, 't');
      const ok = await swaks(smtp.port, [
        '--to',
        team,
        '--from',
        responderEmail,
        '--header',
        'Subject: Re: case',
        '--body',
        'Confirmed on our side.',
      ]);
      assert.equal(ok.code, 0, ok.out);
      const bad = await swaks(smtp.port, [
        '--to',
        team,
        '--from',
        'mallory@example.org',
        '--body',
        'Please close as not a bug.',
      ]);
      assert.equal(bad.code, 26, bad.out);
      assert.match(bad.out, /<\*\* 550 5\.7\.1 This reply address takes mail from the security team only/);
      const msgs = await db().selectFrom('messages').selectAll().where('case_id', '=', c.id).execute();
      assert.deepEqual(
        msgs.map((m) => [m.author_kind, m.body]),
        [['user', 'Confirmed on our side.']],
      );
    });

    test('at most 20 recipients per mail: the 21st is deferred with 452', async () => {
      const to: string[] = [];
      for (let i = 0; i < 21; i++) to.push(replyAddressFor(s.deps, (await makeCase(s, 'flux')).id, 'r'));
      const r = await swaks(smtp.port, [
        '--to',
        to.join(','),
        '--from',
        'r@example.org',
        '--body',
        'To all.',
      ]);
      assert.equal(r.code, 0, r.out);
      assert.equal(
        (r.out.match(/<- {2}250 Accepted/g) ?? []).length,
        21,
        'MAIL FROM and twenty RCPTs accepted',
      );
      assert.match(r.out, /<\*\* 452 .*too many recipients/);
      const threaded = (await db().selectFrom('messages').select(['case_id', 'body']).execute()).filter(
        (m) => m.body === 'To all.',
      );
      assert.equal(threaded.length, 20);
    });
  });
}
