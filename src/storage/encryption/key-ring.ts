// The data keys a process holds in memory, kept in step with the key file: a key id met in the
// database but not held makes the ring re-read the file once (another process rotated), and the
// current key is re-checked every few seconds so that after a rotation every running process soon
// encrypts with the new key (`parley keys rotate` waits for that before it retires old keys).
import fs from 'node:fs';
import { loadOrCreateKeyFile, readKeyFile, type DataKey, type KeyFile } from './key-file.ts';

/** How often the current key is checked against the key file; rotation waits a few of these. */
export const KEY_FILE_POLL_MS = 2_000;
/** Unknown key ids re-read the file at most this often (a query over many such rows reads it once). */
const RELOAD_FLOOR_MS = 1_000;

export class KeyRing {
  readonly secret: Buffer;
  #keys: DataKey[];
  #byId: Map<string, DataKey>;
  #stamp: string | undefined;
  #checkedAt = 0;
  #reloadedAt = 0;

  private constructor(
    readonly file: string | undefined,
    content: KeyFile,
  ) {
    this.secret = content.secret;
    this.#keys = content.dataKeys;
    this.#byId = new Map(content.dataKeys.map((k) => [k.id, k]));
    this.#stamp = file ? stampOf(file) : undefined;
    this.#checkedAt = Date.now();
  }

  /** The ring of the key file, created (or given its first data key) when needed. */
  static load(file: string): KeyRing {
    try {
      return new KeyRing(file, loadOrCreateKeyFile(file));
    } catch (e) {
      throw new Error(`PARLEY_SECRET_KEY_FILE ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** A ring without a file (unit tests, benches). */
  static ofKeys(secret: Buffer, dataKeys: DataKey[]): KeyRing {
    if (!dataKeys.length) throw new Error('a key ring needs at least one data key');
    return new KeyRing(undefined, { secret, dataKeys });
  }

  /** The key new data is encrypted with. */
  current(): DataKey {
    const now = Date.now();
    if (this.file && now - this.#checkedAt >= KEY_FILE_POLL_MS) {
      this.#checkedAt = now;
      if (stampOf(this.file) !== this.#stamp) this.reload();
    }
    return this.#keys.at(-1)!;
  }

  /** The key with this id; an unknown id re-reads the key file once before giving up. */
  find(id: string): DataKey | undefined {
    const hit = this.#byId.get(id);
    if (hit || !this.file) return hit;
    const now = Date.now();
    if (now - this.#reloadedAt < RELOAD_FLOOR_MS) return undefined;
    this.#reloadedAt = now;
    this.reload();
    return this.#byId.get(id);
  }

  /** Every key held, oldest first. */
  keys(): readonly DataKey[] {
    return this.#keys;
  }

  /**
   * Re-reads the key file. Keys this process held but the file no longer lists stay usable for
   * decrypting (rows another process has not finished re-encrypting); the file's last key becomes current.
   */
  reload(): void {
    if (!this.file) return;
    const stamp = stampOf(this.file);
    const content = readKeyFile(this.file);
    if (!content?.dataKeys.length) return; // a file being replaced by hand: keep what we have
    const fresh = content.dataKeys;
    const kept = this.#keys.filter((k) => !fresh.some((f) => f.id === k.id));
    this.#keys = [...kept, ...fresh];
    this.#byId = new Map(this.#keys.map((k) => [k.id, k]));
    this.#stamp = stamp;
    this.#checkedAt = Date.now();
  }
}

function stampOf(file: string): string | undefined {
  try {
    const s = fs.statSync(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}
