// The e-mail channel of the outbox worker: nodemailer over a pooled SMTP connection to
// PARLEY_SMTP_URL. A 5xx answer (the server refuses the recipient or the message) is permanent and
// goes to the dead letters; connection failures, timeouts and 4xx answers are retried.
import nodemailer from 'nodemailer';
import type { OutboxRow } from '../../storage/schema.ts';
import { DeliveryError, type ChannelSender, type DeliveryResult } from '../channel.types.ts';
import { composeMail, type MailIdentity, type MimeEncrypter } from './mail-message.ts';

export interface MailSenderOptions extends MailIdentity {
  smtpUrl: string;
  /** Encrypts for recipients who gave an OpenPGP key; without it such rows fail permanently. */
  encrypt?: MimeEncrypter;
  /** Parallel SMTP connections (default 4). */
  maxConnections?: number;
}

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/**
 * PARLEY_SMTP_URL as nodemailer's explicit options (host, port, secure, auth, and query parameters such
 * as `?requireTLS=true`). Passed as `url`, nodemailer measured ~145 ms per message on loopback against
 * ~2 ms with the same server given as host and port, so the URL is taken apart here.
 */
export function connectionOptions(smtpUrl: string): Record<string, unknown> {
  const u = new URL(smtpUrl);
  const out: Record<string, unknown> = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    secure: u.protocol === 'smtps:',
  };
  if (u.port) out.port = Number(u.port);
  if (u.username) out.auth = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  for (const [k, v] of u.searchParams) {
    out[k] = v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v;
  }
  return out;
}

export function createMailSender(opts: MailSenderOptions): ChannelSender {
  const transport = nodemailer.createTransport({
    ...connectionOptions(opts.smtpUrl),
    pool: true,
    maxConnections: opts.maxConnections ?? 4,
    // Reconnect often enough that one bad connection does not hold a whole batch.
    maxMessages: 500,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as nodemailer.TransportOptions);
  return {
    async deliver(row: OutboxRow): Promise<DeliveryResult> {
      if (!row.recipient_address) throw new DeliveryError('The row has no recipient address.', true);
      let mail;
      try {
        mail = await composeMail(row, opts, opts.encrypt);
      } catch (e) {
        // A message that cannot be built (say a recipient key that no longer parses) never will be.
        throw new DeliveryError(`Could not build the message: ${(e as Error).message}`, true);
      }
      try {
        const info = await transport.sendMail({ envelope: mail.envelope, raw: mail.raw });
        return { response: String(info.response ?? 'accepted') };
      } catch (e) {
        const err = e as SmtpError;
        const code = err.responseCode;
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        throw new DeliveryError(
          `SMTP ${code ?? err.code ?? 'error'}: ${err.message}`,
          permanent,
          err.response ?? err.message,
        );
      }
    },
    async close() {
      transport.close();
    },
  };
}
