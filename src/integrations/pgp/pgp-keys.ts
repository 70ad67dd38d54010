// OpenPGP keys: generating a project's team key pair, checking a public key someone pasted (a
// reporter's), and taking in a team's existing private key exported from gpg. Pure functions over
// openpgp; problems a user can fix come back as ValidationError with a message saying how.
import * as openpgp from 'openpgp';
import type { Key, PrivateKey } from 'openpgp';
import { ValidationError } from '../../domain/errors.ts';
import { MAX_ARMORED_KEY, PGP_CONFIG, PGP_FULL_CONFIG } from './pgp-config.ts';

export interface KeyPair {
  /** Armored public key (what pgp-key.asc serves). */
  publicKey: string;
  /** Armored private key, protected with the passphrase given. */
  privateKey: string;
  /** Upper-case hex, as gpg prints it. */
  fingerprint: string;
  /** The primary User ID, e.g. `Conure security team <conure@parley.example>`. */
  userId: string;
  /** ISO time, or null when the key does not expire. */
  expiresAt: string | null;
}

export interface PublicKeyInfo {
  fingerprint: string;
  userIds: string[];
  /** The key re-armored by openpgp: one public key, no comments. */
  armored: string;
  expiresAt: string | null;
}

const fail = (field: string, message: string): never => {
  throw new ValidationError([{ field, message }], message);
};

/**
 * A v4 key pair: an ed25519 primary key (certify, sign) and a cv25519 encryption subkey, which GnuPG
 * 2.1 and later read. `validDays` sets an expiry; without it the key does not expire (nothing in
 * Parley renews keys, and an expired team key would silently stop encrypted intake).
 */
export async function generateKeyPair(opts: {
  name: string;
  email: string;
  passphrase: string;
  validDays?: number;
  date?: Date;
}): Promise<KeyPair> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: opts.name, email: opts.email }],
    passphrase: opts.passphrase,
    keyExpirationTime: opts.validDays ? opts.validDays * 86_400 : 0,
    date: opts.date,
    format: 'object',
    config: PGP_CONFIG,
  });
  return describePair(privateKey, privateKey.armor());
}

async function describePair(key: PrivateKey, armoredPrivate: string): Promise<KeyPair> {
  const primary = await key.getPrimaryUser(undefined, undefined, PGP_FULL_CONFIG);
  return {
    publicKey: key.toPublic().armor(),
    privateKey: armoredPrivate,
    fingerprint: key.getFingerprint().toUpperCase(),
    userId: primary.user.userID?.userID ?? '',
    expiresAt: await expiry(key),
  };
}

async function expiry(key: Key): Promise<string | null> {
  const at = await key.getExpirationTime(undefined, PGP_FULL_CONFIG);
  return at instanceof Date ? at.toISOString() : null;
}

async function readOneKey(armored: unknown, field: string, what: string): Promise<Key> {
  if (typeof armored !== 'string' || !armored.trim())
    fail(
      field,
      `Paste an armored OpenPGP ${what} (it starts with -----BEGIN PGP ${what.toUpperCase()} BLOCK-----).`,
    );
  const text = armored as string;
  // openpgp reads the first armored block only; a second one would be silently ignored.
  const blocks = text.match(/^-----BEGIN PGP [A-Z ]+-----/gm)?.length ?? 0;
  if (blocks > 1) fail(field, `Paste exactly one key; this text holds ${blocks}.`);
  if (text.length > MAX_ARMORED_KEY)
    fail(field, `The key is too long (at most ${MAX_ARMORED_KEY} characters).`);
  let keys: Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: text.trim(), config: PGP_CONFIG });
  } catch (e) {
    return fail(field, `This is not a readable OpenPGP ${what}: ${reason(e)}.`);
  }
  if (keys.length !== 1) fail(field, `Paste exactly one key; this text holds ${keys.length}.`);
  return keys[0]!;
}

/** Revoked, expired or without a valid self-signature, as one readable sentence; null when fine. */
async function unusable(key: Key, now: Date): Promise<string | null> {
  try {
    await key.verifyPrimaryKey(now, undefined, PGP_FULL_CONFIG);
    return null;
  } catch (e) {
    const m = reason(e);
    if (/revoked/i.test(m)) return 'This key has been revoked.';
    if (/expired/i.test(m))
      return 'This key has expired; extend it (gpg --quick-set-expire) and export it again.';
    return `This key is not valid: ${m}.`;
  }
}

/**
 * Checks a public key a user pasted: one key, public, not expired or revoked, able to encrypt. Throws
 * ValidationError on `field` otherwise.
 */
export async function readPublicKeyInfo(
  armored: unknown,
  field = 'publicKey',
  now = new Date(),
): Promise<PublicKeyInfo> {
  if (typeof armored === 'string' && /-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(armored))
    fail(field, 'This is a private key; never share it. Paste the public key (gpg --armor --export <you>).');
  const key = await readOneKey(armored, field, 'public key');
  if (key.isPrivate())
    fail(field, 'This is a private key; never share it. Paste the public key (gpg --armor --export <you>).');
  const bad = await unusable(key, now);
  if (bad) fail(field, bad);
  try {
    await key.getEncryptionKey(undefined, now, undefined, PGP_FULL_CONFIG);
  } catch {
    fail(field, 'This key has no usable encryption key, so nothing can be encrypted to it.');
  }
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: key.getUserIDs(),
    armored: key.armor(),
    expiresAt: await expiry(key),
  };
}

/** Opens a stored private key with its passphrase (slow on purpose: iterated S2K). */
export async function unlockPrivateKey(armored: string, passphrase: string): Promise<PrivateKey> {
  const key = await openpgp.readPrivateKey({ armoredKey: armored, config: PGP_CONFIG });
  return openpgp.decryptKey({ privateKey: key, passphrase, config: PGP_CONFIG });
}

/**
 * Takes in a team's existing private key (gpg --armor --export-secret-keys): unlocks it with its
 * current passphrase (if it has one), proves it can decrypt and sign, and protects it with
 * `newPassphrase`. Throws ValidationError on `field` (or `passphraseField`) when it cannot be used.
 */
export async function importPrivateKey(
  armored: unknown,
  currentPassphrase: string | undefined,
  newPassphrase: string,
  fields: { key?: string; passphrase?: string; now?: Date } = {},
): Promise<KeyPair> {
  const field = fields.key ?? 'privateKey';
  const passField = fields.passphrase ?? 'passphrase';
  const now = fields.now ?? new Date();
  const key = await readOneKey(armored, field, 'private key');
  if (!key.isPrivate())
    fail(
      field,
      'This is a public key. Export the private key: gpg --armor --export-secret-keys <fingerprint>.',
    );
  const priv = key as PrivateKey;
  if (priv.keyPacket.version !== 4)
    fail(
      field,
      'Only OpenPGP v4 keys are supported: GnuPG 2.2, which many reporters use, cannot read v6 keys.',
    );
  const bad = await unusable(priv, now);
  if (bad) fail(field, bad);
  let unlocked = priv;
  if (!priv.isDecrypted()) {
    if (!currentPassphrase) fail(passField, 'This key is protected by a passphrase; give it.');
    try {
      unlocked = await openpgp.decryptKey({
        privateKey: priv,
        passphrase: currentPassphrase!,
        config: PGP_CONFIG,
      });
    } catch {
      fail(passField, 'This passphrase does not unlock the key.');
    }
  }
  await proveUsable(unlocked, field, now);
  const protectedKey = await openpgp.encryptKey({
    privateKey: unlocked,
    passphrase: newPassphrase,
    config: PGP_CONFIG,
  });
  return describePair(unlocked, protectedKey.armor());
}

/** Round trips a probe: the key must decrypt what is encrypted to it and sign (security.txt). */
async function proveUsable(key: PrivateKey, field: string, now: Date): Promise<void> {
  const probe = 'parley key probe';
  try {
    const encrypted = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: probe }),
      encryptionKeys: key.toPublic(),
      date: now,
      config: PGP_CONFIG,
    });
    const { data } = await openpgp.decrypt({
      message: await openpgp.readMessage({ armoredMessage: encrypted }),
      decryptionKeys: key,
      date: now,
      config: PGP_CONFIG,
    });
    if (data !== probe) throw new Error('probe mismatch');
  } catch {
    fail(field, 'This key cannot decrypt: it needs an encryption (sub)key whose secret part is included.');
  }
  try {
    await openpgp.sign({
      message: await openpgp.createCleartextMessage({ text: probe }),
      signingKeys: key,
      date: now,
      config: PGP_CONFIG,
    });
  } catch {
    fail(field, 'This key cannot sign: it needs a signing (sub)key whose secret part is included.');
  }
}

export function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/[.\s]+$/, '') || 'unknown error';
}

/** `9B56 337F 086F …`: the fingerprint in groups of four, as gpg shows it, for people comparing by eye. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ').replace(/^((?:\S{4} ){4}\S{4}) /, '$1  ');
}
