// The SMTP listener when storing fails, and with mail encrypted by GnuPG: a relay gets 451 (retry
// later) and nothing is half-stored, and its retry is then taken exactly once; a mail that gpg
// encrypted to the project key and swaks sent is read. Everything else: inbound-smtp.test.ts.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { dialects } from '../helpers/db.ts';
import { createTestServices, type TestServices } from '../helpers/services.ts';
import { makeMember, makeProject } from '../helpers/factories.ts';
import type { Services } from '../../src/services/index.ts';
import { sql } from 'kysely';
import {
  startInboundSmtp,
  type InboundSmtp,
  type MailIntake,
} from '../../src/integrations/mail/inbound-server.ts';

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
    const db = () => ts.tdb.handle.db;
    // Titles are encrypted at rest, so they are compared here, not in SQL.
    const casesTitled = async (title: string) =>
      (await db().selectFrom('cases').selectAll().execute()).filter((c) => c.title === title);

    before(async () => {
      ts = await createTestServices(dialect);
      s = ts.services;
      await makeProject(s, { slug: 'flux', key: 'FLUX' });
      await makeMember(s, 'flux', 'responder');
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

    test('when storing fails the relay gets 451, nothing is half-stored, and the retry is taken once', async () => {
      // A trigger makes the database refuse the inbound_mail row, which intake writes after the case
      // row in the same transaction: the whole mail must roll back.
      const pg = dialect === 'postgres';
      const arm = pg
        ? [
            `CREATE FUNCTION refuse_inbound() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$ LANGUAGE plpgsql`,
            'CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_mail FOR EACH ROW EXECUTE FUNCTION refuse_inbound()',
          ]
        : [
            "CREATE TRIGGER refuse_inbound BEFORE INSERT ON inbound_mail BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
          ];
      const disarm = pg
        ? ['DROP TRIGGER refuse_inbound ON inbound_mail', 'DROP FUNCTION refuse_inbound()']
        : ['DROP TRIGGER refuse_inbound'];
      const run = async (stmts: string[]) => {
        for (const q of stmts) await sql.raw(q).execute(db());
      };
      const raw = [
        'From: retry@example.org',
        'To: flux@localhost',
        'Subject: Survives a database outage',
        'Message-ID: <outage-1@example.org>',
        '',
        'Stored on the second try.',
        '',
      ].join('\r\n');
      const send = () =>
        transport(smtp.port).sendMail({
          envelope: { from: 'retry@example.org', to: ['flux@localhost'] },
          raw,
        });
      const before = await db()
        .selectFrom('projects')
        .select('last_case_number')
        .where('slug', '=', 'flux')
        .executeTakeFirstOrThrow();
      await run(arm);
      try {
        const first = await refusal(send());
        assert.match(first, /^451 4\.3\.0 /);
      } finally {
        await run(disarm);
      }
      assert.equal((await casesTitled('Survives a database outage')).length, 0, 'no case without its record');
      const after = await db()
        .selectFrom('projects')
        .select('last_case_number')
        .where('slug', '=', 'flux')
        .executeTakeFirstOrThrow();
      assert.equal(after.last_case_number, before.last_case_number, 'the case number was not used up');
      const info = await send();
      assert.match(info.response, /^250 /);
      // A relay that lost the 250 resends the very same mail: it is taken again, not duplicated.
      const again = await send();
      assert.match(again.response, /^250 /);
      assert.equal((await casesTitled('Survives a database outage')).length, 1);
    });

    test('an intake that throws anything but a refusal answers 451 (the relay retries)', async () => {
      let calls = 0;
      const intake: MailIntake = {
        resolveRecipient: (a) => s.mailIntake.resolveRecipient(a),
        accept: async (m) => {
          if (calls++ === 0) throw new Error('connection reset');
          return s.mailIntake.accept(m);
        },
      };
      const flaky = await startInboundSmtp({
        port: 0,
        host: '127.0.0.1',
        intake,
        logger: silent,
        maxBytes: MAX_BYTES,
      });
      try {
        const r = await swaks(flaky.port, [
          '--to',
          'flux@localhost',
          '--from',
          'r@example.org',
          '--header',
          'Subject: Flaky once',
        ]);
        assert.equal(r.code, 26, r.out);
        assert.match(r.out, /<\*\* 451 4\.3\.0 Temporary local problem/);
        const ok = await swaks(flaky.port, [
          '--to',
          'flux@localhost',
          '--from',
          'r@example.org',
          '--header',
          'Subject: Flaky once',
        ]);
        assert.equal(ok.code, 0, ok.out);
        assert.equal((await casesTitled('Flaky once')).length, 1);
      } finally {
        await flaky.close();
      }
    });

    test('gpg → swaks: a mail encrypted with GnuPG to the project key is read', async () => {
      const maintainer = await makeMember(s, 'flux', 'maintainer');
      const key = await s.projectKeys.generate(maintainer.actor, 'flux', { replace: true });
      const home = fs.mkdtempSync(path.join(tmp, 'gnupg-'));
      const gpg = (args: string[], input?: string) =>
        new Promise<string>((resolve, reject) => {
          const p = spawn('/usr/bin/gpg', ['--homedir', home, '--batch', '--yes', ...args]);
          let out = '';
          let err = '';
          p.stdout.on('data', (d: Buffer) => (out += d.toString()));
          p.stderr.on('data', (d: Buffer) => (err += d.toString()));
          p.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`gpg ${code}: ${err}`))));
          p.stdin.end(input ?? '');
        });
      await gpg(['--import'], key.publicKey);
      const armored = await gpg(
        ['--armor', '--trust-model', 'always', '--encrypt', '--recipient', key.fingerprint],
        '## Impact\nSecrets leak through the debug endpoint.\n',
      );
      const body = path.join(tmp, 'encrypted-body.txt');
      fs.writeFileSync(body, armored);
      const r = await swaks(smtp.port, [
        '--to',
        'flux@localhost',
        '--from',
        'gpg-user@example.org',
        '--header',
        'Subject: Encrypted with gpg',
        '--body',
        `@${body}`,
      ]);
      assert.equal(r.code, 0, r.out);
      const [row] = await casesTitled('Encrypted with gpg');
      assert.equal(row?.impact, 'Secrets leak through the debug endpoint.');
      const rec = await db()
        .selectFrom('inbound_mail')
        .selectAll()
        .where('case_id', '=', row!.id)
        .executeTakeFirstOrThrow();
      assert.equal(rec.encrypted, 1);
    });
  });
}
