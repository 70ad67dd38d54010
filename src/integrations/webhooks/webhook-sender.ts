// Delivers webhook outbox rows: one signed POST of the row's body to the row's URL. The outbox worker
// calls deliver() and retries what this says is worth retrying (5xx, 408, 429, network errors,
// timeouts); other answers go straight to the dead letters.
//
// This uses node:http(s) rather than fetch because the SSRF guard has to check the address the
// connection is really made to: fetch offers no hook for that, and a check before fetch could be
// undone by DNS that answers differently a moment later (rebinding). Redirects are never followed.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { OutboxRow } from '../../storage/schema.ts';
import { DeliveryError, type ChannelSender, type DeliveryResult } from '../channel.types.ts';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from './address-guard.ts';
import { signatureHeader } from './webhook-signature.ts';

export interface WebhookSenderOptions {
  /** The hook's current signing secret by webhook id (the row's source_id); undefined once deleted. */
  secretOf: (webhookId: string) => Promise<string | undefined>;
  /** Allow loopback and private addresses (PARLEY_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
  /** Whole-request time limit; 10 s by default. */
  timeoutMs?: number;
  /** Source of the signature timestamp (tests). */
  now?: () => Date;
}

const RESPONSE_CHARS = 500;
/** Enough of the receiver's body for the log; the rest is not downloaded. */
const READ_BYTES = 4096;

interface HttpAnswer {
  status: number;
  text: string;
}

function post(url: URL, body: string, headers: Record<string, string>, o: WebhookSenderOptions) {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(
      url,
      {
        method: 'POST',
        headers,
        // No pooling: every connection goes through the guarded lookup, none is reused unchecked.
        agent: false,
        lookup: guardedLookup(o.allowPrivate),
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, RESPONSE_CHARS);
          resolve({ status: res.statusCode ?? 0, text });
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= READ_BYTES) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        // The status arrived; a body cut short still tells the receiver's answer.
        res.on('error', finish);
        res.on('close', finish);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function describeError(e: unknown, timeoutMs: number): string {
  const err = e as NodeJS.ErrnoException & { cause?: unknown };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError')
    return `timed out after ${timeoutMs / 1000} s`;
  return [err?.code, err?.message].filter(Boolean).join(' ') || String(e);
}

async function deliver(row: OutboxRow, o: WebhookSenderOptions): Promise<DeliveryResult> {
  if (row.channel !== 'webhook') throw new DeliveryError(`Not a webhook row (${row.channel}).`, true);
  let url: URL;
  try {
    url = new URL(row.recipient_address ?? '');
  } catch {
    throw new DeliveryError('The webhook URL is not valid.', true, 'invalid URL');
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
    throw new DeliveryError('Webhook URLs must be http(s) without credentials.', true, 'invalid URL');
  }
  const secret = row.source_id ? await o.secretOf(row.source_id) : undefined;
  if (secret === undefined) {
    throw new DeliveryError('The webhook was deleted or its secret cannot be read.', true, 'webhook gone');
  }
  // An address written as such skips the lookup, so it is checked here.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(host) && !o.allowPrivate && isPrivateAddress(host)) {
    const e = new PrivateAddressError(host, host);
    throw new DeliveryError(e.message, true, `refused: ${e.message}`);
  }
  const t = Math.floor((o.now?.() ?? new Date()).getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(row.body, 'utf8')),
    'user-agent': 'Parley-Webhooks',
    'x-parley-event': row.kind,
    'x-parley-delivery': row.id,
    'x-parley-signature': signatureHeader(secret, row.body, t),
  };
  const timeoutMs = o.timeoutMs ?? 10_000;
  let answer: HttpAnswer;
  try {
    answer = await post(url, row.body, headers, o);
  } catch (e) {
    if (e instanceof PrivateAddressError) throw new DeliveryError(e.message, true, `refused: ${e.message}`);
    const why = describeError(e, timeoutMs);
    throw new DeliveryError(`POST ${url.origin} failed: ${why}`, false, `error: ${why}`);
  }
  const response = `HTTP ${answer.status} ${answer.text}`.trim();
  const s = answer.status;
  if (s >= 200 && s < 300) return { response };
  if (s >= 300 && s < 400) {
    throw new DeliveryError(`Redirects are not followed (HTTP ${s}); give the final URL.`, true, response);
  }
  // 410 Gone and other client errors will not change by asking again; 408, 429 and 5xx may.
  const permanent = s >= 400 && s < 500 && s !== 408 && s !== 429;
  throw new DeliveryError(`The receiver answered HTTP ${s}.`, permanent, response);
}

export function createWebhookSender(opts: WebhookSenderOptions): ChannelSender {
  return { deliver: (row) => deliver(row, opts) };
}
