// The X-Parley-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed
// with the hook's secret (the whole `whsec_…` string, UTF-8). Signing the timestamp with the body
// lets receivers reject replays of an old delivery (docs/mail-and-pgp.md#webhooks has the recipe).
import crypto from 'node:crypto';

/** Receivers should refuse signatures older (or newer) than this. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signatureOf(secret: string, t: number, body: string): string {
  return crypto.createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, body: string, t: number): string {
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

/** Checks a header the way a receiver should: right HMAC (constant-time) and a fresh timestamp. */
export function verifySignatureHeader(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const i = item.indexOf('=');
    if (i <= 0) continue;
    const k = item.slice(0, i).trim();
    parts.set(k, [...(parts.get(k) ?? []), item.slice(i + 1).trim()]);
  }
  const tRaw = parts.get('t')?.[0] ?? '';
  if (!/^[0-9]{1,12}$/.test(tRaw)) return false;
  const t = Number(tRaw);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  // Several v1 values may be present (a future rotation overlap); any match counts.
  return (parts.get('v1') ?? []).some((v) => {
    const got = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.alloc(0);
    return got.length === expected.length && crypto.timingSafeEqual(got, expected);
  });
}
