// The instance secret (cookie signing now, encryption at rest later): read from
// PARLEY_SECRET_KEY_FILE, or generated there with owner-only permissions on first start.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export function loadOrCreateSecretKey(file: string): Buffer {
  try {
    const raw = fs.readFileSync(file, 'utf8').trim();
    const key = Buffer.from(raw, 'base64');
    if (key.length < 32)
      throw new Error(`${file} holds fewer than 32 bytes of key (base64); delete it to generate a new one`);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(32);
  // wx: never overwrite a key another process wrote meanwhile.
  try {
    fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecretKey(file);
    throw e;
  }
  return key;
}
