// Encrypting, decrypting and cleartext-signing with openpgp, in forms GnuPG 2.2 reads (see
// pgp-config.ts). The `…WithKey` variants take an unlocked key object, so a service can keep it
// in memory instead of paying the passphrase's S2K on every message.
import * as openpgp from 'openpgp';
import type { Message, PrivateKey } from 'openpgp';
import { ValidationError } from '../../domain/errors.ts';
import { PGP_CONFIG } from './pgp-config.ts';
import { reason, unlockPrivateKey } from './pgp-keys.ts';

export interface Decrypted {
  /** The plaintext as UTF-8, line ends normalised to \n. */
  text: string;
  /** The plaintext exactly as encrypted (a PGP/MIME entity keeps its CRLFs here). */
  bytes: Uint8Array;
  /** Key ids (hex) of the signatures found inside; they are not verified. */
  signatureKeyIds: string[];
}

/** An armored PGP MESSAGE readable by every recipient key. */
export async function encryptText(text: string, armoredPublicKeys: string[]): Promise<string> {
  return encryptData(await openpgp.createMessage({ text }), armoredPublicKeys);
}

/** Bytes (a MIME entity with CRLF line ends) encrypted as a binary literal, armored. */
export async function encryptBytes(bytes: Uint8Array, armoredPublicKeys: string[]): Promise<string> {
  return encryptData(await openpgp.createMessage({ binary: bytes }), armoredPublicKeys);
}

async function encryptData(message: Message<string | Uint8Array>, armoredPublicKeys: string[]) {
  if (!armoredPublicKeys.length) throw new Error('encrypt: no recipient keys');
  const encryptionKeys = await Promise.all(
    armoredPublicKeys.map((armoredKey) => openpgp.readKey({ armoredKey, config: PGP_CONFIG })),
  );
  return openpgp.encrypt({ message, encryptionKeys, format: 'armored', config: PGP_CONFIG });
}

/**
 * Decrypts an armored or binary message with a stored (passphrase-protected) private key. A message
 * that does not decrypt is the sender's problem to fix: ValidationError on `field`.
 */
export async function decryptMessage(
  message: string | Uint8Array,
  armoredPrivateKey: string,
  passphrase: string,
  field = 'message',
): Promise<Decrypted> {
  return decryptWithKey(message, await unlockPrivateKey(armoredPrivateKey, passphrase), field);
}

export async function decryptWithKey(
  message: string | Uint8Array,
  key: PrivateKey,
  field = 'message',
): Promise<Decrypted> {
  const bad = (text: string): never => {
    throw new ValidationError([{ field, message: text }], text);
  };
  let parsed: Message<string | Uint8Array>;
  try {
    if (typeof message === 'string') {
      const armored = extractArmoredMessage(message);
      if (!armored)
        return bad('This is not an OpenPGP message: it needs the -----BEGIN PGP MESSAGE----- block.');
      if (armored.length > MAX_MESSAGE) return bad('The encrypted message is too large.');
      parsed = await openpgp.readMessage({ armoredMessage: armored, config: PGP_CONFIG });
    } else {
      if (message.length > MAX_MESSAGE) return bad('The encrypted message is too large.');
      parsed = await openpgp.readMessage({ binaryMessage: message, config: PGP_CONFIG });
    }
  } catch (e) {
    return bad(`This OpenPGP message cannot be read (${reason(e)}); it may be cut off or altered.`);
  }
  const recipients = parsed.getEncryptionKeyIDs().map((k) => k.toHex());
  const ours = key.getKeys().map((k) => k.getKeyID().toHex());
  if (recipients.length && !recipients.some((r) => ours.includes(r) || /^0+$/.test(r))) {
    return bad(
      `This message was not encrypted to the project's key ${key.getFingerprint().toUpperCase()} ` +
        `(it is for key id ${recipients.map((r) => r.toUpperCase()).join(', ')}). Fetch the current key and encrypt again.`,
    );
  }
  try {
    const r = await openpgp.decrypt({
      message: parsed,
      decryptionKeys: key,
      format: 'binary',
      config: PGP_CONFIG,
    });
    const bytes = r.data as Uint8Array;
    return {
      bytes,
      text: new TextDecoder().decode(bytes).replace(/\r\n?/g, '\n'),
      signatureKeyIds: Array.from(r.signatures, (s) => s.keyID.toHex().toUpperCase()),
    };
  } catch (e) {
    return bad(`The message does not decrypt with the project's key (${reason(e)}).`);
  }
}

/** Upper bound on one encrypted message (armored or binary) decrypted in memory. */
const MAX_MESSAGE = 30_000_000;

/** The first `-----BEGIN PGP MESSAGE-----` … `-----END PGP MESSAGE-----` block of a text, if any. */
export function extractArmoredMessage(text: string): string | null {
  // At the start of a line only: a quoted block ("> -----BEGIN …") is an earlier message, not this one.
  const m = /^[ \t]*-----BEGIN PGP MESSAGE-----[\s\S]*?^[ \t]*-----END PGP MESSAGE-----/m.exec(text);
  // Mail and forms may indent or add CR; armor lines must start at column 0.
  return m ? m[0].replace(/\r\n?/g, '\n').replace(/^[ \t]+/gm, '') + '\n' : null;
}

/** RFC 4880 §7 cleartext signature framework text (what security.txt may be, RFC 9116 §2.3). */
export async function clearsign(
  text: string,
  armoredPrivateKey: string,
  passphrase: string,
): Promise<string> {
  return clearsignWithKey(text, await unlockPrivateKey(armoredPrivateKey, passphrase));
}

export async function clearsignWithKey(text: string, key: PrivateKey, date?: Date): Promise<string> {
  const signed = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text }),
    signingKeys: key,
    date,
    config: PGP_CONFIG,
  });
  // openpgp writes the signed lines with CRLF and its own lines with LF; a text file gets one style.
  // The signature covers the text with canonical CRLF line ends either way (RFC 4880 §7.1).
  return signed.replace(/\r\n/g, '\n');
}

/** Whether `signed` carries a valid signature by `armoredPublicKey`; returns the signed text. */
export async function verifyCleartext(
  signed: string,
  armoredPublicKey: string,
): Promise<{ valid: boolean; text: string }> {
  const message = await openpgp.readCleartextMessage({ cleartextMessage: signed, config: PGP_CONFIG });
  const verificationKeys = await openpgp.readKey({ armoredKey: armoredPublicKey, config: PGP_CONFIG });
  const r = await openpgp.verify({ message, verificationKeys, config: PGP_CONFIG });
  let valid = r.signatures.length > 0;
  for (const s of r.signatures) {
    try {
      await s.verified;
    } catch {
      valid = false;
    }
  }
  return { valid, text: r.data };
}
