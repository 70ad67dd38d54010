// Small cryptographic helpers of account security: the TOTP secret sealed with AES-256-GCM under a
// key derived from the instance secret (a database dump alone does not give the codes), and
// recovery codes made from the system CSPRNG and stored as a keyed digest (HMAC with another
// derived key), so that a dump cannot be brute-forced offline either.
import crypto from 'node:crypto';
import { derivedKey } from '../deps.ts';

const TOTP_KEY_PURPOSE = 'parley/account/totp-secret/v1';
const RECOVERY_KEY_PURPOSE = 'parley/account/recovery-codes/v1';

/**
 * Encrypts a TOTP secret for one account. The account id is bound in as associated data, so a
 * sealed secret copied onto another account's row does not open.
 */
export function sealTotpSecret(instanceSecret: Buffer, userId: string, base32: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', derivedKey(instanceSecret, TOTP_KEY_PURPOSE), iv);
  cipher.setAAD(Buffer.from(userId, 'utf8'));
  const body = Buffer.concat([cipher.update(base32, 'utf8'), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The base32 secret, or null when the value is not one this instance sealed for this account. */
export function openTotpSecret(instanceSecret: Buffer, userId: string, sealed: string): string | null {
  const [v, iv, body, tag] = sealed.split('.');
  if (v !== 'v1' || !iv || !body || !tag) return null;
  try {
    const decipher = crypto.createDecipheriv(
      'aes-256-gcm',
      derivedKey(instanceSecret, TOTP_KEY_PURPOSE),
      Buffer.from(iv, 'base64url'),
    );
    decipher.setAAD(Buffer.from(userId, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}

// No 0/O, 1/I/L: codes are read off paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

/** One recovery code: 16 characters (~79 bits) in groups of four, e.g. `k7m2-qp9x-…`. */
export function newRecoveryCode(): string {
  const chars: string[] = [];
  while (chars.length < 16) {
    // Rejection sampling keeps every character equally likely (31 does not divide 256).
    const b = crypto.randomBytes(1)[0]!;
    if (b < 248) chars.push(ALPHABET[b % 31]!);
  }
  return chars.join('').replace(/(.{4})(?!$)/g, '$1-');
}

/** What a user typed, reduced to the code's characters (case, spaces and dashes do not matter). */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}

export function looksLikeRecoveryCode(input: string): boolean {
  return /^[a-z0-9]{16}$/.test(normaliseRecoveryCode(input));
}

export function recoveryCodeDigest(instanceSecret: Buffer, userId: string, code: string): string {
  return crypto
    .createHmac('sha256', derivedKey(instanceSecret, RECOVERY_KEY_PURPOSE))
    .update(`${userId}:${normaliseRecoveryCode(code)}`, 'utf8')
    .digest('hex');
}
