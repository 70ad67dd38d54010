// Builds the RFC 5322 message for one outbox row: headers (Message-ID from the row id, threading per
// case, Auto-Submitted), plain text and HTML, and — when the recipient gave an OpenPGP key — an
// RFC 3156 PGP/MIME message whose encrypted part holds the whole inner entity, including a copy of
// the real subject ("protected headers"), while the outer subject says nothing about the case.
// nodemailer's MailComposer and MimeNode do the MIME encoding (header folding, RFC 2047 words,
// boundaries); only the multipart/encrypted shell is assembled here, as nodemailer has no PGP/MIME.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { OutboxRow } from '../../storage/schema.ts';
import { mailPayloadOf } from '../../services/outbox/outbox-queue.ts';
import { textToHtml, wantsHtmlAlternative } from './text-to-html.ts';

export interface MailIdentity {
  /** The From header, e.g. `Parley <security@example.org>`. */
  from: string;
  /** Right-hand side of Message-IDs. */
  domain: string;
}

/** Encrypts a complete MIME entity for a recipient key: returns the armored OpenPGP message. */
export type MimeEncrypter = (innerEntity: string, armoredPublicKey: string) => Promise<string>;

export interface ComposedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  messageId: string;
}

export function messageIdOf(rowId: string, domain: string): string {
  return `<${rowId}@${domain}>`;
}

/** The id every mail about a case refers to, so mail clients show one thread per case. */
export function caseThreadIdOf(caseId: string, domain: string): string {
  return `<case.${caseId}@${domain}>`;
}

/** The bare address of a From value like `Name <a@b>`. */
export function addressOf(from: string): string {
  const m = /<([^>]+)>\s*$/.exec(from);
  return (m ? m[1]! : from).trim();
}

export async function composeMail(
  row: OutboxRow,
  id: MailIdentity,
  encrypt?: MimeEncrypter,
): Promise<ComposedMail> {
  const p = mailPayloadOf(row.payload);
  // Every mail has a plain-text body; an HTML alternative is made from it unless the producer gave one.
  const html = p.html ?? (wantsHtmlAlternative(row.body) ? textToHtml(row.body) : undefined);
  const to = row.recipient_address ?? '';
  const messageId = messageIdOf(row.id, id.domain);
  const thread = p.threadCaseId ? caseThreadIdOf(p.threadCaseId, id.domain) : undefined;
  const headers: Record<string, string> = {
    // RFC 3834: machine-made, so auto-responders stay quiet and nobody loops on it.
    'Auto-Submitted': 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    ...(p.headers ?? {}),
  };
  const envelope = { from: addressOf(id.from), to: [to] };
  const common: Mail.Options = {
    from: id.from,
    to,
    replyTo: p.replyTo,
    messageId,
    date: new Date(row.created_at),
    inReplyTo: thread,
    references: thread ? [thread] : undefined,
    headers,
  };
  if (!p.encryptTo || !encrypt) {
    const raw = await new MailComposer({ ...common, subject: row.subject, text: row.body, html })
      .compile()
      .build();
    return { envelope, raw, messageId };
  }
  // The inner entity: the real content plus the protected subject, From and To.
  const innerNode = new MailComposer({
    text: row.body,
    html,
    subject: row.subject,
    from: id.from,
    to,
  }).compile();
  const innerType = String(innerNode.getHeader('content-type') ?? 'text/plain');
  innerNode.setHeader('Content-Type', `${innerType}; protected-headers="v1"`);
  // Only the entity travels inside: drop the message-level headers MailComposer adds on build.
  const inner = (await innerNode.build())
    .toString('utf8')
    .replace(/^(Message-ID|Date|MIME-Version):.*\r\n/gim, '');
  const armored = await encrypt(inner, p.encryptTo);
  const outer = new MimeNode('multipart/encrypted; protocol="application/pgp-encrypted"');
  outer.setHeader({
    From: id.from,
    To: to,
    Subject: 'Encrypted message',
    'Message-ID': messageId,
    Date: new Date(row.created_at).toUTCString().replace(/GMT$/, '+0000'),
    ...(p.replyTo ? { 'Reply-To': p.replyTo } : {}),
    ...(thread ? { 'In-Reply-To': thread, References: thread } : {}),
    ...headers,
  });
  outer
    .createChild('application/pgp-encrypted')
    .setHeader('Content-Description', 'PGP/MIME version identification')
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent('Version: 1\r\n');
  outer
    .createChild('application/octet-stream; name="encrypted.asc"')
    .setHeader('Content-Description', 'OpenPGP encrypted message')
    .setHeader('Content-Disposition', 'inline; filename="encrypted.asc"')
    .setHeader('Content-Transfer-Encoding', '7bit')
    .setContent(armored);
  const raw = await outer.build();
  return { envelope, raw, messageId };
}
