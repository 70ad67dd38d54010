// The pieces of encryption at rest without a database: the AES-256-GCM envelopes (round trips,
// tampering, the column binding, unknown key ids and the key file re-read), and the key file (its
// backward-compatible format, creation, added and retired keys, permissions).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DecryptionError,
  columnAad,
  keyIdOf,
  keyIdOfHead,
  openValue,
  sealBlob,
  sealText,
} from '../../src/storage/encryption/cipher.ts';
import { KeyRing } from '../../src/storage/encryption/key-ring.ts';
import {
  addDataKey,
  newDataKey,
  parseKeyFile,
  readKeyFile,
  retireDataKeys,
} from '../../src/storage/encryption/key-file.ts';
import { loadOrCreateSecretKey } from '../../src/secret-key.ts';

const TITLE = columnAad('cases', 'title');
const BODY = columnAad('messages', 'body');
const ring = KeyRing.ofKeys(crypto.randomBytes(32), [newDataKey([]), newDataKey([])]);
const key = ring.current();

function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-keys-')), 'secret.key');
}

describe('envelopes', () => {
  test('text and blobs round-trip; every seal has its own IV', () => {
    const plain = 'Heap overflow in the parser — ünïcödé 🔑';
    const a = sealText(key, TITLE, plain);
    const b = sealText(key, TITLE, plain);
    assert.match(a, new RegExp(`^enc:v1:${key.id}:[A-Za-z0-9_-]+$`));
    assert.notEqual(a, b);
    assert.equal(openValue(ring, [TITLE], a), plain);
    assert.equal(openValue(ring, [TITLE], sealText(key, TITLE, '')), '');
    const bytes = crypto.randomBytes(5000);
    const sealed = sealBlob(key, columnAad('attachments', 'content'), bytes);
    assert.equal(keyIdOf(sealed), key.id);
    assert.equal(keyIdOfHead(sealed.subarray(0, 14)), key.id);
    assert.equal(keyIdOfHead(a.slice(0, 16)), key.id);
    assert.ok(!sealed.includes(bytes.subarray(0, 32)));
    assert.deepEqual(openValue(ring, [columnAad('attachments', 'content')], sealed), bytes);
  });

  test('a changed byte anywhere fails to decrypt', () => {
    const sealed = sealText(key, TITLE, 'secret title');
    const body = Buffer.from(sealed.slice(16), 'base64url');
    for (const at of [0, 12, body.length - 1]) {
      const bad = Buffer.from(body);
      bad[at]! ^= 1;
      assert.throws(
        () => openValue(ring, [TITLE], `${sealed.slice(0, 16)}${bad.toString('base64url')}`),
        DecryptionError,
      );
    }
    const blob = sealBlob(key, TITLE, Buffer.from('file'));
    blob[blob.length - 20]! ^= 0x80;
    assert.throws(() => openValue(ring, [TITLE], blob), DecryptionError);
  });

  test('a value moved to another column does not decrypt there', () => {
    const sealed = sealText(key, TITLE, 'secret title');
    assert.throws(() => openValue(ring, [BODY], sealed), /does not authenticate as messages\.body/);
    // Tried against several columns (a result the query could not name), the right one is found.
    assert.equal(openValue(ring, [BODY, TITLE], sealed), 'secret title');
  });

  test('a value under another key id fails; an edited key id too', () => {
    const other = ring.keys()[0]!;
    const sealed = sealText(key, TITLE, 'x');
    assert.throws(() => openValue(ring, [TITLE], sealed.replace(key.id, other.id)), DecryptionError);
    assert.throws(() => openValue(ring, [TITLE], sealed.replace(key.id, 'ffffffff')), /not in the key file/);
  });

  test('anything that is not an envelope passes through (rows from before encryption)', () => {
    for (const v of ['plain title', 'enc:v1:not-an-envelope', '', 42, null, Buffer.from('%PDF-1.7')])
      assert.deepEqual(openValue(ring, [TITLE], v), v);
  });
});

describe('key file', () => {
  test('a legacy one-line file keeps its secret and gains a data key, owner-only', () => {
    const file = tempFile();
    const secret = crypto.randomBytes(32);
    fs.writeFileSync(file, secret.toString('base64') + '\n', { mode: 0o600 });
    assert.ok(loadOrCreateSecretKey(file).equals(secret));
    const k = readKeyFile(file)!;
    assert.ok(k.secret.equals(secret));
    assert.equal(k.dataKeys.length, 1);
    assert.equal(fs.readFileSync(file, 'utf8').split('\n')[0], secret.toString('base64'));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(KeyRing.load(file).secret.equals(secret), 'loading again adds nothing');
    assert.equal(readKeyFile(file)!.dataKeys.length, 1);
  });

  test('a missing file is created with a secret and a data key', () => {
    const file = tempFile();
    const r = KeyRing.load(file);
    assert.equal(r.secret.length, 32);
    assert.equal(r.keys().length, 1);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['secret.key'], 'no temp or lock file left');
  });

  test('keys are added and retired atomically; the current one is never retired', () => {
    const file = tempFile();
    const r = KeyRing.load(file);
    const first = r.current().id;
    const second = addDataKey(file);
    assert.deepEqual(
      readKeyFile(file)!.dataKeys.map((k) => k.id),
      [first, second.id],
    );
    assert.deepEqual(retireDataKeys(file, [first, second.id]), [first]);
    assert.deepEqual(
      readKeyFile(file)!.dataKeys.map((k) => k.id),
      [second.id],
    );
    assert.ok(readKeyFile(file)!.secret.equals(r.secret));
  });

  test("processes adding keys at the same time never drop each other's key (the lock)", async () => {
    const file = tempFile();
    KeyRing.load(file);
    const mod = path.resolve('src/storage/encryption/key-file.ts');
    const script = `import { addDataKey } from ${JSON.stringify(mod)}; for (let i = 0; i < 5; i++) addDataKey(${JSON.stringify(file)});`;
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<number | null>((resolve) =>
          spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
            stdio: 'inherit',
          }).on('exit', resolve),
        ),
    );
    assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0]);
    assert.equal(readKeyFile(file)!.dataKeys.length, 1 + 4 * 5);
  });

  test('unreadable lines are refused rather than skipped', () => {
    const secret = crypto.randomBytes(32).toString('base64');
    assert.throws(
      () => parseKeyFile(`${secret}\ndata-key zz 2026 abc\n`, 'f'),
      /line 2 is not a data key line/,
    );
    assert.throws(() => parseKeyFile('c2hvcnQ=\n', 'f'), /fewer than 32 bytes/);
    const k = newDataKey([]);
    const line = `data-key ${k.id} ${k.created} ${k.key.toString('base64')}`;
    assert.throws(() => parseKeyFile(`${secret}\n${line}\n${line}\n`, 'f'), /twice/);
    assert.equal(parseKeyFile(`${secret}\n# comment\n\n${line}\n`, 'f').dataKeys[0]!.id, k.id);
  });

  test('a ring meeting an unknown key id re-reads the file once, then knows it', () => {
    const file = tempFile();
    const server = KeyRing.load(file);
    const added = addDataKey(file); // another process rotated
    const sealed = sealText(added, TITLE, 'rotated');
    assert.equal(openValue(server, [TITLE], sealed), 'rotated');
    assert.equal(server.current().id, added.id, 'new writes use the new key');
    // An id in no file: one more re-read, then a clear error (and no re-read storm right after).
    const stranger = sealText(newDataKey([]), TITLE, 'lost');
    assert.throws(() => openValue(server, [TITLE], stranger), /not in the key file/);
  });

  test('a ring notices a new current key in the file within the poll interval', async () => {
    const file = tempFile();
    const server = KeyRing.load(file);
    const before = server.current().id;
    const added = addDataKey(file);
    assert.equal(server.current().id, before, 'not re-checked on every write');
    await new Promise((r) => setTimeout(r, 2_100));
    assert.equal(server.current().id, added.id);
    assert.ok(server.find(before), 'the old key still decrypts');
  });
});
