// A backup source: a header and the tables, in an order that loads referenced tables first, each
// read in batches. Implemented by the live databases (sqlite-source.ts, postgres-source.ts) for
// writing a backup, and by the backup files (sqlite-source.ts, dump-file.ts) for restoring one.
import type { BackupHeader } from './backup-format.ts';

export interface SourceTable {
  name: string;
  columns: string[];
  /** The rows, a batch at a time; read it to the end before asking for the next table. */
  batches(): AsyncIterable<unknown[][]>;
}

export interface BackupSource {
  header: BackupHeader;
  tables(): AsyncIterable<SourceTable>;
  close(): Promise<void>;
}
