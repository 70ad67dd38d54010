// OpenPGP in mail: building an RFC 3156 PGP/MIME encrypted body, finding the encrypted payload in
// an inbound message (PGP/MIME or inline armor), and reading a decrypted PGP/MIME entity back into
// text and attachments.
import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { encryptBytes, extractArmoredMessage, type Decrypted } from './pgp-crypto.ts';

export interface EncryptedMimeBody {
  /** The value of the message's Content-Type header (with the boundary). */
  contentType: string;
  /** The multipart body, CRLF line ends, to follow the message's headers. */
  body: string;
}

/**
 * RFC 3156 §4: `multipart/encrypted; protocol="application/pgp-encrypted"` with the version part
 * and an `application/octet-stream` part holding the whole inner MIME entity (its own headers,
 * e.g. Content-Type and a protected Subject, then its body), encrypted to every key given.
 */
export async function encryptedMimeBody(
  innerMimeEntity: string,
  armoredPublicKey: string | string[],
): Promise<EncryptedMimeBody> {
  const keys = Array.isArray(armoredPublicKey) ? armoredPublicKey : [armoredPublicKey];
  const canonical = innerMimeEntity.replace(/\r?\n/g, '\r\n');
  const armored = await encryptBytes(new TextEncoder().encode(canonical), keys);
  // Base64 armor never contains "-", so this boundary cannot occur inside the parts.
  const boundary = `parley-pgp-${crypto.randomBytes(12).toString('hex')}`;
  const body = [
    'This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)',
    `--${boundary}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Description: PGP/MIME version identification',
    '',
    'Version: 1',
    '',
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="encrypted.asc"',
    'Content-Description: OpenPGP encrypted message',
    'Content-Disposition: inline; filename="encrypted.asc"',
    '',
    armored.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, ''),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return {
    contentType: `multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${boundary}"`,
    body,
  };
}

export interface PgpContent {
  /** `pgp-mime`: RFC 3156 multipart/encrypted; `inline`: an armored block in the text body. */
  kind: 'pgp-mime' | 'inline';
  /** Armored text, or the raw packets when the part was binary. */
  message: string | Uint8Array;
}

/**
 * The encrypted payload of a message parsed by mailparser's simpleParser, or null when it is not
 * encrypted. mailparser gives a multipart/encrypted message no text; both of its parts come out as
 * attachments, the payload being the `application/octet-stream` one.
 */
export function findPgpContent(mail: ParsedMail): PgpContent | null {
  const ct = mail.headers.get('content-type') as
    { value?: string; params?: Record<string, string> } | undefined;
  const isPgpMime =
    ct?.value?.toLowerCase() === 'multipart/encrypted' &&
    (ct.params?.protocol ?? '').toLowerCase() === 'application/pgp-encrypted';
  if (isPgpMime) {
    const part = mail.attachments.find((a) => a.contentType.toLowerCase() !== 'application/pgp-encrypted');
    if (part) {
      const asText = part.content.toString('latin1');
      const armored = extractArmoredMessage(asText);
      return { kind: 'pgp-mime', message: armored ?? new Uint8Array(part.content) };
    }
  }
  const inline = mail.text ? extractArmoredMessage(mail.text) : null;
  return inline ? { kind: 'inline', message: inline } : null;
}

export interface DecryptedMailContent {
  text: string;
  attachments: { filename: string; contentType: string; content: Buffer; size: number }[];
  /** The inner entity's Subject (a "protected header"), when a PGP/MIME sender put one there. */
  subject?: string;
  /** Whether the plaintext was a MIME entity (PGP/MIME) rather than plain text (inline PGP). */
  mime: boolean;
}

/**
 * The readable content of a decrypted message: a PGP/MIME plaintext is a MIME entity and is parsed
 * (text part, attachments; the signature part of a signed-then-encrypted message is dropped);
 * anything else is the text itself.
 */
export async function decryptedEntityToText(
  decrypted: Pick<Decrypted, 'text' | 'bytes'>,
): Promise<DecryptedMailContent> {
  if (!looksLikeMimeEntity(decrypted.text)) return { text: decrypted.text, attachments: [], mime: false };
  const parsed = await simpleParser(Buffer.from(decrypted.bytes), { skipImageLinks: true });
  return {
    text: (parsed.text ?? '').replace(/\r\n?/g, '\n'),
    attachments: parsed.attachments
      .filter((a) => a.contentType.toLowerCase() !== 'application/pgp-signature')
      .map((a) => ({
        filename: a.filename ?? 'attachment',
        contentType: a.contentType,
        content: a.content,
        size: a.size,
      })),
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    mime: true,
  };
}

/** A header block naming a Content-Type, then a blank line: how a MIME entity starts. */
function looksLikeMimeEntity(text: string): boolean {
  const end = text.indexOf('\n\n');
  if (end <= 0) return false;
  const head = text.slice(0, end);
  const lines = head.split('\n');
  const headerLine = /^([!-9;-~]+:|[ \t])/;
  return lines.every((l) => headerLine.test(l)) && /^content-type:/im.test(head);
}
