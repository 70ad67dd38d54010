// Interoperability with the real GnuPG (/usr/bin/gpg, 2.2 on the reference machine) in a throwaway
// GNUPGHOME: gpg encrypts reports to the served pgp-key.asc (API and form), a gpg-made team key is
// imported and used, gpg decrypts Parley's PGP/MIME mail, and gpg verifies the signed security.txt.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { dialects } from '../helpers/db.ts';
import { apiWorld, type ApiWorld } from '../helpers/api.ts';
import { PageClient } from '../helpers/page-client.ts';
import { findCaseById } from '../../src/storage/repositories/case.repository.ts';
import { findProjectBySlug } from '../../src/storage/repositories/project.repository.ts';
import { encryptedMimeBody } from '../../src/integrations/pgp/pgp-mime.ts';

const GPG = '/usr/bin/gpg';
const skip = fs.existsSync(GPG) ? false : `${GPG} is not installed; the GnuPG interop tests need it`;

/** gpg in its own home directory, non-interactive, trusting the keys the test imports. */
class Gpg {
  readonly home = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-gnupg-'));
  constructor() {
    fs.chmodSync(this.home, 0o700);
    // The agent calibrates its passphrase hashing to its machine (about a second per use here); a small
    // count keeps key generation quick in this throwaway home and changes nothing gpg writes out.
    fs.writeFileSync(path.join(this.home, 'gpg-agent.conf'), 's2k-count 65536\n');
  }
  run(args: string[], input?: string | Buffer, opts: { ok?: boolean } = {}) {
    const r = spawnSync(
      GPG,
      [
        '--homedir',
        this.home,
        '--batch',
        '--yes',
        '--pinentry-mode',
        'loopback',
        '--trust-model',
        'always',
        ...args,
      ],
      { input, maxBuffer: 20_000_000 },
    );
    const out = { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
    if (opts.ok !== false && out.status !== 0) throw new Error(`gpg ${args.join(' ')} failed: ${out.stderr}`);
    return out;
  }
  file(name: string, text: string): string {
    const p = path.join(this.home, name);
    fs.writeFileSync(p, text);
    return p;
  }
  fingerprint(userId: string): string {
    const colons = this.run(['--with-colons', '--list-keys', userId]).stdout;
    return /^fpr:+([0-9A-F]{40}):/m.exec(colons)![1]!;
  }
  close() {
    spawnSync('gpgconf', ['--homedir', this.home, '--kill', 'gpg-agent']);
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

const REPORT = [
  'Title: Signature bypass in the webhook verifier',
  '',
  'Description:',
  'The verifier compares HMACs with === and accepts an empty signature header.',
  '',
  'Steps to reproduce:',
  'curl -H "X-Signature:" -d {} https://host/hook',
  '',
  'Impact: anyone can forge webhook deliveries',
  '',
  'Affected versions: all releases before 2.0.1',
  '',
  'Suggested fix: use timingSafeEqual and reject empty headers',
  '',
].join('\n');

for (const dialect of dialects()) {
  describe(`GnuPG interoperability (${dialect})`, { skip }, () => {
    let world: ApiWorld;
    let gpg: Gpg;
    let slug: string;
    before(async () => {
      world = await apiWorld(dialect);
      gpg = new Gpg();
      slug = world.w.project.slug;
      await world.t.services.projectKeys.generate(world.w.maintainer.actor, slug);
    });
    after(async () => {
      gpg?.close();
      await world?.t.close();
    });

    const expectReportFields = async (caseId: string) => {
      const row = (await findCaseById(world.t.tdb.handle.db, caseId))!;
      assert.equal(row.title, 'Signature bypass in the webhook verifier');
      assert.equal(
        row.description,
        'The verifier compares HMACs with === and accepts an empty signature header.',
      );
      assert.equal(row.steps_to_reproduce, 'curl -H "X-Signature:" -d {} https://host/hook');
      assert.equal(row.impact, 'anyone can forge webhook deliveries');
      assert.equal(row.affected_versions, 'all releases before 2.0.1');
      assert.equal(row.suggested_fix, 'use timingSafeEqual and reject empty headers');
    };

    test('gpg encrypts a report to the served pgp-key.asc; the API and the form take it', async () => {
      const asc = await world.t.app.inject({ method: 'GET', url: `/p/${slug}/pgp-key.asc` });
      assert.equal(asc.statusCode, 200);
      assert.match(gpg.run(['--import'], asc.body).stderr, /imported: 1/);
      const info = (await world.t.services.projectKeys.keyInfo(slug))!;
      assert.equal(gpg.fingerprint(info.userId), info.fingerprint);
      const encrypted = gpg.run(['--armor', '--encrypt', '--recipient', info.fingerprint], REPORT).stdout;
      assert.match(encrypted, /^-----BEGIN PGP MESSAGE-----/);

      const api = await world.call('POST', `/api/v1/projects/${slug}/reports`, {
        body: { encryptedReport: encrypted },
      });
      assert.equal(api.status, 201, api.body);
      await expectReportFields(api.json.id);

      const c = new PageClient(world.t.app);
      const form = await c.post(
        `/p/${slug}/report`,
        { encryptedReport: encrypted.replace(/\n/g, '\r\n'), creditPreference: 'anonymous' },
        { csrfFrom: `/p/${slug}/report` },
      );
      assert.equal(form.statusCode, 303, form.body.slice(0, 1500));
      const rows = (
        await world.t.tdb.handle.db
          .selectFrom('cases')
          .select(['id', 'title'])
          .where('channel', '=', 'web')
          .execute()
      ).filter((r) => r.title === 'Signature bypass in the webhook verifier');
      assert.equal(rows.length, 1);
      await expectReportFields(rows[0]!.id);
    });

    test('gpg --verify accepts the signed security.txt and rejects it with one byte changed', async () => {
      // The key was imported by the previous test's pgp-key.asc; import again so this test stands alone.
      gpg.run(
        ['--import'],
        (await world.t.app.inject({ method: 'GET', url: `/p/${slug}/pgp-key.asc` })).body,
      );
      const txt = await world.t.app.inject({ method: 'GET', url: `/p/${slug}/security.txt` });
      assert.match(String(txt.headers['content-type']), /^text\/plain/);
      assert.match(txt.body, new RegExp(`Encryption: http://localhost:8080/p/${slug}/pgp-key\\.asc`));
      const good = gpg.run(['--verify', gpg.file('security.txt', txt.body)], undefined, { ok: false });
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stderr, /Good signature from ".* security team </);
      const i = txt.body.indexOf('Policy: ') + 'Policy: '.length;
      const altered = txt.body.slice(0, i) + 'X' + txt.body.slice(i + 1);
      const bad = gpg.run(['--verify', gpg.file('altered.txt', altered)], undefined, { ok: false });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /BAD signature/);
    });

    test('a key pair made by gpg is imported as the project key and decrypts what gpg encrypts', async () => {
      gpg.run([
        '--passphrase',
        'team pass',
        '--quick-gen-key',
        'Team Key <team@example.org>',
        'future-default',
        'default',
        'never',
      ]);
      const fpr = gpg.fingerprint('team@example.org');
      const exported = gpg.run(['--passphrase', 'team pass', '--armor', '--export-secret-keys', fpr]).stdout;
      assert.match(exported, /^-----BEGIN PGP PRIVATE KEY BLOCK-----/);

      // Through the settings page, as a maintainer would.
      const c = new PageClient(world.t.app);
      await c.login(world.w.maintainer.email, 'correct horse battery staple');
      const base = `/p/${slug}/settings/pgp`;
      const wrong = await c.post(
        `${base}/import`,
        { privateKey: exported, passphrase: 'nope', replace: '1' },
        { csrfFrom: base },
      );
      assert.equal(wrong.statusCode, 422);
      assert.match(wrong.body, /does not unlock/);
      const ok = await c.post(
        `${base}/import`,
        { privateKey: exported, passphrase: 'team pass', replace: '1' },
        { csrfFrom: base },
      );
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 1500));
      const info = (await world.t.services.projectKeys.keyInfo(slug))!;
      assert.equal(info.fingerprint, fpr);
      assert.equal(info.source, 'imported');
      assert.equal(info.userId, 'Team Key <team@example.org>');

      const project = (await findProjectBySlug(world.t.tdb.handle.db, slug))!;
      const encrypted = gpg.run(['--armor', '--encrypt', '--recipient', fpr], 'gpg → parley\n').stdout;
      const out = await world.t.services.projectKeys.decrypt(project.id, encrypted);
      assert.equal(out.text, 'gpg → parley\n');
      // Binary (unarmored) gpg output decrypts as well.
      const binary = spawnSync(
        GPG,
        ['--homedir', gpg.home, '--batch', '--trust-model', 'always', '--encrypt', '--recipient', fpr],
        { input: 'binary form' },
      ).stdout;
      assert.equal(
        (await world.t.services.projectKeys.decrypt(project.id, new Uint8Array(binary))).text,
        'binary form',
      );
      // security.txt is now signed by the imported key, and gpg (which holds it) verifies that.
      const txt = await world.t.app.inject({ method: 'GET', url: `/p/${slug}/security.txt` });
      const v = gpg.run(['--verify', gpg.file('imported-security.txt', txt.body)], undefined, { ok: false });
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stderr, new RegExp(fpr));
    });

    test('gpg decrypts PGP/MIME mail Parley encrypts to a reporter key', async () => {
      gpg.run([
        '--passphrase',
        'rp',
        '--quick-gen-key',
        'Reporter <reporter@example.net>',
        'future-default',
        'default',
        'never',
      ]);
      const reporterKey = gpg.run(['--armor', '--export', 'reporter@example.net']).stdout;
      const inner =
        'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' +
        'Your report CONURE-7 was acknowledged — thank you.\r\n';
      const { contentType, body } = await encryptedMimeBody(inner, reporterKey);
      assert.match(contentType, /^multipart\/encrypted; protocol="application\/pgp-encrypted"/);
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----\r\n/.exec(body)![0];
      const out = gpg.run(['--passphrase', 'rp', '--decrypt'], armored);
      assert.equal(out.stdout, inner, 'the whole inner entity, CRLFs included');
      assert.doesNotMatch(out.stderr, /AEAD|WARNING: message was not integrity protected/);
      // What gpg sees: a public-key packet for the reporter's subkey and MDC-protected data (SEIPDv1).
      const packets = gpg.run(['--list-packets', '--passphrase', 'rp'], armored, { ok: false }).stdout;
      assert.match(packets, /:encrypted data packet:[\s\S]*mdc_method: 2/);
    });
  });
}
