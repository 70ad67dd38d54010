// A live PostgreSQL database as a backup source: everything is read in ONE `REPEATABLE READ READ
// ONLY` transaction, so the dump is one consistent snapshot while the server keeps writing, and rows
// stream through server-side cursors instead of being held in memory. The connection is the one
// without the encryption plugin: encrypted columns are copied as the ciphertext they are.
/* eslint-disable @typescript-eslint/no-explicit-any -- tables and columns come from the catalogue */
import { CompiledQuery, type ControlledTransaction, type Kysely } from 'kysely';
import type { BackupHeader } from './backup-format.ts';
import { appliedMigrations, describeSchema, ident, keyIdsIn, loadOrder, type Query } from './schema-info.ts';
import type { BackupSource, SourceTable } from './source.ts';

const BATCH = 500;

export function kyselyQuery(db: Kysely<any>): Query {
  return async (text, params = []) =>
    (await db.executeQuery(CompiledQuery.raw(text, [...params]))).rows as any;
}

export async function openPostgresSource(
  db: Kysely<any>,
  header: Omit<BackupHeader, 'migrations' | 'keyIds'>,
): Promise<BackupSource> {
  const trx: ControlledTransaction<any> = await db
    .startTransaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute();
  try {
    const q = kyselyQuery(trx);
    const schema = await describeSchema(q, 'postgres');
    const full: BackupHeader = {
      ...header,
      migrations: await appliedMigrations(q, 'postgres'),
      keyIds: await keyIdsIn(q, new Set(schema.keys())),
    };
    const order = loadOrder(schema);
    return {
      header: full,
      async *tables(): AsyncGenerator<SourceTable> {
        for (const [n, name] of order.entries()) {
          const columns = schema.get(name)!.columns.map((c) => c.name);
          yield {
            name,
            columns,
            async *batches() {
              const cursor = `parley_backup_${n}`;
              await q(
                `declare ${cursor} no scroll cursor for select ${columns.map(ident).join(', ')} from ${ident(name)}`,
              );
              for (;;) {
                const rows = await q(`fetch ${BATCH} from ${cursor}`);
                if (!rows.length) break;
                yield rows.map((r) => columns.map((c) => r[c]));
              }
              await q(`close ${cursor}`);
            },
          };
        }
      },
      close: () => trx.rollback().execute(), // read only: nothing to commit
    };
  } catch (e) {
    await trx.rollback().execute();
    throw e;
  }
}
