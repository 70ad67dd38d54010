// The server's decision on the database schema before it serves: it serves only a database whose
// migrations are exactly this code's. Pending migrations are applied by `parley migrate` (after a
// backup) or, for single-process installs, by `parley serve --migrate`; never as a silent side effect
// of a restart, which could change the schema under other, older processes still serving it. A
// database migrated by a newer Parley is never served: this code does not know what changed.
import { NewerSchemaError, schemaStatus } from './storage/schema-status.ts';
import type { DatabaseHandle } from './storage/db.ts';

const MIGRATE_HINT =
  'Run `parley migrate` (back up first: `parley backup FILE`), then start again; ' +
  'or start with `parley serve --migrate` (PARLEY_MIGRATE_ON_START=true) to migrate on start.';

/** The schema is not this code's: pending migrations (or none yet). The message says what to do. */
export class SchemaNotCurrentError extends Error {
  constructor(
    readonly database: string,
    readonly pending: string[],
    readonly empty: boolean,
  ) {
    super(
      empty
        ? `The database (${database}) has no Parley schema yet. ${MIGRATE_HINT}`
        : `The database (${database}) needs ${pending.length} migration${pending.length === 1 ? '' : 's'} ` +
            `before this version of Parley can serve it: ${pending.join(', ')}. ${MIGRATE_HINT}`,
    );
    this.name = 'SchemaNotCurrentError';
  }
}

/** Throws NewerSchemaError or SchemaNotCurrentError unless the database has exactly our migrations. */
export async function assertCurrentSchema(handle: Pick<DatabaseHandle, 'db' | 'describe'>): Promise<void> {
  const status = await schemaStatus(handle.db);
  if (status.unknown.length) throw new NewerSchemaError(handle.describe, status.unknown);
  if (status.pending.length)
    throw new SchemaNotCurrentError(handle.describe, status.pending, status.applied.length === 0);
}
