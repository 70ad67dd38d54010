// The instance secret (cookie signing, the keys derived from it) and the data keys of encryption at
// rest, both in PARLEY_SECRET_KEY_FILE: generated there with owner-only permissions on first start.
// The file's format and its safe updates: storage/encryption/key-file.ts.
import { KeyRing } from './storage/encryption/key-ring.ts';

/** The key file's ring (its first line is the instance secret), created when missing. */
export function loadKeyRing(file: string): KeyRing {
  return KeyRing.load(file);
}

export function loadOrCreateSecretKey(file: string): Buffer {
  return loadKeyRing(file).secret;
}
