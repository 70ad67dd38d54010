// Passkey helpers: parsing what the browser sends, the handle pages use for a credential, and the
// check of an assertion against a stored passkey (signature, challenge, origin, rpID, counter).
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { ValidationError } from '../../domain/errors.ts';
import * as keys from '../../storage/repositories/passkey.repository.ts';
import { hashSecret, iso, type ServiceDeps } from '../deps.ts';

/** A short fixed-length name for a credential id (which may be long) in page URLs. */
export function passkeyHandle(id: string): string {
  return hashSecret(`passkey-handle:${id}`).slice(0, 24);
}

export function parseName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name || name.length > 100)
    throw new ValidationError([{ field: 'name', message: 'Name the passkey (at most 100 characters).' }]);
  return name;
}

export function credentialId(response: unknown): string {
  const id = (response as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,512}$/.test(id))
    throw new ValidationError([{ field: 'response', message: 'This is not a passkey answer.' }]);
  return id;
}

export const notVerified = () =>
  new ValidationError(
    [{ field: 'response', message: 'The passkey could not be verified. Try again.' }],
    'The passkey could not be verified. Try again.',
  );

/** Checks an assertion against a stored passkey and moves its signature counter on. */
export async function verifyAssertion(
  deps: ServiceDeps,
  key: NonNullable<Awaited<ReturnType<typeof keys.findPasskey>>>,
  response: unknown,
  expectedChallenge: string | ((c: string) => Promise<boolean>),
  requireUserVerification: boolean,
): Promise<boolean> {
  try {
    const v = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: deps.publicUrl.origin,
      expectedRPID: deps.publicUrl.hostname,
      requireUserVerification,
      credential: {
        id: key.id,
        publicKey: new Uint8Array(Buffer.from(key.public_key, 'base64url')),
        counter: Number(key.counter),
        ...(key.transports ? { transports: key.transports.split(',') } : {}),
      },
    });
    if (!v.verified) return false;
    await keys.usePasskey(deps.db, key.id, v.authenticationInfo.newCounter, iso(deps.clock.now()));
    return true;
  } catch {
    return false;
  }
}
