// AES-256-GCM for values at rest. Text becomes `enc:v1:<key id>:<base64url of iv|ciphertext|tag>`;
// a blob becomes the bytes `\0PENC` 0x01 <key id> iv ciphertext tag. The IV is 96 random bits per
// value. The additional data names the table and column, so a value copied into another column (or
// its key id edited) fails to decrypt instead of showing up where it does not belong.
import crypto from 'node:crypto';
import type { DataKey } from './key-file.ts';
import type { KeyRing } from './key-ring.ts';

export const TEXT_PREFIX = 'enc:v1:';
const TEXT_ENVELOPE = /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9_-]{38,})$/;
const BLOB_MAGIC = Buffer.from([0x00, 0x50, 0x45, 0x4e, 0x43, 0x01]); // \0PENC v1
const BLOB_HEADER = BLOB_MAGIC.length + 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A value that does not decrypt: tampered, moved from another column, or its key is not held. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/** The additional data binding a value to where it is stored. */
export function columnAad(table: string, column: string): string {
  return `parley/v1/${table}.${column}`;
}

function seal(key: DataKey, aad: string, plain: Buffer): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const c = crypto.createCipheriv('aes-256-gcm', key.key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = c.update(plain);
  const last = c.final();
  return Buffer.concat([iv, body, last, c.getAuthTag()]);
}

function open(key: DataKey, aad: string, sealed: Buffer): Buffer | undefined {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const d = crypto.createDecipheriv('aes-256-gcm', key.key, sealed.subarray(0, IV_BYTES));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([d.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), d.final()]);
  } catch {
    return undefined; // authentication failed
  }
}

export function sealText(key: DataKey, aad: string, plain: string): string {
  return `${TEXT_PREFIX}${key.id}:${seal(key, aad, Buffer.from(plain, 'utf8')).toString('base64url')}`;
}

export function sealBlob(key: DataKey, aad: string, plain: Uint8Array): Buffer {
  return Buffer.concat([BLOB_MAGIC, Buffer.from(key.id, 'ascii'), seal(key, aad, Buffer.from(plain))]);
}

/** The key id of an encrypted value; undefined for anything else (plaintext written before encryption). */
export function keyIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.startsWith(TEXT_PREFIX) ? TEXT_ENVELOPE.exec(value)?.[1] : undefined;
  }
  if (value instanceof Uint8Array && value.length >= BLOB_HEADER + IV_BYTES + TAG_BYTES) {
    if (!Buffer.from(value.buffer, value.byteOffset, BLOB_MAGIC.length).equals(BLOB_MAGIC)) return undefined;
    const id = Buffer.from(value.buffer, value.byteOffset + BLOB_MAGIC.length, 8).toString('ascii');
    return /^[0-9a-f]{8}$/.test(id) ? id : undefined;
  }
  return undefined;
}

/** The key id in the start of an envelope: its first 16 characters, or its first 14 bytes. */
export function keyIdOfHead(head: unknown): string | undefined {
  if (typeof head === 'string') return /^enc:v1:([0-9a-f]{8}):$/.exec(head)?.[1];
  if (!(head instanceof Uint8Array) || head.length !== BLOB_HEADER) return undefined;
  const b = Buffer.from(head);
  const id = b.subarray(BLOB_MAGIC.length).toString('ascii');
  return b.subarray(0, BLOB_MAGIC.length).equals(BLOB_MAGIC) && /^[0-9a-f]{8}$/.test(id) ? id : undefined;
}

/** True when the value is an envelope (text or blob) this module wrote. */
export function isEncrypted(value: unknown): boolean {
  return keyIdOf(value) !== undefined;
}

/**
 * Decrypts an envelope, trying each place it may have come from (one when the query names its
 * column). Anything that is not an envelope is answered as it is: rows from before encryption.
 */
export function openValue(ring: KeyRing, aads: readonly string[], value: unknown): unknown {
  const id = keyIdOf(value);
  if (id === undefined) return value;
  const key = ring.find(id);
  if (!key)
    throw new DecryptionError(
      `data key ${id} is not in the key file (is PARLEY_SECRET_KEY_FILE the file this database was encrypted with?)`,
    );
  const isText = typeof value === 'string';
  const sealed = isText
    ? Buffer.from(value.slice(TEXT_PREFIX.length + 9), 'base64url')
    : (value as Buffer).subarray(BLOB_HEADER);
  for (const aad of aads) {
    const plain = open(key, aad, sealed);
    if (plain) return isText ? plain.toString('utf8') : plain;
  }
  const where = aads.length === 1 ? aads[0]!.replace(/^parley\/v1\//, '') : 'any encrypted column';
  throw new DecryptionError(`a value encrypted with data key ${id} does not authenticate as ${where}`);
}
