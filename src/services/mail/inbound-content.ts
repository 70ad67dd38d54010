// What a mail says, as intake uses it: subject, text and files — decrypted first when the mail is
// OpenPGP-encrypted to a project (PGP/MIME or an inline armored block). A mail that cannot be
// decrypted is still taken: its text says so and the encrypted part is kept as a file.
import type { ParsedMail } from 'mailparser';
import { decryptedEntityToText, findPgpContent } from '../../integrations/pgp/pgp-mime.ts';
import { limitText, mailFiles, stripQuotedReply, type MailFile } from './inbound-mapping.ts';
import { MESSAGE_MAX } from '../case.service.ts';

export interface MailContent {
  subject: string;
  text: string;
  files: MailFile[];
  /** The mail was encrypted (whether or not it could be decrypted). */
  encrypted: boolean;
  /** Why decryption failed; null when it worked or was not needed. */
  decryptError: string | null;
}

export type Decrypt = (message: string | Uint8Array) => Promise<{ text: string; bytes: Uint8Array }>;

const ARMORED = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/;

function plainText(parsed: ParsedMail): string {
  return (parsed.text ?? '').replace(/\r\n?/g, '\n');
}

/** Whether the mail carries an encrypted payload at all (so no key lookup is made for plain mail). */
export function isEncrypted(parsed: ParsedMail): boolean {
  return findPgpContent(parsed) !== null;
}

/** The content of a mail, decrypted with `decrypt` (the key of the project it went to) when needed. */
export async function mailContent(parsed: ParsedMail, decrypt: Decrypt): Promise<MailContent> {
  const subject = parsed.subject ?? '';
  const pgp = findPgpContent(parsed);
  if (!pgp) {
    return {
      subject,
      text: plainText(parsed),
      files: mailFiles(parsed),
      encrypted: false,
      decryptError: null,
    };
  }
  // An inline block sits in an ordinary mail whose other attachments are readable as they are; the
  // parts of a PGP/MIME mail are only the version marker and the ciphertext.
  const outerFiles = pgp.kind === 'inline' ? mailFiles(parsed) : [];
  try {
    const content = await decryptedEntityToText(await decrypt(pgp.message));
    const original = plainText(parsed);
    const text =
      pgp.kind === 'inline' && ARMORED.test(original)
        ? original.replace(ARMORED, () => content.text.trim())
        : content.text;
    const inner: MailFile[] = content.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
    }));
    return {
      // A protected Subject (inside the encrypted part) is the real one; the outer is often "...".
      subject: content.subject ?? subject,
      text,
      files: [...outerFiles, ...inner],
      encrypted: true,
      decryptError: null,
    };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const payload =
      typeof pgp.message === 'string' ? Buffer.from(pgp.message, 'utf8') : Buffer.from(pgp.message);
    return {
      subject,
      text: [
        'This mail was encrypted with OpenPGP, and Parley could not decrypt it with the project key',
        `(${reason.slice(0, 300)}).`,
        'The encrypted part is attached as encrypted.asc; decrypt it with the team key to read it.',
      ].join('\n'),
      files: [
        { filename: 'encrypted.asc', contentType: 'application/pgp-encrypted', content: payload },
        ...outerFiles,
      ],
      encrypted: true,
      decryptError: reason,
    };
  }
}

/** A reply's message text: the new part only, within the message limit (the rest kept as a file). */
export function replyBody(content: MailContent): { body: string; cut: boolean } {
  const text = stripQuotedReply(content.text);
  const limited = limitText(text, MESSAGE_MAX);
  const body =
    limited.text.trim() || (content.files.length ? '(No text; see the attached files.)' : '(Empty message.)');
  return { body, cut: limited.cut };
}

/** The whole text of a mail whose text was too long for the fields it went into. */
export function fullText(text: string): MailFile {
  return {
    filename: 'message.txt',
    contentType: 'text/plain; charset=utf-8',
    content: Buffer.from(text, 'utf8'),
  };
}
