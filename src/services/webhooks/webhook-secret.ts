// Webhook signing secrets. The maintainer sees a secret once (after creating the hook or rotating
// it); the database keeps it encrypted with a key derived from the instance secret, so a leaked
// database dump or backup alone does not let anyone forge deliveries to the project's receivers.
// The sender must sign with the plain secret, which is why it cannot be stored as a hash.
import crypto from 'node:crypto';
import { derivedKey, type Random } from '../deps.ts';

const PURPOSE = 'webhook-secret-v1';
const PREFIX = 'v1.';

/** A new secret: `whsec_` and 32 random bytes, base64url. */
export function generateWebhookSecret(random: Random): string {
  return `whsec_${random.token(32)}`;
}

/** AES-256-GCM under the derived key; the webhook id is authenticated data, so rows cannot swap secrets. */
export function sealWebhookSecret(instanceSecret: Buffer, webhookId: string, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', derivedKey(instanceSecret, PURPOSE), iv);
  cipher.setAAD(Buffer.from(webhookId, 'utf8'));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
}

/** The plain secret, or undefined when it cannot be read (say, the instance secret was replaced). */
export function openWebhookSecret(
  instanceSecret: Buffer,
  webhookId: string,
  stored: string,
): string | undefined {
  if (!stored.startsWith(PREFIX)) return undefined;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  if (raw.length < 29) return undefined;
  try {
    const decipher = crypto.createDecipheriv(
      'aes-256-gcm',
      derivedKey(instanceSecret, PURPOSE),
      raw.subarray(0, 12),
    );
    decipher.setAAD(Buffer.from(webhookId, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
