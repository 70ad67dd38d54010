// Where a database stands against this code's migration set: which migrations it has, which it still
// needs, and which it has that this code does not know (written by a newer Parley). The server reads
// it before serving (a pending migration is the operator's call, made after a backup, not a silent
// side effect of a restart), and migrateToLatest refuses a newer schema with a clear message instead
// of Kysely's "corrupted migrations".
import { DEFAULT_MIGRATION_TABLE, type Kysely } from 'kysely';
import { MIGRATION_NAMES } from './migrations/index.ts';

export interface SchemaStatus {
  /** Migrations recorded in the database, in name order (known or not). */
  applied: string[];
  /** Migrations of this code the database does not have yet. */
  pending: string[];
  /** Migrations the database has that this code does not know: a newer Parley migrated it. */
  unknown: string[];
}

// Any Kysely works (Kysely<Database> or a migration's Kysely<any>): only the migration table is read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function schemaStatus(
  db: AnyDb,
  known: readonly string[] = MIGRATION_NAMES,
): Promise<SchemaStatus> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  const applied = tables.some((t) => t.name === DEFAULT_MIGRATION_TABLE)
    ? (
        (await db.selectFrom(DEFAULT_MIGRATION_TABLE).select('name').orderBy('name').execute()) as {
          name: string;
        }[]
      ).map((r) => r.name)
    : [];
  const have = new Set(applied);
  const knownSet = new Set(known);
  return {
    applied,
    pending: known.filter((n) => !have.has(n)),
    unknown: applied.filter((n) => !knownSet.has(n)),
  };
}

/** The database was migrated by a newer Parley: this code must not serve or migrate it. */
export class NewerSchemaError extends Error {
  constructor(
    readonly database: string,
    readonly unknown: string[],
  ) {
    super(
      `This database (${database}) was migrated by a newer Parley: it has migration${unknown.length === 1 ? '' : 's'} ` +
        `this version does not know (${unknown.join(', ')}; this version's latest is ${MIGRATION_NAMES.at(-1)}). ` +
        'Run that version of Parley (or a later one), or restore a backup taken before the upgrade (`parley restore FILE`).',
    );
    this.name = 'NewerSchemaError';
  }
}

/** Throws NewerSchemaError when the database has migrations this code does not know. */
export async function assertNotNewer(db: AnyDb, database: string): Promise<SchemaStatus> {
  const status = await schemaStatus(db);
  if (status.unknown.length) throw new NewerSchemaError(database, status.unknown);
  return status;
}
