// Encryption at rest: an encrypted value is longer than its plaintext (key id, IV, tag, base64), so
// the two encrypted columns that had a length limit become unbounded text. SQLite does not enforce
// varchar lengths, so only PostgreSQL changes. Frozen: later changes go in new migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, type Kysely } from 'kysely';

const WIDENED: Array<[table: string, column: string, before: string]> = [
  ['cases', 'credit_name', 'varchar(100)'],
  ['attachments', 'filename', 'varchar(255)'],
];

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of WIDENED)
    await db.schema
      .alterTable(table)
      .alterColumn(column, (c) => c.setDataType('text'))
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  // Only possible once the values fit again (after decrypting them).
  for (const [table, column, before] of WIDENED)
    await db.schema
      .alterTable(table)
      .alterColumn(column, (c) => c.setDataType(before as 'text'))
      .execute();
}
