// The built-in SMTP listener for mail intake (PARLEY_INBOUND_SMTP_PORT). It takes mail only for the
// addresses the intake service resolves, refuses the rest at RCPT time, and answers 250 to DATA only
// after the intake has committed the mail — so a relay that got a 250 may forget the mail, and one
// that got a 4xx keeps it and retries. No AUTH and no STARTTLS: it is meant to sit behind the MX or
// relay that faces the internet (and does TLS, SPF, DKIM and DMARC there).
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { DomainError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../domain/errors.ts';
import type { AcceptedRecipient, InboundMail, Recipient } from '../../services/mail/mail-intake.service.ts';
import { mailAuthHeaders } from '../../services/mail/mail-intake.service.ts';

/** What the listener asks of intake (services.mailIntake, or a double in tests). */
export interface MailIntake {
  resolveRecipient(address: string): Promise<Recipient | null>;
  accept(mail: InboundMail): Promise<{ recipients: AcceptedRecipient[] }>;
}

export interface InboundLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface InboundSmtpOptions {
  port: number;
  host: string;
  intake: MailIntake;
  logger: InboundLogger;
  /** Largest message taken, in bytes; advertised as SIZE and enforced (552). */
  maxBytes: number;
  /** Name in the greeting; the inbound mail domain, typically. */
  name?: string;
  maxRecipients?: number;
  /** On close, how long sessions get to finish before they are told 421 and cut (default 5 s). */
  closeTimeoutMs?: number;
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

export const MAX_RECIPIENTS = 20;

/** An SMTP reply carried as an error: smtp-server sends `responseCode message`. */
function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

const TRY_LATER = () => reply(451, '4.3.0 Temporary local problem; please try again later');

function isReplyAddress(address: string): boolean {
  return /^reply\+/i.test(address.trim().replace(/^</, ''));
}

/** Reads the DATA stream up to `max` bytes; past that it only drains, so a huge mail costs no memory. */
function readLimited(stream: SMTPServerDataStream, max: number): Promise<{ raw: Buffer; over: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) over = true;
      else chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve({ raw: Buffer.concat(chunks), over: over || stream.sizeExceeded }));
  });
}

export async function startInboundSmtp(opts: InboundSmtpOptions): Promise<InboundSmtp> {
  const { intake, logger, maxBytes } = opts;

  async function onRcptTo(address: string): Promise<Error | null> {
    let target: Recipient | null;
    try {
      target = await intake.resolveRecipient(address);
    } catch (e) {
      logger.error({ err: e, recipient: address }, 'inbound mail: recipient lookup failed');
      return TRY_LATER();
    }
    if (target) return null;
    return isReplyAddress(address)
      ? reply(550, '5.7.1 Reply address not valid')
      : reply(550, '5.1.1 No such mailbox here');
  }

  async function onData(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const { raw, over } = await readLimited(stream, maxBytes);
    if (over) throw reply(552, `5.3.4 Message too big; the limit is ${maxBytes} bytes`);
    let parsed: ParsedMail;
    try {
      parsed = await simpleParser(raw, { skipImageLinks: true });
    } catch (e) {
      logger.warn({ err: e, session: session.id }, 'inbound mail: unparseable message refused');
      throw reply(550, '5.6.0 The message could not be parsed');
    }
    const mailFrom = session.envelope.mailFrom;
    const mail: InboundMail = {
      size: raw.length,
      envelopeFrom: mailFrom && mailFrom.address ? mailFrom.address : null,
      recipients: session.envelope.rcptTo.map((r) => r.address),
      remoteAddress: session.remoteAddress || null,
      parsed,
      ...mailAuthHeaders(parsed),
    };
    let result: { recipients: AcceptedRecipient[] };
    try {
      result = await intake.accept(mail);
    } catch (e) {
      // Over a per-reporter limit: temporary, so the sender's server keeps the mail and retries later
      // (RFC 5321 §4.2.5; 4.7.1 "delivery not authorized", the code rate limiters use).
      if (e instanceof TooManyRequestsError) throw reply(450, `4.7.1 ${e.message}`);
      if (e instanceof ForbiddenError) throw reply(550, `5.7.1 ${e.message}`);
      if (e instanceof NotFoundError) throw reply(550, `5.1.1 ${e.message}`);
      if (e instanceof DomainError) throw reply(550, `5.6.0 ${e.message}`);
      logger.error({ err: e, session: session.id }, 'inbound mail: not stored; the sender will retry');
      throw TRY_LATER();
    }
    logger.info(
      {
        session: session.id,
        messageId: parsed.messageId,
        size: raw.length,
        recipients: result.recipients.map((r) => ({
          kind: r.kind,
          caseId: r.caseId,
          ...(r.duplicate ? { duplicate: true } : {}),
          ...(r.ignored ? { ignored: r.ignored } : {}),
        })),
      },
      'inbound mail accepted',
    );
    return '2.0.0 Accepted';
  }

  const server = new SMTPServer({
    name: opts.name,
    banner: 'Parley mail intake',
    size: maxBytes,
    maxRecipients: opts.maxRecipients ?? MAX_RECIPIENTS,
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    // Enhanced status codes are written into each reply by hand (5.7.1 vs 5.1.1 on a 550), which
    // smtp-server's own code-to-status mapping cannot express.
    hideENHANCEDSTATUSCODES: true,
    disableReverseLookup: true,
    logger: false,
    // close() stops accepting at once; a session in the middle of DATA gets its answer within this.
    closeTimeout: opts.closeTimeoutMs ?? 5_000,
    onRcptTo(address, _session, callback) {
      onRcptTo(address.address).then(
        (err) => callback(err ?? undefined),
        () => callback(TRY_LATER()),
      );
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        (message) => callback(null, message),
        (err: unknown) => {
          // Whatever happened, the rest of the stream must be consumed for the session to go on.
          stream.resume();
          callback(err instanceof Error && 'responseCode' in err ? err : TRY_LATER());
        },
      );
    },
  });
  server.on('error', (err) => logger.error({ err }, 'inbound SMTP server error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
