// The logical dump: gzip'd JSON lines, portable between dialects. The first line is the header; then
// per table a line {"table", "columns"}, one JSON array per row (values encoded by encodeValue), and
// a line {"end", "rows", "digest"}; the last line is {"complete": true}. A file cut short fails
// gzip's own check or lacks that last line; a damaged row fails its table's digest. Written and read
// as a stream, so neither side holds a whole table in memory.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { BackupError, TableDigest, checkHeader, decodeValue, encodeValue } from './backup-format.ts';
import type { BackupSource, SourceTable } from './source.ts';

export interface WrittenTable {
  rows: number;
  digest: string;
}

/** Writes the source as a dump to `file` (flushed to disk); answers each table's row count and digest. */
export async function writeDump(source: BackupSource, file: string): Promise<Record<string, WrittenTable>> {
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const gz = zlib.createGzip({ level: 1 }); // ciphertext hardly compresses: higher levels only cost time;
  gz.pipe(out);
  const failed = new Promise<never>((_, reject) => {
    out.once('error', reject);
    gz.once('error', reject);
  });
  failed.catch(() => {});
  const put = async (value: unknown) => {
    if (!gz.write(`${JSON.stringify(value)}\n`)) await Promise.race([once(gz, 'drain'), failed]);
  };
  const written: Record<string, WrittenTable> = {};
  await put(source.header);
  for await (const t of source.tables()) {
    const digest = new TableDigest();
    await put({ table: t.name, columns: t.columns });
    for await (const batch of t.batches()) {
      let chunk = '';
      for (const row of batch) {
        digest.add(t.columns, row);
        chunk += `${JSON.stringify(row.map(encodeValue))}\n`;
      }
      if (!gz.write(chunk)) await Promise.race([once(gz, 'drain'), failed]);
    }
    written[t.name] = { rows: digest.rows, digest: digest.hex() };
    await put({ end: t.name, rows: digest.rows, digest: digest.hex() });
  }
  await put({ complete: true, tables: Object.keys(written).length });
  gz.end();
  await Promise.race([once(out, 'close'), failed]);
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** The lines of a gzip'd file, decompressed as they are read; a damaged or cut file throws. */
async function* lines(file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file);
  const gunzip = zlib.createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of gunzip) {
      rest += decoder.write(chunk as Buffer);
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        yield rest.slice(0, nl);
        rest = rest.slice(nl + 1);
      }
    }
  } catch (e) {
    throw new BackupError(`${file} is damaged or cut short (${(e as Error).message})`);
  } finally {
    input.destroy();
  }
  if (rest + decoder.end()) yield rest;
}

/** A dump file as a backup source; each table's rows are checked against its digest as they are read. */
export async function openDumpSource(file: string): Promise<BackupSource> {
  const it = lines(file);
  const next = async (): Promise<unknown> => {
    const r = await it.next();
    if (r.done) throw new BackupError(`${file} is cut short: it ends before its last line`);
    try {
      return JSON.parse(r.value);
    } catch {
      throw new BackupError(`${file} is damaged: a line is not JSON`);
    }
  };
  const header = checkHeader(await next(), file);
  return {
    header,
    async *tables(): AsyncGenerator<SourceTable> {
      let count = 0;
      for (;;) {
        const line = (await next()) as {
          table?: string;
          columns?: string[];
          complete?: boolean;
          tables?: number;
        };
        if (line.complete) {
          if (line.tables !== count) throw new BackupError(`${file} is damaged: table count does not match`);
          return;
        }
        if (typeof line.table !== 'string' || !Array.isArray(line.columns))
          throw new BackupError(`${file} is damaged: expected a table's start`);
        const { table, columns } = line as { table: string; columns: string[] };
        count++;
        let done = false;
        yield {
          name: table,
          columns,
          async *batches() {
            const digest = new TableDigest();
            let batch: unknown[][] = [];
            for (;;) {
              const row = await next();
              if (!Array.isArray(row)) {
                const end = row as { end?: string; rows?: number; digest?: string };
                if (end.end !== table || end.rows !== digest.rows || end.digest !== digest.hex())
                  throw new BackupError(`${file} is damaged: the rows of ${table} do not match their digest`);
                break;
              }
              if (row.length !== columns.length)
                throw new BackupError(`${file} is damaged: a row of ${table}`);
              const values = row.map(decodeValue);
              digest.add(columns, values);
              batch.push(values);
              if (batch.length >= 500) {
                yield batch;
                batch = [];
              }
            }
            if (batch.length) yield batch;
            done = true;
          },
        };
        if (!done) throw new Error(`the rows of ${table} were not read to the end`);
      }
    },
    async close() {
      await it.return(undefined);
    },
  };
}
