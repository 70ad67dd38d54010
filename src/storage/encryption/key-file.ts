// The key file (PARLEY_SECRET_KEY_FILE): its first line is the instance secret (cookie signing and the
// keys derived from it), as it always was; the lines after it are the data keys of encryption at rest,
// oldest first, the last one encrypting new data. A file of one line (written before encryption at
// rest existed) stays valid: its data key is added on the next start.
//
// Every change is a read-modify-write under a lock file and lands by rename, so a crash leaves either
// the old or the new file, never half of one, and two processes never drop each other's new key
// (a dropped key would make everything it encrypted unreadable).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

export interface DataKey {
  /** 8 hex digits; written into every value it encrypts. */
  id: string;
  key: Buffer;
  created: string;
}

export interface KeyFile {
  secret: Buffer;
  /** Oldest first; the last one is current. */
  dataKeys: DataKey[];
}

const HEADER = [
  '# Data keys of encryption at rest: id, created, key (base64). The last one encrypts new data, the',
  '# others still decrypt what they encrypted. Losing this file loses that data: back it up.',
];
const KEY_ID = /^[0-9a-f]{8}$/;
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

export function parseKeyFile(text: string, file: string): KeyFile {
  const lines = text.split('\n').map((l) => l.trim());
  const first = lines.findIndex((l) => l !== '');
  const secret = Buffer.from(lines[first] ?? '', 'base64');
  if (first < 0 || secret.length < 32)
    throw new Error(`${file} holds fewer than 32 bytes of key (base64); delete it to generate a new one`);
  const dataKeys: DataKey[] = [];
  for (const [i, line] of lines.entries()) {
    if (i <= first || line === '' || line.startsWith('#')) continue;
    const [word, id, created, b64, ...rest] = line.split(/\s+/);
    const key = Buffer.from(b64 ?? '', 'base64');
    // Strict: a line we cannot read may be a key, and silently skipping a key loses data.
    if (word !== 'data-key' || !KEY_ID.test(id ?? '') || key.length !== 32 || rest.length || !created)
      throw new Error(`${file} line ${i + 1} is not a data key line (data-key <id> <created> <base64 key>)`);
    if (dataKeys.some((k) => k.id === id)) throw new Error(`${file} names data key ${id} twice`);
    dataKeys.push({ id: id!, key, created });
  }
  return { secret, dataKeys };
}

export function serializeKeyFile(k: KeyFile): string {
  const keys = k.dataKeys.map((d) => `data-key ${d.id} ${d.created} ${d.key.toString('base64')}`);
  return [k.secret.toString('base64'), ...HEADER, ...keys].join('\n') + '\n';
}

/** The file's content, or undefined when it does not exist. */
export function readKeyFile(file: string): KeyFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseKeyFile(text, file);
}

export function newDataKey(existing: readonly DataKey[], now = new Date()): DataKey {
  let id: string;
  do id = crypto.randomBytes(4).toString('hex');
  while (existing.some((k) => k.id === id));
  return { id, key: crypto.randomBytes(32), created: now.toISOString() };
}

/**
 * Reads the key file, creating it (secret and first data key) when it is missing and adding a data
 * key to a file that has none yet.
 */
export function loadOrCreateKeyFile(file: string): KeyFile {
  const found = readKeyFile(file);
  if (found?.dataKeys.length) return found;
  if (!found) {
    const created: KeyFile = { secret: crypto.randomBytes(32), dataKeys: [] };
    created.dataKeys.push(newDataKey([]));
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // link() fails when the file exists: a key another process wrote meanwhile is never replaced.
    const tmp = writeTemp(file, serializeKeyFile(created));
    try {
      fs.linkSync(tmp, file);
      fsyncDir(file);
      return created;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return updateKeyFile(file, (k) => (k.dataKeys.length ? k : { ...k, dataKeys: [newDataKey([])] }));
}

/** Appends a new current data key; answers it. */
export function addDataKey(file: string): DataKey {
  let added: DataKey | undefined;
  updateKeyFile(file, (k) => {
    added = newDataKey(k.dataKeys);
    return { ...k, dataKeys: [...k.dataKeys, added] };
  });
  return added!;
}

/** Removes these data keys (never the current one); answers the ids removed. */
export function retireDataKeys(file: string, ids: readonly string[]): string[] {
  const removed: string[] = [];
  updateKeyFile(file, (k) => {
    const current = k.dataKeys.at(-1)?.id;
    const keep = k.dataKeys.filter((d) => d.id === current || !ids.includes(d.id));
    removed.push(...k.dataKeys.filter((d) => !keep.includes(d)).map((d) => d.id));
    return { ...k, dataKeys: keep };
  });
  return removed;
}

/** A read-modify-write of the key file under its lock; answers what was written. */
export function updateKeyFile(file: string, change: (k: KeyFile) => KeyFile): KeyFile {
  return withLock(file, () => {
    const before = readKeyFile(file);
    if (!before) throw new Error(`${file} does not exist`);
    const after = change(before);
    if (after === before) return before;
    const tmp = writeTemp(file, serializeKeyFile(after));
    try {
      fs.renameSync(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    fsyncDir(file);
    return after;
  });
}

/** Writes a sibling temp file, owner-only, flushed to disk. */
function writeTemp(file: string, text: string): string {
  const tmp = `${file}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

function fsyncDir(file: string): void {
  try {
    const fd = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic.
  }
}

/** Runs fn holding `<file>.lock` (O_EXCL); a lock left by a crashed process expires after 30 s. */
function withLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = lockAge(lock);
      if (age !== undefined && age > LOCK_STALE_MS) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} is held by another process; try again`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function lockAge(lock: string): number | undefined {
  try {
    return Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return undefined;
  }
}
