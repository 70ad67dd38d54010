// A real SMTP server on loopback that keeps what it accepts: the receiving end for outgoing-mail
// tests and benches. It records a message at the moment it answers 250, as a real MTA takes
// responsibility, and can be stopped (connections cut) and started again on the same port.
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SunkMail {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: SunkMail[];
  /** Cuts every connection and stops listening. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Resolves once `n` messages have arrived (polls; the caller's test timeout bounds it). */
  waitFor(n: number): Promise<void>;
}

export async function startSmtpSink(opts: { keepRaw?: boolean; port?: number } = {}): Promise<SmtpSink> {
  const messages: SunkMail[] = [];
  const sockets = new Set<net.Socket>();
  let server: SMTPServer | undefined;
  let port = opts.port ?? 0;
  const make = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      // No PTR lookup per connection: it stalls every session where DNS is slow or absent.
      disableReverseLookup: true,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: opts.keepRaw === false ? Buffer.alloc(0) : Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
  const listen = async () => {
    server = make();
    const s = server;
    s.server.on('connection', (sock: net.Socket) => {
      // Replies go out at once: with Nagle's algorithm and delayed ACKs each SMTP round trip on
      // loopback can stall ~40 ms, which would make the sink, not Parley, the bottleneck.
      sock.setNoDelay(true);
      sockets.add(sock);
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    s.on('error', () => {});
    port = (s.server.address() as net.AddressInfo).port;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const sock of sockets) sock.destroy();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}?ignoreTLS=true`;
    },
    messages,
    stop,
    start: listen,
    close: stop,
    async waitFor(n) {
      while (messages.length < n) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

export function parseSunk(m: SunkMail): Promise<ParsedMail> {
  return simpleParser(m.raw);
}
