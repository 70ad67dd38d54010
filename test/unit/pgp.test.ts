// The OpenPGP integration over openpgp alone: key generation (v4, no AEAD), what readPublicKeyInfo
// refuses, importing a private key, encrypt/decrypt round trips, cleartext signatures, PGP/MIME.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { simpleParser } from 'mailparser';
import { ValidationError } from '../../src/domain/errors.ts';
import {
  generateKeyPair,
  readPublicKeyInfo,
  importPrivateKey,
  formatFingerprint,
  type KeyPair,
} from '../../src/integrations/pgp/pgp-keys.ts';
import {
  encryptText,
  decryptMessage,
  clearsign,
  verifyCleartext,
  extractArmoredMessage,
} from '../../src/integrations/pgp/pgp-crypto.ts';
import {
  encryptedMimeBody,
  findPgpContent,
  decryptedEntityToText,
} from '../../src/integrations/pgp/pgp-mime.ts';

async function rejects(p: Promise<unknown>, field: string, pattern: RegExp) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    assert.equal(e.errors[0]?.field, field);
    assert.match(e.errors[0]!.message, pattern);
    return true;
  });
}

describe('OpenPGP keys', () => {
  let pair: KeyPair;
  before(async () => {
    pair = await generateKeyPair({
      name: 'Conure security team',
      email: 'conure@parley.example',
      passphrase: 'pw-1',
    });
  });

  test('generates a protected v4 ed25519 key with a cv25519 subkey and no AEAD features', async () => {
    assert.match(pair.fingerprint, /^[0-9A-F]{40}$/);
    assert.equal(pair.userId, 'Conure security team <conure@parley.example>');
    assert.equal(pair.expiresAt, null);
    assert.match(pair.publicKey, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const priv = await openpgp.readPrivateKey({ armoredKey: pair.privateKey });
    assert.equal(priv.isDecrypted(), false, 'the private key is passphrase-protected');
    assert.equal(priv.keyPacket.version, 4);
    assert.equal(priv.getAlgorithmInfo().algorithm, 'eddsaLegacy');
    assert.equal(priv.subkeys.length, 1);
    assert.equal(priv.subkeys[0]!.keyPacket.version, 4);
    assert.equal(priv.subkeys[0]!.getAlgorithmInfo().algorithm, 'ecdh');
    const sig = (await priv.getPrimaryUser()).selfCertification;
    const SEIPDV2 = 0x08; // RFC 9580 features flag; openpgp's typings do not list enums.features
    assert.equal((sig.features?.[0] ?? 0) & SEIPDV2, 0, 'no SEIPDv2 feature');
    assert.equal(
      (sig as unknown as { preferredCipherSuites: unknown }).preferredCipherSuites,
      null,
      'no AEAD suites',
    );
    await assert.rejects(openpgp.decryptKey({ privateKey: priv, passphrase: 'wrong' }));
  });

  test('an expiry can be set', async () => {
    const p = await generateKeyPair({ name: 'T', email: 't@example.org', passphrase: 'x', validDays: 30 });
    const days = (Date.parse(p.expiresAt!) - Date.now()) / 86_400_000;
    assert.ok(days > 29 && days <= 30, String(days));
  });

  test('readPublicKeyInfo accepts a public key and normalises it', async () => {
    const info = await readPublicKeyInfo(`  \n${pair.publicKey}\n\n`);
    assert.equal(info.fingerprint, pair.fingerprint);
    assert.deepEqual(info.userIds, [pair.userId]);
    assert.match(info.armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
    assert.equal(formatFingerprint(info.fingerprint).replace(/ /g, ''), info.fingerprint);
  });

  test('readPublicKeyInfo refuses what cannot be encrypted to, each with its reason', async () => {
    await rejects(readPublicKeyInfo(''), 'publicKey', /Paste an armored OpenPGP public key/);
    await rejects(
      readPublicKeyInfo('hello', 'reporterPgpKey'),
      'reporterPgpKey',
      /not a readable OpenPGP public key/,
    );
    await rejects(readPublicKeyInfo(pair.privateKey), 'publicKey', /private key; never share it/);
    const other = await generateKeyPair({ name: 'B', email: 'b@example.org', passphrase: 'x' });
    await rejects(
      readPublicKeyInfo(pair.publicKey + '\n' + other.publicKey),
      'publicKey',
      /exactly one key.*2/,
    );
    // Revoked.
    const priv = await openpgp.decryptKey({
      privateKey: await openpgp.readPrivateKey({ armoredKey: other.privateKey }),
      passphrase: 'x',
    });
    const { publicKey: revoked } = await openpgp.revokeKey({ key: priv, format: 'armored' });
    await rejects(readPublicKeyInfo(revoked), 'publicKey', /revoked/);
    // Expired: made valid for one day, a year ago.
    const past = new Date(Date.now() - 365 * 86_400_000);
    const old = await generateKeyPair({
      name: 'Old',
      email: 'old@example.org',
      passphrase: 'x',
      validDays: 1,
      date: past,
    });
    await rejects(readPublicKeyInfo(old.publicKey), 'publicKey', /expired/);
    // Signing only: no encryption subkey.
    const signOnly = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ email: 's@example.org' }],
      subkeys: [{ sign: true }],
      format: 'object',
    });
    await rejects(readPublicKeyInfo(signOnly.publicKey.armor()), 'publicKey', /no usable encryption key/);
  });

  test('importPrivateKey re-protects a key and refuses public keys and wrong passphrases', async () => {
    const imported = await importPrivateKey(pair.privateKey, 'pw-1', 'new-pass');
    assert.equal(imported.fingerprint, pair.fingerprint);
    const reread = await openpgp.readPrivateKey({ armoredKey: imported.privateKey });
    await assert.rejects(openpgp.decryptKey({ privateKey: reread, passphrase: 'pw-1' }));
    await openpgp.decryptKey({ privateKey: reread, passphrase: 'new-pass' });
    await rejects(importPrivateKey(pair.publicKey, undefined, 'n'), 'privateKey', /public key/);
    await rejects(
      importPrivateKey(pair.privateKey, undefined, 'n'),
      'passphrase',
      /protected by a passphrase/,
    );
    await rejects(importPrivateKey(pair.privateKey, 'nope', 'n'), 'passphrase', /does not unlock/);
    await rejects(
      importPrivateKey('-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxx\n', undefined, 'n'),
      'privateKey',
      /not a readable/,
    );
  });

  test('importPrivateKey refuses a key that cannot decrypt', async () => {
    const signOnly = await openpgp.generateKey({
      type: 'ecc',
      curve: 'ed25519Legacy',
      userIDs: [{ email: 's@example.org' }],
      subkeys: [{ sign: true }],
      format: 'armored',
    });
    await rejects(importPrivateKey(signOnly.privateKey, undefined, 'n'), 'privateKey', /cannot decrypt/);
  });
});

describe('OpenPGP messages', () => {
  let pair: KeyPair;
  before(async () => {
    pair = await generateKeyPair({ name: 'Team', email: 'team@example.org', passphrase: 'secret' });
  });

  test('encrypt and decrypt round trip, with CRLF normalised in text but kept in bytes', async () => {
    const armored = await encryptText('Title: Ünïcode report\r\nline two\n', [pair.publicKey]);
    assert.match(armored, /^-----BEGIN PGP MESSAGE-----/);
    const packets = await openpgp.readMessage({ armoredMessage: armored });
    assert.ok(
      packets.packets.findPacket(openpgp.enums.packet.symEncryptedIntegrityProtectedData),
      'SEIPD packet',
    );
    assert.equal(
      (
        packets.packets.findPacket(openpgp.enums.packet.symEncryptedIntegrityProtectedData) as unknown as {
          version: number;
        }
      ).version,
      1,
      'SEIPDv1, not AEAD',
    );
    const out = await decryptMessage(armored, pair.privateKey, 'secret');
    assert.equal(out.text, 'Title: Ünïcode report\nline two\n');
    assert.deepEqual(out.signatureKeyIds, []);
    // The same message embedded in other text (a mail body, indented) still decrypts.
    const again = await decryptMessage(
      `Hello,\n\n  ${armored.replace(/\n/g, '\n  ')}\nBye`,
      pair.privateKey,
      'secret',
    );
    assert.equal(again.text, out.text);
  });

  test('messages that do not decrypt are validation errors with a reason', async () => {
    const other = await generateKeyPair({ name: 'O', email: 'o@example.org', passphrase: 'x' });
    const toOther = await encryptText('secret', [other.publicKey]);
    await rejects(
      decryptMessage(toOther, pair.privateKey, 'secret', 'encryptedReport'),
      'encryptedReport',
      /not encrypted to the project's key/,
    );
    await rejects(
      decryptMessage('just text', pair.privateKey, 'secret'),
      'message',
      /not an OpenPGP message/,
    );
    const armored = await encryptText('secret', [pair.publicKey]);
    const lines = armored.split('\n');
    lines[3] = lines[3]!.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
    await rejects(
      decryptMessage(lines.join('\n'), pair.privateKey, 'secret'),
      'message',
      /cannot be read|does not decrypt/,
    );
  });

  test('binary messages decrypt too', async () => {
    const binary = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: 'bin' }),
      encryptionKeys: await openpgp.readKey({ armoredKey: pair.publicKey }),
      format: 'binary',
    });
    const out = await decryptMessage(binary as Uint8Array, pair.privateKey, 'secret');
    assert.equal(out.text, 'bin');
  });

  test('clearsign produces an RFC 4880 cleartext signature that verifies and breaks when altered', async () => {
    const text =
      'Contact: https://parley.example/p/conure/report\nExpires: 2027-01-01T00:00:00Z\n- dash line\n';
    const signed = await clearsign(text, pair.privateKey, 'secret');
    assert.match(signed, /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA(256|512)\n\n/);
    assert.match(signed, /\n- - dash line\n/, 'dash-escaped');
    assert.doesNotMatch(signed, /\r/, 'one line-end style');
    assert.match(signed, /-----BEGIN PGP SIGNATURE-----[\s\S]+-----END PGP SIGNATURE-----\n?$/);
    const ok = await verifyCleartext(signed, pair.publicKey);
    assert.equal(ok.valid, true);
    assert.equal(ok.text, text);
    const bad = await verifyCleartext(signed.replace('conure/report', 'conure/rep0rt'), pair.publicKey);
    assert.equal(bad.valid, false);
  });

  test('extractArmoredMessage finds the block or says there is none', () => {
    assert.equal(extractArmoredMessage('nothing here'), null);
    assert.equal(
      extractArmoredMessage('> -----BEGIN PGP MESSAGE-----\r\n\r\nabc\r\n-----END PGP MESSAGE-----'),
      null,
      'a quoted block is not at the start of a line',
    );
  });
});

describe('PGP/MIME', () => {
  let pair: KeyPair;
  before(async () => {
    pair = await generateKeyPair({ name: 'Reporter', email: 'r@example.org', passphrase: 'p' });
  });

  const inner =
    'Content-Type: multipart/mixed; boundary="in"\r\nSubject: [CONURE-4] Update\r\n\r\n--in\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n\r\nThe fix is ready.\r\n--in\r\n' +
    'Content-Type: text/plain; name="poc.txt"\r\nContent-Disposition: attachment; filename="poc.txt"\r\n\r\n' +
    'curl -d @x\r\n--in--\r\n';

  test('encryptedMimeBody is an RFC 3156 multipart/encrypted body around the whole entity', async () => {
    const { contentType, body } = await encryptedMimeBody(inner.replace(/\r\n/g, '\n'), pair.publicKey);
    const boundary = /boundary="([^"]+)"/.exec(contentType)![1]!;
    assert.match(contentType, /^multipart\/encrypted; protocol="application\/pgp-encrypted"; boundary="/);
    assert.doesNotMatch(body.replace(/\r\n/g, ''), /\n/, 'CRLF line ends only');
    const parts = body.split(`--${boundary}`);
    assert.equal(parts.length, 4, 'preamble, two parts, epilogue');
    assert.match(parts[1]!, /^\r\nContent-Type: application\/pgp-encrypted\r\n[\s\S]*\r\n\r\nVersion: 1\r\n/);
    assert.match(parts[2]!, /^\r\nContent-Type: application\/octet-stream; name="encrypted.asc"\r\n/);
    assert.equal(parts[3], '--\r\n');
    // Parsed back as mail, then decrypted: the exact inner entity with CRLFs.
    const mail = await simpleParser(
      `From: a@example.org\r\nContent-Type: ${contentType}\r\nMIME-Version: 1.0\r\n\r\n${body}`,
    );
    const found = findPgpContent(mail);
    assert.equal(found?.kind, 'pgp-mime');
    const decrypted = await decryptMessage(found!.message, pair.privateKey, 'p');
    assert.equal(new TextDecoder().decode(decrypted.bytes), inner);
    const content = await decryptedEntityToText(decrypted);
    assert.equal(content.mime, true);
    assert.equal(content.text.trim(), 'The fix is ready.');
    assert.equal(content.subject, '[CONURE-4] Update');
    assert.equal(content.attachments.length, 1);
    assert.equal(content.attachments[0]!.filename, 'poc.txt');
    assert.equal(content.attachments[0]!.content.toString().trim(), 'curl -d @x');
  });

  test('findPgpContent finds inline PGP and ignores plain mail; plain text plaintext stays text', async () => {
    const armored = await encryptText('Impact: total\n', [pair.publicKey]);
    const inline = await simpleParser(
      `From: a@example.org\r\nSubject: x\r\n\r\nHi team,\r\n\r\n${armored.replace(/\n/g, '\r\n')}`,
    );
    const found = findPgpContent(inline);
    assert.equal(found?.kind, 'inline');
    const d = await decryptMessage(found!.message, pair.privateKey, 'p');
    const content = await decryptedEntityToText(d);
    assert.deepEqual(content, { text: 'Impact: total\n', attachments: [], mime: false });
    const plain = await simpleParser('From: a@example.org\r\nSubject: x\r\n\r\nJust text.\r\n');
    assert.equal(findPgpContent(plain), null);
  });
});
