// The data keys of encryption at rest, for `parley keys`: which keys encrypt how many values, and
// rotation — a new current key in the key file, every encrypted column re-encrypted with it in small
// batches (plaintext from before encryption included), then the old keys no value uses any more
// removed from the file. A rotation that stopped half way resumes on its key: values already on it
// are skipped. Only the operator runs this (a CLI command with the key file at hand): no actor.
import { ValidationError } from '../../domain/errors.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { ServiceDeps } from '../deps.ts';
import type { KeyRing } from '../../storage/encryption/key-ring.ts';
import { KEY_FILE_POLL_MS } from '../../storage/encryption/key-ring.ts';
import { addDataKey, readKeyFile, retireDataKeys, type DataKey } from '../../storage/encryption/key-file.ts';
import {
  columnAad,
  keyIdOf,
  keyIdOfHead,
  openValue,
  sealBlob,
  sealText,
} from '../../storage/encryption/cipher.ts';
import { ALL_ENCRYPTED, ENCRYPTED_TABLES } from '../../storage/encryption/encrypted-columns.ts';
import * as repo from '../../storage/repositories/key-rotation.repository.ts';

export interface ColumnCounts {
  column: string;
  /** Values per data key id; `plain` counts values stored before encryption (or a database default). */
  byKey: Record<string, number>;
}

export interface KeyStatus {
  file: string;
  keys: { id: string; created: string; current: boolean; values: number }[];
  plain: number;
  columns: ColumnCounts[];
}

export interface RotateOptions {
  /** Rows per batch (a transaction each); tables with blobs take a tenth of it. */
  batchSize?: number;
  /** Add a new key even when an unfinished rotation left older keys in the file. */
  newKey?: boolean;
  /** Rebuild the database afterwards (SQLite VACUUM, PostgreSQL VACUUM FULL of the tables). */
  vacuum?: boolean;
  /** How long running processes get to notice the new key before old ones are retired (ms). */
  settleMs?: number;
  /** Called after each batch written (progress; tests stop a rotation half way with it). */
  onBatch?: (p: { table: string; reencrypted: number }) => void;
}

export interface RotationResult {
  keyId: string;
  /** The key was added by an earlier, unfinished rotation. */
  resumed: boolean;
  reencrypted: Record<string, number>;
  total: number;
  /** Values stored before encryption that this rotation encrypted. */
  fromPlaintext: number;
  /** Rows another writer changed between read and write, left to the next pass. */
  raced: number;
  passes: number;
  retired: string[];
  /** Old keys still used by some values (kept in the file), with their counts. */
  kept: Record<string, number>;
  walEmptied: boolean;
  vacuumed: boolean;
}

const DEFAULT_BATCH = 200;
const MAX_PASSES = 3;

export class KeyService {
  constructor(private readonly deps: ServiceDeps) {}

  private ring(): KeyRing & { file: string } {
    const ring = this.deps.keyRing;
    if (!ring?.file) throw new ValidationError([{ field: 'keyFile', message: 'No key file is configured.' }]);
    return ring as KeyRing & { file: string };
  }

  async status(): Promise<KeyStatus> {
    const ring = this.ring();
    const file = readKeyFile(ring.file);
    const columns = await this.counts();
    const total = (id: string) => columns.reduce((n, c) => n + (c.byKey[id] ?? 0), 0);
    const dataKeys = file?.dataKeys ?? [];
    const held = new Set(dataKeys.map((k) => k.id));
    // A key id in the database but not in the file: its values cannot be read (a lost or wrong key file).
    const orphans = [...new Set(columns.flatMap((c) => Object.keys(c.byKey)))].filter(
      (id) => id !== 'plain' && !held.has(id),
    );
    return {
      file: ring.file,
      keys: [
        ...dataKeys.map((k, i) => ({
          id: k.id,
          created: k.created,
          current: i === dataKeys.length - 1,
          values: total(k.id),
        })),
        ...orphans.map((id) => ({ id, created: 'not in the key file', current: false, values: total(id) })),
      ],
      plain: total('plain'),
      columns,
    };
  }

  async rotate(opts: RotateOptions = {}): Promise<RotationResult> {
    const ring = this.ring();
    const raw = repo.rawConnection(this.deps.db);
    const before = readKeyFile(ring.file);
    const resumed = !opts.newKey && (before?.dataKeys.length ?? 0) > 1;
    if (!resumed) addDataKey(ring.file);
    ring.reload();
    const key = ring.current();
    const reencrypted: Record<string, number> = {};
    let raced = 0;
    let fromPlaintext = 0;
    let passes = 0;
    let kept: Record<string, number> = {};
    await repo.beginRewrite(raw, this.deps.dialect);
    do {
      passes++;
      for (const [table, t] of Object.entries(ENCRYPTED_TABLES)) {
        const batch = Math.max(1, Math.floor((opts.batchSize ?? DEFAULT_BATCH) / (t.blob.length ? 10 : 1)));
        const r = await this.reencryptTable(raw, table, key, batch, opts.onBatch);
        reencrypted[table] = (reencrypted[table] ?? 0) + r.done;
        raced += r.raced;
        fromPlaintext += r.plain;
      }
      // Processes that still encrypt with an old key switch within a poll of the file.
      if (passes === 1) await sleepUntil(Date.parse(key.created) + (opts.settleMs ?? 3 * KEY_FILE_POLL_MS));
      kept = await this.oldKeyCounts(key.id);
    } while (Object.keys(kept).length && passes < MAX_PASSES);
    const inFile = readKeyFile(ring.file)?.dataKeys ?? [];
    const retired = retireDataKeys(
      ring.file,
      inFile.filter((k) => k.id !== key.id && !kept[k.id]).map((k) => k.id),
    );
    const { walEmptied } = await repo.endRewrite(
      raw,
      this.deps.dialect,
      Object.keys(ENCRYPTED_TABLES),
      !!opts.vacuum,
    );
    const total = Object.values(reencrypted).reduce((a, b) => a + b, 0);
    const result = {
      keyId: key.id,
      resumed,
      reencrypted,
      total,
      fromPlaintext,
      raced,
      passes,
      retired,
      kept,
      walEmptied,
      vacuumed: !!opts.vacuum,
    };
    await recordAudit(this.deps.db, this.deps, {
      action: 'keys.rotated',
      actor: 'system',
      target: key.id,
      data: { resumed, total, fromPlaintext, retired, kept },
    });
    return result;
  }

  private async reencryptTable(
    raw: repo.RawConnection,
    table: string,
    key: DataKey,
    batch: number,
    onBatch: RotateOptions['onBatch'],
  ): Promise<{ done: number; raced: number; plain: number }> {
    const t = ENCRYPTED_TABLES[table]!;
    const ring = this.ring();
    let after: unknown;
    let done = 0;
    let raced = 0;
    let plain = 0;
    for (;;) {
      const rows = await repo.pageOfRows(raw, table, t, after, batch);
      if (!rows.length) return { done, raced, plain };
      after = rows.at(-1)![t.pk];
      const work = rows.flatMap((row) => {
        const swaps: repo.ValueSwap[] = [];
        for (const column of [...t.text, ...t.blob]) {
          const from = row[column];
          if (from === null || from === undefined || keyIdOf(from) === key.id) continue;
          const aad = columnAad(table, column);
          const plain = openValue(ring, [aad], from);
          const to =
            typeof plain === 'string' ? sealText(key, aad, plain) : sealBlob(key, aad, plain as Uint8Array);
          swaps.push({ column, from, to });
        }
        return swaps.length ? [{ id: row[t.pk], swaps }] : [];
      });
      if (!work.length) continue;
      plain += work.reduce((n, w) => n + w.swaps.filter((s) => keyIdOf(s.from) === undefined).length, 0);
      const written = await raw.transaction().execute(async (trx) => {
        let n = 0;
        for (const w of work) if (await repo.swapValues(trx, table, t.pk, w.id, w.swaps)) n++;
        return n;
      });
      done += written;
      raced += work.length - written;
      onBatch?.({ table, reencrypted: written });
    }
  }

  private async counts(): Promise<ColumnCounts[]> {
    const raw = repo.rawConnection(this.deps.db);
    const out: ColumnCounts[] = [];
    for (const c of ALL_ENCRYPTED) {
      const byKey = await repo.countByKeyId(raw, c.table, c.column, c.kind, keyIdOfHead);
      out.push({ column: `${c.table}.${c.column}`, byKey: Object.fromEntries(byKey) });
    }
    return out;
  }

  /** Values still on keys other than `current` (plaintext is not a key: it never keeps one in the file). */
  private async oldKeyCounts(current: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const c of await this.counts())
      for (const [id, n] of Object.entries(c.byKey))
        if (id !== current && id !== 'plain') out[id] = (out[id] ?? 0) + n;
    return out;
  }
}

function sleepUntil(at: number): Promise<void> {
  const ms = at - Date.now();
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
